"""Neighbourhood areas: the optional area column of every schema (codes kept as data, checked against the row's
district), and the priority areas at neighbourhood level where the records name them, each figure against plain
SQL and published through livesafe.disclosure, small areas suppressed, the page and exports saying which areas are
exact and which approximated."""
import csv
import io
from datetime import date

import pytest

from livesafe import places
from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe.partners import figures, generate, logic, sources
from livesafe.partners.figures import Filters
from tests.helpers import sign_in
from tests.partners.conftest import YEAR, upload
from tests.partners.test_figures import PERIOD, plain, published

FIRST, LAST = date(YEAR, 1, 1), date(YEAR, 12, 1)


def _check(source_key, records):
    return logic.import_file(account(roles.STAFF), sources.get(source_key), generate.csv_bytes(source_key, records),
                             FIRST, LAST)


# --- The schema -----------------------------------------------------------------------------------------------------

def test_the_area_codes_are_data_and_every_schema_takes_them_as_an_optional_last_column(ctx):
    assert set(sources.codes()["area"].values()) == {a for a in places.PRIORITY_AREAS if places.district(a) is None}
    for source in sources.all_sources().values():
        assert source.columns[-1] == "area" and "area" not in source.required_columns
        assert [f["name"] for f in source.descriptor(list(source.required_columns))["fields"]] == list(source.required_columns)
        area = source.descriptor()["fields"][-1]
        assert area["constraints"]["enum"] == list(sources.areas()) and not area["constraints"].get("required")


def test_files_with_and_without_the_area_column_are_accepted(partner_org):
    records = generate.rows("police", FIRST, LAST, per_year=200, area_share=0.5)
    assert {r["area"] for r in records} >= {"", "west-leicester"}
    checked, saved = _check("police", records)
    assert checked.ok and saved.rows == 200
    stored = plain("SELECT area, count(*), 0 FROM partner_records GROUP BY area")
    assert sum(n for (area,), (n, _) in stored.items() if area) == sum(1 for r in records if r["area"])
    checked, saved = _check("ae", generate.rows("ae", FIRST, LAST, per_year=100))  # no area column at all
    assert checked.ok and saved.rows == 100


def test_an_unknown_area_or_one_outside_the_rows_district_is_refused_row_by_row(partner_org):
    records = generate.rows("ambulance", FIRST, LAST, per_year=40, area_share=1.0)
    city = [i for i, r in enumerate(records) if r["district"] == places.BY_KEY["leicester"].code]
    records[city[0]]["area"] = "north-leicester"
    other = next(i for i, r in enumerate(records) if r["district"] == places.BY_KEY["charnwood"].code)
    records[other]["area"] = "west-leicester"
    checked, saved = _check("ambulance", records)
    assert saved is None and [(p.row, p.column) for p in checked.problems] == [(city[0] + 2, "area")]
    assert "west-leicester" in checked.problems[0].message  # the allowed codes are listed
    records[city[0]]["area"] = "east-leicester"
    checked, saved = _check("ambulance", records)
    assert saved is None and [(p.row, p.column) for p in checked.problems] == [(other + 2, "area")]
    assert checked.problems[0].message == "West Leicester is in Leicester, not in the row's district (Charnwood)."


def test_the_schema_page_lists_the_area_codes(client, partner_org):
    sign_in(client, "partner")
    html = client.get("/partners/schemas/police").get_data(as_text=True)
    assert "Neighbourhood area" in html and "west-leicester" in html and "Optional column" in html


# --- The figures ----------------------------------------------------------------------------------------------------

@pytest.fixture
def coded_year(partner_org):
    """A year of police records, most of the city's naming their neighbourhood area, and two records only in South
    Leicester (a small area, so a suppressed cell)."""
    records = [r for r in generate.rows("police", FIRST, LAST, per_year=1500, area_share=0.8)
               if r.get("area") != "south-leicester"]
    south = [dict(records[0], district=places.BY_KEY["leicester"].code, area="south-leicester") for _ in range(2)]
    upload("police", records=records + south)
    upload("police", date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 1), per_year=600, seed=2)  # the year before: no areas


def test_neighbourhood_figures_match_plain_sql_and_small_areas_are_suppressed(coded_year):
    board = figures.dashboard(Filters("police", str(YEAR), None))
    base = "FROM partner_records WHERE source = 'police' AND month BETWEEN :first AND :last AND district = 'leicester'"
    young = " AND age_band IN ('10-14', '15-19', '20-24')"
    by_area = plain(f"SELECT area, count(*), sum(record_key) {base} GROUP BY area", **PERIOD)
    young_by_area = plain(f"SELECT area, count(*), sum(record_key) {base}{young} GROUP BY area", **PERIOD)
    rows = {p.name: p for p in board.priority}
    for key, area in sources.areas().items():
        row = rows[area["name"]]
        assert row.level == figures.NEIGHBOURHOOD and row.exact and row.rate is None
        assert row.all_ages == published(by_area, (key,)) and row.young == published(young_by_area, (key,))
    assert rows["South Leicester"].all_ages.label == "<10" and not rows["South Leicester"].all_ages.shown
    charnwood = next(d for d in board.districts if d.key == "charnwood")
    assert (rows["Charnwood"].level, rows["Charnwood"].all_ages, rows["Charnwood"].rate) == (
        figures.DISTRICT, charnwood.all_ages, charnwood.rate)
    [uncoded] = board.uncoded
    assert uncoded.district.key == "leicester"
    assert (uncoded.all_ages, uncoded.young) == (published(by_area, (None,)), published(young_by_area, (None,)))


def test_a_period_whose_records_name_no_area_falls_back_to_the_city(coded_year):
    board = figures.dashboard(Filters("police", str(YEAR - 1), None))
    city = next(d for d in board.districts if d.key == "leicester")
    assert [(p.level, p.all_ages) for p in board.priority[:4]] == [(figures.CITY, city.all_ages)] * 4
    assert board.uncoded == []


def test_the_page_and_exports_say_which_areas_are_exact_and_show_suppressed_cells(client, coded_year):
    board = figures.dashboard(Filters("police", str(YEAR), None))
    rows = {p.name: p for p in board.priority}
    sign_in(client, "partner")
    html = client.get(f"/partners?period={YEAR}").get_data(as_text=True)
    assert 'data-level="west-leicester">West Leicester (records naming this area: exact)<' in html
    assert 'data-level="charnwood">Charnwood (the whole district: exact)<' in html
    assert 'data-figure="priority-south-leicester">&lt;10<' in html
    assert f'data-figure="priority-west-leicester">{rows["West Leicester"].all_ages.label}<' in html
    assert f'data-figure="uncoded-leicester">{board.uncoded[0].all_ages.label}<' in html
    text = client.get(f"/partners/export.csv?period={YEAR}").get_data().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    start = table.index(["Priority areas"])
    assert table[start + 5][:3] == ["South Leicester", "South Leicester (records naming this area: exact)", "<10"]
    assert table[start + 7][:3] == ["Leicester: records naming no area", "Records of the district with the area left empty",
                                    board.uncoded[0].all_ages.label]
    assert "area column (exact)" in text and "(approximate)" in text
    before = client.get(f"/partners?period={YEAR - 1}").get_data(as_text=True)
    assert 'data-level="west-leicester">Leicester (the whole city: approximate' in before


@pytest.mark.parametrize("role", (None, roles.APPLICANT, roles.PANEL_MEMBER, roles.PARTNER, roles.STAFF))
def test_the_area_figures_are_for_partners_and_staff_only(client, coded_year, role):
    if role:
        sign_in(client, role)
    response = client.get(f"/partners/export.csv?period={YEAR}")
    if role in (roles.PARTNER, roles.STAFF):
        assert response.status_code == 200 and b"South Leicester" in response.data
    else:
        assert response.status_code in (302, 403) and b"South Leicester" not in response.data


def test_an_area_column_out_of_place_is_reported_with_the_order_to_use(partner_org):
    records = generate.rows("ae", FIRST, LAST, per_year=20, area_share=0.5)
    columns = ["area"] + [c for c in sources.get("ae").columns if c != "area"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    checked, saved = logic.import_file(account(roles.STAFF), sources.get("ae"), buffer.getvalue().encode(), FIRST, LAST)
    assert saved is None and checked.problems[0].row == 1
    assert "in that order, then optionally area" in checked.problems[0].message
