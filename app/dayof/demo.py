"""Demo data for the day of the meeting: a Taichung committee meeting happening today (Asia/Taipei), with
confirmed speakers and observers to sign in, some waitlisted and one not accepted (`make run`)."""
from datetime import datetime, time, timedelta

from sqlalchemy import delete

from ..extensions import db
from ..meetings import agenda, services
from ..outbox.models import OutboxMessage
from ..registrations.desk import reject_application
from ..registrations.services import confirm_application, submit_application
from ..timefmt import TAIPEI, to_local

TITLE = "臺中市國土計畫審議會第 5 次會議（今日）"
PEOPLE = (  # kind, name, organisation, phone, cases (1-based), party-concerned statement
    ("speak", "林志豪", "臺中市山線社區大學", "0912-345-601", (1,), ""),
    ("speak", "陳怡君", "", "0912-345-602", (1,), "我家的農地在第一案的城鄉發展地區範圍內。"),
    ("speak", "王建民", "大肚山保育聯盟", "0912-345-603", (1, 2), ""),
    ("speak", "張雅婷", "臺中市農會", "0912-345-604", (1,), ""),
    ("speak", "李宗翰", "", "0912-345-605", (1,), ""),
    ("speak", "黃淑惠", "西屯區惠來里辦公處", "0912-345-606", (1,), ""),
    ("speak", "吳俊賢", "", "0912-345-607", (1,), ""),
    ("speak", "劉佩珊", "臺灣蠻野心足生態協會", "0912-345-608", (2,), ""),
    ("speak", "蔡明哲", "", "0912-345-609", (2,), ""),
    ("observe", "鄭文傑", "東海大學", "0912-345-610", (), ""),
    ("observe", "謝欣怡", "", "0912-345-611", (), ""),
    ("observe", "許家豪", "臺中市山線社區大學", "0912-345-612", (), ""),
    ("observe", "洪美君", "", "0912-345-613", (), ""),
    ("observe", "郭志偉", "", "0912-345-614", (), ""),
    ("observe", "曾雅雯", "", "0912-345-615", (), ""),
    ("speak", "周冠宇", "", "0912-345-616", (2,), ""),
)
REJECTED = "周冠宇"
REJECTION_REASON = "經查同一人已由所屬團體登記發言，依會場管理要點第三點第三款不予受理。"


def _today_times(now: datetime) -> tuple[datetime, datetime]:
    """A start today (Taipei) at 09:30 or earlier, so the meeting is on now, and an end well after now."""
    day = to_local(now).date()
    midnight = datetime.combine(day, time(0, 0), tzinfo=TAIPEI).astimezone(now.tzinfo)
    nine_thirty = datetime.combine(day, time(9, 30), tzinfo=TAIPEI).astimezone(now.tzinfo)
    start = max(midnight, min(nine_thirty, now - timedelta(minutes=30)))
    end = max(datetime.combine(day, time(17, 30), tzinfo=TAIPEI).astimezone(now.tzinfo), now + timedelta(hours=3))
    return start, end


def load_day_of_demo(orgs: dict, plans: dict, now: datetime):
    """Create today's meeting with two cases and its applicants; nothing they queued is sent."""
    organizer = orgs["taichung"]
    start, end = _today_times(now)
    data = services.profile_defaults(organizer) | dict(
        kind="committee", phase=None, title=TITLE, summary="審議臺中市國土計畫修正案，並聽取民眾及團體意見。",
        starts_at=start, ends_at=end, venue_name="臺中市政府臺灣大道市政大樓 惠中樓 5 樓 501 會議室",
        venue_address="臺中市西屯區臺灣大道三段 99 號", directions="", overflow_room="文心樓 4 樓大禮堂",
        livestream_url="", contact="臺中市政府都市發展局綜合規劃科", gallery_seats=4,
        registration_opens_at=now - timedelta(days=10), registration_closes_at=start - timedelta(minutes=1))
    meeting = services.create_meeting(plans["taichung"], organizer, data, actor=None, now=now - timedelta(days=11),
                                      departure_reason="會議室座位有限，旁聽席以 4 席為限，其餘請至大禮堂旁聽。")
    for title in ("第一案：臺中市國土功能分區調整", "第二案：大肚山台地保育地區範圍"):
        agenda.add_case(meeting, title=title, summary="", comment_minutes=30, actor=None, now=now)
    services.publish_meeting(meeting, actor=None, now=now - timedelta(days=11))
    cases = [case.id for case in meeting.cases]
    for n, (kind, name, organisation, phone, chosen, statement) in enumerate(PEOPLE):
        at = now - timedelta(days=5) + timedelta(minutes=17 * n)
        application = submit_application(meeting, {
            "kind": kind, "name": name, "organisation": organisation, "township": "", "village": "",
            "email": f"today{n + 1}@demo.example", "phone": phone, "case_ids": [cases[c - 1] for c in chosen],
            "consent": True, "party_concerned": bool(statement), "party_statement": statement,
            "locale": "zh_Hant_TW"}, now=at)
        confirm_application(application, now=at)
        if name == REJECTED:
            reject_application(application, reason=REJECTION_REASON, actor=None, now=at + timedelta(hours=2))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient.like("%@demo.example")))
    return meeting
