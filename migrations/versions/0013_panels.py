"""panels: safe publishing, moderation undo, meetings, accountability

Revision ID: 0013_panels
Revises: 0012_grants_assessment
Existing places get a state from verified_at (verified, else waiting); updated_at starts at created_at.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_panels'
down_revision = '0012_grants_assessment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('panel_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_panel_appeals_author_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_panel_appeals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_panel_appeals_hidden_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_appeals'))
    )
    with op.batch_alter_table('panel_appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_appeals_decided_at'), ['decided_at'], unique=False)

    op.create_table('panel_redactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('phrase', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_panel_redactions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_redactions'))
    )
    with op.batch_alter_table('panel_redactions', schema=None) as batch_op:
        batch_op.create_index('ix_panel_redactions_target', ['kind', 'target_id'], unique=False)

    op.create_table('panel_follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['panel_feedback.id'], name=op.f('fk_panel_follows_feedback_id_panel_feedback')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_follows_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_follows')),
    sa.UniqueConstraint('feedback_id', 'user_id', name=op.f('uq_panel_follows_feedback_id'))
    )
    with op.batch_alter_table('panel_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_follows_feedback_id'), ['feedback_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_follows_user_id'), ['user_id'], unique=False)

    op.create_table('panel_meeting_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meetings.id'], name=op.f('fk_panel_meeting_signups_meeting_id_panel_meetings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_meeting_signups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_meeting_signups')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_panel_meeting_signups_meeting_id'))
    )
    with op.batch_alter_table('panel_meeting_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_meeting_signups_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_meeting_signups_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('panel_agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_panel_agenda_items_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'])

    with op.batch_alter_table('panel_assets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), nullable=False, server_default='waiting'))
        batch_op.add_column(sa.Column('rejected_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('contact_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_panel_assets_state'), ['state'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_panel_assets_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'])
    op.execute("UPDATE panel_assets SET updated_at = created_at")
    op.execute("UPDATE panel_assets SET state = 'verified' WHERE verified_at IS NOT NULL")
    with op.batch_alter_table('panel_assets', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table('panel_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_panel_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_panel_comments_parent_id_panel_comments'), 'panel_comments', ['parent_id'], ['id'])

    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_public_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('panel_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('asset_id', sa.Integer(), nullable=True))
        batch_op.alter_column('feedback_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_panel_reports_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_reports_asset_id'), ['asset_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_panel_reports_agenda_item_id_panel_agenda_items'), 'panel_agenda_items', ['agenda_item_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_panel_reports_asset_id_panel_assets'), 'panel_assets', ['asset_id'], ['id'])



def downgrade():
    # Reports of agenda items and places have no place in the older table.
    op.execute("DELETE FROM panel_reports WHERE feedback_id IS NULL")
    with op.batch_alter_table('panel_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_panel_reports_asset_id_panel_assets'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_panel_reports_agenda_item_id_panel_agenda_items'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_panel_reports_asset_id'))
        batch_op.drop_index(batch_op.f('ix_panel_reports_agenda_item_id'))
        batch_op.alter_column('feedback_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('asset_id')
        batch_op.drop_column('agenda_item_id')

    with op.batch_alter_table('panel_meetings', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('note_public_at')

    with op.batch_alter_table('panel_comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_panel_comments_parent_id_panel_comments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_panel_comments_parent_id'))
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('panel_assets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_panel_assets_hidden_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_panel_assets_state'))
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('contact_confirmed_at')
        batch_op.drop_column('rejected_reason')
        batch_op.drop_column('state')

    with op.batch_alter_table('panel_agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_panel_agenda_items_hidden_by_id_users'), type_='foreignkey')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('panel_meeting_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_meeting_signups_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_meeting_signups_meeting_id'))

    op.drop_table('panel_meeting_signups')
    with op.batch_alter_table('panel_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_follows_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_follows_feedback_id'))

    op.drop_table('panel_follows')
    with op.batch_alter_table('panel_redactions', schema=None) as batch_op:
        batch_op.drop_index('ix_panel_redactions_target')

    op.drop_table('panel_redactions')
    with op.batch_alter_table('panel_appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_appeals_decided_at'))

    op.drop_table('panel_appeals')
