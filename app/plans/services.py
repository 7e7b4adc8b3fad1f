"""Workflows for plans and organizers' rule profiles. They flush, never commit."""
from datetime import datetime

from .. import audit
from ..extensions import db
from ..rules.periods import announcement_problems, exhibition_problems
from ..rules.venue import SETTING_NAMES, VenueSettings, settings_problems
from ..violations import RuleViolation
from .models import Plan, RuleProfile

PLAN_FIELDS = (
    "name", "name_en", "county_code", "stage", "summary", "exhibition_starts_on", "exhibition_ends_on",
    "approval_letter_on", "announced_on", "announcement_exhibition_ends_on",
)


def _plan_problems(data: dict):
    return exhibition_problems(data.get("exhibition_starts_on"), data.get("exhibition_ends_on")) + \
        announcement_problems(data.get("approval_letter_on"), data.get("announced_on"),
                              data.get("announcement_exhibition_ends_on"))


def create_plan(organizer, data: dict, *, actor, now: datetime) -> Plan:
    """Create a plan of `organizer`, checking its statutory periods (P3, P7)."""
    problems = _plan_problems(data)
    if problems:
        raise RuleViolation(problems)
    plan = Plan(organizer=organizer, created_at=now, updated_at=now, **{k: data.get(k) for k in PLAN_FIELDS})
    plan.county_code = plan.county_code or None
    db.session.add(plan)
    db.session.flush()
    audit.record(actor, "plan.created", plan, {"name": plan.name}, now=now)
    return plan


def update_plan(plan: Plan, data: dict, *, actor, now: datetime) -> Plan:
    """Save an edit of a plan, its stage and periods (P3, P7)."""
    problems = _plan_problems(data)
    if problems:
        raise RuleViolation(problems)
    data = {**data, "county_code": data.get("county_code") or None}
    changed = sorted(k for k in PLAN_FIELDS if k in data and getattr(plan, k) != data[k])
    for key in changed:
        setattr(plan, key, data[key])
    plan.updated_at = now
    db.session.flush()
    audit.record(actor, "plan.updated", plan, {"fields": changed, "stage": plan.stage}, now=now)
    return plan


def update_rule_profile(profile: RuleProfile, data: dict, *, actor, now: datetime) -> RuleProfile:
    """Change an organizer's venue-rule defaults; meetings created later copy them."""
    settings = VenueSettings(**{n: data[n] for n in SETTING_NAMES})
    problems = settings_problems(settings)
    if problems:
        raise RuleViolation(problems)
    before = profile.settings().as_dict()
    for name in SETTING_NAMES:
        setattr(profile, name, data[name])
    profile.basis = (data.get("basis") or "").strip()
    profile.updated_at = now
    db.session.flush()
    audit.record(actor, "rule_profile.updated", profile, {"before": before, "after": settings.as_dict(),
                                                          "basis": profile.basis},
                 now=now, organizer_id=profile.organizer_id)
    return profile
