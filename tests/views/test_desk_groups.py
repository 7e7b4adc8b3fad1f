"""Staff mark two names as one group (V5, V7; issue 7 item 8): the refusal of a second speaker and
the allocation of observers follow, for the organizer's meetings only, audited and undoable."""
import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.registrations import group_names
from app.registrations import services as registrations
from app.registrations.models import GroupAlias
from app.violations import RuleViolation

from .conftest import count, field_error, fresh, text_of


@pytest.fixture
def meeting(make, counties):
    m = make.open_meeting(counties.a, observers_per_group=1)
    make.commit()
    return m


def test_marking_two_names_refuses_the_other_names_speaker_V5(client, make, counties, sign_in, meeting):
    make.application(meeting, organisation="荒野保護協會")
    make.commit()
    sign_in(counties.secretariat_a)
    response = client.post("/staff/groups", data={"alias_name": "Society of Wilderness (SOW)",
                                                  "canonical_name": "荒野保護協會"})
    assert response.status_code == 302
    page = text_of(client.get("/staff/groups"))
    assert "Society of Wilderness (SOW)" in page and "荒野保護協會" in page
    with pytest.raises(RuleViolation) as refused:
        make.application(meeting, organisation="society of wilderness")
    assert refused.value.problems[0].code == "group_has_speaker"
    entry = AuditEntry.query.filter_by(action="group.aliased").one()
    assert entry.organizer_id == counties.a.id and entry.actor_id == counties.secretariat_a.id


def test_marking_reallocates_observers_of_the_two_names_V7(make, counties, meeting, db):
    first = make.application(meeting, "observe", organisation="荒野保護協會")
    second = make.application(meeting, "observe", organisation="Society of Wilderness")
    assert (first.outcome, second.outcome) == ("gallery", "gallery")
    group_names.mark_same_group(counties.a.id, "Society of Wilderness", "荒野保護協會", actor=None, now=make.now())
    db.session.expire_all()
    assert (fresh(first).outcome, fresh(second).outcome) == ("gallery", "group_full")  # one per group here
    alias = db.session.scalars(select(GroupAlias)).one()
    group_names.unmark_same_group(alias, actor=None, now=make.now())
    assert fresh(second).outcome == "gallery"


def test_aliases_stay_flat_when_a_group_is_marked_twice_V5(make, counties, db):
    org = counties.a.id
    group_names.mark_same_group(org, "SOW", "荒野保護協會", actor=None, now=make.now())
    group_names.mark_same_group(org, "荒野協會", "SOW", actor=None, now=make.now())  # SOW is an alias already
    group_names.mark_same_group(org, "荒野保護協會", "中華民國荒野保護協會", actor=None, now=make.now())
    roots = {row.canonical_key for row in db.session.scalars(select(GroupAlias))}
    aliases = {row.alias_key for row in db.session.scalars(select(GroupAlias))}
    assert len(roots) == 1 and not roots & aliases and len(aliases) == 3
    with pytest.raises(RuleViolation) as refused:
        group_names.mark_same_group(org, "sow", "荒野協會", actor=None, now=make.now())
    assert refused.value.problems[0].code == "already_one_group"


def test_names_that_already_fold_alike_need_no_marking_V5(client, counties, sign_in):
    sign_in(counties.secretariat_a)
    # What the clerk wanted already holds: told so plainly, not as a mistake to correct.
    response = client.post("/staff/groups", data={"alias_name": "台湾环境资讯协会", "canonical_name": "臺灣環境資訊協會 (TEIA)"},
                           follow_redirects=True)
    assert response.status_code == 200 and not field_error(response, "alias_name")
    assert "already counts “台湾环境资讯协会” and “臺灣環境資訊協會 (TEIA)” as one group" in text_of(response)
    response = client.post("/staff/groups", data={"alias_name": "「」", "canonical_name": "荒野保護協會"})
    assert response.status_code == 400 and field_error(response, "alias_name") == "Enter the group's name."
    assert count(GroupAlias) == 0


def test_another_organizers_aliases_are_neither_applied_nor_undone(client, make, counties, sign_in, meeting):
    alias = group_names.mark_same_group(counties.b.id, "SOW", "荒野保護協會", actor=None, now=make.now())
    make.application(meeting, organisation="荒野保護協會")
    assert make.application(meeting, organisation="SOW").status == "active"  # county B's alias: not here
    make.commit()
    sign_in(counties.secretariat_a)
    assert "SOW" not in text_of(client.get("/staff/groups"))
    assert client.post(f"/staff/groups/{alias.id}/remove").status_code == 404
    sign_in(counties.planner_a)
    assert client.get("/staff/groups").status_code == 403
    sign_in(counties.secretariat_b)
    assert client.post(f"/staff/groups/{alias.id}/remove").status_code == 302
    assert count(GroupAlias) == 0
    assert AuditEntry.query.filter_by(action="group.alias_removed").one().organizer_id == counties.b.id


def test_an_admin_chooses_the_organizer(client, make, counties, sign_in):
    sign_in(counties.admin)
    response = client.post(f"/staff/groups?organizer={counties.b.id}",
                           data={"alias_name": "SOW", "canonical_name": "荒野保護協會"})
    assert response.status_code == 302
    assert GroupAlias.query.one().organizer_id == counties.b.id
    assert "SOW" in text_of(client.get(f"/staff/groups?organizer={counties.b.id}"))


def test_a_pending_speaker_of_an_aliased_name_is_refused_at_confirmation_V5(make, counties, meeting):
    pending = make.application(meeting, confirm=False, organisation="SOW")
    make.application(meeting, organisation="荒野保護協會")
    group_names.mark_same_group(counties.a.id, "SOW", "荒野保護協會", actor=None, now=make.now())
    with pytest.raises(RuleViolation) as refused:
        registrations.confirm_application(pending, now=make.now())
    assert refused.value.problems[0].code == "group_has_speaker"
