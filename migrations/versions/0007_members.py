"""members: invitations to join an organisation, accepted by the invited person

Revision ID: 0007_members
Revises: 0006_accounts2

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_members'
down_revision = '0006_accounts2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grant_organisation_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_grant_organisation_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['grant_organisations.id'], name=op.f('fk_grant_organisation_invitations_organisation_id_grant_organisations')),
    sa.ForeignKeyConstraint(['token_id'], ['auth_tokens.id'], name=op.f('fk_grant_organisation_invitations_token_id_auth_tokens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_organisation_invitations')),
    sa.UniqueConstraint('token_id', name=op.f('uq_grant_organisation_invitations_token_id'))
    )
    with op.batch_alter_table('grant_organisation_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_organisation_invitations_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('grant_organisation_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_organisation_invitations_organisation_id'))
    op.drop_table('grant_organisation_invitations')
