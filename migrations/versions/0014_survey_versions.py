"""surveys: versions of a definition (the builder), waves tied to a version, the language of a draft

Revision ID: 0014_survey_versions
Revises: 0011_grants_lifecycle

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_survey_versions'
down_revision = '0011_grants_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_slug', sa.String(length=60), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_survey_versions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_versions')),
    sa.UniqueConstraint('survey_slug', 'number', name=op.f('uq_survey_versions_survey_slug'))
    )
    with op.batch_alter_table('survey_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_versions_survey_slug'), ['survey_slug'], unique=False)
    with op.batch_alter_table('survey_waves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_survey_waves_version_id_survey_versions'), 'survey_versions',
                                    ['version_id'], ['id'])
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('survey_waves', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_survey_waves_version_id_survey_versions'), type_='foreignkey')
        batch_op.drop_column('version_id')
    with op.batch_alter_table('survey_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_versions_survey_slug'))
    op.drop_table('survey_versions')
