"""The summary cube the dashboard reads: rebuilt with every upload for exactly the replaced months, in the same
transaction, and always equal to counting the stored records with plain SQL."""
import importlib.util
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.partners import cube, generate, logic, sources, validation
from livesafe.partners.models import SummaryCell as C
from tests.partners.conftest import YEAR, upload


def _raw(source, columns, where=""):
    """{(month, district, *columns): (count, key sum)} counted from partner_records by hand."""
    grouped = ", ".join(("month", "district") + columns)
    rows = db.session.execute(sa.text(
        f"SELECT {grouped}, count(*), sum(record_key) FROM partner_records WHERE source = :s{where} GROUP BY {grouped}"),
        {"s": source}).all()
    return {(str(r[0])[:10],) + tuple(r[1:-2]): (r[-2], r[-1]) for r in rows}


def _cube(source, dimension, columns):
    cells = cube.cells(dimension, [C.source == source], "month", "district", *columns)
    return {(str(k[0])[:10],) + tuple(k[1:]): v for k, v in cells.items()}


WHERE = {"non_domestic_homicide": " AND offence = 'homicide' AND domestic <> 'yes'",
         "area_young": " AND age_band IN ('10-14', '15-19', '20-24')"}


def assert_cube_matches_records(source):
    for name, (columns, _) in cube.DIMENSIONS.items():
        where = WHERE.get(name, "")
        assert _cube(source, name, columns) == _raw(source, columns, where), (source, name)


def test_the_cube_is_the_records_counted_after_uploads_and_a_partial_replacement(partner_org):
    upload("police", date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 1), per_year=600, seed=2)
    upload("police", records=generate.rows("police", date(YEAR, 1, 1), date(YEAR, 12, 1), per_year=600, area_share=0.8))
    upload("ambulance", per_year=300)
    march = generate.rows("police", date(YEAR, 3, 1), date(YEAR, 3, 1), per_year=240, seed=7)
    upload("police", date(YEAR, 3, 1), date(YEAR, 3, 1), records=march)  # replaces March only
    for source in ("police", "ambulance"):
        assert_cube_matches_records(source)
    homicides = _raw("police", (), " AND offence = 'homicide' AND domestic <> 'yes'")
    assert sum(n for n, _ in homicides.values()) == sum(n for n, _ in _cube("police", "non_domestic_homicide", ()).values())
    assert _cube("ae", "total", ()) == {}


def test_a_refused_file_or_a_rolled_back_upload_leaves_the_cube_as_it_was(partner_org):
    upload("ae", per_year=300)
    before = _cube("ae", "heat", ("weekday", "hour"))
    header = ",".join(sources.get("ae").columns)
    checked, saved = logic.import_file(account(roles.STAFF), sources.get("ae"),
                                       f"{header}\n{YEAR}-01,Mon,15,E09999999,15-19,male,bodily,street\n".encode(),
                                       date(YEAR, 1, 1), date(YEAR, 12, 1))
    assert saved is None and not checked.ok
    data = generate.csv_bytes("ae", generate.rows("ae", date(YEAR, 1, 1), date(YEAR, 12, 1), per_year=50, seed=9))
    checked, saved = logic.import_file(account(roles.STAFF), sources.get("ae"), data, date(YEAR, 1, 1), date(YEAR, 12, 1))
    assert saved is not None and sum(n for n, _ in _cube("ae", "total", ()).values()) == 50  # seen inside the transaction
    db.session.rollback()
    assert _cube("ae", "heat", ("weekday", "hour")) == before
    assert_cube_matches_records("ae")


def _migration(name):
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


def test_the_migrations_fill_the_same_dimensions():
    filled = {k: v[0] for k, v in _migration("0009_partners2").DIMENSIONS.items()}
    filled.update({k: ("area",) for k in _migration("0014_partners_areas").DIMENSIONS})  # grouped by area
    assert filled == {k: v[0] for k, v in cube.DIMENSIONS.items()}
    assert _migration("0014_partners_areas").DIMENSIONS["area_young"] == WHERE["area_young"]


@pytest.mark.commits
def test_the_area_migration_counts_the_records_already_stored_and_goes_back(app):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="0011_grants_lifecycle")
        try:
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("partner_records")}
            assert "area" not in columns
            db.session.execute(sa.text(
                "INSERT INTO partner_uploads (id, source, first_month, last_month, filename, rows, replaced, synthetic, "
                "uploaded_at) VALUES (1, 'police', '2024-01-01', '2024-12-01', 'old.csv', 0, 0, false, CURRENT_TIMESTAMP)"))
            for n, record in enumerate(generate.rows("police", date(YEAR, 1, 1), date(YEAR, 12, 1), per_year=300)):
                row = validation._record(record, validation.month_of(record["month"]))
                del row["area"]
                db.session.execute(sa.text(
                    f"INSERT INTO partner_records (upload_id, source, record_key, {', '.join(row)}) "
                    f"VALUES (1, 'police', :key, {', '.join(':' + k for k in row)})"), {**row, "key": n % 256})
            db.session.commit()
            upgrade(revision="0014_partners_areas")
            for name in ("area", "area_young"):
                assert _cube("police", name, ("area",)) == _raw("police", ("area",), WHERE.get(name, "")), name
            assert {area for (_, _, area) in _cube("police", "area", ("area",))} == {None}
            db.session.rollback()  # PostgreSQL: the reads above hold locks that the downgrade's ALTER TABLE waits for
            downgrade(revision="0011_grants_lifecycle")
            assert "area" not in {c["name"] for c in sa.inspect(db.engine).get_columns("partner_cells")}
            assert db.session.execute(sa.text("SELECT count(*) FROM partner_cells")).scalar() == 0
        finally:
            db.session.rollback()
            upgrade(revision="heads")
