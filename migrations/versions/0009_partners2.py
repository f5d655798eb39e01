"""partners2: the dashboard's summary table (cube), filled from the records already stored

Revision ID: 0009_partners2
Revises: 0008_partners

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_partners2'
down_revision = '0008_partners'
branch_labels = None
depends_on = None

# The same dimensions as livesafe/partners/cube.py at the time of writing (a migration keeps its own copy).
DIMENSIONS = {
    "total": ((), ""),
    "age_band": (("age_band",), ""),
    "sex": (("sex",), ""),
    "weapon": (("weapon",), ""),
    "location": (("location",), ""),
    "heat": (("weekday", "hour"), ""),
    "non_domestic_homicide": ((), " AND offence = 'homicide' AND domestic <> 'yes'"),
}


def upgrade():
    op.create_table('partner_cells',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('dimension', sa.String(length=30), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=True),
    sa.Column('hour', sa.SmallInteger(), nullable=True),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('weapon', sa.String(length=20), nullable=True),
    sa.Column('location', sa.String(length=30), nullable=True),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('key_sum', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_cells'))
    )
    with op.batch_alter_table('partner_cells', schema=None) as batch_op:
        batch_op.create_index('ix_partner_cells_lookup', ['source', 'dimension', 'month'], unique=False)
    for name, (columns, where) in DIMENSIONS.items():
        grouped = ", ".join(("source", "month", "district") + columns)
        op.execute(sa.text(
            f"INSERT INTO partner_cells ({grouped}, dimension, records, key_sum) "
            f"SELECT {grouped}, :name, count(*), coalesce(sum(record_key), 0) FROM partner_records "
            f"WHERE 1 = 1{where} GROUP BY {grouped}").bindparams(name=name))


def downgrade():
    with op.batch_alter_table('partner_cells', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_cells_lookup')
    op.drop_table('partner_cells')
