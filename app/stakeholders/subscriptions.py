"""Public subscriptions: ask (double opt-in), confirm, change preferences, unsubscribe. They flush,
never commit. Nothing here tells the caller whether an address was already subscribed."""
import secrets
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..counties import CODES
from ..extensions import db
from ..outbox import bulk
from ..outbox.models import UNSUBSCRIBED as UNSUBSCRIBED_REASON
from ..outbox.services import enqueue_mail
from ..params import whole_number
from ..rules.names import normalise_email
from ..rules.participation import MEETING_KINDS
from ..urls import external_url
from . import links
from .models import ACTIVE, COUNTY, KIND, PENDING, PLAN, UNSUBSCRIBED, Follow, Subscriber

# Asking again for the same address sends at most one confirmation mail in this time.
RESEND_INTERVAL = timedelta(minutes=15)
CHOICE_KINDS = ((COUNTY, "counties"), (PLAN, "plans"), (KIND, "kinds"))


def clean_choices(counties, plans, kinds, plan_ids) -> dict:
    """The choices limited to known counties, plans and meeting kinds, sorted and without repeats."""
    return {"counties": sorted(set(counties) & set(CODES)),
            "plans": sorted({i for i in (whole_number(str(p)) for p in plans) if i in plan_ids}),
            "kinds": sorted(set(kinds) & set(MEETING_KINDS))}


def request_subscription(email: str, choices: dict, *, locale: str, now: datetime) -> bool:
    """Mail a confirmation link carrying the choices (nothing is followed before it is used); at most
    one per RESEND_INTERVAL per address. Returns whether a mail was queued (never shown to the visitor)."""
    key = normalise_email(email)
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email_key == key))
    if subscriber is None:
        subscriber = Subscriber(email=email.strip(), email_key=key, locale=locale, state=PENDING,
                                nonce=secrets.token_urlsafe(12), created_at=now)
        db.session.add(subscriber)
    elif subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < RESEND_INTERVAL:
        return False
    subscriber.confirmation_sent_at = now
    token = links.confirm_token({"email": email.strip(), "locale": locale, **choices})
    with force_locale(locale):
        body = render_template("email/subscription_confirm.txt",
                               url=external_url("subscriptions.confirm", token=token))
        subject = str(_l("Please confirm your subscription to meeting notices"))
    enqueue_mail(email.strip(), subject, body, topic="subscription.confirm", now=now)
    db.session.flush()
    return True


def _replace_follows(subscriber: Subscriber, choices: dict):
    subscriber.follows.clear()
    for kind, field in CHOICE_KINDS:
        subscriber.follows.extend(Follow(kind=kind, value=str(value)) for value in choices.get(field, ()))


def confirm_subscription(choices: dict, *, now: datetime) -> Subscriber:
    """Double opt-in: the address's owner used the link; the choices take effect and a suppression of
    the address (a bounce, an earlier unsubscribe) is lifted."""
    key = normalise_email(choices["email"])
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email_key == key))
    if subscriber is None:
        subscriber = Subscriber(email=choices["email"], email_key=key, nonce=secrets.token_urlsafe(12),
                                created_at=now)
        db.session.add(subscriber)
    subscriber.email, subscriber.locale = choices["email"], choices.get("locale") or "zh_Hant_TW"
    subscriber.state, subscriber.confirmed_at, subscriber.unsubscribed_at = ACTIVE, now, None
    _replace_follows(subscriber, choices)
    bulk.lift(subscriber.email)
    db.session.flush()
    audit.record(None, "subscription.confirmed", subscriber, {"follows": len(subscriber.follows)}, now=now)
    return subscriber


def choices_of(subscriber: Subscriber) -> dict:
    """What the subscriber follows, as the form's choices."""
    found = {field: [] for _, field in CHOICE_KINDS}
    names = dict(CHOICE_KINDS)
    for follow in subscriber.follows:
        if follow.kind in names:
            found[names[follow.kind]].append(int(follow.value) if follow.kind == PLAN else follow.value)
    return found


def update_preferences(subscriber: Subscriber, choices: dict, *, now: datetime) -> Subscriber:
    """Change what an active subscriber follows (from the signed preferences link)."""
    _replace_follows(subscriber, choices)
    db.session.flush()
    audit.record(None, "subscription.changed", subscriber, {"follows": len(subscriber.follows)}, now=now)
    return subscriber


def unsubscribe(email_key: str, *, now: datetime) -> None:
    """One-click unsubscribe (RFC 8058): no more bulk notices to the address, from any list."""
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email_key == email_key))
    if subscriber is not None and subscriber.state != UNSUBSCRIBED:
        subscriber.state, subscriber.unsubscribed_at = UNSUBSCRIBED, now
        audit.record(None, "subscription.unsubscribed", subscriber, {}, now=now)
    bulk.suppress(email_key, UNSUBSCRIBED_REASON, now=now)
    db.session.flush()


def subscriber_for(email_key: str) -> Subscriber | None:
    """The active subscriber with this address identity, if any."""
    return db.session.scalar(select(Subscriber).where(Subscriber.email_key == email_key,
                                                      Subscriber.state == ACTIVE))
