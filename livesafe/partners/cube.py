"""The dashboard's summary table (a cube): per source, month and district, the number of records and the sum of
their record keys for each breakdown the dashboard shows. The dashboard reads only this table.

It is rebuilt for exactly the months an upload replaces, in the upload's own transaction (so the records and
their summary are never out of step), from the stored records by one INSERT ... SELECT ... GROUP BY per
dimension. Counts and key sums simply add up, so summing cube cells gives the same (count, key sum), and so
the same published figure, as counting the records directly: the tests check every figure against plain SQL
over partner_records.
"""
from datetime import date

import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.partners.models import IncidentRecord as R
from livesafe.partners.models import SummaryCell as C
from livesafe.partners.sources import YOUNG_BANDS

# dimension -> (the record columns it is grouped by, besides source, month and district; conditions on the records)
DIMENSIONS = {
    "total": ((), ()),
    "age_band": (("age_band",), ()),
    "sex": (("sex",), ()),
    "weapon": (("weapon",), ()),
    "location": (("location",), ()),
    "heat": (("weekday", "hour"), ()),
    # A success measure that no single breakdown gives (the knife measures are weapon cells).
    "non_domestic_homicide": ((), (R.offence == "homicide", R.domestic != "yes")),
    # Neighbourhood areas (NULL: the record names none), all ages and young people aged 10 to 24.
    "area": (("area",), ()),
    "area_young": (("area",), (R.age_band.in_(YOUNG_BANDS),)),
}


def rebuild(source: str, first: date, last: date) -> int:
    """Replace the cube's cells of `source` in [first, last] with a fresh count of the stored records.
    Flushes nothing itself: call it after the records are written, inside the same transaction."""
    db.session.execute(sa.delete(C).where(C.source == source, C.month >= first, C.month <= last)
                       .execution_options(synchronize_session=False))
    made = 0
    for name, (columns, conditions) in DIMENSIONS.items():
        grouped = [R.source, R.month, R.district] + [getattr(R, c) for c in columns]
        query = (sa.select(*grouped, sa.literal(name), sa.func.count(), sa.func.coalesce(sa.func.sum(R.record_key), 0))
                 .where(R.source == source, R.month >= first, R.month <= last, *conditions)
                 .group_by(*grouped))
        target = ["source", "month", "district", *columns, "dimension", "records", "key_sum"]
        made += db.session.execute(sa.insert(C).from_select(target, query)).rowcount or 0
    return made


def cells(dimension: str, conditions, *columns) -> dict:
    """{(values of columns...): (records, sum of record keys)} of one dimension's cells meeting the conditions."""
    selected = [getattr(C, c) for c in columns]
    query = (sa.select(*selected, sa.func.sum(C.records), sa.func.sum(C.key_sum))
             .where(C.dimension == dimension, *conditions).group_by(*selected))
    # With no columns and no cells the sums are NULL: that is "no records", the same as a missing cell.
    return {tuple(row[:-2]): (int(row[-2]), int(row[-1])) for row in db.session.execute(query) if row[-2] is not None}
