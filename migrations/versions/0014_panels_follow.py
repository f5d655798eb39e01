"""panels: accountability (progress per item), following with e-mail choices, and the items' search entries

Revision ID: 0014_panels_follow
Revises: 0011_grants_lifecycle

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_panels_follow'
down_revision = '0011_grants_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panel_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('progress_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('progress_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_panel_feedback_published_at'), ['published_at'], unique=False)

    with op.batch_alter_table('panel_follows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=20), nullable=False, server_default='immediate'))

    op.create_table('panel_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['feedback_id'], ['panel_feedback.id'], name=op.f('fk_panel_notifications_feedback_id_panel_feedback')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_notifications'))
    )
    with op.batch_alter_table('panel_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_panel_notifications_waiting', ['sent_at', 'user_id'], unique=False)

    op.create_table('panel_search_entries',
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['panel_feedback.id'], name=op.f('fk_panel_search_entries_feedback_id_panel_feedback')),
    sa.PrimaryKeyConstraint('feedback_id', name=op.f('pk_panel_search_entries'))
    )


def downgrade():
    op.drop_table('panel_search_entries')
    with op.batch_alter_table('panel_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_panel_notifications_waiting')
    op.drop_table('panel_notifications')
    with op.batch_alter_table('panel_follows', schema=None) as batch_op:
        batch_op.drop_column('mode')
    with op.batch_alter_table('panel_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_feedback_published_at'))
        batch_op.drop_column('progress_at')
        batch_op.drop_column('progress_note')
        batch_op.drop_column('progress')
