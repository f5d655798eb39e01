"""Staff run rounds: create, validate, edit, open, close, assign assessors, moderate."""
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantRound, RoundAssessor
from livesafe.clock import format_london
from tests.grants.conftest import make_application, make_organisation, make_round, score, uniform
from tests.helpers import post, sign_in

GOOD = {
    "name": "Spring 2027", "description": "Grants for youth work.", "guidance": "Apply by March.",
    "opens_at": "2027-03-01T09:00", "closes_at": "2027-03-31T12:00", "budget": "50000", "min_award": "500",
    "max_award": "5000", "priority_areas": ["Leicester", "Charnwood"],
    "eligibility": logic.eligibility_text(list(logic.DEFAULT_ELIGIBILITY)),
    "criteria": logic.criteria_text(list(logic.DEFAULT_CRITERIA)), "monitoring_months": "3, 6, 12",
}


def test_staff_create_a_round_in_uk_time(client, ctx, demo_users):
    sign_in(client, "staff")
    assert "Need and evidence of need | 25" in client.get("/grants/rounds/new").get_data(as_text=True)
    response = post(client, "/grants/rounds/new", GOOD)
    assert response.status_code == 302
    grant_round = db.session.scalar(sa.select(GrantRound))
    assert grant_round.status == "draft"
    assert grant_round.budget_pence == 5_000_000 and grant_round.max_award_pence == 500_000
    # 12:00 in London on 31 March 2027 is 11:00 UTC (British Summer Time).
    assert grant_round.closes_at.hour == 11 and format_london(grant_round.closes_at, "%H:%M") == "12:00"
    assert grant_round.monitoring_months == [3, 6, 12]
    assert [c["weight"] for c in grant_round.criteria] == [25, 25, 20, 15, 15]


def test_round_form_errors_are_clear_and_keep_what_was_typed(client, ctx, demo_users):
    sign_in(client, "staff")
    bad = {**GOOD, "criteria": "Need and evidence of need | 50\nValue for money | 40", "closes_at": "2027-02-01T09:00",
           "budget": "lots", "eligibility": "Is it? | perhaps | because"}
    response = post(client, "/grants/rounds/new", bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter an amount in pounds" in page
    assert "Write each eligibility question" in page
    response = post(client, "/grants/rounds/new", {**bad, "budget": "50000", "eligibility": GOOD["eligibility"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The criteria weights must add up to 100; they add up to 90" in page
    assert "The closing time must be after the opening time" in page
    assert "Spring 2027" in page
    assert db.session.scalar(sa.select(sa.func.count(GrantRound.id))) == 0


def test_open_close_and_assess_a_round(client, ctx, demo_users):
    grant_round = make_round(status="draft")
    sign_in(client, "staff")
    url = f"/grants/rounds/{grant_round.id}"
    assert "/funding" and grant_round.name not in client.get("/funding").get_data(as_text=True)
    assert post(client, f"{url}/status", {"action": "open"}, token_from=url).status_code == 302
    assert grant_round.name in client.get("/funding").get_data(as_text=True)
    post(client, f"{url}/status", {"action": "close"}, token_from=url)
    db.session.expire_all()
    assert db.session.get(GrantRound, grant_round.id).status == "closed"
    response = post(client, f"{url}/status", {"action": "open"}, token_from=url)  # not allowed from closed
    assert response.status_code == 409 and "cannot be changed that way" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GrantRound, grant_round.id).status == "closed"


def test_edit_a_round(client, ctx, demo_users):
    grant_round = make_round()
    sign_in(client, "staff")
    url = f"/grants/rounds/{grant_round.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Test round" in page
    response = post(client, url, {**GOOD, "name": "Renamed"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantRound, grant_round.id).name == "Renamed"


def test_assign_assessors_and_panel_members_only(client, ctx, demo_users):
    grant_round = make_round()
    sign_in(client, "staff")
    url = f"/grants/rounds/{grant_round.id}"
    ids = [account("assessor").id, account("panel_member").id]
    assert post(client, f"{url}/assessors", {"assessors": [str(i) for i in ids]}, token_from=url).status_code == 302
    assigned = set(db.session.scalars(sa.select(RoundAssessor.user_id)))
    assert assigned == set(ids)
    post(client, f"{url}/assessors", {"assessors": [str(account("applicant").id)]}, token_from=url)
    assert set(db.session.scalars(sa.select(RoundAssessor.user_id))) == set(ids)  # an applicant is not a choice


def test_moderation_page_shows_the_ranking_and_funding_line(client, ctx, demo_users):
    grant_round = make_round(status="assessment", budget=250_000, opens=-10, closes=-1)
    grant_round.assessors.append(RoundAssessor(user_id=account("assessor").id))
    db.session.commit()
    first = make_application(grant_round, make_organisation("a@example.org", "Alpha Group"), state="in_assessment")
    second = make_application(grant_round, make_organisation("b@example.org", "Beta Group"), state="in_assessment")
    score(first, account("assessor"), uniform(5))
    score(second, account("assessor"), uniform(3))
    sign_in(client, "staff")
    page = client.get(f"/grants/rounds/{grant_round.id}/moderation").get_data(as_text=True)
    assert page.index("Alpha Group") < page.index("Funding line") < page.index("Beta Group")
    assert "100.0" in page and "60.0" in page


def test_staff_mark_a_submitted_application_ineligible(client, ctx, demo_users):
    grant_round = make_round()
    application = make_application(grant_round, make_organisation(), state="submitted")
    sign_in(client, "staff")
    url = f"/grants/applications/{application.id}"
    assert "Mark as not eligible" in client.get(url).get_data(as_text=True)
    assert post(client, f"{url}/state", {"action": "mark_ineligible"}, token_from=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(application), application.id).state == "ineligible"
    response = post(client, f"{url}/state", {"action": "close"}, token_from=url)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(type(application), application.id).state == "ineligible"


def test_bad_assessor_choice_and_bad_decision_amount_are_validation_errors(client, ctx, demo_users):
    grant_round = make_round(status="assessment", opens=-10, closes=-1)
    application = make_application(grant_round, make_organisation(), state="in_assessment")
    sign_in(client, "staff")
    url = f"/grants/rounds/{grant_round.id}"
    response = post(client, f"{url}/assessors", {"assessors": ["999999"]}, token_from=url)
    assert response.status_code == 422 and "There is a problem" in response.get_data(as_text=True)
    page = f"/grants/applications/{application.id}"
    response = post(client, f"{page}/decision", {"outcome": "award", "amount": "lots", "reason": "Good"}, token_from=page)
    assert response.status_code == 422
    assert "Enter an amount in pounds" in response.get_data(as_text=True)
    response = post(client, f"{page}/decision", {"outcome": "award", "amount": "", "reason": ""}, token_from=page)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Enter the amount to award" in text and "Give a reason for the decision" in text
    db.session.expire_all()
    assert db.session.get(type(application), application.id).state == "in_assessment"


def test_ineligible_applications_are_told(client, ctx, demo_users):
    from livesafe.mail.models import OutboxMessage

    application = make_application(make_round(), make_organisation(), state="submitted")
    logic.mark_ineligible(application, account("staff"))
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert message.to == "applicant@example.org" and "not eligible" in message.body and "What happens next" in message.body
