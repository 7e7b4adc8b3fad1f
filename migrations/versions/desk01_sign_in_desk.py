"""The sign-in desk (issue 10, V2): dayof_sign_ins, and speaking_requests.given_at

A sign-in records the badge handed out and can be undone (undone_at); partial unique indexes keep one
live sign-in per application and one holder per badge number. given_at marks a speaking place that
staff gave to a present waitlisted person when the speaker holding it was absent.

Revision ID: desk01
Revises: staffmeet01
Create Date: 2026-11-29 05:26:02

"""
import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = 'desk01'
down_revision = 'staffmeet01'  # chained at merge (both streams started from fixes01)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dayof_sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('badge', sa.String(length=20), nullable=False),
    sa.Column('signed_in_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_dayof_sign_ins_actor_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_dayof_sign_ins_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_dayof_sign_ins_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_dayof_sign_ins_undone_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dayof_sign_ins'))
    )
    with op.batch_alter_table('dayof_sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dayof_sign_ins_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dayof_sign_ins_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('uq_dayof_sign_ins_live_application', ['application_id'], unique=True, postgresql_where=sa.text('undone_at IS NULL'), sqlite_where=sa.text('undone_at IS NULL'))
        batch_op.create_index('uq_dayof_sign_ins_live_badge', ['meeting_id', 'badge'], unique=True, postgresql_where=sa.text("undone_at IS NULL AND badge <> ''"), sqlite_where=sa.text("undone_at IS NULL AND badge <> ''"))

    with op.batch_alter_table('speaking_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_at', app.dbtypes.UTCDateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('speaking_requests', schema=None) as batch_op:
        batch_op.drop_column('given_at')

    with op.batch_alter_table('dayof_sign_ins', schema=None) as batch_op:
        batch_op.drop_index('uq_dayof_sign_ins_live_badge', postgresql_where=sa.text("undone_at IS NULL AND badge <> ''"), sqlite_where=sa.text("undone_at IS NULL AND badge <> ''"))
        batch_op.drop_index('uq_dayof_sign_ins_live_application', postgresql_where=sa.text('undone_at IS NULL'), sqlite_where=sa.text('undone_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_dayof_sign_ins_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_dayof_sign_ins_application_id'))

    op.drop_table('dayof_sign_ins')
