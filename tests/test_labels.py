"""Every action the audit log records has words people read, not only its code."""
import re
from pathlib import Path

from app.labels import LABELS
from app.rules.publication import TRANSITIONS

APP = Path(__file__).resolve().parent.parent / "app"


def recorded_actions() -> set[str]:
    """The literal action codes passed to audit.record() anywhere in the app, plus the status changes."""
    found = set()
    for source in APP.rglob("*.py"):
        found |= set(re.findall(r'audit\.record\([^"]*?"([a-z_]+\.[a-z_]+)"', source.read_text(encoding="utf-8"),
                                re.S))
    # meetings/services.py records each status change as f"meeting.{target}" (W5)
    assert 'audit.record(actor, f"meeting.{target}"' in (APP / "meetings" / "services.py").read_text(encoding="utf-8")
    return found | {f"meeting.{target}" for target in TRANSITIONS.values()}


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert len(actions) >= 15
    assert sorted(actions - set(LABELS["action"])) == []


def test_every_recorded_action_has_a_sentence_naming_its_record():
    from app.labels import AUDIT_SENTENCES
    assert sorted(recorded_actions() - set(AUDIT_SENTENCES)) == []
    assert all("%(name)s" in str(s.msgid if hasattr(s, "msgid") else s) or key == "rule_profile.updated"
               for key, s in AUDIT_SENTENCES.items())
