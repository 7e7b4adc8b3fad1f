"""The adoption-status table and the minutes as rows and blocks for CSV, ODS, ODT, PDF and open data."""
from flask_babel import lazy_gettext as _l

from ..timefmt import iso
from .presenting import PublicRow
from .richtext import plain
from .wording import CHANNEL_LABELS, DECISION_LABELS, PENDING, SOURCE_LABELS

# The open data's columns (documented on /open-data/comments): name, description.
COLUMNS = (
    ("comment_id", _l("The comment's number on this portal.")),
    ("received_on", _l("Date received (ISO 8601, Taipei).")),
    ("source", _l("written (written opinion), oral (spoken at a meeting) or statement (handed in at a meeting).")),
    ("channel", _l("How a written opinion arrived: online, paper, fax, email or handed_in.")),
    ("meeting_id", _l("The meeting where the comment was made, if any.")),
    ("meeting", _l("That meeting's title.")),
    ("topic", _l("The topic staff gave the comment.")),
    ("commenter", _l("An organisation's name, or a person's name masked (王○○); empty when withheld on request.")),
    ("text", _l("The comment as published (personal data removed by staff where needed).")),
    ("decision", _l("adopted, partly, not_adopted, elsewhere or out_of_scope; empty while the answer is prepared.")),
    ("decision_label", _l("The decision in words.")),
    ("reasoning", _l("The answer's reasoning, as plain text.")),
    ("plan_section", _l("The section of the plan the answer changes, if any.")),
    ("answered_on", _l("Date the answer was published (ISO 8601).")),
)
COLUMN_NAMES = [name for name, _ in COLUMNS]


def open_data_record(row: PublicRow) -> dict:
    """One comment as an open-data record with the documented columns."""
    return {"comment_id": row.comment_id, "received_on": row.received_on, "source": row.source,
            "channel": row.channel, "meeting_id": row.meeting_id, "meeting": row.meeting, "topic": row.topic,
            "commenter": row.commenter, "text": row.text, "decision": row.decision,
            "decision_label": str(DECISION_LABELS[row.decision]) if row.decision else "",
            "reasoning": row.reasoning_text, "plan_section": row.plan_section, "answered_on": row.answered_at}


def adoption_table(rows: list[PublicRow]) -> list[list]:
    """The table people read in a spreadsheet or document: translated headings, then one row per comment."""
    header = [str(h) for h in (_l("No."), _l("Received"), _l("Source"), _l("Meeting"), _l("Commenter"),
                               _l("Comment"), _l("Decision"), _l("Answer"), _l("Plan section"))]
    return [header] + [[r.comment_id, r.received_on, str(SOURCE_LABELS[r.source]) + (
        f" ({CHANNEL_LABELS[r.channel]})" if r.channel else ""), r.meeting, r.commenter or str(_l("(withheld)")),
        r.text, str(DECISION_LABELS[r.decision]) if r.decision else str(PENDING),
        r.reasoning_text, r.plan_section] for r in rows]


def minutes_blocks(version) -> list[tuple[str, object]]:
    """The minutes version as document blocks: attendance, then each case's table and resolution."""
    content = version.content
    attendance = content.get("attendance", {})
    counts = attendance.get("counts", {})
    blocks = [("p", str(_l("Version %(number)s, published %(when)s", number=version.number,
                           when=iso(version.published_at)[:16].replace("T", " "))))]
    if version.note:
        blocks.append(("p", str(_l("Correction: %(note)s", note=version.note))))
    blocks += [("h", str(_l("Attendance"))),
               ("p", str(_l("Committee members: %(names)s", names=attendance.get("members") or "—"))),
               ("p", str(_l("Agencies: %(names)s", names=attendance.get("agencies") or "—"))),
               ("p", str(_l("Speakers (online places): %(online)s; speakers (other channels): %(other)s; "
                            "observers: %(observers)s", online=counts.get("speak_online", 0),
                            other=counts.get("speak_other", 0), observers=counts.get("observe", 0))))]
    for section in content.get("sections", []):
        blocks.append(("h", section["title"] or str(_l("Comments"))))
        header = [str(h) for h in (_l("No."), _l("Commenter"), _l("Comment"), _l("Decision"), _l("Answer"))]
        blocks.append(("table", [header] + [
            [item["comment_id"], item["speaker"] or str(_l("(withheld)")), item["text"],
             str(DECISION_LABELS[item["decision"]]), plain(item["reasoning"]) + (
                 f"\n({item['plan_section']})" if item["plan_section"] else "")] for item in section["items"]]))
        blocks.append(("p", str(_l("Resolution: %(text)s", text=section["resolution"] or "—"))))
    return blocks


def minutes_rows(version) -> list[list]:
    """The minutes' item table as spreadsheet rows."""
    header = [str(h) for h in (_l("Case"), _l("No."), _l("Commenter"), _l("Comment"), _l("Decision"),
                               _l("Answer"), _l("Plan section"), _l("Resolution"))]
    rows = [header]
    for section in version.content.get("sections", []):
        for item in section["items"]:
            rows.append([section["title"], item["comment_id"], item["speaker"], item["text"],
                         str(DECISION_LABELS[item["decision"]]), plain(item["reasoning"]), item["plan_section"],
                         section["resolution"]])
    return rows
