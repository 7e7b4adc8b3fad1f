"""Demo directory entries and subscribers, so that publishing a draft meeting in `make run` sends a
notice that lands in the local mail sink (scripts/dev-mail-sink.py)."""
import secrets
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..plans.models import Organizer
from ..rules.names import normalise_email
from ..rules.participation import MEETING_KINDS
from .directory import new_organisation
from .models import ACTIVE, AGENCY, COUNTY, KIND, NGO, TOPIC, Contact, Follow, Subscriber
from .notices import PENDING_KEY

SUBSCRIBERS = (("citizen@demo.example.tw", "zh_Hant_TW"), ("resident@demo.example.tw", "en"))


def load_demo_directory(*, now: datetime) -> dict:
    """Per organizer: a local NGO following its county and a standing agency (P11); two confirmed
    subscribers following every county of the demo. The demo meetings' own notices are kept as a record
    but not mailed (a newcomer's sink shows only what they do)."""
    db.session.info.pop(PENDING_KEY, None)
    organizers = db.session.scalars(select(Organizer).order_by(Organizer.id)).all()
    for organizer in organizers:
        ngo = new_organisation(organizer.id, f"{organizer.name[:3]}國土保育聯盟", now=now, kind=NGO)
        ngo.contacts.append(_contact("秘書", f"ngo-{organizer.slug}@demo.example.tw"))
        ngo.follows += [Follow(kind=COUNTY, value=organizer.county_code or ""), Follow(kind=TOPIC, value="濕地")]
        agency = new_organisation(organizer.id, f"{organizer.name}都市發展局", now=now, kind=AGENCY)
        agency.standing = True
        agency.contacts.append(_contact("承辦人", f"agency-{organizer.slug}@demo.example.tw"))
    counties = sorted({o.county_code for o in organizers if o.county_code})
    for email, locale in SUBSCRIBERS:
        subscriber = Subscriber(email=email, email_key=normalise_email(email), locale=locale, state=ACTIVE,
                                nonce=secrets.token_urlsafe(12), created_at=now, confirmed_at=now)
        subscriber.follows = [Follow(kind=COUNTY, value=c) for c in counties]
        if locale == "en":
            subscriber.follows += [Follow(kind=KIND, value=k) for k in MEETING_KINDS]
        db.session.add(subscriber)
    db.session.flush()
    return {"directory organisations": 2 * len(organizers), "subscribers": len(SUBSCRIBERS)}


def _contact(role: str, email: str) -> Contact:
    return Contact(name="", role=role, email=email, email_key=normalise_email(email), phone="")
