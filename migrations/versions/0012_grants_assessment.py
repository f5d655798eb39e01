"""grants: assessment at scale (per-application assignments, community reviewers), e-mail texts staff change

Revision ID: 0012_grants_assessment
Revises: 0010_merge

Existing round assessors keep seeing what they saw: each is assigned to every application of their
round that is being assessed or decided.
"""
from alembic import op
import sqlalchemy as sa

from datetime import datetime, timezone

revision = '0012_grants_assessment'
down_revision = '0010_merge'
branch_labels = None
depends_on = None

ASSESSED = "('in_assessment', 'awarded', 'declined', 'monitoring', 'closed')"


def upgrade():
    op.create_table(
        'grant_application_assessors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['grant_applications.id'], name=op.f('fk_grant_application_assessors_application_id_grant_applications')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_grant_application_assessors_user_id_users')),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_grant_application_assessors_assigned_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_application_assessors')),
        sa.UniqueConstraint('application_id', 'user_id', name=op.f('uq_grant_application_assessors_application_user')),
    )
    with op.batch_alter_table('grant_application_assessors', schema=None) as batch_op:
        batch_op.create_index('ix_grant_application_assessors_application_id', ['application_id'], unique=False)
        batch_op.create_index('ix_grant_application_assessors_user_id', ['user_id'], unique=False)
    with op.batch_alter_table('grant_round_assessors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('community', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('community_share', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'grant_message_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_grant_message_templates_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_message_templates')),
        sa.UniqueConstraint('key', name=op.f('uq_grant_message_templates_key')),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # naive UTC, as UTCDateTime stores it
    op.get_bind().execute(sa.text(
        "INSERT INTO grant_application_assessors (application_id, user_id, assigned_at) "
        "SELECT a.id, ra.user_id, :now FROM grant_applications a "
        f"JOIN grant_round_assessors ra ON ra.round_id = a.round_id WHERE a.state IN {ASSESSED}"), {"now": now})


def downgrade():
    op.drop_table('grant_message_templates')
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.drop_column('community_share')
    with op.batch_alter_table('grant_round_assessors', schema=None) as batch_op:
        batch_op.drop_column('community')
    with op.batch_alter_table('grant_application_assessors', schema=None) as batch_op:
        batch_op.drop_index('ix_grant_application_assessors_user_id')
        batch_op.drop_index('ix_grant_application_assessors_application_id')
    op.drop_table('grant_application_assessors')
