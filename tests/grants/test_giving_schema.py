"""360Giving that validates (issue 14, point 10): the JSON checked against the 360Giving schema vendored in
tests/grants/vendor/360giving (with jsonschema), the CSV against the column titles of its required fields, the
funder and identifier prefix from settings, ONS district codes, and an export of every round."""
import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import exports, scoring
from tests.grants.conftest import answers, make_application, make_organisation, make_round
from tests.grants.test_dashboard import REFUSED, STAFF_ROLES
from tests.helpers import sign_in

VENDOR = Path(__file__).with_name("vendor") / "360giving"
GRANT_SCHEMA = json.loads((VENDOR / "360-giving-schema.json").read_text())
PACKAGE_SCHEMA = json.loads((VENDOR / "360-giving-package-schema.json").read_text())
GEO_CODE_TYPES = {row["Code"] for row in csv.DictReader(io.StringIO((VENDOR / "geoCodeType.csv").read_text()))}

# jsonschema checks "date-time" only with an optional package; this is the same RFC 3339 rule, in the standard library.
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if "T" not in value or parsed.tzinfo is None:
        raise ValueError(f"{value!r} is not a full date-time with a time zone")
    return True


def validator() -> Draft202012Validator:
    """The package schema, its reference to the grant schema (by URL) resolved to the vendored copy, no network."""
    # The files name their dialect "http://json-schema.org/draft/2020-12/schema" (not https), so say it outright.
    grant = DRAFT202012.create_resource(GRANT_SCHEMA)
    ref = PACKAGE_SCHEMA["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(ref, grant), (GRANT_SCHEMA["$id"], grant)])
    Draft202012Validator.check_schema(PACKAGE_SCHEMA)
    return Draft202012Validator(PACKAGE_SCHEMA, registry=registry, format_checker=FORMATS)


def required_columns() -> list[str]:
    """The CSV column titles of the schema's required fields (for grants to organisations), as 360Giving's
    spreadsheet template names them: a field's title, and "Title:Sub-title" inside arrays of objects."""
    properties, definitions = GRANT_SCHEMA["properties"], GRANT_SCHEMA["$defs"]
    organisation_required = next(option["required"] for option in GRANT_SCHEMA["oneOf"] if "recipientOrganization" in option["required"])
    columns = []
    for name in organisation_required:
        spec = properties[name]
        ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
        target = definitions[ref.rsplit("/", 1)[1]] if ref else spec
        if target.get("type") == "object":
            columns += [f"{spec['title']}:{target['properties'][sub]['title']}" for sub in target["required"]]
        else:
            columns.append(spec.get("title") or target["title"])
    return columns


def _decided_rounds():
    """Two rounds with grants: a registered charity, a group with no number, and a declined application."""
    first = make_round(status="assessment", opens=-20, closes=-10, name="Summer 2027")
    second = make_round(status="assessment", opens=-20, closes=-10, name="Winter 2027")
    charity = make_application(first, make_organisation(name="Boxing Club"), state="in_assessment",
                               raw=answers(project={"title": "Boxing club", "summary": "Boxing and mentoring.", "district": "Charnwood"}))
    unregistered = make_application(second, make_organisation("b@example.org", "Street Kitchen", charity_number="", company_number="",
                                                              district="Rutland"),
                                    state="in_assessment", raw=answers(project={"district": "Rutland"}))
    declined = make_application(second, make_organisation("c@example.org", "C Group"), state="in_assessment")
    scoring.decide(charity, "award", account("staff"), "Strong", 180_050, departure_reason="Agreed by the panel")
    scoring.decide(unregistered, "award", account("staff"), "Good", 100_000, departure_reason="Agreed by the panel")
    scoring.decide(declined, "decline", account("staff"), "Weak", departure_reason="Agreed by the panel")
    db.session.commit()
    return first, second, charity, unregistered


def test_the_vendored_schema_is_the_360giving_standard():
    assert GRANT_SCHEMA["title"] == "360Giving Data Standard Schema"
    assert required_columns() == [
        "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
        "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name"]
    assert {"UA", "NMD"} <= GEO_CODE_TYPES


def test_the_validator_would_catch_a_broken_grant(ctx, demo_users):
    _decided_rounds()
    grant = json.loads(exports.giving_json())["grants"][0]
    check = validator()
    assert not list(check.iter_errors({"grants": [grant]}))
    for broken in ({k: v for k, v in grant.items() if k != "fundingOrganization"},
                   {**grant, "amountAwarded": "lots"}, {**grant, "dateModified": "2027-01-01"},
                   {**grant, "currency": "POUNDS"}):
        assert list(check.iter_errors({"grants": [broken]})), broken


def test_every_round_json_validates_against_the_schema(ctx, demo_users):
    first, second, charity, unregistered = _decided_rounds()
    document = json.loads(exports.giving_json())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(document)]
    assert errors == []
    assert [g["id"] for g in document["grants"]] == [f"360G-LLRVRN-{charity.id}", f"360G-LLRVRN-{unregistered.id}"]
    assert [g["grantProgramme"][0]["title"] for g in document["grants"]] == ["Summer 2027", "Winter 2027"]
    rutland = document["grants"][1]
    assert rutland["beneficiaryLocation"] == [{"name": "Rutland", "countryCode": "GB", "geoCode": "E06000017", "geoCodeType": "UA"}]
    assert rutland["recipientOrganization"][0]["id"] == f"360G-LLRVRN-ORG-{unregistered.organisation_id}"
    for grant in document["grants"]:
        assert grant["beneficiaryLocation"][0]["geoCodeType"] in GEO_CODE_TYPES
    # One round's export validates too, and holds only that round.
    one = json.loads(exports.giving_json(first))
    assert not list(validator().iter_errors(one)) and [g["id"] for g in one["grants"]] == [f"360G-LLRVRN-{charity.id}"]


def test_funder_and_prefix_come_from_settings(app, ctx, demo_users, monkeypatch):
    monkeypatch.setitem(app.config, "GIVING_FUNDER_ID", "GB-GOR-PC390")
    monkeypatch.setitem(app.config, "GIVING_FUNDER_NAME", "Leicestershire Police and Crime Commissioner")
    monkeypatch.setitem(app.config, "GIVING_PREFIX", "360G-LLRVRU")  # a trailing hyphen is added
    _, _, charity, unregistered = _decided_rounds()
    document = json.loads(exports.giving_json())
    assert not list(validator().iter_errors(document))
    assert document["grants"][0]["id"] == f"360G-LLRVRU-{charity.id}"
    assert document["grants"][0]["fundingOrganization"] == [{"id": "GB-GOR-PC390", "name": "Leicestershire Police and Crime Commissioner"}]
    assert document["grants"][1]["recipientOrganization"][0]["id"] == f"360G-LLRVRU-ORG-{unregistered.organisation_id}"
    rows = list(csv.DictReader(io.StringIO(exports.giving_csv())))
    assert rows[0]["Funding Org:Identifier"] == "GB-GOR-PC390" and rows[0]["Identifier"] == f"360G-LLRVRU-{charity.id}"


def test_every_round_csv_has_the_required_columns_filled(ctx, demo_users):
    _decided_rounds()
    reader = csv.DictReader(io.StringIO(exports.giving_csv()))
    rows = list(reader)
    assert set(required_columns()) <= set(reader.fieldnames)
    assert len(rows) == 2
    for row in rows:
        for column in required_columns():
            assert row[column].strip(), column
    assert [(r["Beneficiary Location:Geographic Code"], r["Beneficiary Location:Geographic Code Type"]) for r in rows] == [
        ("E07000130", "NMD"), ("E06000017", "UA")]
    assert "Last Modified" in reader.fieldnames


@pytest.mark.parametrize("path, kind", [("360giving.json", "application/json"), ("360giving.csv", "text/csv")])
def test_the_every_round_downloads_are_for_staff(app, ctx, demo_users, path, kind):
    _decided_rounds()
    url = f"/grants/export/{path}"
    for role in STAFF_ROLES:
        client = app.test_client()
        sign_in(client, role)
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == kind, role
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        body = response.get_data(as_text=True)
        assert "Summer 2027" in body and "Winter 2027" in body
    for role in REFUSED:
        client = app.test_client()
        sign_in(client, role)
        assert client.get(url).status_code == 403, role
    assert app.test_client().get(url).status_code == 302
