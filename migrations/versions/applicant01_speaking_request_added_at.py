"""A case added from the applicant's private page waits from when it was added: speaking_requests.added_at

A speaker who adds a case after confirming must not pass those who applied for that case in between
(V6: by time of application); NULL means the application's own time (confirmed_at), as before.

Revision ID: applicant01
Revises: desk01
Create Date: 2026-11-29 05:50:00

"""
import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = 'applicant01'
down_revision = 'desk01'  # chained at merge (both streams started from fixes01)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('speaking_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_at', app.dbtypes.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('speaking_requests', schema=None) as batch_op:
        batch_op.drop_column('added_at')
