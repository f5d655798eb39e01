"""grants lifecycle (issue 14): asking for more information, agreements and payments, two-stage rounds

Revision ID: 0011_grants_lifecycle
Revises: 0013_panels

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_grants_lifecycle'
down_revision = '0013_panels'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grant_info_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('returned_from', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('answers_before', sa.JSON(), nullable=False),
    sa.Column('answers_after', sa.JSON(), nullable=True),
    sa.Column('resubmitted_at', sa.DateTime(), nullable=True),
    sa.Column('resubmitted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['grant_applications.id'], name=op.f('fk_grant_info_requests_application_id_grant_applications')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_grant_info_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['resubmitted_by_id'], ['users.id'], name=op.f('fk_grant_info_requests_resubmitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_info_requests'))
    )
    with op.batch_alter_table('grant_info_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_info_requests_application_id'), ['application_id'], unique=False)

    op.create_table('grant_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('monitoring_months', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['grant_applications.id'], name=op.f('fk_grant_agreements_application_id_grant_applications')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grant_agreements_created_by_id_users')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_grant_agreements_accepted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_agreements')),
    sa.UniqueConstraint('application_id', name=op.f('uq_grant_agreements_application_id'))
    )
    op.create_table('grant_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('due_months', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['grant_agreements.id'], name=op.f('fk_grant_payments_agreement_id_grant_agreements')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_grant_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_payments')),
    sa.UniqueConstraint('agreement_id', 'number', name='uq_grant_payments_agreement_number')
    )
    with op.batch_alter_table('grant_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_payments_agreement_id'), ['agreement_id'], unique=False)
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('two_stage', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.drop_column('two_stage')
    with op.batch_alter_table('grant_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_payments_agreement_id'))
    op.drop_table('grant_payments')
    op.drop_table('grant_agreements')
    with op.batch_alter_table('grant_info_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_info_requests_application_id'))
    op.drop_table('grant_info_requests')
