"""merge grants, panels and surveys

Revision ID: 0003_merge
Revises: 0002_grants, 0002_panels, 0002_surveys
Create Date: 2026-11-21 20:58:34.703800

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_merge'
down_revision = ('0002_grants', '0002_panels', '0002_surveys')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
