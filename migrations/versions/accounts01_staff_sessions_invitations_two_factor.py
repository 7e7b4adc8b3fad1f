"""staff sessions, invitations, two-factor

One row per staff sign-in (staff_sessions: revocable sessions), admins' e-mail invitations
(staff_invitations: only a hash of each link's key), and the TOTP columns of users. Sessions
opened before this migration carry no session key, so every staff member signs in once more.

Revision ID: accounts01
Revises: a6c20973c909
Create Date: 2026-11-29 03:04:45.897371

"""
from alembic import op
import sqlalchemy as sa

import app.dbtypes


# revision identifiers, used by Alembic.
revision = 'accounts01'
down_revision = 'a6c20973c909'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role = 'admin' OR organizer_id IS NOT NULL", name=op.f('ck_staff_invitations_staff_have_organizer')),
    sa.CheckConstraint("role IN ('admin', 'secretariat', 'planner')", name=op.f('ck_staff_invitations_role_known')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_staff_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_staff_invitations_organizer_id_organizers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_invitations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_invitations_token_hash'))
    )
    with op.batch_alter_table('staff_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invitations_email'), ['email'], unique=False)

    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('user_agent', sa.String(length=120), nullable=False),
    sa.Column('ended_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_staff_sessions_key_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_staff_sessions_user_ended', ['user_id', 'ended_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('totp_pending_secret', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_pending_secret')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_sessions_user_ended')

    op.drop_table('staff_sessions')
    with op.batch_alter_table('staff_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_invitations_email'))

    op.drop_table('staff_invitations')
