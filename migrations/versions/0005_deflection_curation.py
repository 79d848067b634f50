"""deflection funnel (ask visits), "did this answer your question?" ratings, phone call log, page curation
(owner, review-by date, promoted source answer) and questions closed against a wiki page

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

"""
import os
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ask_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('session_key', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('shown_at', sa.DateTime(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('opened_doc', sa.String(length=40), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_doc', sa.String(length=40), nullable=True),
    sa.Column('left_at', sa.DateTime(), nullable=True),
    sa.Column('posted_at', sa.DateTime(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_ask_visits_question_id_questions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ask_visits')),
    sa.UniqueConstraint('token', name=op.f('uq_ask_visits_token'))
    )
    with op.batch_alter_table('ask_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ask_visits_answered_doc'), ['answered_doc'], unique=False)
        batch_op.create_index(batch_op.f('ix_ask_visits_opened_doc'), ['opened_doc'], unique=False)
        batch_op.create_index(batch_op.f('ix_ask_visits_session_key'), ['session_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_ask_visits_started_at'), ['started_at'], unique=False)

    op.create_table('call_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('topic_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_call_logs_page_id_pages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_call_logs_question_id_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_call_logs_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_logs'))
    )
    with op.batch_alter_table('call_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_logs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_logs_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_logs_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_logs_topic_key'), ['topic_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_logs_user_id'), ['user_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(question_id IS NULL) <> (page_id IS NULL)', name=op.f('ck_ratings_one_target')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_ratings_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_ratings_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ratings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('user_id', 'page_id', name=op.f('uq_ratings_user_id_page_id')),
    sa.UniqueConstraint('user_id', 'question_id', name=op.f('uq_ratings_user_id_question_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('source_answer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_changed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pages_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pages_review_by'), ['review_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_pages_source_answer_id'), ['source_answer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_pages_source_answer_id_answers'), 'answers', ['source_answer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_pages_owner_id_users'), 'users', ['owner_id'], ['id'], ondelete='SET NULL')

    _curate_existing_pages()

    with op.batch_alter_table('search_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_events_opened_doc'), ['opened_doc'], unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_page_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_questions_duplicate_of_page_id'), ['duplicate_of_page_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_questions_duplicate_of_page_id_pages'), 'pages', ['duplicate_of_page_id'], ['id'], ondelete='SET NULL', use_alter=True)



def _curate_existing_pages():
    """Pages written before curation existed: their writer owns them, and they are due for review
    HELPDESK_PAGE_REVIEW_DAYS (180) after their last change, so old pages come up on the review list."""
    days = int(os.environ.get("HELPDESK_PAGE_REVIEW_DAYS") or 180)
    pages = sa.table(
        "pages",
        sa.column("id", sa.Integer),
        sa.column("created_by_id", sa.Integer),
        sa.column("updated_at", sa.DateTime),
        sa.column("owner_id", sa.Integer),
        sa.column("review_by", sa.Date),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(pages.c.id, pages.c.created_by_id, pages.c.updated_at)).all()
    for page_id, writer_id, updated_at in rows:
        connection.execute(
            pages.update()
            .where(pages.c.id == page_id)
            .values(owner_id=writer_id, review_by=(updated_at + timedelta(days=days)).date())
        )


def downgrade():
    with op.batch_alter_table('search_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_events_opened_doc'))

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questions_duplicate_of_page_id_pages'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_questions_duplicate_of_page_id'))
        batch_op.drop_column('duplicate_of_page_id')

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pages_owner_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_pages_source_answer_id_answers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pages_source_answer_id'))
        batch_op.drop_index(batch_op.f('ix_pages_review_by'))
        batch_op.drop_index(batch_op.f('ix_pages_owner_id'))
        batch_op.drop_column('source_changed_at')
        batch_op.drop_column('source_answer_id')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('review_by')
        batch_op.drop_column('owner_id')

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_user_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_question_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_page_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_created_at'))

    op.drop_table('ratings')
    with op.batch_alter_table('call_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_logs_user_id'))
        batch_op.drop_index(batch_op.f('ix_call_logs_topic_key'))
        batch_op.drop_index(batch_op.f('ix_call_logs_question_id'))
        batch_op.drop_index(batch_op.f('ix_call_logs_page_id'))
        batch_op.drop_index(batch_op.f('ix_call_logs_created_at'))

    op.drop_table('call_logs')
    with op.batch_alter_table('ask_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ask_visits_started_at'))
        batch_op.drop_index(batch_op.f('ix_ask_visits_session_key'))
        batch_op.drop_index(batch_op.f('ix_ask_visits_opened_doc'))
        batch_op.drop_index(batch_op.f('ix_ask_visits_answered_doc'))

    op.drop_table('ask_visits')
