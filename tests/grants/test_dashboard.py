"""The grants dashboards (issue 14, point 9): applications received, requested vs awarded, success rate,
committed/paid/outstanding, reach by district (ONS code) and age band, the output measures; staff only."""
import re
from datetime import date, timedelta

import pytest

from livesafe.auth.demo import account
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.grants import agreements, dashboard, monitoring
from tests.grants.conftest import agreed, award, make_application, make_organisation, make_round
from tests.grants.test_monitoring_periods import values
from tests.helpers import assert_flat, sign_in

STAFF_ROLES = ("staff", "admin")
REFUSED = ("applicant", "assessor", "panel_member", "partner")


def _round_with_everything(name="Spring 2027"):
    """One funded grant in monitoring (two returns sent, one payment made), one declined, one sent and waiting,
    one draft and one withdrawn."""
    grant_round = make_round(status="assessment", opens=-300, closes=-290, name=name)
    funded = make_application(grant_round, make_organisation("a@example.org", "A Group"), state="in_assessment")
    make_application(grant_round, make_organisation("b@example.org", "B Group"), state="declined")
    make_application(grant_round, make_organisation("c@example.org", "C Group"), state="submitted")
    make_application(grant_round, make_organisation("d@example.org", "D Group"))  # a draft
    make_application(grant_round, make_organisation("e@example.org", "E Group"), state="withdrawn")
    award(funded, 150_000)
    first, second = agreed(funded, now=utcnow() - timedelta(days=200))
    member = funded.organisation.members[0].user
    monitoring.submit_return(first, member, values(age=30, leicester=30, interventions=2, to_date=30))
    monitoring.submit_return(second, member, values(age=24, leicester=24, interventions=1, to_date=44))
    payment = agreements.agreement_of(funded).payments[0]
    agreements.record_paid(payment, account("staff"), date.today(), "BACS 0001")
    db.session.commit()
    return grant_round, funded


def test_applications_money_and_outputs(ctx, demo_users):
    grant_round, funded = _round_with_everything()
    data = dashboard.build(grant_round)
    a = data["applications"]
    assert a["received"] == 3  # funded, declined and waiting; not the draft or the withdrawn one
    assert a["requested_pence"] == 3 * 200_050 and a["awarded_pence"] == 150_000
    assert (a["funded"], a["decided"], a["success_rate"]) == (1, 2, 50)
    assert data["money"] == {"committed": 150_000, "paid": 112_500, "outstanding": 37_500}
    outputs = data["outputs"]
    assert outputs["grants_made"] == 1 and outputs["interventions_developed"] == 3  # reported, not the number of grants
    assert outputs["grants_reporting"] == 1 and outputs["grants_to_date"] == 1
    assert data["returns_received"] == 2


def test_all_rounds_add_up_the_rounds(ctx, demo_users):
    first, _ = _round_with_everything("Spring 2027")
    empty = make_round(status="open", name="Autumn 2027")
    data = dashboard.build()
    assert [row["round"].id for row in data["rounds"]] == [first.id, empty.id]
    assert data["applications"]["received"] == 3 and data["rounds"][1]["success_rate"] is None


def test_the_round_dashboard_page(client, ctx, demo_users):
    grant_round, funded = _round_with_everything()
    sign_in(client, "staff")
    response = client.get(f"/grants/rounds/{grant_round.id}/report")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'data-figure="received">3<', page) and re.search(r'data-figure="success">50%<', page)
    assert re.search(r'data-figure="paid">£1,125.00<', page) and re.search(r'data-figure="outstanding">£375.00<', page)
    assert re.search(r'data-figure="interventions">3<', page)
    # Reach: charts are SVG images with a title and a description, beside a table with the same figures.
    for chart in ("reach-age", "reach-district"):
        assert f'role="img" aria-labelledby="{chart}-title {chart}-desc"' in page
    assert "<caption>Young people reached by district where they live, latest period of each grant</caption>" in page
    assert "E06000016" in page and "E07000130" in page  # ONS codes
    assert "we never add up different periods of a grant" in page
    # Period by period, never summed: both periods are listed with their dates.
    assert page.count('data-table="periods"') == 1 and "1: " in page and "2: " in page
    assert "360Giving (JSON)" in page


def test_the_all_rounds_dashboard_page(client, ctx, demo_users):
    grant_round, _ = _round_with_everything()
    sign_in(client, "admin")
    page = client.get("/grants/report").get_data(as_text=True)
    assert 'data-table="rounds"' in page and grant_round.name in page
    assert "/grants/export/360giving.json" in page and "/grants/export/360giving.csv" in page


@pytest.mark.parametrize("url", ["/grants/report", "/grants/rounds/{round}/report"])
def test_only_staff_see_the_dashboards(app, ctx, demo_users, url):
    grant_round, _ = _round_with_everything()
    url = url.format(round=grant_round.id)
    for role in STAFF_ROLES:
        client = app.test_client()
        sign_in(client, role)
        assert client.get(url).status_code == 200, role
    for role in REFUSED:
        client = app.test_client()
        sign_in(client, role)
        assert client.get(url).status_code == 403, role
    response = app.test_client().get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_missing_round_is_404(client, ctx, demo_users):
    sign_in(client, "staff")
    assert client.get("/grants/rounds/999999/report").status_code == 404


def test_the_dashboard_does_not_run_a_query_a_grant(client, ctx, demo_users):
    grant_round, _ = _round_with_everything()
    sign_in(client, "staff")
    organisations = iter(range(100))

    def more_grants(n):
        for _ in range(n):
            index = next(organisations)
            application = make_application(grant_round, make_organisation(f"g{index}@example.org", f"Group {index}"),
                                           state="in_assessment")
            award(application, 60_000)
            first, _ = agreed(application, now=utcnow() - timedelta(days=200))
            monitoring.submit_return(first, application.organisation.members[0].user, values())
        db.session.commit()

    assert_flat(client, f"/grants/rounds/{grant_round.id}/report", more_grants, more=3)


def test_reach_export_is_per_period_with_ons_codes(app, ctx, demo_users, monkeypatch):
    import csv
    import io

    from livesafe.grants import exports

    monkeypatch.setitem(app.config, "DISCLOSURE_CELL_KEY", False)  # exact figures, to check them
    grant_round, funded = _round_with_everything()
    rows = list(csv.DictReader(io.StringIO(exports.reach_csv(grant_round))))
    leicester = [r for r in rows if r["ONS code"] == "E06000016"]
    assert [(r["Period start"] < r["Period end"], r["Young people"]) for r in leicester] == [(True, "30"), (True, "24")]
    totals = [r["Young people"] for r in rows if r["Breakdown"] == "All young people reached in the period"]
    assert totals == ["30", "24"]  # one a period, never added up
    assert {r["Grant identifier"] for r in rows} == {f"360G-LLRVRN-{funded.id}"}
    assert [r for r in rows if r["Name"] == "Rutland"][0]["Young people"] == "<10"
    assert exports.reach_csv() == exports.reach_csv(grant_round)  # the only round with returns


@pytest.mark.parametrize("url", ["/grants/report/reach.csv", "/grants/rounds/{round}/report/reach.csv"])
def test_only_staff_download_the_reach_export(app, ctx, demo_users, url):
    grant_round, _ = _round_with_everything()
    url = url.format(round=grant_round.id)
    client = app.test_client()
    sign_in(client, "staff")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    for role in REFUSED:
        other = app.test_client()
        sign_in(other, role)
        assert other.get(url).status_code == 403, role
