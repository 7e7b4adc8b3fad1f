"""The stakeholder directory, subscribers, notices, suppressed addresses, and the outbox's leases

Standing invitees (P11) are copied into the directory as standing organisations of each organizer
they apply to (one contact each); the old table stays, read as well, until its writers move over.

Revision ID: notices01
Revises: comments01
Create Date: 2026-11-29 05:40:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

from app.dbtypes import UTCDateTime
from app.rules.names import normalise_email, normalise_name

revision = 'notices01'
down_revision = 'comments01'  # chained at merge (both streams started from fixes01)
branch_labels = None
depends_on = None


def _tables():
    op.create_table(
        'organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organizer_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('name_key', sa.String(length=160), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('standing', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('nonce', sa.String(length=24), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('ngo', 'community', 'academic', 'agency', 'company', 'elected')",
                           name=op.f('ck_organisations_kind_known')),
        sa.ForeignKeyConstraint(['merged_into_id'], ['organisations.id'],
                                name=op.f('fk_organisations_merged_into_id_organisations')),
        sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'],
                                name=op.f('fk_organisations_organizer_id_organizers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')))
    op.create_index('ix_organisations_organizer_id', 'organisations', ['organizer_id'])
    op.create_index('ix_organisations_name_key', 'organisations', ['name_key'])
    op.create_table(
        'contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('email_key', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE',
                                name=op.f('fk_contacts_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')))
    op.create_index('ix_contacts_organisation_id', 'contacts', ['organisation_id'])
    op.create_index('ix_contacts_email_key', 'contacts', ['email_key'])
    op.create_table(
        'subscribers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('email_key', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=12), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('nonce', sa.String(length=24), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('confirmation_sent_at', UTCDateTime(), nullable=True),
        sa.Column('confirmed_at', UTCDateTime(), nullable=True),
        sa.Column('unsubscribed_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'active', 'unsubscribed')", name=op.f('ck_subscribers_state_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscribers')),
        sa.UniqueConstraint('email_key', name=op.f('uq_subscribers_email_key')))
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('subscriber_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('value', sa.String(length=160), nullable=False),
        sa.CheckConstraint("kind IN ('county', 'plan', 'kind', 'topic')", name=op.f('ck_follows_kind_known')),
        sa.CheckConstraint('(organisation_id IS NULL) <> (subscriber_id IS NULL)',
                           name=op.f('ck_follows_one_follower')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE',
                                name=op.f('fk_follows_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], ondelete='CASCADE',
                                name=op.f('fk_follows_subscriber_id_subscribers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')))
    op.create_index('ix_follows_organisation_id', 'follows', ['organisation_id'])
    op.create_index('ix_follows_subscriber_id', 'follows', ['subscriber_id'])
    op.create_index('ix_follows_kind_value', 'follows', ['kind', 'value'])
    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('automatic', sa.Boolean(), nullable=False),
        sa.Column('method', sa.String(length=8), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('ics', sa.Text(), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('registrants_told_separately', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('published', 'changed', 'postponed', 'cancelled', 'registration_open', "
                           "'minutes', 'manual')", name=op.f('ck_notices_kind_known')),
        sa.CheckConstraint("method IN ('REQUEST', 'CANCEL')", name=op.f('ck_notices_method_known')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notices_actor_id_users')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_notices_meeting_id_meetings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')))
    op.create_index('ix_notices_meeting_id', 'notices', ['meeting_id'])
    op.create_index('ix_notices_created_at', 'notices', ['created_at'])
    op.create_table(
        'attendance_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('suggested_attendance_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE',
                                name=op.f('fk_attendance_links_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['suggested_attendance_id'], ['suggested_attendance.id'], ondelete='CASCADE',
                                name=op.f('fk_attendance_links_suggested_attendance_id_suggested_attendance')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_links')),
        sa.UniqueConstraint('suggested_attendance_id', name=op.f('uq_attendance_links_suggested_attendance_id')))
    op.create_index('ix_attendance_links_organisation_id', 'attendance_links', ['organisation_id'])
    op.create_table(
        'suppressed_addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email_key', sa.String(length=254), nullable=False),
        sa.Column('reason', sa.String(length=12), nullable=False),
        sa.Column('reply', sa.Text(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suppressed_addresses')),
        sa.UniqueConstraint('email_key', name=op.f('uq_suppressed_addresses_email_key')))


def _outbox_columns():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=8), type_=sa.String(length=12),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('bulk', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('audience', sa.String(length=12), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('claim', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('lease_until', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempt_started_at', UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_outbox_messages_notice_id_notices'), 'notices', ['notice_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_outbox_messages_notice_id', ['notice_id'], unique=False)


def _copy_standing_invitees():
    """P11: each standing invitee becomes a standing organisation of every organizer it applies to."""
    conn = op.get_bind()
    organizers = [row[0] for row in conn.execute(sa.text("SELECT id FROM organizers ORDER BY id"))]
    invitees = conn.execute(sa.text("SELECT organizer_id, name, email, note FROM standing_invitees ORDER BY id")).all()
    now = conn.execute(sa.text("SELECT CURRENT_TIMESTAMP")).scalar()
    for organizer_id, name, email, note in invitees:
        for target in ([organizer_id] if organizer_id is not None else organizers):
            new_id = conn.execute(sa.text(
                "INSERT INTO organisations (organizer_id, name, name_key, kind, standing, note, nonce, created_at, "
                "updated_at) VALUES (:o, :n, :k, 'agency', :t, :note, :nonce, :at, :at) RETURNING id"),
                {"o": target, "n": name, "k": normalise_name(name), "t": True, "note": note or "",
                 "nonce": secrets.token_urlsafe(12), "at": now}).scalar()
            conn.execute(sa.text(
                "INSERT INTO contacts (organisation_id, name, role, email, email_key, phone) "
                "VALUES (:o, '', '', :e, :k, '')"), {"o": new_id, "e": email, "k": normalise_email(email)})


def upgrade():
    _tables()
    _outbox_columns()
    _copy_standing_invitees()


def downgrade():
    op.execute(sa.text("DELETE FROM outbox_messages WHERE status IN ('sending', 'suppressed', 'uncertain')"))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_notice_id')
        batch_op.drop_constraint(op.f('fk_outbox_messages_notice_id_notices'), type_='foreignkey')
        for column in ('attempt_started_at', 'lease_until', 'claim', 'audience', 'notice_id', 'bulk'):
            batch_op.drop_column(column)
        batch_op.alter_column('status', existing_type=sa.String(length=12), type_=sa.String(length=8),
                              existing_nullable=False)
    for table in ('suppressed_addresses', 'attendance_links', 'notices', 'follows', 'subscribers', 'contacts',
                  'organisations'):
        op.drop_table(table)
