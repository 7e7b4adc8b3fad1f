"""Builders for organizers, plans, meetings and staff with sensible defaults."""
from datetime import datetime, timedelta, timezone

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.extensions import db
from app.meetings import services
from app.plans.models import Organizer, Plan, RuleProfile
from app.rules.venue import MINISTRY_DEFAULTS

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the two-factor secret of staff(..., two_factor=True)
_HASH = hash_password(PASSWORD)  # hashed once: argon2id is slow on purpose
_counter = iter(range(1, 10**9))


def now() -> datetime:
    """The current moment, aware UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def organizer(slug=None, *, name=None, county_code="taichung", **profile) -> Organizer:
    """An organizer with a rule profile (the Ministry's defaults unless overridden)."""
    n = next(_counter)
    org = Organizer(slug=slug or f"org{n}", name=name or f"測試縣政府{n}", name_en=f"Test County {n}",
                    county_code=county_code)
    org.profile = RuleProfile(**(MINISTRY_DEFAULTS.as_dict() | profile), basis="")
    db.session.add(org)
    db.session.flush()
    return org


def plan(org=None, **fields) -> Plan:
    """A plan of the organizer, in the planning stage unless told otherwise."""
    org = org or organizer()
    values = dict(name=f"測試國土計畫{next(_counter)}", name_en="", county_code=org.county_code, stage="planning",
                  summary="")
    values.update(fields)
    p = Plan(organizer=org, **values)
    db.session.add(p)
    db.session.flush()
    return p


def meeting_data(org, *, start=None, hours=3, **fields) -> dict:
    """The dict create_meeting takes, with the organizer's profile settings."""
    start = start or now() + timedelta(days=10)
    data = services.profile_defaults(org) | dict(
        kind="hearing", phase=None, title="公聽會", summary="", starts_at=start, ends_at=start + timedelta(hours=hours),
        venue_name="市政大樓 201 會議室", venue_address="臺中市西屯區臺灣大道三段 99 號", directions="", overflow_room="大禮堂",
        livestream_url="", contact="", registration_opens_at=None, registration_closes_at=None)
    data.update(fields)
    return data


def meeting(org=None, the_plan=None, *, status="published", actor=None, reason="因故", **fields):
    """A meeting created through the service, then published/postponed/cancelled as asked."""
    the_plan = the_plan or plan(org)
    org = org or the_plan.organizer
    m = services.create_meeting(the_plan, org, meeting_data(org, **fields), actor=actor, now=now(),
                                departure_reason=fields.get("departure_reason", "測試"))
    if status in ("published", "postponed", "cancelled"):
        services.publish_meeting(m, actor=actor, now=now())
    if status == "postponed":
        services.postpone_meeting(m, starts_at=m.starts_at + timedelta(days=7), ends_at=m.ends_at + timedelta(days=7),
                                  reason=reason, actor=actor, now=now())
    if status == "cancelled":
        services.cancel_meeting(m, reason=reason, actor=actor, now=now())
    db.session.flush()
    return m


def staff(role="secretariat", org=None, *, email=None, two_factor=None) -> User:
    """A staff account whose password is PASSWORD; admins have two-factor sign-in set up (as they must),
    with the secret TOTP_SECRET, unless `two_factor=False`."""
    n = next(_counter)
    if role != "admin" and org is None:
        org = organizer()
    user = User(email=email or f"staff{n}@example.tw", name=f"承辦人{n}", role=role,
                organizer=org if role != "admin" else None, password_hash=_HASH,
                totp_secret=TOTP_SECRET if (role == "admin" if two_factor is None else two_factor) else None)
    db.session.add(user)
    db.session.flush()
    return user


def commit():
    """Commit what the factories built, so that requests in other sessions see it."""
    db.session.commit()


def open_meeting(org=None, *, cases=0, **fields):
    """A published meeting whose registration window is open now; `cases` review cases (0: a hearing)."""
    start = fields.pop("start", None) or now() + timedelta(days=10)
    m = meeting(org, registration_opens_at=now() - timedelta(days=1), registration_closes_at=start - timedelta(days=1),
                start=start, kind="committee" if cases else "hearing", **fields)
    from app.meetings.models import ReviewCase
    for n in range(cases):
        m.cases.append(ReviewCase(title=f"第{n + 1}案", summary="", comment_minutes=30, position=n))
    db.session.flush()
    return m


_people = iter(range(1, 10**9))


def application_data(kind="speak", **fields) -> dict:
    """The dict submit_application takes: a new person each call, consent given."""
    n = next(_people)
    data = dict(kind=kind, name=f"王小明{n}", organisation="", township="", village="", email=f"person{n}@example.tw",
                phone="", case_ids=[], party_concerned=False, party_statement="", consent=True, locale="zh_Hant_TW")
    data.update(fields)
    return data


def application(the_meeting, kind="speak", *, confirm=True, at=None, **fields):
    """An application submitted (and, unless told otherwise, confirmed) through the services."""
    from app.registrations import services as registrations
    moment = at or now()
    app_ = registrations.submit_application(the_meeting, application_data(kind, **fields), now=moment)
    if confirm:
        app_ = registrations.confirm_application(app_, now=moment)
    db.session.flush()
    return app_
