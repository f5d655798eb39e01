"""Each figure against a plain SQL computation on generated data, published through livesafe.disclosure."""
from datetime import date

import pytest
import sqlalchemy as sa

from livesafe import disclosure, places
from livesafe.extensions import db
from livesafe.partners import figures, sources
from livesafe.partners.figures import Filters
from tests.partners.conftest import YEAR


def plain(sql, **params):
    """{group: (count, key sum)} from hand-written SQL."""
    query = sa.text(sql).bindparams(*(sa.bindparam(n, type_=sa.Date) for n in ("first", "last") if n in params))
    rows = db.session.execute(query, params).all()
    # Dates come back as dates (PostgreSQL) or text (SQLite): compare them as ISO text.
    return {tuple(str(v) if isinstance(v, date) else v for v in r[:-2]): (r[-2], r[-1]) for r in rows}


def published(cells, key):
    n, keys = cells.get(key, (0, 0))
    return disclosure.publish(n, keys or 0)


PERIOD = dict(first=date(YEAR, 1, 1), last=date(YEAR, 12, 1))
BASE = dict(first=date(YEAR - 1, 1, 1), last=date(YEAR - 1, 12, 1))


@pytest.mark.parametrize("district", [None, "leicester", "rutland"])
def test_every_table_matches_plain_sql(two_years, district):
    board = figures.dashboard(Filters("police", str(YEAR), district))
    where = "source = 'police' AND month BETWEEN :first AND :last" + (" AND district = :d" if district else "")
    params = dict(PERIOD, **({'d': district} if district else {}))
    total = plain(f"SELECT count(*), sum(record_key) FROM partner_records WHERE {where}", **params)
    assert board.total == published(total, ())
    months = plain(f"SELECT month, count(*), sum(record_key) FROM partner_records WHERE {where} GROUP BY month", **params)
    assert [m.count for m in board.months] == [published(months, (m.isoformat(),)) for m in figures.month_span(**PERIOD)]
    heat = plain(f"SELECT weekday, hour, count(*), sum(record_key) FROM partner_records WHERE {where} "
                 "AND weekday IS NOT NULL AND hour IS NOT NULL GROUP BY weekday, hour", **params)
    assert board.heat == {(d, h): published(heat, (d, h)) for d in range(7) for h in range(24)}
    ages = plain(f"SELECT age_band, count(*), sum(record_key) FROM partner_records WHERE {where} GROUP BY age_band", **params)
    title, rows = board.breakdowns[0]
    assert title == "Age band"
    assert [p for _, p in rows] == [published(ages, (code,)) for code in sources.codes()["age_band"]]
    weapons = plain(f"SELECT weapon, count(*), sum(record_key) FROM partner_records WHERE {where} GROUP BY weapon", **params)
    assert [p for _, p in dict(board.breakdowns)["Weapon"]] == [published(weapons, (c,)) for c in sources.codes()["weapon"]]
    for attribute, title in (("sex", "Sex"), ("location", "Type of place")):
        counted = plain(f"SELECT {attribute}, count(*), sum(record_key) FROM partner_records WHERE {where} "
                        f"GROUP BY {attribute}", **params)
        code_list = "location_type" if attribute == "location" else attribute
        assert [p for _, p in dict(board.breakdowns)[title]] == [published(counted, (c,)) for c in sources.codes()[code_list]]
    unrecorded = plain(f"SELECT count(*), sum(record_key) FROM partner_records WHERE {where} "
                       "AND (weekday IS NULL OR hour IS NULL)", **params)
    assert board.time_not_recorded == published(unrecorded, ())
    # Districts: every district whichever is chosen; rates from the published count of 10 to 24 year olds.
    by_district = plain("SELECT district, count(*), sum(record_key) FROM partner_records WHERE source = 'police' "
                        "AND month BETWEEN :first AND :last GROUP BY district", **PERIOD)
    young = plain("SELECT district, count(*), sum(record_key) FROM partner_records WHERE source = 'police' "
                  "AND month BETWEEN :first AND :last AND age_band IN ('10-14', '15-19', '20-24') GROUP BY district", **PERIOD)
    for row, d in zip(board.districts, places.DISTRICTS):
        assert row.all_ages == published(by_district, (d.key,))
        assert row.young == published(young, (d.key,))
        expected = published(young, (d.key,))
        assert row.rate == (round(1000 * expected.count / sources.young_people(d.key), 1) if expected.shown else None)


def test_success_measures_and_change_against_the_baseline(two_years):
    board = figures.dashboard(Filters("ae", str(YEAR), None))  # measures do not depend on the chosen source
    sql = {
        "admissions_sharp": "source = 'admissions' AND weapon = 'knife_or_sharp'",
        "knife_violence": "source = 'police' AND weapon = 'knife_or_sharp'",
        "homicide": "source = 'police' AND offence = 'homicide' AND domestic <> 'yes'",
    }
    for measure in board.measures:
        query = f"SELECT count(*), sum(record_key) FROM partner_records WHERE {sql[measure.key]} AND month BETWEEN :first AND :last"
        now, before = published(plain(query, **PERIOD), ()), published(plain(query, **BASE), ())
        assert (measure.now, measure.baseline) == (now, before)
        if now.shown and before.shown:
            assert measure.change == round(100 * (now.count - before.count) / before.count, 1)
        else:
            assert measure.change is None
    knife = next(m for m in board.measures if m.key == "knife_violence")
    assert knife.now.shown and knife.change is not None  # the generated data is big enough to compare


def test_rolling_average_is_of_published_months_only(two_years):
    board = figures.dashboard(Filters("police", str(YEAR), None))
    assert board.months[0].rolling is None and board.months[1].rolling is None
    for i in range(2, 12):
        window = [m.count for m in board.months[i - 2:i + 1]]
        assert board.months[i].rolling == round(sum(p.count for p in window) / 3, 1)
    small = figures.dashboard(Filters("admissions", str(YEAR), "rutland"))
    assert all(m.rolling is None for m in small.months if not m.count.shown)


def test_latest_period_is_the_twelve_months_to_the_latest_data(two_years):
    board = figures.dashboard(Filters("police", figures.LATEST, None))
    assert (board.first, board.last) == (date(YEAR, 1, 1), date(YEAR, 12, 1))
    assert board.baseline == (date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 1))
    assert figures.years("police") == [str(YEAR), str(YEAR - 1)]


def test_small_counts_are_hidden_and_true_zeros_look_the_same(two_years):
    board = figures.dashboard(Filters("admissions", str(YEAR), "rutland"))
    hidden = [p for p in board.heat.values() if not p.shown]
    assert hidden and all(p.label == "<10" and p.count is None for p in hidden)
    assert all(p.count >= disclosure.threshold() for p in board.heat.values() if p.shown)


def test_figures_are_cached_until_a_new_upload(two_years, ctx):
    from tests.partners.conftest import upload

    before = figures.dashboard(Filters("ambulance", str(YEAR), None))
    assert figures.dashboard(Filters("ambulance", str(YEAR), None)) is before
    upload("ambulance", per_year=50)
    after = figures.dashboard(Filters("ambulance", str(YEAR), None))
    assert after is not before and after.total != before.total
