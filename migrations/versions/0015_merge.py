"""merge the issue 14, 15, 16 and 17 branches of this session

Revision ID: 0015_merge
Revises: the 0014 migrations
"""

# revision identifiers, used by Alembic.
revision = '0015_merge'
down_revision = ('0014_grants_orgs', '0014_grants_monitoring', '0014_panels_follow', '0014_partners_areas', '0014_survey_versions', '0014_panels_meetings')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
