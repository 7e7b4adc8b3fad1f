"""Identity (V5): e-mail identity keys without +tags, review flags instead of a name+phone refusal,
the time of the last confirmation mail, and group aliases marked by staff.

Revision ID: identity01
Revises: accounts01
Create Date: 2026-11-29 03:30:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = 'identity01'
down_revision = 'accounts01'
branch_labels = None
depends_on = None

_PHONE_INDEX_WHERE = sa.text("status = 'active' AND phone_key <> ''")


def _identity(address: str) -> str:
    # A frozen copy of rules.names.normalise_email as of this revision: NFKC, lower case, no +tag.
    address = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", address or "").strip().lower())
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local.split('+', 1)[0] or local}@{domain}"


def _rekey_emails(conn):
    """Existing keys become identities; an active application whose new key another active one of
    its meeting already holds keeps its old key (the unique index would refuse it)."""
    suspensions = sa.table("suspensions", sa.column("id"), sa.column("email"), sa.column("email_key"))
    for row in conn.execute(sa.select(suspensions.c.id, suspensions.c.email).where(suspensions.c.email != "")):
        conn.execute(suspensions.update().where(suspensions.c.id == row.id).values(email_key=_identity(row.email)))
    applications = sa.table("applications", sa.column("id"), sa.column("meeting_id"), sa.column("status"),
                            sa.column("email"), sa.column("email_key"))
    rows = conn.execute(sa.select(applications).where(applications.c.email != "")
                        .order_by(applications.c.id)).all()
    held = {(r.meeting_id, r.email_key) for r in rows if r.status == "active"}
    for row in rows:
        key = _identity(row.email)
        if key == row.email_key:
            continue
        if row.status == "active":
            if (row.meeting_id, key) in held:
                continue
            held.add((row.meeting_id, key))
        conn.execute(applications.update().where(applications.c.id == row.id).values(email_key=key))


def upgrade():
    op.create_table('group_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('alias_name', sa.String(length=120), nullable=False),
    sa.Column('alias_key', sa.String(length=120), nullable=False),
    sa.Column('canonical_name', sa.String(length=120), nullable=False),
    sa.Column('canonical_key', sa.String(length=120), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("alias_key <> canonical_key AND alias_key <> ''", name=op.f('ck_group_aliases_names_two_groups')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_group_aliases_actor_id_users')),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_group_aliases_organizer_id_organizers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_aliases')),
    sa.UniqueConstraint('organizer_id', 'alias_key', name='uq_group_aliases_organizer_alias')
    )
    with op.batch_alter_table('group_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_aliases_organizer_id'), ['organizer_id'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_same_as_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_suspension_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmation_sent_at', app.dbtypes.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_applications_review_same_as_id_applications'), 'applications',
                                    ['review_same_as_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_applications_review_suspension_id_suspensions'), 'suspensions',
                                    ['review_suspension_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_index('uq_applications_active_name_phone_v5', postgresql_where=_PHONE_INDEX_WHERE,
                            sqlite_where=_PHONE_INDEX_WHERE)
        batch_op.create_index('ix_applications_meeting_email_key', ['meeting_id', 'email_key'], unique=False)

    _rekey_emails(op.get_bind())


def _clear_duplicate_name_phone_keys(conn):
    """Since this revision two active applications of a meeting may share name and phone (review
    flags); the older schema's unique index refuses that. The earliest keeps its phone key, the
    others lose theirs (phone_key = '' is outside the index; the phone itself is kept)."""
    applications = sa.table("applications", sa.column("id"), sa.column("meeting_id"), sa.column("status"),
                            sa.column("name_key"), sa.column("phone_key"))
    rows = conn.execute(sa.select(applications).where(applications.c.status == "active",
                                                      applications.c.phone_key != "")
                        .order_by(applications.c.id)).all()
    seen = set()
    for row in rows:
        key = (row.meeting_id, row.name_key, row.phone_key)
        if key in seen:
            conn.execute(applications.update().where(applications.c.id == row.id).values(phone_key=""))
        seen.add(key)


def downgrade():
    _clear_duplicate_name_phone_keys(op.get_bind())
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_meeting_email_key')
        batch_op.create_index('uq_applications_active_name_phone_v5', ['meeting_id', 'name_key', 'phone_key'],
                              unique=True, postgresql_where=_PHONE_INDEX_WHERE, sqlite_where=_PHONE_INDEX_WHERE)
        batch_op.drop_constraint(batch_op.f('fk_applications_review_suspension_id_suspensions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_applications_review_same_as_id_applications'), type_='foreignkey')
        batch_op.drop_column('confirmation_sent_at')
        batch_op.drop_column('review_suspension_id')
        batch_op.drop_column('review_same_as_id')

    with op.batch_alter_table('group_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_aliases_organizer_id'))
    op.drop_table('group_aliases')
