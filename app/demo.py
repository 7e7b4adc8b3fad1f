"""Realistic demo content, placed relative to `now` so that some registration is always open."""
import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete
from werkzeug.datastructures import FileStorage

from .accounts.services import create_staff
from .comments.demo import load_comments_demo
from .dayof.demo import load_day_of_demo
from .extensions import db
from .materials.services import attach_material
from .meetings import agenda, services
from .outbox.models import OutboxMessage
from .plans.models import Organizer, RuleProfile, StandingInvitee
from .plans.services import create_plan
from .registrations.services import confirm_application, submit_application
from .rules.venue import MINISTRY_DEFAULTS
from .stakeholders.demo import load_demo_directory
from .timefmt import TAIPEI, to_local

DEMO_PASSWORD = "demo-password-2026"
# The demo admin's two-factor key (admins must use it). Published here, so development only: add it
# to an authenticator app, or let `flask demo-code` print the current code.
DEMO_TOTP_SECRET = "DEMOADMINLANDUSETWOFACTORKEYABCD"
DEMO_STAFF = (
    ("admin@demo.landuse.tw", "系統管理員", "admin", None),
    ("taichung@demo.landuse.tw", "臺中市都發局承辦人", "secretariat", "taichung"),
    ("yilan@demo.landuse.tw", "宜蘭縣建設處承辦人", "secretariat", "yilan"),
    ("moi@demo.landuse.tw", "國土管理署幕僚", "secretariat", "moi"),
    ("planner@demo.landuse.tw", "臺中市規劃師", "planner", "taichung"),
)
ORGANIZERS = (
    ("moi", "內政部", "Ministry of the Interior", None, {}),
    ("taichung", "臺中市政府", "Taichung City Government", "taichung", {}),
    ("yilan", "宜蘭縣政府", "Yilan County Government", "yilan",
     {"gallery_seats": 15, "observers_per_group": 3, "basis": "宜蘭縣國土計畫審議會會場管理規定"}),
    ("kaohsiung", "高雄市政府", "Kaohsiung City Government", "kaohsiung", {}),
)
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _at(now: datetime, days: int, hour: int, minute: int = 0) -> datetime:
    """A Taipei wall-clock time `days` from today, as aware UTC."""
    day = to_local(now).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=TAIPEI).astimezone(now.tzinfo)


def _organizers():
    found = {}
    for slug, name, name_en, county, profile in ORGANIZERS:
        organizer = Organizer(slug=slug, name=name, name_en=name_en, county_code=county)
        settings = MINISTRY_DEFAULTS.as_dict() | {k: v for k, v in profile.items() if k != "basis"}
        organizer.profile = RuleProfile(**settings, basis=profile.get("basis", "內政部國土空間計畫審議會議及會場管理要點"))
        db.session.add(organizer)
        found[slug] = organizer
    db.session.flush()
    return found


def _plans(orgs, now):
    today = to_local(now).date()
    base = dict(summary="", exhibition_starts_on=None, exhibition_ends_on=None, approval_letter_on=None,
                announced_on=None, announcement_exhibition_ends_on=None)
    specs = {
        "national": (orgs["moi"], dict(base, name="全國國土計畫", name_en="National Spatial Plan", county_code=None,
                                       stage="announced", approval_letter_on=date(2018, 4, 20),
                                       announced_on=date(2018, 4, 30),
                                       announcement_exhibition_ends_on=date(2018, 7, 31),
                                       summary="國土空間發展的最上位計畫，指導直轄市、縣（市）國土計畫。")),
        "taichung": (orgs["taichung"], dict(base, name="臺中市國土計畫", name_en="Taichung City Spatial Plan",
                                            county_code="taichung", stage="deliberation",
                                            exhibition_starts_on=today - timedelta(days=150),
                                            exhibition_ends_on=today - timedelta(days=121),
                                            summary="臺中市國土計畫草案，已完成公開展覽，現由內政部國土計畫審議會審議中。")),
        "yilan": (orgs["yilan"], dict(base, name="宜蘭縣國土計畫", name_en="Yilan County Spatial Plan",
                                      county_code="yilan", stage="exhibition",
                                      exhibition_starts_on=today - timedelta(days=10),
                                      exhibition_ends_on=today + timedelta(days=19),
                                      summary="宜蘭縣國土計畫草案公開展覽中，歡迎於展覽期間提出書面意見。")),
        "kaohsiung": (orgs["kaohsiung"], dict(base, name="高雄市國土計畫", name_en="Kaohsiung City Spatial Plan",
                                              county_code="kaohsiung", stage="approval",
                                              exhibition_starts_on=today - timedelta(days=400),
                                              exhibition_ends_on=today - timedelta(days=365),
                                              approval_letter_on=today - timedelta(days=12),
                                              summary="高雄市國土計畫已經內政部核定，將於收到核定函後 30 日內公告實施。")),
    }
    return {key: create_plan(org, data, actor=None, now=now) for key, (org, data) in specs.items()}


def _meeting(plan, organizer, now, *, days, hours=(14, 17), reg=None, **fields):
    defaults = services.profile_defaults(organizer)
    data = defaults | dict(phase=None, summary="", directions="", overflow_room="", livestream_url="", contact="",
                           registration_opens_at=None, registration_closes_at=None) | fields
    data["starts_at"], data["ends_at"] = _at(now, days, hours[0]), _at(now, days, hours[1])
    if reg:
        data["registration_opens_at"] = _at(now, reg[0], 9)
        data["registration_closes_at"] = _at(now, reg[1], 17)
    return services.create_meeting(plan, organizer, data, actor=None, now=now,
                                   departure_reason=fields.pop("departure_reason", ""))


TAICHUNG_VENUE = dict(venue_name="臺中市政府臺灣大道市政大樓 惠中樓 2 樓", venue_address="臺中市西屯區臺灣大道三段 99 號",
                      directions="捷運：綠線市政府站 3 號出口步行約 8 分鐘。\n公車：搭乘 300～310 號至「市政府」站。\n"
                                 "開車：市政大樓地下停車場（收費）。",
                      overflow_room="文心樓 4 樓大禮堂")
MOI_VENUE = dict(venue_name="內政部營建署 601 會議室", venue_address="臺北市松山區八德路二段 342 號",
                 directions="捷運：文湖線南京復興站或松山新店線台北小巨蛋站，步行約 10 分鐘。\n公車：八德路口站。",
                 overflow_room="1 樓大禮堂", livestream_url="https://www.youtube.com/@moi-demo",
                 contact="作業單位：國土管理署綜合計畫組\n電話：(02) 8771-2345\n傳真：(02) 8771-2346\nE-mail：landuse@demo.gov.tw")
YILAN_VENUE = dict(venue_name="宜蘭縣政府 302 會議室", venue_address="宜蘭縣宜蘭市縣政北路 1 號",
                   directions="火車：宜蘭火車站轉乘公車 1766 號至縣政府站。\n開車：縣政府南側停車場。",
                   overflow_room="縣政府 1 樓大禮堂",
                   contact="宜蘭縣政府建設處\n電話：(03) 925-1000 分機 3610\n傳真：(03) 935-1234")


def _meetings(orgs, plans, now):
    tc, moi, yl = orgs["taichung"], orgs["moi"], orgs["yilan"]
    made = {}
    for key, days, phase, kind, title in (("tc1", -420, "initial", "symposium", "臺中市國土計畫期初座談會"),
                                          ("tc2", -330, "middle", "workshop", "臺中市國土計畫期中工作坊：成長管理與氣候調適"),
                                          ("tc3", -240, "final", "symposium", "臺中市國土計畫期末座談會：功能分區與土地使用管制")):
        made[key] = _meeting(plans["taichung"], tc, now, days=days, kind=kind, phase=phase, title=title,
                             summary="邀請學者專家、民間團體及相關機關參與討論。", **TAICHUNG_VENUE)
    made["tc_hearing"] = _meeting(plans["taichung"], tc, now, days=-140, kind="hearing", title="臺中市國土計畫（草案）公聽會（西屯場）",
                                  **TAICHUNG_VENUE)
    made["moi_committee"] = _meeting(
        plans["taichung"], moi, now, days=10, hours=(9, 12), reg=(-5, 6), kind="committee",
        title="內政部國土計畫審議會第 12 次會議（臺中市國土計畫）", speaker_cap=8,
        departure_reason="本案陳情案件眾多，依會場管理要點第三點第一款提高線上發言名額。",
        summary="審議臺中市國土計畫，並討論公開展覽期間民眾及團體陳情意見。", **MOI_VENUE)
    made["moi_subgroup"] = _meeting(plans["taichung"], moi, now, days=20, kind="subgroup",
                                    title="臺中市國土計畫專案小組第 3 次會議", **MOI_VENUE)
    made["yl_hearing"] = _meeting(plans["yilan"], yl, now, days=14, hours=(14, 16), reg=(-3, 11), kind="hearing",
                                  title="宜蘭縣國土計畫（草案）公聽會（宜蘭市場）",
                                  summary="說明宜蘭縣國土計畫草案內容，並聽取民眾與團體意見。", **YILAN_VENUE)
    made["yl_hearing2"] = _meeting(plans["yilan"], yl, now, days=16, hours=(14, 16), kind="hearing",
                                   title="宜蘭縣國土計畫（草案）公聽會（羅東場）", **YILAN_VENUE)
    made["yl_draft"] = _meeting(plans["yilan"], yl, now, days=30, kind="workshop", phase="final",
                                title="宜蘭縣國土計畫農業發展地區工作坊（籌備中）", **YILAN_VENUE)
    made["ks_committee"] = _meeting(plans["kaohsiung"], moi, now, days=-60, kind="committee",
                                    title="內政部國土計畫審議會第 9 次會議（高雄市國土計畫）", **MOI_VENUE)
    made["national"] = _meeting(plans["national"], moi, now, days=40, hours=(13, 17), reg=(20, 35), kind="symposium",
                                phase="initial", title="全國國土計畫通盤檢討期初座談會", **MOI_VENUE)
    return made


def _details(made, now):
    committee = made["moi_committee"]
    for start, end, title, presenter in (((9, 0), (9, 10), "主席致詞", "內政部國土計畫審議會主任委員"),
                                         ((9, 10), (9, 40), "計畫內容簡報", "臺中市政府都市發展局"),
                                         ((9, 40), (11, 10), "民眾及團體發言", "登記發言者"),
                                         ((11, 10), (12, 0), "委員討論", "審議會委員")):
        agenda.add_agenda_item(committee, starts_at=_clock(committee, start), ends_at=_clock(committee, end),
                               title=title, presenter=presenter, actor=None, now=now)
    agenda.add_case(committee, title="第一案：臺中市國土功能分區劃設原則", summary="", comment_minutes=30, actor=None, now=now)
    agenda.add_case(committee, title="第二案：大肚山台地城鄉發展地區範圍", summary="", comment_minutes=45, actor=None, now=now)
    for agency, unit, seats, topics in (("臺中市政府", "都市發展局", 2, "功能分區、成長管理"),
                                        ("臺中市政府", "農業局", 1, "農業發展地區"),
                                        ("內政部國土管理署", "城鄉發展分署", 1, "全案")):
        agenda.add_suggested_attendance(committee, agency=agency, unit=unit, seats=seats, subtopics=topics,
                                        actor=None, now=now)
    hearing = made["yl_hearing"]
    agenda.add_case(hearing, title="宜蘭縣國土計畫（草案）", summary="", comment_minutes=None, actor=None, now=now)
    for start, end, title, presenter in (((14, 0), (14, 30), "草案內容說明", "宜蘭縣政府建設處"),
                                         ((14, 30), (15, 40), "民眾及團體發言", "登記發言者"),
                                         ((15, 40), (16, 0), "綜合回應", "宜蘭縣政府")):
        agenda.add_agenda_item(hearing, starts_at=_clock(hearing, start), ends_at=_clock(hearing, end),
                               title=title, presenter=presenter, actor=None, now=now)


def _clock(meeting, hm):
    day = to_local(meeting.starts_at).date()
    return datetime.combine(day, time(*hm), tzinfo=TAIPEI).astimezone(meeting.starts_at.tzinfo)


def _statuses(made, now):
    for key, meeting in made.items():
        if key != "yl_draft":
            services.publish_meeting(meeting, actor=None, now=now)
    services.postpone_meeting(made["moi_subgroup"], starts_at=made["moi_subgroup"].starts_at + timedelta(days=7),
                              ends_at=made["moi_subgroup"].ends_at + timedelta(days=7),
                              reason="原定日期中央氣象署發布颱風警報，行政院人事行政總處宣布停止上班，會議順延一週。",
                              actor=None, now=now)
    services.cancel_meeting(made["yl_hearing2"], reason="場地因故無法使用，本場次取消，將另行公告補辦場次。",
                            actor=None, now=now)


def _materials(plans, made, now):
    def pdf(name):
        return FileStorage(stream=io.BytesIO(TINY_PDF), filename=name, content_type="application/pdf")
    attach_material(made["tc3"], title="期末座談會會議紀錄", category="minutes", upload=pdf("期末座談會會議紀錄.pdf"),
                    actor=None, now=now)
    attach_material(made["moi_committee"], title="第 12 次會議議程資料", category="agenda", upload=pdf("議程資料.pdf"),
                    actor=None, now=now)
    attach_material(made["ks_committee"], title="第 9 次會議紀錄", category="minutes", upload=pdf("會議紀錄.pdf"),
                    actor=None, now=now)
    attach_material(plans["yilan"], title="宜蘭縣國土計畫（草案）", category="draft_plan", upload=pdf("宜蘭縣國土計畫草案.pdf"),
                    actor=None, now=now)
    attach_material(plans["national"], title="全國國土計畫公告（行政院公報）", category="other",
                    link_url="https://gazette.nat.gov.tw/", actor=None, now=now)


DEMO_APPLICANTS = (  # kind, name, organisation, township, village, party concerned statement
    ("speak", "林淑芬", "臺灣環境資訊協會", "", "", ""),
    ("speak", "陳建宏", "", "宜蘭市", "新生里", "我家農地位於草案劃設之城鄉發展地區範圍內。"),
    ("speak", "黃美玲", "宜蘭縣農會", "", "", ""),
    ("speak", "張志明", "守護蘭陽平原聯盟", "", "", ""),
    ("observe", "吳佳穎", "台灣環境資訊協會", "", "", ""),
    ("observe", "李俊傑", "", "宜蘭市", "新生里", ""),
    ("observe", "蔡宗翰", "國立宜蘭大學", "", "", ""),
)


def _applications(made, now):
    """Confirmed applications to the open Yilan hearing, as if people had applied over the last days."""
    hearing = made["yl_hearing"]
    for n, (kind, name, org, township, village, statement) in enumerate(DEMO_APPLICANTS):
        at = now - timedelta(days=2, minutes=-37 * n)
        application = submit_application(hearing, {
            "kind": kind, "name": name, "organisation": org, "township": township, "village": village,
            "email": f"applicant{n + 1}@demo.example", "phone": "", "case_ids": [], "consent": True,
            "party_concerned": bool(statement), "party_statement": statement, "locale": "zh_Hant_TW"}, now=at)
        confirm_application(application, now=at)
    # The demo's addresses are fictitious: nothing it queued is sent.
    db.session.execute(delete(OutboxMessage))


def load_demo_data(*, now: datetime) -> dict:
    """Create the demo organizers, plans, meetings, materials and staff; return what was made."""
    orgs = _organizers()
    plans = _plans(orgs, now)
    made = _meetings(orgs, plans, now)
    _details(made, now)
    _statuses(made, now)
    _materials(plans, made, now)
    _applications(made, now)
    load_day_of_demo(orgs, plans, now)  # issue 10: a meeting happening today, with people to sign in
    # P11: the Ministry's planning agency and its branch are told of every meeting.
    db.session.add_all([
        StandingInvitee(organizer_id=None, name="內政部國土管理署", email="planning@demo.nlma.gov.tw", note=""),
        StandingInvitee(organizer_id=None, name="內政部國土管理署城鄉發展分署", email="urban@demo.nlma.gov.tw", note=""),
    ])
    for email, name, role, slug in DEMO_STAFF:
        user = create_staff(email=email, name=name, role=role, organizer=orgs.get(slug), password=DEMO_PASSWORD,
                            now=now)
        if user.is_admin:
            user.totp_secret = DEMO_TOTP_SECRET
    load_comments_demo(plans, made, now=now)
    return {"organizers": len(orgs), "plans": len(plans), "meetings": len(made), "staff accounts": len(DEMO_STAFF),
            **load_demo_directory(now=now)}
