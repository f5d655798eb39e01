"""grants: monitoring returns get a state column, so sending one is a workflow step (compare-and-set)

Revision ID: 0008_grants
Revises: 0007_members

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_grants'
down_revision = '0007_members'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_monitoring_returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), nullable=False, server_default='due'))
    op.execute("UPDATE grant_monitoring_returns SET state = 'sent' WHERE submitted_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('grant_monitoring_returns', schema=None) as batch_op:
        batch_op.drop_column('state')
