"""Comments and their answers: written opinions (submissions and files), the comment log, responses
(versioned for concurrent edits), templates, discussion items, case resolutions, minutes versions and
each organizer's response deadline.

Revision ID: comments01
Revises: course01
Create Date: 2026-11-29 05:25:15.335966

"""
from alembic import op
import sqlalchemy as sa

import app.dbtypes


# revision identifiers, used by Alembic.
revision = 'comments01'
down_revision = 'course01'  # chained at merge (both streams started from fixes01)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment_response_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('plan_section', sa.String(length=200), nullable=False),
    sa.CheckConstraint("decision IN ('adopted', 'partly', 'not_adopted', 'elsewhere', 'out_of_scope')", name=op.f('ck_comment_response_templates_decision_known')),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_comment_response_templates_organizer_id_organizers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_response_templates'))
    )
    with op.batch_alter_table('comment_response_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_response_templates_organizer_id'), ['organizer_id'], unique=False)

    op.create_table('comment_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('response_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('response_days BETWEEN 1 AND 365', name=op.f('ck_comment_settings_response_days_range')),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_comment_settings_organizer_id_organizers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_settings')),
    sa.UniqueConstraint('organizer_id', name=op.f('uq_comment_settings_organizer_id'))
    )
    op.create_table('comment_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('receipt', sa.String(length=20), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=12), nullable=False),
    sa.Column('received_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('consented_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("channel IN ('online', 'paper', 'fax', 'email', 'handed_in')", name=op.f('ck_comment_submissions_channel_known')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_comment_submissions_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_comment_submissions_organizer_id_organizers')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_comment_submissions_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_comment_submissions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_submissions')),
    sa.UniqueConstraint('receipt', name=op.f('uq_comment_submissions_receipt'))
    )
    with op.batch_alter_table('comment_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_submissions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_submissions_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_submissions_plan_id'), ['plan_id'], unique=False)

    op.create_table('discussion_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('resolved_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_discussion_items_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_discussion_items_organizer_id_organizers')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_discussion_items_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_items'))
    )
    with op.batch_alter_table('discussion_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discussion_items_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_items_plan_id'), ['plan_id'], unique=False)

    op.create_table('case_resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_case_resolutions_case_id_review_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_case_resolutions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_resolutions')),
    sa.UniqueConstraint('meeting_id', 'case_id', name='uq_case_resolutions_case')
    )
    with op.batch_alter_table('case_resolutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_resolutions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('comment_submission_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('is_scan', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['comment_submissions.id'], name=op.f('fk_comment_submission_files_submission_id_comment_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_submission_files'))
    )
    with op.batch_alter_table('comment_submission_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_submission_files_submission_id'), ['submission_id'], unique=False)

    op.create_table('minutes_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('published_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_copy_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_versions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_minutes_versions_organizer_id_organizers')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_minutes_versions_published_by_id_users')),
    sa.ForeignKeyConstraint(['signed_copy_id'], ['materials.id'], name=op.f('fk_minutes_versions_signed_copy_id_materials'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_versions')),
    sa.UniqueConstraint('meeting_id', 'number', name='uq_minutes_versions_number')
    )
    with op.batch_alter_table('minutes_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_versions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('oral_form', sa.String(length=20), nullable=True),
    sa.Column('speech_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('topic', sa.String(length=80), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('redacted_text', sa.Text(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('received_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("oral_form IS NULL OR oral_form IN ('written_version', 'consented_summary', 'staff_note')", name=op.f('ck_comments_oral_form_known_v14')),
    sa.CheckConstraint("source IN ('written', 'oral', 'statement')", name=op.f('ck_comments_source_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_comments_application_id_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_comments_case_id_review_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_comments_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_comments_organizer_id_organizers')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_comments_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_comments_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['comment_submissions.id'], name=op.f('fk_comments_submission_id_comment_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('ix_comments_plan_received', ['plan_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_submission_id'), ['submission_id'], unique=False)

    op.create_table('comment_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('plan_section', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('drafted_at', app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('approved_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.Column('published_at', app.dbtypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("decision IN ('adopted', 'partly', 'not_adopted', 'elsewhere', 'out_of_scope')", name=op.f('ck_comment_responses_decision_known')),
    sa.CheckConstraint("status = 'draft' OR (approved_by_id IS NOT NULL AND approved_by_id <> drafted_by_id)", name=op.f('ck_comment_responses_approved_by_another_p2')),
    sa.CheckConstraint("status IN ('draft', 'approved', 'published')", name=op.f('ck_comment_responses_status_known')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_comment_responses_approved_by_id_users')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_responses_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_comment_responses_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_comment_responses_organizer_id_organizers')),
    sa.ForeignKeyConstraint(['template_id'], ['comment_response_templates.id'], name=op.f('fk_comment_responses_template_id_comment_response_templates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_responses')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_comment_responses_comment_id'))
    )
    with op.batch_alter_table('comment_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_responses_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_index('ix_comment_responses_status', ['organizer_id', 'status'], unique=False)

    op.create_table('discussion_item_comments',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_discussion_item_comments_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['discussion_items.id'], name=op.f('fk_discussion_item_comments_item_id_discussion_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'comment_id', name=op.f('pk_discussion_item_comments'))
    )


def downgrade():
    op.drop_table('discussion_item_comments')
    with op.batch_alter_table('comment_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_responses_status')
        batch_op.drop_index(batch_op.f('ix_comment_responses_organizer_id'))

    op.drop_table('comment_responses')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_submission_id'))
        batch_op.drop_index('ix_comments_plan_received')
        batch_op.drop_index(batch_op.f('ix_comments_plan_id'))
        batch_op.drop_index(batch_op.f('ix_comments_organizer_id'))
        batch_op.drop_index(batch_op.f('ix_comments_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_comments_case_id'))

    op.drop_table('comments')
    with op.batch_alter_table('minutes_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_versions_meeting_id'))

    op.drop_table('minutes_versions')
    with op.batch_alter_table('comment_submission_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_submission_files_submission_id'))

    op.drop_table('comment_submission_files')
    with op.batch_alter_table('case_resolutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_resolutions_meeting_id'))

    op.drop_table('case_resolutions')
    with op.batch_alter_table('discussion_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_items_plan_id'))
        batch_op.drop_index(batch_op.f('ix_discussion_items_organizer_id'))

    op.drop_table('discussion_items')
    with op.batch_alter_table('comment_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_submissions_plan_id'))
        batch_op.drop_index(batch_op.f('ix_comment_submissions_organizer_id'))
        batch_op.drop_index(batch_op.f('ix_comment_submissions_meeting_id'))

    op.drop_table('comment_submissions')
    op.drop_table('comment_settings')
    with op.batch_alter_table('comment_response_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_response_templates_organizer_id'))

    op.drop_table('comment_response_templates')
