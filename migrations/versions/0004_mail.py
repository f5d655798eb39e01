"""mail: retries with backoff, permanent failure

Revision ID: 0004_mail
Revises: 0003_merge
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_mail'
down_revision = '0003_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
    # Messages already queued are due now; the old runner gave up after 5 attempts.
    op.execute("UPDATE outbox_messages SET next_attempt_at = created_at")
    op.execute("UPDATE outbox_messages SET failed_at = created_at WHERE sent_at IS NULL AND attempts >= 5")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('next_attempt_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_failed_at'), ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_failed_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_next_attempt_at'))
        batch_op.drop_column('failed_at')
        batch_op.drop_column('next_attempt_at')
