"""The day of the meeting: meeting_courses, speaking_turns, comment_extensions, recording_notices

The meeting's course (V8, V12), its speaking queue with stored timer moments (V11, V14), the chair's
extensions of a case's comment time (V11) and recording notices (V10).

Revision ID: course01
Revises: applicant01
Create Date: 2026-11-29 05:45:00

"""
import sqlalchemy as sa
from alembic import op

from app.dbtypes import UTCDateTime

revision = 'course01'
down_revision = 'applicant01'  # chained at merge (both streams started from fixes01)
branch_labels = None
depends_on = None

_LIVE = sa.text("state IN ('speaking', 'paused')")


def upgrade():
    op.create_table(
        'meeting_courses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=16), nullable=False),
        sa.Column('case_index', sa.Integer(), nullable=True),
        sa.Column('minutes_per_speaker', sa.Integer(), nullable=False),
        sa.Column('warning_seconds', sa.Integer(), nullable=False),
        sa.Column('public_leaves', sa.Boolean(), nullable=False),
        sa.Column('changed_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("phase IN ('not_started', 'called', 'comment', 'deliberation', 'adjourned')",
                           name=op.f('ck_meeting_courses_phase_known')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_courses_meeting_id_meetings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_courses')),
        sa.UniqueConstraint('meeting_id', name=op.f('uq_meeting_courses_meeting_id')),
    )
    op.create_table(
        'speaking_turns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('case_key', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('allotted_seconds', sa.Integer(), nullable=False),
        sa.Column('called_at', UTCDateTime(), nullable=True),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('paused_at', UTCDateTime(), nullable=True),
        sa.Column('paused_seconds', sa.Float(), nullable=False),
        sa.Column('pauses', sa.Integer(), nullable=False),
        sa.Column('ended_at', UTCDateTime(), nullable=True),
        sa.Column('overrun_seconds', sa.Float(), nullable=False),
        sa.Column('written_version', sa.Boolean(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.CheckConstraint("state IN ('waiting', 'up', 'speaking', 'paused', 'done', 'absent', 'skipped')",
                           name=op.f('ck_speaking_turns_state_known')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_speaking_turns_application_id_applications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_speaking_turns_meeting_id_meetings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_speaking_turns')),
        sa.UniqueConstraint('meeting_id', 'case_key', 'application_id', name='uq_speaking_turns_case_speaker'),
    )
    with op.batch_alter_table('speaking_turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaking_turns_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_speaking_turns_meeting_case', ['meeting_id', 'case_key', 'position'], unique=False)
        batch_op.create_index('uq_speaking_turns_one_live', ['meeting_id'], unique=True,
                              postgresql_where=_LIVE, sqlite_where=_LIVE)
    op.create_table(
        'comment_extensions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('case_key', sa.Integer(), nullable=False),
        sa.Column('previous_total', sa.Integer(), nullable=False),
        sa.Column('new_total', sa.Integer(), nullable=False),
        sa.Column('chair', sa.String(length=80), nullable=False),
        sa.Column('members_present', sa.Integer(), nullable=False),
        sa.Column('members_consenting', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('new_total > previous_total AND new_total <= 60',
                           name=op.f('ck_comment_extensions_extension_within_v11')),
        sa.CheckConstraint('members_present >= 1 AND members_consenting = members_present',
                           name=op.f('ck_comment_extensions_all_consent_v11')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_comment_extensions_actor_id_users')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_comment_extensions_meeting_id_meetings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_extensions')),
    )
    with op.batch_alter_table('comment_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_extensions_meeting_id'), ['meeting_id'], unique=False)
    op.create_table(
        'recording_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('case_key', sa.Integer(), nullable=False),
        sa.Column('who', sa.String(length=120), nullable=False),
        sa.Column('area', sa.String(length=120), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('closed_at', UTCDateTime(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_recording_notices_actor_id_users')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_recording_notices_meeting_id_meetings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_notices')),
    )
    with op.batch_alter_table('recording_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recording_notices_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    op.drop_table('recording_notices')
    op.drop_table('comment_extensions')
    op.drop_table('speaking_turns')
    op.drop_table('meeting_courses')
