"""accounts: bucketed throttle counters, e-mail confirmation, two-factor sign-in

Revision ID: 0004_accounts
Revises: 0003_merge
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_accounts'
down_revision = '0003_merge'
branch_labels = None
depends_on = None


def upgrade():
    # Per-event rows (with their fine times) go; counters in minute buckets replace them.
    with op.batch_alter_table('throttle_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_throttle_hits_scope_key_at')
    op.drop_table('throttle_hits')
    op.create_table('throttle_counts',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('bucket', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', 'bucket', name=op.f('pk_throttle_counts'))
    )
    with op.batch_alter_table('throttle_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_counts_bucket'), ['bucket'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('email_confirmed')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('throttle_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_counts_bucket'))
    op.drop_table('throttle_counts')
    op.create_table('throttle_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_throttle_hits'))
    )
    with op.batch_alter_table('throttle_hits', schema=None) as batch_op:
        batch_op.create_index('ix_throttle_hits_scope_key_at', ['scope', 'key', 'at'], unique=False)
