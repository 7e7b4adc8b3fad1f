"""The two-factor sign-in's pending step kept on the server: staff_sessions.pending

Between the password and the code, the cookie carries a random key whose hash is a pending
staff_sessions row (5 minutes), instead of an account id trusted on the cookie's signature alone.

Revision ID: fixes01
Revises: identity01
Create Date: 2026-11-29 04:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'fixes01'
down_revision = 'identity01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.execute(sa.text("DELETE FROM staff_sessions WHERE pending"))
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_column('pending')
