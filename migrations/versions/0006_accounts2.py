"""accounts2: per-role policy set by admins (two-factor required for staff roles)

Revision ID: 0006_accounts2
Revises: 0005_merge

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_accounts2'
down_revision = '0005_merge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('role_policies',
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('two_factor_required', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_role_policies'))
    )


def downgrade():
    op.drop_table('role_policies')
