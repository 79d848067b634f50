"""question claims: "I'm on it" on the unanswered queue, one claim per question

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('question_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_claims_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_question_claims_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_claims')),
    sa.UniqueConstraint('question_id', name=op.f('uq_question_claims_question_id'))
    )
    with op.batch_alter_table('question_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_claims_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_claims_user_id'))

    op.drop_table('question_claims')
