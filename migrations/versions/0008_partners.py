"""partners: partner organisations and accounts, uploaded extracts, their records, the local picture

Revision ID: 0008_partners
Revises: 0007_members

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_partners'
down_revision = '0007_members'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partner_organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_partner_organisations_name'))
    )
    op.create_table('partner_accounts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_partner_accounts_user_id_users')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_partner_accounts_invited_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['partner_organisations.id'], name=op.f('fk_partner_accounts_organisation_id_partner_organisations')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_partner_accounts'))
    )
    with op.batch_alter_table('partner_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_accounts_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('partner_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('last_month', sa.Date(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('replaced', sa.Integer(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_partner_uploads_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_uploads'))
    )
    op.create_table('partner_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=True),
    sa.Column('hour', sa.SmallInteger(), nullable=True),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('weapon', sa.String(length=20), nullable=True),
    sa.Column('location', sa.String(length=30), nullable=True),
    sa.Column('offence', sa.String(length=30), nullable=True),
    sa.Column('domestic', sa.String(length=10), nullable=True),
    sa.Column('record_key', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['partner_uploads.id'], name=op.f('fk_partner_records_upload_id_partner_uploads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_records'))
    )
    with op.batch_alter_table('partner_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_records_upload_id'), ['upload_id'], unique=False)
        batch_op.create_index('ix_partner_records_source_month', ['source', 'month'], unique=False)
    op.create_table('partner_pictures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('data_to', sa.Date(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_partner_pictures_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_pictures'))
    )


def downgrade():
    op.drop_table('partner_pictures')
    with op.batch_alter_table('partner_records', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_records_source_month')
        batch_op.drop_index(batch_op.f('ix_partner_records_upload_id'))
    op.drop_table('partner_records')
    op.drop_table('partner_uploads')
    with op.batch_alter_table('partner_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_accounts_organisation_id'))
    op.drop_table('partner_accounts')
    op.drop_table('partner_organisations')
