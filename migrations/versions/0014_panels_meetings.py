"""panels meetings: sign-ups say attending or not, a calendar sequence per meeting, public meeting calendars

Revision ID: 0014_panels_meetings
Revises: 0011_grants_lifecycle
Existing sign-ups were "coming" (the only answer there was); panels start with a private calendar.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_panels_meetings'
down_revision = '0011_grants_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panel_meeting_signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attending', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_meetings', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.drop_column('public_meetings')
    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.drop_column('sequence')
    with op.batch_alter_table('panel_meeting_signups', schema=None) as batch_op:
        batch_op.drop_column('attending')
