"""grants: a person in several organisations (with leads), per-round extra questions, required documents

Revision ID: 0014_grants_orgs
Revises: 0011_grants_lifecycle

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_grants_orgs'
down_revision = '0011_grants_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_organisation_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_constraint('uq_grant_organisation_members_user_id', type_='unique')
        batch_op.create_unique_constraint('uq_grant_organisation_members_organisation_user', ['organisation_id', 'user_id'])
        batch_op.create_index(batch_op.f('ix_grant_organisation_members_user_id'), ['user_id'], unique=False)
    # Until now every member could do everything: the first member of each group (who set it up) becomes its lead.
    op.execute(
        "UPDATE grant_organisation_members SET lead = true WHERE id IN "
        "(SELECT MIN(id) FROM grant_organisation_members GROUP BY organisation_id)"
    )
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('required_documents', sa.JSON(), server_default='[]', nullable=False))

    op.create_table('grant_round_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('hint', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('minimum', sa.Integer(), nullable=True),
    sa.Column('maximum', sa.Integer(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['grant_rounds.id'], name=op.f('fk_grant_round_questions_round_id_grant_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_round_questions'))
    )
    with op.batch_alter_table('grant_round_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_round_questions_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('grant_round_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_round_questions_round_id'))
    op.drop_table('grant_round_questions')
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.drop_column('required_documents')
    # Back to one organisation a person: keep each person's earliest membership.
    op.execute(
        "DELETE FROM grant_organisation_members WHERE id NOT IN "
        "(SELECT MIN(id) FROM grant_organisation_members GROUP BY user_id)"
    )
    with op.batch_alter_table('grant_organisation_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_organisation_members_user_id'))
        batch_op.drop_constraint('uq_grant_organisation_members_organisation_user', type_='unique')
        batch_op.create_unique_constraint('uq_grant_organisation_members_user_id', ['user_id'])
        batch_op.drop_column('lead')
