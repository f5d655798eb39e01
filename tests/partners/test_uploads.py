"""Schema validation with good and bad files; identifiers refused; unknown codes refused; re-upload replaces."""
from datetime import date

import pytest
import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.partners import generate, logic, sources, validation
from livesafe.partners.models import DatasetUpload, IncidentRecord
from tests.helpers import csrf_token, sign_in
from tests.partners.conftest import YEAR, upload

HEADER = "month,day_of_week,hour,district,age_band,sex,location_type"
JAN, DEC = date(YEAR, 1, 1), date(YEAR, 12, 1)


def _check(text, source="ambulance", first=JAN, last=DEC):
    return validation.check(sources.get(source), text.encode(), first, last)


def _records(source=None):
    query = sa.select(sa.func.count()).select_from(IncidentRecord)
    if source:
        query = query.where(IncidentRecord.source == source)
    return db.session.scalar(query)


def test_a_good_file_of_each_source_passes_and_keeps_only_codes(ctx):
    for key in sources.ORDER:
        records = generate.rows(key, JAN, DEC, per_year=120)
        checked = validation.check(sources.get(key), generate.csv_bytes(key, records), JAN, DEC)
        assert checked.ok, (key, checked.problems[:3])
        assert len(checked.rows) == len(records)
        assert set(checked.rows[0]) == set(sources.COLUMNS.values())


@pytest.mark.parametrize("header, what", [
    ("name", "a name"), ("Patient Surname", "a name"), ("date_of_birth", "a date of birth"), ("DOB", "a date of birth"),
    ("postcode", "a postcode"), ("home_address", "an address"), ("nhs_number", "an NHS number"),
    ("notes", "free text"), ("incident_description", "free text"),
])
def test_identifier_columns_are_refused_outright(ctx, header, what):
    checked = _check(f"{HEADER},{header}\n2024-01,Mon,15,E06000016,15-19,male,street,x\n")
    assert checked.identifiers and not checked.ok and not checked.rows
    assert what in checked.problems[0].message and checked.problems[0].row == 1


@pytest.mark.parametrize("value, what", [("LE1 5WW", "postcode"), ("le15ww", "postcode"), ("12/03/2008", "full date"),
                                         ("2008-03-12", "full date"), ("a@b.org", "e-mail"),
                                         ("he was walking home from school when", "free text")])
def test_identifier_values_are_refused_without_repeating_them(ctx, value, what):
    checked = _check(f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n2024-01,Mon,15,E06000016,15-19,male,{value}\n")
    assert checked.identifiers
    problem = checked.problems[0]
    assert (problem.row, problem.column) == (3, "location_type") and what in problem.message
    assert value not in problem.message


def test_bad_codes_are_reported_row_by_row(ctx):
    checked = _check(f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n"
                     "2024-13,Mon,24,E09000001,15-19,boy,street\n2024-02,Funday,x,E06000016,99,male,castle\n")
    assert not checked.identifiers and not checked.rows
    found = {(p.row, p.column) for p in checked.problems}
    assert found == {(3, "month"), (3, "hour"), (3, "district"), (3, "sex"),
                     (4, "day_of_week"), (4, "hour"), (4, "age_band"), (4, "location_type")}
    district = next(p for p in checked.problems if p.column == "district").message
    assert "E06000016 (Leicester)" in district  # the allowed codes, from livesafe.places


def test_unknown_and_missing_columns_and_months_outside_the_period(ctx):
    assert "not in the" in _check(f"{HEADER},extra\n2024-01,Mon,15,E06000016,15-19,male,street,1\n").problems[0].message
    missing = _check("month,district\n2024-01,E06000016\n")
    assert not missing.ok and any("missing" in p.message for p in missing.problems)
    outside = _check(f"{HEADER}\n2025-01,Mon,15,E06000016,15-19,male,street\n")
    assert [(p.row, p.column) for p in outside.problems] == [(2, "month")] and "outside the period" in outside.problems[0].message


def test_empty_and_non_utf8_files_are_refused(ctx):
    assert "empty" in _check("").problems[0].message
    assert "no records" in _check(HEADER + "\n").problems[0].message
    assert "UTF-8" in validation.check(sources.get("ambulance"), "month\n2024-01,Café\n".encode("latin-1"), JAN, DEC).problems[0].message


def test_a_bad_file_stores_nothing(ctx, demo_users):
    upload("ambulance", per_year=50)
    before = _records()
    checked, saved = logic.import_file(account(roles.STAFF), sources.get("ambulance"),
                                       f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n2024-01,Mon,15,XX,15-19,male,street\n".encode(),
                                       JAN, DEC)
    assert saved is None and not checked.ok
    db.session.commit()
    assert _records() == before and db.session.scalar(sa.select(sa.func.count()).select_from(DatasetUpload)) == 1


def test_reuploading_a_period_replaces_it_and_never_doubles(ctx, demo_users):
    upload("police", per_year=300)
    upload("ae", per_year=100)
    first = _records("police")
    again = upload("police", per_year=300)
    assert _records("police") == first and again.replaced == first
    assert _records("ae") == 100  # other sources untouched
    # A smaller file for one month replaces only that month.
    march = [r for r in generate.rows("police", date(YEAR, 3, 1), date(YEAR, 3, 1), per_year=120)]
    in_march = db.session.scalar(sa.select(sa.func.count()).select_from(IncidentRecord).where(
        IncidentRecord.source == "police", IncidentRecord.month == date(YEAR, 3, 1)))
    upload("police", date(YEAR, 3, 1), date(YEAR, 3, 1), records=march)
    assert _records("police") == first - in_march + len(march)


def test_two_uploads_of_one_period_at_once_never_double(app, demo_users):
    from tests.helpers import at_once

    data = generate.csv_bytes("ambulance", generate.rows("ambulance", JAN, DEC, per_year=200))

    def work(index):
        logic.import_file(account(roles.STAFF), sources.get("ambulance"), data, JAN, DEC)
        db.session.commit()

    results = at_once(app, 2, work)
    assert any(r is None for r in results), results  # at least one stored (SQLite may refuse the other: locked)
    with app.app_context():
        assert _records("ambulance") == 200


def test_upload_page_reports_problems_with_422_and_stores_a_good_file(client, ctx, demo_users):
    sign_in(client, "staff")
    token = csrf_token(client, "/partners/datasets")
    import io

    def send(text, first="2024-01", last="2024-12", source="ambulance"):
        return client.post("/partners/datasets", data={
            "csrf_token": token, "source": source, "first_month": first, "last_month": last,
            "file": (io.BytesIO(text.encode()), "extract.csv")}, content_type="multipart/form-data")

    refused = send(f"{HEADER},surname\n2024-01,Mon,15,E06000016,15-19,male,street,Smith\n")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Refused: the file contains direct identifiers" in page and "Smith" not in page
    assert send(f"{HEADER}\n2024-01,Mon,15,E09999999,15-19,male,street\n").status_code == 422
    assert send(f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n", first="2024-13").status_code == 422
    assert send(f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n", first="2024-12", last="2024-01").status_code == 422
    assert send(f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n", source="nope").status_code == 422
    no_file = client.post("/partners/datasets", data={"csrf_token": token, "source": "ae", "first_month": "2024-01",
                                                      "last_month": "2024-12"}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "Choose the CSV file" in no_file.get_data(as_text=True)
    assert _records() == 0
    good = send(f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n2024-02,,,E06000017,10-14,female,school\n")
    assert good.status_code == 302
    assert _records("ambulance") == 2
    assert send(f"{HEADER}\n2024-01,Mon,15,E06000016,15-19,male,street\n2024-02,,,E06000017,10-14,female,school\n").status_code == 302
    assert _records("ambulance") == 2
    assert "replacing 2 earlier records" in client.get("/partners/datasets").get_data(as_text=True)
