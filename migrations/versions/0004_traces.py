"""survey answers in progress kept server-side (drafts); the submission-token table is replaced by them

Revision ID: 0004_traces
Revises: 0003_merge

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_traces'
down_revision = '0003_merge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_drafts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('setting_code', sa.String(length=20), nullable=True),
    sa.Column('is_test', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_drafts_wave_id_survey_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_drafts'))
    )
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_drafts_expires_at'), ['expires_at'], unique=False)

    # A draft is deleted when its answers are stored, so it is the one-time token now.
    op.drop_table('survey_submission_tokens')


def downgrade():
    op.create_table('survey_submission_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['survey_waves.id'], name=op.f('fk_survey_submission_tokens_wave_id_survey_waves')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_survey_submission_tokens'))
    )
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_drafts_expires_at'))

    op.drop_table('survey_drafts')
