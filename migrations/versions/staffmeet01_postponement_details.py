"""Postponement details (W5): the new time to be announced, moved online, and the end times before and after

Revision ID: staffmeet01
Revises: fixes01
Create Date: 2026-11-29 05:45:00

"""
import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = 'staffmeet01'
down_revision = 'fixes01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_to_be_announced', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('moved_online', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('meeting_status_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_ends_at', app.dbtypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('new_ends_at', app.dbtypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('to_be_announced', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('moved_online', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('meeting_status_changes', schema=None) as batch_op:
        for column in ('moved_online', 'to_be_announced', 'new_ends_at', 'previous_ends_at'):
            batch_op.drop_column(column)
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('moved_online')
        batch_op.drop_column('time_to_be_announced')
