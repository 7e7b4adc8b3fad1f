"""The directory's workflows: import (dry run first), export, merge duplicates. They flush, never commit;
every change is audited, which is the organisation's history of changes."""
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..counties import CODES
from ..extensions import db
from ..plans.models import Plan
from ..rules.directory import (
    COLUMNS,
    CREATE,
    MERGE,
    REJECT,
    UNCHANGED,
    UPDATE,
    ImportRow,
    check_row,
    mark_repeats,
    split_list,
)
from ..rules.names import normalise_email, normalise_name
from ..rules.participation import MEETING_KINDS
from .models import COUNTY, KIND, NGO, ORGANISATION_KINDS, PLAN, TOPIC, Contact, Follow, Organisation

FOLLOW_COLUMNS = (("counties", COUNTY), ("kinds", KIND), ("plans", PLAN), ("topics", TOPIC))
TRUE_WORDS = {"1", "true", "yes", "y", "是", "v", "✓"}


def live_organisations(organizer_id: int):
    """SELECT of an organizer's organisations that were not merged into another."""
    return (select(Organisation).where(Organisation.organizer_id == organizer_id,
                                       Organisation.merged_into_id.is_(None))
            .options(selectinload(Organisation.contacts), selectinload(Organisation.follows)))


def _wanted_follows(values: dict) -> set[tuple[str, str]]:
    return {(kind, value) for column, kind in FOLLOW_COLUMNS for value in split_list(values[column])}


def _changes(row: ImportRow, organisation: Organisation | None) -> bool:
    """Whether applying the row would change the organisation (None: it does not exist yet)."""
    if organisation is None:
        return True
    values = row.values
    if values["kind"] and values["kind"] != organisation.kind:
        return True
    if values["standing"] and (values["standing"].lower() in TRUE_WORDS) != organisation.standing:
        return True
    if not _wanted_follows(values) <= {(f.kind, f.value) for f in organisation.follows}:
        return True
    if not row.email_key:
        return False
    contact = next((c for c in organisation.contacts if c.email_key == row.email_key), None)
    return contact is None or any(values[column] and values[column] != getattr(contact, attribute)
                                  for column, attribute in (("contact", "name"), ("role", "role"), ("phone", "phone")))


def plan_import(records: list[dict], organizer_id: int) -> list[ImportRow]:
    """The dry run: what every row would do and why, changing nothing."""
    plan_ids = {str(i) for i in db.session.scalars(select(Plan.id))}
    rows = [check_row(n, values, counties=set(CODES), org_kinds=set(ORGANISATION_KINDS),
                      meeting_kinds=set(MEETING_KINDS)) for n, values in enumerate(records, start=2)]
    for row in rows:
        row.reasons += [("plan_unknown", p) for p in split_list(row.values["plans"])
                        if p.isdigit() and p not in plan_ids]
        row.action = REJECT if row.reasons else row.action
    mark_repeats(rows)
    existing = {o.name_key: o for o in db.session.scalars(live_organisations(organizer_id))}
    created = set()
    for row in rows:
        if row.action in (REJECT, MERGE):
            continue
        organisation = existing.get(row.name_key)
        if organisation is None and row.name_key in created:
            row.action = UPDATE
        elif not _changes(row, organisation):
            row.action = UNCHANGED
        else:
            row.action = CREATE if organisation is None else UPDATE
            if organisation is not None and organisation.name != row.values["name"]:
                row.reasons.append(("same_name_as", organisation.name))
        created.add(row.name_key)
    return rows


def apply_import(rows: list[ImportRow], organizer_id: int, *, actor, now: datetime) -> dict:
    """Apply a dry run's creates and updates (follows are added, never removed); count the actions."""
    existing = {o.name_key: o for o in db.session.scalars(live_organisations(organizer_id))}
    counts = dict.fromkeys((CREATE, UPDATE, UNCHANGED, MERGE, REJECT), 0)
    for row in rows:
        counts[row.action] += 1
        if row.action not in (CREATE, UPDATE):
            continue
        organisation = existing.get(row.name_key)
        if organisation is None:
            organisation = existing[row.name_key] = new_organisation(organizer_id, row.values["name"], now=now)
        _apply_row(organisation, row, now=now)
        db.session.flush()
        audit.record(actor, "directory.imported", organisation, {"row": row.number, "action": row.action}, now=now)
    return counts


def new_organisation(organizer_id: int, name: str, *, now: datetime, kind: str = NGO) -> Organisation:
    """An organisation added to the organizer's directory."""
    organisation = Organisation(organizer_id=organizer_id, name=name.strip(), name_key=normalise_name(name),
                                kind=kind, standing=False, note="", nonce=secrets.token_urlsafe(12),
                                created_at=now, updated_at=now)
    db.session.add(organisation)
    return organisation


def _apply_row(organisation: Organisation, row: ImportRow, *, now: datetime):
    values = row.values
    if values["kind"]:
        organisation.kind = values["kind"]
    if values["standing"]:
        organisation.standing = values["standing"].lower() in TRUE_WORDS
    have = {(f.kind, f.value) for f in organisation.follows}
    organisation.follows.extend(Follow(kind=k, value=v) for k, v in sorted(_wanted_follows(values) - have))
    if row.email_key:
        contact = next((c for c in organisation.contacts if c.email_key == row.email_key), None)
        if contact is None:
            contact = Contact(email=values["email"], email_key=row.email_key)
            organisation.contacts.append(contact)
        contact.name = values["contact"] or contact.name or ""
        contact.role = values["role"] or contact.role or ""
        contact.phone = values["phone"] or contact.phone or ""
    organisation.updated_at = now


def export_rows(organizer_id: int) -> list[list[str]]:
    """The directory as rows in the import's own columns (one row per contact), header first."""
    rows = [list(COLUMNS)]
    for o in db.session.scalars(live_organisations(organizer_id).order_by(Organisation.name)):
        follows = {column: ",".join(f.value for f in o.follows if f.kind == kind) for column, kind in FOLLOW_COLUMNS}
        for contact in o.contacts or [None]:
            rows.append([o.name, o.kind, "yes" if o.standing else "", getattr(contact, "name", ""),
                         getattr(contact, "role", ""), getattr(contact, "email", ""), getattr(contact, "phone", ""),
                         follows["counties"], follows["kinds"], follows["plans"], follows["topics"]])
    return rows


def duplicates_of(organisation: Organisation) -> list[Organisation]:
    """Other live organisations of the organizer whose name is the same once normalised (台/臺, widths, spaces)."""
    return db.session.scalars(select(Organisation).where(
        Organisation.organizer_id == organisation.organizer_id, Organisation.merged_into_id.is_(None),
        Organisation.name_key == organisation.name_key, Organisation.id != organisation.id)).all()


def merge_organisations(duplicate: Organisation, kept: Organisation, *, actor, now: datetime) -> Organisation:
    """Move the duplicate's contacts and follows to the kept organisation and retire the duplicate."""
    emails = {c.email_key for c in kept.contacts}
    for contact in list(duplicate.contacts):
        if contact.email_key not in emails:
            kept.contacts.append(Contact(name=contact.name, role=contact.role, email=contact.email,
                                         email_key=contact.email_key, phone=contact.phone))
    have = {(f.kind, f.value) for f in kept.follows}
    kept.follows.extend(Follow(kind=f.kind, value=f.value) for f in duplicate.follows if (f.kind, f.value) not in have)
    kept.standing = kept.standing or duplicate.standing
    duplicate.merged_into_id, duplicate.updated_at, kept.updated_at = kept.id, now, now
    duplicate.contacts.clear()
    duplicate.follows.clear()
    db.session.flush()
    audit.record(actor, "directory.merged", kept, {"merged": duplicate.name, "merged_id": duplicate.id}, now=now)
    return kept


def save_organisation(organisation: Organisation | None, organizer_id: int, values: dict, *, actor,
                      now: datetime) -> Organisation:
    """Create or edit an organisation with its contacts and follows (replaced by those given)."""
    created = organisation is None
    if created:
        organisation = new_organisation(organizer_id, values["name"], now=now, kind=values["kind"])
    before = {"name": organisation.name, "kind": organisation.kind, "standing": organisation.standing,
              "contacts": sorted(c.email for c in organisation.contacts)}
    organisation.name, organisation.name_key = values["name"].strip(), normalise_name(values["name"])
    organisation.kind, organisation.standing, organisation.note = values["kind"], values["standing"], values["note"]
    kept = {c.email_key: c for c in organisation.contacts}
    organisation.contacts = []
    for item in values["contacts"]:
        key = normalise_email(item["email"])
        contact = kept.pop(key, None) or Contact(email_key=key)
        contact.email, contact.name, contact.role, contact.phone = (item["email"], item["contact"], item["role"],
                                                                    item["phone"])
        organisation.contacts.append(contact)
    organisation.follows = [Follow(kind=k, value=v) for k, v in dict.fromkeys(values["follows"])]
    organisation.updated_at = now
    db.session.flush()
    after = {"name": organisation.name, "kind": organisation.kind, "standing": organisation.standing,
             "contacts": sorted(c.email for c in organisation.contacts)}
    changed = {k: [before[k], after[k]] for k in after if created or before[k] != after[k]}
    audit.record(actor, "directory.created" if created else "directory.updated", organisation, changed, now=now)
    return organisation
