"""A meeting's applications as spreadsheet rows for the secretariat (written by app/spreadsheets.py as
CSV or OpenDocument)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..labels import LABELS
from ..timefmt import ROC_EPOCH, clock, iso, to_local
from .models import SPEAK, Application, SpeakingRequest


def roc_stamp(moment) -> str:
    """A Taipei time as ROC-calendar text, e.g. 114/03/05 14:30."""
    if moment is None:
        return ""
    local = to_local(moment)
    return f"{local.year - ROC_EPOCH:03d}/{local.month:02d}/{local.day:02d} {clock(moment)}"


def _label(group: str, code) -> str:
    return str(LABELS[group].get(code, code)) if code else ""


HEADERS = (
    _l("Application"), _l("Kind"), _l("Channel"), _l("Pool"), _l("Status"), _l("Full name"), _l("Organisation"),
    _l("Township"), _l("Village"), _l("E-mail"), _l("Phone"), _l("Interest group"), _l("Case"), _l("Place held"),
    _l("Position"), _l("Party-concerned claim"), _l("How the case concerns them"), _l("Claim decision note"),
    _l("Check-in code"), _l("Submitted (ROC)"), _l("Submitted (ISO 8601)"), _l("Time of application (ROC)"),
    _l("Time of application (ISO 8601)"), _l("Ended (ROC)"), _l("Ended (ISO 8601)"), _l("Reason not accepted"),
    _l("Language for e-mails"))


def headers() -> list[str]:
    """The column names, in the current language."""
    return [str(name) for name in HEADERS]


def _times(application: Application) -> list[str]:
    return [roc_stamp(application.submitted_at), iso(application.submitted_at),
            roc_stamp(application.confirmed_at), iso(application.confirmed_at),
            roc_stamp(application.ended_at), iso(application.ended_at)]


def _row(application: Application, request: SpeakingRequest | None) -> list:
    meeting = application.meeting
    if request is not None:
        case = request.case.title if request.case is not None else meeting.title
        place = [case, _label("outcome", request.outcome), request.position, _label("claim", request.claim),
                 request.party_statement, request.claim_note]
    else:
        place = ["", _label("outcome", application.outcome), application.position, "", "", ""]
    return [application.id, _label("application_kind", application.kind), _label("channel", application.channel),
            _label("pool", application.pool) if application.kind == "speak" else "",
            _label("application_status", application.status), application.name,
            application.organisation, application.township, application.village, application.email,
            application.phone, application.interest_group, *place, application.check_in_code or "",
            *_times(application), application.rejection_reason,
            _label("language", application.locale)]


def export_rows(meeting) -> list[list]:
    """The header and one row per application — a speaker once per case they asked to speak on —
    oldest time of application first. Numbers stay numbers; everything else is text."""
    applications = db.session.scalars(
        select(Application).where(Application.meeting_id == meeting.id)
        .options(selectinload(Application.requests).joinedload(SpeakingRequest.case),
                 joinedload(Application.meeting))
        .order_by(Application.confirmed_at.is_(None), Application.confirmed_at, Application.id)).all()
    rows = [headers()]
    for application in applications:
        if application.kind == SPEAK and application.requests:
            rows += [_row(application, request) for request in application.requests]
        else:
            rows.append(_row(application, None))
    return rows
