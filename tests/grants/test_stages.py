"""Issue 14, point 2: a round can ask for a short expression of interest first; staff shortlist; shortlisted
groups fill in the full application."""
import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import logic, stages
from livesafe.grants.models import GrantApplication, GrantRound
from livesafe.kernel import Conflict, Refused, RuleError
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import ELIGIBLE, answers, make_organisation, make_round
from tests.grants.test_rounds import GOOD
from tests.helpers import csrf_token, post, sign_in


@pytest.fixture
def interest(ctx, demo_users):
    """An expression of interest in a two-stage round, nothing filled in yet."""
    grant_round = make_round(two_stage=True)
    organisation = make_organisation()
    application = logic.start_application(grant_round, organisation, account("applicant"), ELIGIBLE)
    db.session.commit()
    return application


def test_a_two_stage_round_starts_with_the_project_only_then_shortlists(interest):
    member = account("applicant")
    assert interest.state == logic.EOI
    assert logic.editable_sections(interest) == ["project"]
    with pytest.raises(Conflict):
        logic.save_section(interest, "budget", answers()["budget"], True, member)
    db.session.rollback()
    with pytest.raises(RuleError, match="Complete “Your project”"):
        logic.apply(logic.APPLICATION, interest, "send_eoi", member)
    db.session.rollback()
    logic.save_section(interest, "project", answers()["project"], True, member)
    logic.apply(logic.APPLICATION, interest, "send_eoi", member)
    db.session.commit()
    assert interest.state == logic.EOI_SENT and interest.submitted_at is not None
    with pytest.raises(Refused):
        stages.shortlist(interest, "shortlist", member)
    assert stages.shortlist(interest, "shortlist", account("staff")) == 1
    db.session.commit()
    assert interest.state == logic.DRAFT
    assert "project" in interest.completed_sections  # kept: the group fills in the rest
    assert len(logic.editable_sections(interest)) == len(logic.SECTIONS)
    subjects = list(db.session.scalars(sa.select(OutboxMessage.subject)))
    assert any(s.startswith("You are shortlisted") for s in subjects)
    for section, values in answers().items():
        logic.save_section(interest, section, values, True, member)
    assert logic.submit(interest, member) is True
    assert interest.state == logic.SUBMITTED


def test_not_shortlisted_is_the_end_and_the_group_is_told(interest):
    logic.save_section(interest, "project", answers()["project"], True, account("applicant"))
    logic.apply(logic.APPLICATION, interest, "send_eoi", account("applicant"))
    stages.shortlist(interest, "not_shortlist", account("staff"))
    db.session.commit()
    assert interest.state == logic.NOT_SHORTLISTED
    assert logic.editable_sections(interest) == []


def test_one_stage_rounds_start_with_the_full_application(open_round, organisation):
    application = logic.start_application(open_round, organisation, account("applicant"), ELIGIBLE)
    assert application.state == logic.DRAFT


# ---------------------------------------------------------------- the routes

def test_the_group_sends_an_expression_of_interest_and_staff_shortlist_it(client, interest):
    url = f"/grants/applications/{interest.id}"
    sign_in(client, "applicant")
    page = client.get(url).get_data(as_text=True)
    assert "Send expression of interest" in page and "/budget" not in page
    response = post(client, f"{url}/eoi", {}, token_from=url)
    assert response.status_code == 422 and "Complete “Your project”" in response.get_data(as_text=True)
    assert client.get(f"{url}/budget", follow_redirects=True).status_code == 200  # redirected back, not a 500
    assert post(client, f"{url}/project", {**answers()["project"], "action": "complete"}).status_code == 302
    assert post(client, f"{url}/eoi", {}, token_from=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantApplication, interest.id).state == logic.EOI_SENT
    # The group cannot shortlist itself.
    assert client.post(f"{url}/state", data={"action": "shortlist", "csrf_token": csrf_token(client, url)}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    sign_in(client, "staff")
    assert "Shortlist: ask for a full application" in client.get(url).get_data(as_text=True)
    assert post(client, f"{url}/state", {"action": "shortlist"}, token_from=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantApplication, interest.id).state == logic.DRAFT
    assert post(client, f"{url}/state", {"action": "shortlist"}, token_from=url).status_code == 409  # done already


def test_another_group_cannot_send_it(client, interest):
    make_organisation(email="other@example.org", name="Other group")
    sign_in(client, email="other@example.org")
    assert post(client, f"/grants/applications/{interest.id}/eoi", {}, token_from="/grants/organisation").status_code == 403


def test_staff_make_a_round_two_stage(client, ctx, demo_users):
    sign_in(client, "staff")
    assert post(client, "/grants/rounds/new", {**GOOD, "two_stage": "y"}).status_code == 302
    assert db.session.scalar(sa.select(GrantRound.two_stage)) is True
