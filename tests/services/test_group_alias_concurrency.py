"""Marking group names from several connections at once (V5, V7): the organizer's lock serialises the
markings, so each reads the map the previous one wrote, none breaks the unique alias, and the map
stays flat. A breach that still happens is a clear message, not a server error."""
import threading

import pytest
from sqlalchemy import select

from app import locking
from app.registrations import group_names
from app.registrations.models import GroupAlias
from app.rules.names import normalise_name
from app.violations import RuleViolation

pytestmark = pytest.mark.xdist_group("concurrency")

CANONICAL = ["荒野保護協會", "主婦聯盟環境保護基金會", "地球公民基金會", "環境資訊協會"]


def test_one_name_marked_as_four_groups_at_once_stays_one_flat_map_V5(app, make, db):
    organizer = make.organizer("county-x")
    make.commit()
    organizer_id = organizer.id
    barrier, results = threading.Barrier(len(CANONICAL)), {}

    def worker(canonical):
        from app.extensions import db as wdb
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                for _ in range(50):
                    try:
                        group_names.mark_same_group(organizer_id, "舊名稱協會", canonical, actor=None,
                                                    now=make.now())
                        wdb.session.commit()
                        results[canonical] = "ok"
                        return
                    except locking.Busy:
                        wdb.session.rollback()
                    except RuleViolation as violation:
                        wdb.session.rollback()
                        results[canonical] = violation.problems[0].code
                        return
                results[canonical] = "starved"
            except Exception as error:  # recorded, so the test shows what broke
                wdb.session.rollback()
                results[canonical] = f"{type(error).__name__}: {error}"
            finally:
                wdb.session.remove()

    threads = [threading.Thread(target=worker, args=(name,), daemon=True) for name in CANONICAL]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert set(results.values()) == {"ok"}, results
    db.session.expire_all()
    rows = db.session.scalars(select(GroupAlias).where(GroupAlias.organizer_id == organizer_id)).all()
    aliases = {row.alias_key for row in rows}
    assert not aliases & {row.canonical_key for row in rows}  # flat: no root is itself an alias
    assert len({row.canonical_key for row in rows}) == 1 and normalise_name("舊名稱協會") in aliases


def test_a_name_taken_meanwhile_is_a_clear_message_not_a_server_error_V5(app, make, db, monkeypatch):
    organizer = make.organizer("county-y")
    group_names.mark_same_group(organizer.id, "舊名稱協會", "荒野保護協會", actor=None, now=make.now())
    make.commit()
    monkeypatch.setattr(group_names, "alias_map", lambda organizer_id: {})  # as read before that commit
    with pytest.raises(RuleViolation) as refused:
        group_names.mark_same_group(organizer.id, "舊名稱協會", "地球公民基金會", actor=None, now=make.now())
    assert [(p.field, p.code) for p in refused.value.problems] == [("alias_name", "group_alias_changed")]
