"""Demo comments: opinions on the plan on exhibition, and a past hearing whose minutes are published."""
from datetime import datetime, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from . import log, minutes, opinions, responses

OPINIONS = (
    dict(name="林美惠", organisation="", address="宜蘭縣宜蘭市中山路二段 1 號",
         text="請保留五結鄉沿海的農地，不宜劃入城鄉發展地區。"),
    dict(name="", organisation="宜蘭縣社區大學", address="宜蘭縣羅東鎮公正路 2 號",
         text="海岸地區應優先劃為國土保育地區，並說明防災規劃。\n---\n請增加公聽會場次，並提供會議資料電子檔。"),
)
HEARING_COMMENTS = (
    ("陳志明", "", "請說明農業發展地區第二類與第三類的劃設理由。", "partly",
     "<p>已於計畫書第五章補充劃設理由，並附圖說明。</p>", "第五章"),
    ("", "臺中市環境保護聯盟", "大肚山台地應劃為國土保育地區，保護地下水補注區。", "adopted",
     "<p>參採。大肚山台地地下水補注區納入國土保育地區第二類。</p>", "第六章第二節"),
    ("黃淑芬", "", "希望工業區擴張前先評估空氣品質。", "elsewhere",
     "<p>另案處理：將於產業園區開發計畫環境影響評估中辦理。</p>", ""),
)


def load_comments_demo(plans: dict, made: dict, *, now: datetime):
    """Opinions on the Yilan plan (on exhibition) and the Taichung hearing's answered, minuted comments."""
    for data in OPINIONS:
        submission = opinions.submit_opinion(plans["yilan"], data | {"email": "", "consent": True}, now=now)
        if "---" in data["text"]:
            log.split_comment(submission.comments[0], data["text"], actor=None, now=now)
    hearing = made["tc_hearing"]
    planner = db.session.scalar(select(User).where(User.email == "planner@demo.landuse.tw"))
    approver = db.session.scalar(select(User).where(User.email == "taichung@demo.landuse.tw"))
    spoken = hearing.starts_at + timedelta(minutes=30)
    for name, organisation, text, decision, reasoning, section in HEARING_COMMENTS:
        comment = log.record_oral_comment(hearing, text=text, name=name, organisation=organisation,
                                          oral_form="consented_summary", actor=approver, now=spoken)
        response = responses.draft_response(comment, decision=decision, reasoning=reasoning, plan_section=section,
                                            actor=planner, now=spoken + timedelta(days=3))
        responses.approve_response(response, actor=approver, now=spoken + timedelta(days=5))
    minutes.set_resolution(hearing, None, "與會意見請規劃單位納入計畫草案修正參考。", actor=approver,
                           now=spoken + timedelta(days=6))
    minutes.publish_minutes(hearing, members="（公聽會無委員出席）", agencies="臺中市政府都市發展局\n臺中市政府農業局",
                            actor=approver, now=spoken + timedelta(days=7))
