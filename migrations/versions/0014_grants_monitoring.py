"""grants monitoring (issue 14, point 9): reporting periods, unique reach to date, interventions developed,
safeguarding alerts, and a record key for publishing counts

Revision ID: 0014_grants_monitoring
Revises: 0011_grants_lifecycle

Existing returns get their period from the grant's schedule: the first starts when the agreement was accepted
(or, before agreements, when the grant was decided) and each ends the day before it is due; the next starts
on that due date, so one grant's periods never overlap. Each gets a random record key.
"""
import secrets
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

revision = '0014_grants_monitoring'
down_revision = '0011_grants_lifecycle'
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")


def _london_date(value):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON).date()


def upgrade():
    with op.batch_alter_table('grant_monitoring_returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reached_to_date', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('interventions_developed', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('record_key', sa.SmallInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('safeguarding_alerted_at', sa.DateTime(), nullable=True))

    bind = op.get_bind()
    returns = sa.table('grant_monitoring_returns', sa.column('id', sa.Integer), sa.column('application_id', sa.Integer),
                       sa.column('due_at', sa.DateTime), sa.column('period_start', sa.Date), sa.column('period_end', sa.Date),
                       sa.column('record_key', sa.SmallInteger))
    applications = sa.table('grant_applications', sa.column('id', sa.Integer), sa.column('decided_at', sa.DateTime))
    agreements = sa.table('grant_agreements', sa.column('application_id', sa.Integer), sa.column('accepted_at', sa.DateTime))
    starts = {row.id: row.decided_at for row in bind.execute(sa.select(applications.c.id, applications.c.decided_at))}
    for row in bind.execute(sa.select(agreements.c.application_id, agreements.c.accepted_at)):
        if row.accepted_at is not None:
            starts[row.application_id] = row.accepted_at
    previous: dict[int, object] = {}
    rows = bind.execute(sa.select(returns.c.id, returns.c.application_id, returns.c.due_at)
                        .order_by(returns.c.application_id, returns.c.due_at)).all()
    for row in rows:
        due = _london_date(row.due_at)
        start = previous.get(row.application_id) or _london_date(starts.get(row.application_id)) or due - timedelta(days=90)
        start = min(start, due - timedelta(days=1))
        bind.execute(sa.update(returns).where(returns.c.id == row.id).values(
            period_start=start, period_end=due - timedelta(days=1), record_key=secrets.randbelow(256)))
        previous[row.application_id] = due


def downgrade():
    with op.batch_alter_table('grant_monitoring_returns', schema=None) as batch_op:
        batch_op.drop_column('safeguarding_alerted_at')
        batch_op.drop_column('record_key')
        batch_op.drop_column('interventions_developed')
        batch_op.drop_column('reached_to_date')
        batch_op.drop_column('period_end')
        batch_op.drop_column('period_start')
