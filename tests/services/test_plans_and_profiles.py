"""Plan periods and rule profiles (P3, P7, V3, V11)."""
from datetime import date

import pytest

from app.plans.services import create_plan, update_rule_profile
from app.violations import RuleViolation

PLAN = dict(name="測試計畫", name_en="", county_code="yilan", stage="exhibition", summary="",
            exhibition_starts_on=None, exhibition_ends_on=None, approval_letter_on=None, announced_on=None,
            announcement_exhibition_ends_on=None)


def test_exhibition_shorter_than_30_days_is_refused_P3(make, db):
    org = make.organizer()
    with pytest.raises(RuleViolation) as refused:
        create_plan(org, PLAN | {"exhibition_starts_on": date(2026, 1, 1), "exhibition_ends_on": date(2026, 1, 20)},
                    actor=None, now=make.now())
    assert [p.code for p in refused.value.problems] == ["exhibition_too_short"]


def test_late_announcement_is_refused_P7(make, db):
    org = make.organizer()
    with pytest.raises(RuleViolation) as refused:
        create_plan(org, PLAN | {"approval_letter_on": date(2026, 1, 1), "announced_on": date(2026, 2, 15)},
                    actor=None, now=make.now())
    assert [p.code for p in refused.value.problems] == ["announced_too_late"]


def test_profile_change_applies_to_meetings_created_afterwards_V7(make, db):
    org = make.organizer()
    before = make.meeting(org, status="draft")
    values = org.profile.settings().as_dict() | {"gallery_seats": 15, "observers_per_group": 3}
    update_rule_profile(org.profile, values | {"basis": "縣府自訂規定"}, actor=None, now=make.now())
    after = make.meeting(org, status="draft")
    assert (before.gallery_seats, after.gallery_seats, after.observers_per_group) == (20, 15, 3)


def test_profile_cannot_exceed_the_caps_V3_V11(make, db):
    org = make.organizer()
    values = org.profile.settings().as_dict() | {"speaker_cap": 12, "comment_minutes_per_case": 90}
    with pytest.raises(RuleViolation) as refused:
        update_rule_profile(org.profile, values, actor=None, now=make.now())
    assert {p.field for p in refused.value.problems} == {"speaker_cap", "comment_minutes_per_case"}
    assert org.profile.speaker_cap == 5
