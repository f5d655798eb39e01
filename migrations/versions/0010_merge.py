"""merge the issue 13 and 17 branches (grants on the kernel, the partnership dashboard, surveys, uploads)

Revision ID: 0010_merge
Revises: the 0008/0009 migrations
"""

# revision identifiers, used by Alembic.
revision = '0010_merge'
down_revision = ('0008_grants', '0009_partners2', '0008_uploads', '0008_surveys')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
