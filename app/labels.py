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
}


def choices(group: str) -> list[SelectChoice]:
    """The options of a select field: each code with its label."""
    return [SelectChoice(code, label) for code, label in LABELS[group].items()]
