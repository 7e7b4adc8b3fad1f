"""The names people read for the domain's codes (kinds, phases, statuses, stages …)."""
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

LABELS = {
    "kind": {
        "symposium": _l("Symposium"),
        "workshop": _l("Workshop"),
        "hearing": _l("Public hearing"),
        "committee": _l("Deliberation committee meeting"),
        "subgroup": _l("Project sub-group meeting"),
    },
    "phase": {
        "initial": _l("Initial phase"),
        "middle": _l("Middle phase"),
        "final": _l("Final phase"),
    },
    "status": {
        "draft": _l("Draft"),
        "published": _l("Published"),
        "postponed": _l("Postponed"),
        "cancelled": _l("Cancelled"),
    },
    "stage": {
        "planning": _l("Planning"),
        "exhibition": _l("Public exhibition"),
        "deliberation": _l("Deliberation"),
        "approval": _l("Approval"),
        "announced": _l("Announced"),
    },
    "category": {
        "agenda": _l("Agenda"),
        "briefing": _l("Briefing material"),
        "draft_plan": _l("Draft plan"),
        "minutes": _l("Minutes"),
        "other": _l("Other"),
    },
    "role": {
        "admin": _l("Administrator"),
        "secretariat": _l("Secretariat"),
        "planner": _l("Planner"),
    },
    "setting": {
        "speaker_cap": _l("Online speakers per case"),
        "gallery_seats": _l("Gallery seats"),
        "observers_per_group": _l("Observers per group"),
        "observers_per_village": _l("Observers per village or borough"),
        "minutes_per_speaker": _l("Minutes per speaker"),
        "comment_minutes_per_case": _l("Minutes of public comment per case"),
    },
    "registration": {
        "none": _l("No online registration for this meeting"),
        "not_open": _l("Registration has not opened yet"),
        "open": _l("Registration is open"),
        "closed": _l("Registration has closed"),
    },
    "action": {  # what the audit log and a meeting's history say for each recorded action
        "meeting.created": _l("Created the meeting"),
        "meeting.updated": _l("Changed the meeting's details"),
        "meeting.published": _l("Published the meeting"),
        "meeting.postponed": _l("Postponed the meeting"),
        "meeting.cancelled": _l("Cancelled the meeting"),
        "meeting.agenda_item_added": _l("Added an agenda item"),
        "meeting.agenda_item_changed": _l("Changed an agenda item"),
        "meeting.case_added": _l("Added a case"),
        "meeting.case_changed": _l("Changed a case"),
        "meeting.attendance_suggested": _l("Added suggested attendance"),
        "meeting.attendance_changed": _l("Changed suggested attendance"),
        "meeting.part_removed": _l("Removed an agenda item, case or attendance row"),
        "material.attached": _l("Added a material"),
        "material.changed": _l("Changed a material"),
        "material.removed": _l("Removed a material"),
        "plan.created": _l("Created the plan"),
        "plan.updated": _l("Changed the plan"),
        "rule_profile.updated": _l("Changed the rule profile"),
        "staff.created": _l("Created a staff account"),
        "staff.signed_in": _l("Signed in"),
        "staff.password_changed": _l("Changed their password"),
    },
}


def choices(group: str) -> list[SelectChoice]:
    """The options of a select field: each code with its label."""
    return [SelectChoice(code, label) for code, label in LABELS[group].items()]
