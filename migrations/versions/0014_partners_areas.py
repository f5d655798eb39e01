"""partners areas: an optional neighbourhood area on each record, and its cells in the summary table

Revision ID: 0014_partners_areas
Revises: 0011_grants_lifecycle

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_partners_areas'
down_revision = '0011_grants_lifecycle'
branch_labels = None
depends_on = None

# The new dimensions as livesafe/partners/cube.py has them at the time of writing (a migration keeps its own copy).
DIMENSIONS = {
    "area": "",
    "area_young": " AND age_band IN ('10-14', '15-19', '20-24')",
}


def upgrade():
    with op.batch_alter_table('partner_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area', sa.String(length=40), nullable=True))
    with op.batch_alter_table('partner_cells', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area', sa.String(length=40), nullable=True))
    # Records stored before have no area: their cells say so (area NULL), so the cube stays complete.
    for name, where in DIMENSIONS.items():
        op.execute(sa.text(
            "INSERT INTO partner_cells (source, month, district, area, dimension, records, key_sum) "
            "SELECT source, month, district, area, :name, count(*), coalesce(sum(record_key), 0) FROM partner_records "
            f"WHERE 1 = 1{where} GROUP BY source, month, district, area").bindparams(name=name))


def downgrade():
    op.execute(sa.text("DELETE FROM partner_cells WHERE dimension IN ('area', 'area_young')"))
    with op.batch_alter_table('partner_cells', schema=None) as batch_op:
        batch_op.drop_column('area')
    with op.batch_alter_table('partner_records', schema=None) as batch_op:
        batch_op.drop_column('area')
