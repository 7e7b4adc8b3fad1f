"""The commenter's receipt: a number to quote, and a signed link to follow the opinion (no account needed)."""
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..rules.dates import ROC_EPOCH

RECEIPT = "comment-receipt"
RECEIPT_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no look-alikes, easy to read out on the phone


class ReceiptInvalid(Exception):
    """The link was not issued by this portal, or was altered."""


def new_nonce() -> str:
    """A random value tying a link to one submission."""
    return secrets.token_urlsafe(12)


def new_receipt(year: int) -> str:
    """A receipt number such as 115-7QK4-MT9C (ROC year, then random characters)."""
    body = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{year - ROC_EPOCH:03d}-{body[:4]}-{body[4:]}"


def make_token(submission) -> str:
    """A signed token naming the submission and its nonce."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=RECEIPT).dumps([submission.id, submission.nonce])


def read_token(token: str) -> tuple[int, str]:
    """(submission id, nonce) from a token, or ReceiptInvalid."""
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=RECEIPT).loads(token)
    except BadSignature as error:
        raise ReceiptInvalid() from error
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)):
        raise ReceiptInvalid()
    return value[0], value[1]
