"""Exports: applications with scores, and awarded grants in the 360Giving Data Standard."""
import csv
import io
import json

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import exports, scoring
from livesafe.grants.models import RoundAssessor
from tests.grants.conftest import answers, make_application, make_organisation, make_round, score, uniform
from tests.helpers import sign_in

# The 360Giving standard's required fields, as CSV column titles and JSON properties.
REQUIRED_CSV = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
                "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name"]
REQUIRED_JSON = ["id", "title", "description", "currency", "amountAwarded", "awardDate", "recipientOrganization", "fundingOrganization"]


def _round_with_decisions():
    grant_round = make_round(status="assessment", opens=-20, closes=-10, name="Summer 2027")
    grant_round.assessors.append(RoundAssessor(user_id=account("assessor").id))
    db.session.commit()
    funded = make_application(grant_round, make_organisation(name="=cmd|' /C calc'!A0"), state="in_assessment",
                              raw=answers(project={"title": "Boxing club", "summary": "Boxing and mentoring.", "district": "Charnwood"}))
    unregistered = make_organisation("b@example.org", "Street Kitchen", charity_number="", company_number="")
    second = make_application(grant_round, unregistered, state="in_assessment")
    declined = make_application(grant_round, make_organisation("c@example.org", "C Group"), state="in_assessment")
    for application, value in ((funded, 5), (second, 4), (declined, 1)):
        score(application, account("assessor"), uniform(value))
    scoring.decide(funded, "award", account("staff"), "Strong", 180050)
    scoring.decide(second, "award", account("staff"), "Good", 100000)
    scoring.decide(declined, "decline", account("staff"), "Weak", departure_reason="Below the quality bar")
    return grant_round, funded, second, declined


def test_360giving_json_has_the_required_fields_and_no_personal_data(ctx, demo_users):
    grant_round, funded, second, declined = _round_with_decisions()
    data = json.loads(exports.giving_json(grant_round))
    grants = data["grants"]
    assert [g["id"] for g in grants] == [f"360G-LLRVRN-{funded.id}", f"360G-LLRVRN-{second.id}"]
    for grant in grants:
        for name in REQUIRED_JSON:
            assert grant[name] not in (None, "", []), name
        assert grant["id"].startswith("360G-")
        assert grant["currency"] == "GBP"
        assert grant["recipientOrganization"][0]["id"] and grant["fundingOrganization"][0]["id"].startswith("360G-")
    first = grants[0]
    assert first["amountAwarded"] == 1800.50 and first["amountAppliedFor"] == 2000.50
    assert first["recipientOrganization"][0]["id"] == "GB-CHC-1234567"
    assert grants[1]["recipientOrganization"][0]["id"] == f"360G-LLRVRN-ORG-{second.organisation_id}"
    assert first["beneficiaryLocation"] == [{"name": "Charnwood", "countryCode": "GB", "geoCode": "E07000130", "geoCodeType": "NMD"}]
    assert first["plannedDates"] == [{"startDate": "2027-01-01", "endDate": "2027-12-31"}]
    assert first["grantProgramme"][0]["title"] == "Summer 2027"
    text = json.dumps(data)
    for personal in ("applicant@example.org", "LE1 1AA", "Club secretary", "example.org"):
        assert personal not in text


def test_360giving_csv_has_the_required_columns(ctx, demo_users):
    grant_round, funded, *_ = _round_with_decisions()
    rows = list(csv.DictReader(io.StringIO(exports.giving_csv(grant_round))))
    assert len(rows) == 2
    for column in REQUIRED_CSV + ["Amount Applied For", "Planned Dates:Start Date", "Beneficiary Location:Name", "Grant Programme:Title"]:
        assert rows[0][column] != "", column
    assert rows[0]["Amount Awarded"] == "1800.50"
    assert rows[0]["Recipient Org:Name"].startswith("'=")  # a formula is defused


def test_applications_csv_has_scores_in_rank_order(ctx, demo_users):
    grant_round, funded, second, declined = _round_with_decisions()
    rows = list(csv.DictReader(io.StringIO(exports.applications_csv(grant_round))))
    assert [int(r["Application"]) for r in rows] == [funded.id, second.id, declined.id]
    assert [r["Weighted score (out of 100)"] for r in rows] == ["100.0", "80.0", "20.0"]
    assert rows[0]["Amount awarded"] == "1800.50"


def test_export_downloads(client, ctx, demo_users):
    grant_round, *_ = _round_with_decisions()
    sign_in(client, "staff")
    for path, kind in (("applications.csv", "text/csv"), ("360giving.csv", "text/csv"), ("360giving.json", "application/json")):
        response = client.get(f"/grants/rounds/{grant_round.id}/export/{path}")
        assert response.status_code == 200 and response.mimetype == kind
        assert "attachment" in response.headers["Content-Disposition"]
