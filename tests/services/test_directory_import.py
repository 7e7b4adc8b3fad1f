"""Directory import (P10): a dry run reports every row it would create, update, merge or reject, with
the reason; importing the same file twice changes nothing; CSV and ODS alike."""
from sqlalchemy import func, select

from app.spreadsheets import to_csv, to_ods
from app.stakeholders.directory import apply_import, export_rows, merge_organisations, new_organisation, plan_import
from app.stakeholders.models import Contact, Follow, Organisation
from app.stakeholders.spreadsheets import read_rows

FILE = [
    ["name", "kind", "standing", "contact", "role", "email", "phone", "counties", "kinds", "plans", "topics"],
    ["臺中市濕地保護聯盟", "ngo", "", "林小姐", "秘書", "lin@wetland.example.tw", "04-1234", "taichung", "hearing", "", "濕地"],
    ["山城社區發展協會", "community", "", "陳先生", "", "chen@example", "", "taichung", "", "", ""],
    ["", "ngo", "", "無名", "", "nameless@example.tw", "", "", "", "", ""],
    ["臺中市濕地保護聯盟", "ngo", "", "林小姐", "秘書", "lin@wetland.example.tw", "", "", "", "", ""],
    ["海線青年陣線", "ngo", "", "黃同學", "", "huang@example.tw", "", "taichung,atlantis", "", "", ""],
    ["台中市 濕地保護聯盟", "ngo", "", "王先生", "理事", "wang@wetland.example.tw", "", "", "", "", ""],
]


def counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Organisation, Contact, Follow))


def report(rows):
    return [(row.number, row.action, [code for code, _ in row.reasons]) for row in rows]


def test_dry_run_reports_every_row_and_changes_nothing_then_a_second_import_changes_nothing_P10(make, db):
    org = make.organizer()
    records = read_rows("directory.csv", to_csv(FILE))

    dry = plan_import(records, org.id)

    assert counts(db) == (0, 0, 0)
    assert report(dry) == [
        (2, "create", []),
        (3, "reject", ["email_invalid"]),
        (4, "reject", ["name_missing"]),
        (5, "merge", ["same_as_row"]),
        (6, "reject", ["county_unknown"]),
        (7, "update", []),  # 台/臺 and a space: the same organisation as row 2, a second contact
    ]
    assert dict(dry[4].reasons)["county_unknown"] == "atlantis"

    done = apply_import(dry, org.id, actor=None, now=make.now())
    db.session.commit()
    assert done == {"create": 1, "update": 1, "unchanged": 0, "merge": 1, "reject": 3}
    assert counts(db) == (1, 2, 3)

    again = plan_import(read_rows("directory.ods", to_ods(FILE, "directory")), org.id)
    assert [row.action for row in again] == ["unchanged", "reject", "reject", "merge", "reject", "unchanged"]
    apply_import(again, org.id, actor=None, now=make.now())
    db.session.commit()
    assert counts(db) == (1, 2, 3)


def test_export_reads_back_as_an_import_that_changes_nothing(make, db):
    org = make.organizer()
    apply_import(plan_import(read_rows("d.csv", to_csv(FILE)), org.id), org.id, actor=None, now=make.now())
    db.session.commit()
    exported = export_rows(org.id)
    assert {row.action for row in plan_import(read_rows("d.ods", to_ods(exported, "x")), org.id)} == {"unchanged"}


def test_merging_duplicates_moves_contacts_and_follows_to_the_kept_one(make, db):
    org = make.organizer()
    kept = new_organisation(org.id, "臺中市濕地保護聯盟", now=make.now())
    twin = new_organisation(org.id, "台中市濕地保護聯盟", now=make.now())
    kept.contacts.append(Contact(email="a@example.tw", email_key="a@example.tw"))
    twin.contacts.append(Contact(email="b@example.tw", email_key="b@example.tw"))
    twin.follows.append(Follow(kind="county", value="taichung"))
    db.session.flush()
    assert kept.name_key == twin.name_key

    merge_organisations(twin, kept, actor=None, now=make.now())
    db.session.commit()
    assert sorted(c.email for c in kept.contacts) == ["a@example.tw", "b@example.tw"]
    assert [(f.kind, f.value) for f in kept.follows] == [("county", "taichung")]
    assert twin.merged_into_id == kept.id and twin.contacts == []
