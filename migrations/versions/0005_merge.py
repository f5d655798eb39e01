"""merge the issue 10-12 branches (mail, disclosure, accounts, traces)

Revision ID: 0005_merge
Revises: the 0004 migrations
"""

# revision identifiers, used by Alembic.
revision = '0005_merge'
down_revision = ('0004_mail', '0004_disclosure', '0004_traces', '0004_accounts')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
