"""The official announcement (公告) of a meeting in the government's fixed form — 主旨, 依據, 公告事項 —
printed from the meeting's data, so that the web, the mail and the gazette say the same thing."""
import io

from flask_babel import force_locale, gettext
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.text import H, P

from ..labels import LABELS
from ..timefmt import roc_datetime
from .notices import meeting_url

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
# The statute behind each kind of meeting (國土計畫法): participation in drafting (art. 12), review (art. 7).
LAW = {"symposium": "國土計畫法第12條", "workshop": "國土計畫法第12條", "hearing": "國土計畫法第12條",
       "committee": "國土計畫法第7條", "subgroup": "國土計畫法第7條"}
NUMERALS = "一二三四五六七八九十"


def announcement(meeting) -> dict:
    """The 公告's parts: issuer, subject (主旨), basis (依據) and numbered items (公告事項), in Chinese."""
    with force_locale("zh_Hant_TW"):
        kind = str(LABELS["kind"][meeting.kind])
        if meeting.status == "cancelled":
            subject = gettext("Announcing that the %(kind)s \"%(title)s\" of %(plan)s is cancelled.",
                              kind=kind, title=meeting.title, plan=meeting.plan.name)
        elif meeting.status == "postponed":
            subject = gettext("Announcing that the %(kind)s \"%(title)s\" of %(plan)s is postponed to a new time.",
                              kind=kind, title=meeting.title, plan=meeting.plan.name)
        else:
            subject = gettext("Announcing the %(kind)s \"%(title)s\" of %(plan)s; the public and groups are "
                              "welcome to take part.", kind=kind, title=meeting.title, plan=meeting.plan.name)
        basis = [LAW.get(meeting.kind, "國土計畫法")]
        profile = meeting.organizer.profile
        if profile is not None and profile.basis.strip():
            basis.append(profile.basis.strip())
        items = [gettext("Meeting: %(title)s", title=meeting.title),
                 gettext("When: %(when)s", when=roc_datetime(meeting.starts_at)),
                 gettext("Where: %(venue)s, %(address)s", venue=meeting.venue_name, address=meeting.venue_address)]
        if meeting.status in ("cancelled", "postponed") and meeting.status_reason:
            items.append(gettext("Reason: %(reason)s", reason=meeting.status_reason))
        if meeting.summary.strip():
            items.append(gettext("Content: %(summary)s", summary=meeting.summary.strip()))
        if meeting.registration_closes_at:
            items.append(gettext("Registration: online until %(deadline)s, at %(url)s",
                                 deadline=roc_datetime(meeting.registration_closes_at), url=meeting_url(meeting)))
        else:
            items.append(gettext("Details and materials: %(url)s", url=meeting_url(meeting)))
        items.append(gettext("If a typhoon or other natural disaster closes offices, the meeting is postponed or "
                             "held in another form; this is announced again and everyone registered is told (W5)."))
        if meeting.contact.strip():
            items.append(gettext("Contact: %(contact)s", contact=meeting.contact.strip()))
        numbered = [f"{NUMERALS[i] if i < len(NUMERALS) else i + 1}、{item}" for i, item in enumerate(items)]
        return {"issuer": meeting.organizer.name, "title": gettext("Announcement"), "subject": subject,
                "basis": "、".join(basis), "items": numbered, "labels": (gettext("Subject"), gettext("Basis"),
                                                                        gettext("Announced items"))}


def announcement_odt(meeting) -> bytes:
    """The 公告 as an OpenDocument text that agencies can edit."""
    parts = announcement(meeting)
    document = OpenDocumentText()
    heading = Style(name="Title", family="paragraph")
    heading.addElement(TextProperties(fontsize="18pt", fontweight="bold"))
    heading.addElement(ParagraphProperties(textalign="center"))
    document.styles.addElement(heading)
    document.text.addElement(H(outlinelevel=1, stylename=heading, text=f"{parts['issuer']} {parts['title']}"))
    subject_label, basis_label, items_label = parts["labels"]
    document.text.addElement(P(text=f"{subject_label}：{parts['subject']}"))
    document.text.addElement(P(text=f"{basis_label}：{parts['basis']}"))
    document.text.addElement(P(text=f"{items_label}："))
    for item in parts["items"]:
        document.text.addElement(P(text=item))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
