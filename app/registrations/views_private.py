"""What the applicant's pages share (views_public, views_changes): no caching or indexing, the pages
for a link that cannot be used, finding the application a private link names, and the private page."""
import hmac

from flask import render_template
from flask_babel import lazy_gettext as _l

from ..dbtypes import utcnow
from ..extensions import db
from ..params import MAX_ID
from ..rules.periods import cancellation_notice_by
from ..web import private_pages
from . import links
from .forms_changes import change_forms
from .models import ACTIVE, Application
from .placing import holds_place
from .services import AlreadyUsed, is_late_cancellation
from .wording import claim_lines, place_lines, status_label

# What the pages for a link that cannot be used say: (heading, text).
LINK_PROBLEMS = {
    "invalid": (_l("This link is not valid"),
                _l("The link is incomplete, was altered, or has been replaced by a newer one. Open the link "
                   "exactly as it appears in your most recent e-mail from the portal.")),
    "expired": (_l("This link has expired"),
                _l("Confirmation links work for %(days)s days. Nothing was saved from the old application; "
                   "please apply again from the meeting's page while registration is open.")),
    "used": (_l("This application is already confirmed or closed"),
             _l("This confirmation link has already been used, or the application was cancelled or not "
                "accepted. Nothing was changed. To see your application, use the link in the e-mail that "
                "acknowledged it.")),
}


def guard(bp):
    """Give a blueprint of the applicant's pages the private headers and the pages for bad links."""
    bp.after_request(private_pages)
    bp.register_error_handler(links.LinkInvalid, link_invalid)
    bp.register_error_handler(links.LinkExpired, link_expired)
    bp.register_error_handler(AlreadyUsed, link_used)


def link_invalid(error):
    """A forged, altered or revoked link, or one naming no application: as if the page did not exist."""
    return _link_problem("invalid", 404)


def link_expired(error):
    """A genuine confirmation link, too old: apply again."""
    return _link_problem("expired", 410)


def link_used(error):
    """A confirmation link used a second time; the page does not reveal the management link."""
    return _link_problem("used", 409)


def _link_problem(kind: str, status: int):
    db.session.rollback()
    title, text = LINK_PROBLEMS[kind]
    text = str(text) % {"days": links.CONFIRM_MAX_AGE // 86400} if kind == "expired" else text
    return render_template("registrations/link_problem.html", title=title, text=text, kind=kind), status


def application_for(token: str, purpose: str) -> Application:
    """The application a private link names; LinkInvalid unless it exists and the nonce still matches."""
    application_id, nonce = links.read_token(token, purpose)
    application = db.session.get(Application, application_id) if 1 <= application_id <= MAX_ID else None
    if application is None or not hmac.compare_digest(application.nonce.encode(), nonce.encode()):
        raise links.LinkInvalid()
    return application


def manage_page(application, token: str, form, status: int = 200, **forms):
    """The private page; `forms` replaces the change forms (views_changes) with one to show refused."""
    meeting, now = application.meeting, utcnow()
    return render_template(
        "registrations/manage.html", application=application, meeting=meeting, token=token, form=form,
        **change_forms(application, now) | forms,
        lines=place_lines(application) if application.status == ACTIVE else [],
        status=status_label(application), claims=claim_lines(application) if application.is_open else [],
        qr=links.check_in_qr_svg(application.check_in_code) if application.status == ACTIVE else None,
        seated=application.status == ACTIVE and holds_place(application),
        cancellable=application.is_open and now < meeting.ends_at,
        late=is_late_cancellation(meeting, now), cancel_by=cancellation_notice_by(meeting.starts_at)), status
