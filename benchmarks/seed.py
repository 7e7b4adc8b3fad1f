"""Create the benchmark database and fill it with 2,000 published meetings (bulk inserts).

The rows are what the portal's own workflows would have written: every organizer has a rule
profile, every meeting copies its organizer's settings (a few depart from them and carry a
RuleDeparture with a reason), has a unique calendar uid, a "publish" status change, an agenda,
cases for committee meetings, materials, and speakers holding a place (online, and for some
meetings representatives of other channels by shared interest), as the allocation leaves them.
Each meeting is checked against the same pure rules the services apply (W1 schedule, V3/V11
settings) before it is inserted.
"""
import itertools
import os
import random
import uuid
from datetime import date, datetime, time, timedelta, timezone

import psycopg
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from app.rules.periods import schedule_problems
from app.rules.venue import MINISTRY_DEFAULTS, SETTING_NAMES, VenueSettings, settings_problems
from app.timefmt import TAIPEI

MEETINGS = 2000
SITE_DOMAIN = "landuse-participation.tw"

# slug, name, English name, county code, profile overrides
ORGANIZERS = (
    ("moi", "內政部", "Ministry of the Interior", None, {}),
    ("taichung", "臺中市政府", "Taichung City Government", "taichung", {}),
    ("yilan", "宜蘭縣政府", "Yilan County Government", "yilan", {"gallery_seats": 15, "observers_per_group": 3}),
    ("kaohsiung", "高雄市政府", "Kaohsiung City Government", "kaohsiung", {}),
    ("tainan", "臺南市政府", "Tainan City Government", "tainan", {"gallery_seats": 30}),
    ("taoyuan", "桃園市政府", "Taoyuan City Government", "taoyuan", {}),
    ("new-taipei", "新北市政府", "New Taipei City Government", "new-taipei", {"minutes_per_speaker": 5}),
    ("hualien", "花蓮縣政府", "Hualien County Government", "hualien", {}),
)
COUNTY_ORGANIZERS = tuple(slug for slug, *_ in ORGANIZERS if slug != "moi")
PLAN_KINDS = (
    ("國土計畫", "Spatial Plan", "deliberation"),
    ("都市計畫第三次通盤檢討", "Third Comprehensive Review of the Urban Plan", "exhibition"),
    ("鄉村地區整體規劃", "Rural Area Integrated Plan", "planning"),
)
KINDS = ("hearing", "symposium", "workshop", "committee", "subgroup")
VENUES = (
    ("市政大樓 2 樓第一會議室", "市府路 1 號", "捷運市政府站 3 號出口步行約 8 分鐘。\n公車：市政府站。",
     "文心樓 4 樓大禮堂"),
    ("縣政府 302 會議室", "縣政北路 1 號", "火車站轉乘公車至縣政府站。\n開車：縣政府南側停車場。", "1 樓大禮堂"),
    ("區公所 5 樓禮堂", "中山路二段 100 號", "公車：區公所站。", ""),
)
MOI_VENUE = ("內政部國土管理署 601 會議室", "臺北市松山區八德路二段 342 號",
             "捷運：南京復興站或台北小巨蛋站，步行約 10 分鐘。", "1 樓大禮堂")
AGENDA = (("主席致詞", "主辦機關首長", 10), ("計畫內容簡報", "規劃單位", 30),
          ("民眾及團體發言", "登記發言者", 70), ("綜合回應", "主辦機關", 20))
ATTENDANCE = (("都市發展局", "綜合規劃科", 2, "功能分區、成長管理"), ("農業局", "農地利用科", 1, "農業發展地區"),
              ("內政部國土管理署", "城鄉發展分署", 1, "全案"))


def bench_database_url(base_url: str, name: str = "portal_bench") -> str:
    """The URL of the benchmark database on the same server as `base_url`."""
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def fresh_database_url(name: str, folder: str) -> str:
    """BENCH_DATABASE_URL as given; else a fresh database `name` on BENCH_POSTGRES_URL's server; else a new
    SQLite file `name`.sqlite3 in `folder`: where a benchmark that runs on either engine keeps its data."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if os.environ.get("BENCH_POSTGRES_URL"):
        url = bench_database_url(os.environ["BENCH_POSTGRES_URL"], name)
        recreate_database(url)
        return url
    return f"sqlite:///{folder}/{name}.sqlite3"


def recreate_database(url: str) -> None:
    """Drop and create the database `url` names (the server must be reachable as its owner)."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TAIPEI).astimezone(timezone.utc)


def _organizer_rows(now):
    organizers, profiles = [], []
    for number, (slug, name, name_en, county, overrides) in enumerate(ORGANIZERS, start=1):
        organizers.append(dict(id=number, slug=slug, name=name, name_en=name_en, county_code=county))
        profiles.append(dict(id=number, organizer_id=number, basis="內政部國土空間計畫審議會議及會場管理要點",
                             updated_at=now, **(MINISTRY_DEFAULTS.as_dict() | overrides)))
    return organizers, profiles


def _plan_rows(today, now):
    dates = dict.fromkeys(("exhibition_starts_on", "exhibition_ends_on", "approval_letter_on", "announced_on",
                           "announcement_exhibition_ends_on"))
    plans = [dict(dates, id=1, organizer_id=1, name="全國國土計畫", name_en="National Spatial Plan", county_code=None,
                  stage="announced", summary="國土空間發展的最上位計畫。", approval_letter_on=date(2018, 4, 20),
                  announced_on=date(2018, 4, 30), announcement_exhibition_ends_on=date(2018, 7, 31),
                  created_at=now, updated_at=now)]
    for org_number, (_slug, name, name_en, county, _) in enumerate(ORGANIZERS, start=1):
        if county is None:
            continue
        place, place_en = name.removesuffix("政府"), name_en.removesuffix(" Government")
        for plan_name, plan_en, stage in PLAN_KINDS:
            exhibition = stage != "planning"
            plans.append(dict(
                dates, id=len(plans) + 1, organizer_id=org_number, name=f"{place}{plan_name}",
                name_en=f"{place_en} {plan_en}",
                county_code=county, stage=stage, summary=f"{place}{plan_name}草案，歡迎民眾參與。",
                exhibition_starts_on=today - timedelta(days=60) if exhibition else None,
                exhibition_ends_on=today - timedelta(days=25) if exhibition else None,
                created_at=now, updated_at=now))
    return plans


def _meeting_row(number, rng, plan, organizers, profiles, now, today):
    kind = KINDS[number % len(KINDS)]
    by_moi = kind in ("committee", "subgroup") or plan["county_code"] is None
    organizer = organizers[0] if by_moi else organizers[plan["organizer_id"] - 1]
    settings = dict((k, v) for k, v in profiles[organizer["id"] - 1].items() if k in SETTING_NAMES)
    departure = None
    if number % 19 == 0:  # a few meetings raise the online-speaker cap (V3 allows up to 10)
        departure = dict(setting="speaker_cap", profile_value=settings["speaker_cap"], value=8,
                         reason="陳情案件眾多，依會場管理要點第三點第一款提高線上發言名額。")
        settings["speaker_cap"] = 8
    day = today + timedelta(days=rng.randint(-365, 365))
    start_hour = rng.choice((9, 14))
    starts_at, ends_at = _local(day, start_hour), _local(day, start_hour + 3)
    opens_at = closes_at = None
    if kind in ("hearing", "symposium", "workshop"):
        opens_at, closes_at = _local(day - timedelta(days=21), 9), _local(day - timedelta(days=4), 17)
    venue = MOI_VENUE if by_moi else VENUES[number % len(VENUES)]
    county_prefix = "" if by_moi else organizer["name"].removesuffix("政府")
    phase = ("initial", "middle", "final")[number % 3] if kind in ("symposium", "workshop") else None
    title = {"hearing": f"{plan['name']}（草案）公聽會（第 {number % 7 + 1} 場）",
             "symposium": f"{plan['name']}座談會",
             "workshop": f"{plan['name']}工作坊：成長管理與氣候調適",
             "committee": f"內政部國土計畫審議會第 {number // 5 + 1} 次會議（{plan['name']}）",
             "subgroup": f"{plan['name']}專案小組第 {number // 5 % 9 + 1} 次會議"}[kind]
    row = dict(
        id=number, uid=f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@{SITE_DOMAIN}", plan_id=plan["id"],
        organizer_id=organizer["id"], kind=kind, phase=phase, title=title,
        summary="說明計畫草案內容，並聽取民眾、團體及相關機關意見。" * rng.randint(1, 3),
        starts_at=starts_at, ends_at=ends_at, venue_name=venue[0], venue_address=county_prefix + venue[1],
        directions=venue[2], overflow_room=venue[3],
        livestream_url="https://www.youtube.com/@landuse-demo" if by_moi else "",
        contact=f"{organizer['name']} 承辦人\n電話：(02) 8771-{2000 + number % 8000:04d}",
        registration_opens_at=opens_at, registration_closes_at=closes_at, status="published", status_reason="",
        sequence=3, created_at=now - timedelta(days=400), updated_at=now - timedelta(days=30),
        published_at=now - timedelta(days=30), **settings)
    problems = schedule_problems(starts_at, ends_at, opens_at, closes_at)
    problems += settings_problems(VenueSettings(**{n: row[n] for n in SETTING_NAMES}))
    if problems:
        raise ValueError(f"seed meeting {number} breaks the rules: {problems}")
    return row, departure


SURNAMES = "陳林黃張李王吳劉蔡楊"
GROUPS = ("", "", "里民自救會", "環境保護聯盟", "農會", "地主協會")


def _speakers(meeting, cases, rng, ids):
    """Allocated speakers per case (V3, V4): a few online places, sometimes an other-channel representative."""
    applications, requests = [], []
    for case in cases or [None]:
        for position in range(1, rng.randint(2, 6)):
            pool = "other" if position == 1 and rng.random() < 0.3 else "online"
            n = next(ids["Application"])
            group = rng.choice(GROUPS)
            organisation = f"{group}{n % 40}" if group else ""
            applications.append(dict(
                id=n, meeting_id=meeting["id"], kind="speak", channel="online" if pool == "online" else "paper",
                pool=pool, status="active", name=f"{SURNAMES[n % 10]}{n}", name_key=f"{SURNAMES[n % 10]}{n}",
                organisation=organisation, org_key=organisation, township="", village="", village_key="",
                email=f"speaker{n}@example.tw", email_key=f"speaker{n}@example.tw", phone="", phone_key="",
                interest_group="里民" if pool == "other" else "", locale="zh_Hant_TW", nonce=f"{n:032x}",
                check_in_code=f"{n:08X}", outcome=None, reason="", position=None, rejection_reason="",
                submitted_at=meeting["published_at"], consented_at=meeting["published_at"],
                confirmed_at=meeting["published_at"], ended_at=None, recorded_by_id=None))
            requests.append(dict(
                application_id=n, meeting_id=meeting["id"], case_id=case and case["id"],
                case_key=case["id"] if case else 0, org_key=organisation, active=True, party_concerned=False,
                party_statement="", claim="none", claim_note="", outcome="allocated", reason="",
                position=1 if pool == "other" else position))
    return applications, requests


def _parts(meeting, departure, rng, now, ids):
    """Agenda items, cases, suggested attendance, materials, status change and departure of one meeting."""
    mid, start = meeting["id"], meeting["starts_at"]
    agenda, at = [], start
    for position, (title, presenter, minutes) in enumerate(AGENDA, start=1):
        agenda.append(dict(meeting_id=mid, position=position, starts_at=at, ends_at=at + timedelta(minutes=minutes),
                           title=title, presenter=presenter))
        at += timedelta(minutes=minutes)
    cases = []
    if meeting["kind"] in ("committee", "subgroup", "hearing"):
        for position in range(1, rng.randint(2, 4)):
            cases.append(dict(id=next(ids["ReviewCase"]), meeting_id=mid, position=position,
                              title=f"第 {position} 案：國土功能分區劃設原則",
                              summary="詳如議程資料。", comment_minutes=meeting["comment_minutes_per_case"]))
    attendance = []
    if meeting["kind"] in ("committee", "subgroup"):
        attendance = [dict(meeting_id=mid, agency=a, unit=u, seats=s, subtopics=t) for a, u, s, t in ATTENDANCE]
    materials = [dict(meeting_id=mid, plan_id=None, category="agenda", title="會議議程資料", link_url=None,
                      stored_name=f"{uuid.UUID(int=rng.getrandbits(128), version=4).hex}.pdf",
                      original_filename="議程資料.pdf", content_type="application/pdf",
                      size_bytes=rng.randint(80_000, 4_000_000), sha256="0" * 64, created_at=now)]
    materials.append(dict(meeting_id=mid, plan_id=None, category="briefing", title="簡報（線上檢視）",
                          link_url="https://www.nlma.gov.tw/", stored_name=None, original_filename=None,
                          content_type=None, size_bytes=None, sha256=None, created_at=now))
    if start < now:
        materials.append(dict(materials[0], category="minutes", title="會議紀錄", original_filename="會議紀錄.pdf",
                              stored_name=f"{uuid.UUID(int=rng.getrandbits(128), version=4).hex}.pdf"))
    change = dict(meeting_id=mid, at=meeting["published_at"], actor_id=None, from_status="draft",
                  to_status="published", reason="", previous_starts_at=start, new_starts_at=None)
    departures = [dict(meeting_id=mid, actor_id=None, at=meeting["created_at"], **departure)] if departure else []
    return (agenda, cases, attendance, materials, [change], departures, *_speakers(meeting, cases, rng, ids))


def build_rows(now: datetime, count: int = MEETINGS, seed: int = 2026) -> dict:
    """Every row to insert, by model name, deterministic for a given `now` and `seed`."""
    rng, today = random.Random(seed), now.astimezone(TAIPEI).date()
    organizers, profiles = _organizer_rows(now)
    plans = _plan_rows(today, now)
    rows = {name: [] for name in ("Meeting", "AgendaItem", "ReviewCase", "SuggestedAttendance", "Material",
                                  "MeetingStatusChange", "RuleDeparture", "Application", "SpeakingRequest")}
    ids = {"ReviewCase": itertools.count(1), "Application": itertools.count(1)}
    for number in range(1, count + 1):
        # Spread meetings over every plan; the county plans get most of them.
        plan = plans[0] if number % 25 == 0 else plans[1 + number % (len(plans) - 1)]
        meeting, departure = _meeting_row(number, rng, plan, organizers, profiles, now, today)
        rows["Meeting"].append(meeting)
        for name, part in zip(list(rows)[1:], _parts(meeting, departure, rng, now, ids), strict=True):
            rows[name].extend(part)
    return {"Organizer": organizers, "RuleProfile": profiles, "Plan": plans, **rows}


def seed(app, now: datetime) -> dict:
    """Create the schema in the app's database and insert the rows; return how many of each."""
    from app import models
    from app.extensions import db
    rows = build_rows(now)
    with app.app_context():
        db.create_all()
        for name, batch in rows.items():
            model = getattr(models, name)
            # Bulk Core inserts in chunks: fast, and UTCDateTime still converts the aware datetimes.
            for offset in range(0, len(batch), 1000):
                db.session.execute(insert(model.__table__), batch[offset:offset + 1000])
        for table in ("organizers", "rule_profiles", "plans", "meetings", "review_cases", "applications"):
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        published = db.session.scalar(select(func.count()).select_from(models.Meeting)
                                      .where(models.Meeting.status == "published"))
        db.session.remove()
    return {**{name: len(batch) for name, batch in rows.items()}, "published": published}
