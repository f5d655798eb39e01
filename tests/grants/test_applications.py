"""Applying: organisation, eligibility, the task list, saving sections, checking, submitting, withdrawing."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication, Organisation
from livesafe.kernel import Conflict, RuleError
from livesafe.mail.models import OutboxMessage
from livesafe.clock import utcnow
from tests.grants.conftest import ELIGIBLE, answers, make_application, make_organisation, make_round
from tests.helpers import post, sign_in


def _app(application_id):
    db.session.expire_all()
    return db.session.get(GrantApplication, application_id)


def test_public_funding_page_lists_only_open_rounds(client, ctx, demo_users):
    make_round(name="Open now")
    make_round(name="Still a draft", status="draft")
    make_round(name="Closed by the clock", opens=-10, closes=-1)
    make_round(name="Not open yet", opens=2, closes=9)
    page = client.get("/funding").get_data(as_text=True)
    assert "Open now" in page
    for hidden in ("Still a draft", "Closed by the clock", "Not open yet"):
        assert hidden not in page
    assert "/articles/what-works-evidence" in page


def test_organisation_profile_is_validated_and_saved(client, ctx, demo_users):
    sign_in(client, "applicant")
    response = post(client, "/grants/organisation", {"name": "", "postcode": "LE1 1AA"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is problem" not in page and "There is a problem" in page
    assert "Enter the name of your organisation" in page and 'value="LE1 1AA"' in page
    response = post(client, "/grants/organisation", {
        "name": "Eastside Boxing", "kind": "cic", "company_number": "12345678", "postcode": "le5 0aa", "district": "Leicester",
        "safeguarding_policy": "yes", "safeguarding_lead": "Head coach", "works_with_under_18s": "yes"})
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(Organisation))
    assert (saved.name, saved.kind, saved.postcode, saved.safeguarding_policy) == ("Eastside Boxing", "cic", "LE5 0AA", True)


def test_applying_without_an_organisation_asks_for_one_first(client, open_round):
    sign_in(client, "applicant")
    response = client.get(f"/funding/{open_round.id}/apply")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/grants/organisation?next=")


def test_failed_eligibility_says_why_and_starts_nothing(client, open_round, organisation):
    sign_in(client, "applicant")
    url = f"/funding/{open_round.id}/apply"
    response = post(client, url, {"q_0": "yes", "q_1": "yes", "q_2": "no", "q_3": "no"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your group cannot apply to this round" in page
    assert "safeguarding policy before it applies" in page
    assert db.session.scalar(sa.select(sa.func.count(GrantApplication.id))) == 0


def test_unanswered_eligibility_is_a_validation_error(client, open_round, organisation):
    sign_in(client, "applicant")
    response = post(client, f"/funding/{open_round.id}/apply", {"q_0": "yes"})
    assert response.status_code == 422
    assert "Answer: Does your group have a bank account" in response.get_data(as_text=True)


def test_passing_eligibility_starts_one_draft(client, open_round, organisation):
    sign_in(client, "applicant")
    url = f"/funding/{open_round.id}/apply"
    data = {f"q_{k}": v for k, v in ELIGIBLE.items()}
    first = post(client, url, data)
    assert first.status_code == 302
    second = client.get(url)  # already started: straight to the task list
    assert second.headers["Location"] == first.headers["Location"]
    application = db.session.scalar(sa.select(GrantApplication))
    assert application.state == "draft" and application.eligibility_answers == ELIGIBLE
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    for _, title in logic.SECTIONS:
        assert title in page
    assert page.count("Not started") == len(logic.SECTIONS)


def test_a_section_saves_as_a_draft_without_validation(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/project"
    response = post(client, url, {"title": "Half typed", "start_date": "not a date", "action": "draft"})
    assert response.status_code == 302
    saved = _app(application.id)
    assert saved.answers["project"]["title"] == "Half typed"
    assert saved.answers["project"]["start_date"] == "not a date"
    assert "project" not in saved.completed_sections
    assert logic.section_status(saved, "project") == "In progress"


def test_marking_complete_validates_strictly_and_keeps_what_was_typed(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/project"
    response = post(client, url, {"title": "My <b>project</b>", "start_date": "2027-05-01", "end_date": "2027-04-01",
                                  "action": "complete"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("There is a problem") == 1
    assert "Write a short summary of your project" in page
    assert "The end date must be on or after the start date" in page
    assert "My &lt;b&gt;project&lt;/b&gt;" in page  # kept, and escaped
    saved = _app(application.id)
    assert saved.answers["project"]["title"] == "My <b>project</b>"  # saved even though invalid
    assert "project" not in saved.completed_sections
    response = post(client, url, {**answers()["project"], "action": "complete"})
    assert response.status_code == 302
    assert "project" in _app(application.id).completed_sections


def test_budget_section_checks_the_rounds_limits(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/budget"
    response = post(client, url, {"item_1": "Coaches", "amount_1": "6000", "item_2": "Kit", "amount_2": "abc", "action": "complete"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Row 2: Enter an amount in pounds" in page
    response = post(client, url, {"item_1": "Coaches", "amount_1": "6000", "action": "complete"})
    assert response.status_code == 422
    assert "You can ask for between £500.00 and £5,000.00" in response.get_data(as_text=True)
    assert _app(application.id).requested_pence == 600000
    response = post(client, url, {"item_1": "Coaches", "amount_1": "4000.25", "item_2": "Kit", "amount_2": "999.75", "action": "complete"})
    assert response.status_code == 302
    assert _app(application.id).requested_pence == 500000


def test_autosave_stores_the_draft_and_says_when(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    response = post(client, f"/grants/applications/{application.id}/theory/autosave", {"need": "Typed so f"},
                    token_from=f"/grants/applications/{application.id}/theory", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Saved at" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    assert _app(application.id).answers["theory"]["need"] == "Typed so f"


def test_autosave_when_signed_out_says_so_and_saves_nothing(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    response = client.post(f"/grants/applications/{application.id}/theory/autosave", data={"need": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Not saved: you have been signed out" in page
    assert f"next=/grants/applications/{application.id}/theory" in page.replace("%2F", "/")
    assert "theory" not in _app(application.id).answers


def test_an_expired_session_goes_to_sign_in_and_comes_back_with_drafts_kept(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={"theory": {"need": "Autosaved earlier"}}, complete=False)
    url = f"/grants/applications/{application.id}/theory"
    response = client.post(url, data={"need": "typed after the session ended", "action": "draft"})
    assert response.status_code == 302
    login = response.headers["Location"]
    assert login.startswith("/login?next=")
    response = post(client, login, {"email": "applicant@example.org", "password": "livesafe-demo"}, token_from="/login")
    assert response.headers["Location"] == url
    assert "Autosaved earlier" in client.get(url).get_data(as_text=True)


def test_check_answers_lists_problems_and_the_evidence_warning(client, open_round, organisation):
    raw = answers(approach={"approach": "Prison visits so they see where knife crime leads."})
    application = make_application(open_round, organisation, raw=raw)
    logic.save_section(application, "budget", {"item_1": "x"}, False, account("applicant"))
    db.session.commit()
    sign_in(client, "applicant")
    page = client.get(f"/grants/applications/{application.id}/check").get_data(as_text=True)
    assert "Some sections need attention" in page
    assert "Send application" not in page
    assert "Prison awareness" in page and "/articles/what-works-evidence" in page


def test_submitting_locks_the_application_and_tells_the_group(client, open_round, organisation):
    application = make_application(open_round, organisation)
    sign_in(client, "applicant")
    page = client.get(f"/grants/applications/{application.id}/check").get_data(as_text=True)
    assert "Send application" in page
    response = post(client, f"/grants/applications/{application.id}/submit", token_from=f"/grants/applications/{application.id}/check")
    assert response.status_code == 302
    saved = _app(application.id)
    assert saved.state == "submitted" and saved.submitted_at is not None
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [m.to for m in messages] == ["applicant@example.org"]
    assert "What happens next" in messages[0].body
    # Locked: sections redirect, posts change nothing.
    url = f"/grants/applications/{application.id}/project"
    assert client.get(url).status_code == 302
    post(client, url, {"title": "Changed", "action": "draft"}, token_from="/grants/applications")
    assert _app(application.id).title == "Friday night football"
    status = client.get(f"/grants/applications/{application.id}").get_data(as_text=True)
    assert "Sent to us" in status and "What happens next" in status


def test_submitting_twice_creates_nothing_new(open_round, organisation):
    application = make_application(open_round, organisation)
    applicant = account("applicant")
    assert logic.submit(application, applicant) is True
    assert logic.submit(application, applicant) is False
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1
    assert len(logic.timeline(application)) == 2


def test_after_the_closing_time_submission_is_refused_even_with_the_form_open(client, open_round, organisation):
    application = make_application(open_round, organisation)
    sign_in(client, "applicant")
    check_page = f"/grants/applications/{application.id}/check"
    token_page = client.get(check_page)  # the form was open before closing time
    assert "Send application" in token_page.get_data(as_text=True)
    open_round.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = post(client, f"/grants/applications/{application.id}/submit", token_from="/grants/applications")
    assert response.status_code == 409
    assert "closed at" in response.get_data(as_text=True) and "Your answers are saved" in response.get_data(as_text=True)
    assert _app(application.id).state == "draft"


def test_the_closing_time_is_decided_by_the_clock_passed_in(open_round, organisation):
    application = make_application(open_round, organisation)
    just_after = open_round.closes_at + timedelta(microseconds=1)
    with pytest.raises(Conflict, match="closed at"):
        logic.submit(application, account("applicant"), now=just_after)
    assert logic.submit(application, account("applicant"), now=open_round.closes_at - timedelta(seconds=1)) is True


def test_incomplete_applications_cannot_be_submitted(open_round, organisation):
    application = make_application(open_round, organisation, complete=False)
    with pytest.raises(RuleError, match="Complete every section"):
        logic.submit(application, account("applicant"))


def test_withdraw_before_a_decision_only(client, open_round, organisation):
    application = make_application(open_round, organisation, state="in_assessment")
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/withdraw"
    assert "Withdraw application" in client.get(url).get_data(as_text=True)
    assert post(client, url).status_code == 302
    assert _app(application.id).state == "withdrawn"
    decided = make_application(make_round(name="Another"), organisation, state="awarded")
    response = post(client, f"/grants/applications/{decided.id}/withdraw")
    assert response.status_code == 409 and "Grant offered" in response.get_data(as_text=True)
    assert _app(decided.id).state == "awarded"


def test_members_of_one_organisation_share_its_applications(client, open_round, organisation):
    import re

    from tests.grants.conftest import user

    user("second@example.org")
    sign_in(client, "applicant")
    response = post(client, "/grants/organisation/invitations", {"email": "second@example.org"}, token_from="/grants/organisation")
    assert response.status_code == 302
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.to == "second@example.org"))
    link = re.search(r"/grants/invitations/\S+", body).group(0)
    application = make_application(open_round, organisation)
    other = client.application.test_client()
    sign_in(other, email="second@example.org")
    assert other.get(f"/grants/applications/{application.id}").status_code == 403
    assert post(other, link, {"answer": "accept"}).status_code == 302
    assert other.get(f"/grants/applications/{application.id}").status_code == 200


def test_an_organisation_sees_only_its_own_applications(client, open_round, organisation):
    mine = make_application(open_round, organisation)
    theirs = make_application(open_round, make_organisation("other@example.org", "Other Group"))
    sign_in(client, "applicant")
    page = client.get("/grants/applications").get_data(as_text=True)
    assert f"/grants/applications/{mine.id}" in page and f"/grants/applications/{theirs.id}" not in page


def test_applying_to_a_round_that_is_not_taking_applications_is_not_found(client, ctx, demo_users):
    make_organisation()
    closed = make_round(opens=-10, closes=-1)
    draft = make_round(status="draft")
    sign_in(client, "applicant")
    assert client.get(f"/funding/{closed.id}/apply").status_code == 404
    assert client.get(f"/funding/{draft.id}/apply").status_code == 404
    assert client.get("/funding/999999/apply").status_code == 404


def test_a_late_autosave_of_the_same_answers_leaves_a_section_complete(open_round, organisation):
    application = make_application(open_round, organisation)
    applicant = account("applicant")
    same = dict(application.answers["theory"])
    logic.save_section(application, "theory", same, False, applicant)
    assert "theory" in application.completed_sections
    logic.save_section(application, "theory", {**same, "need": "Changed"}, False, applicant)
    assert "theory" not in application.completed_sections


def test_autosave_of_the_budget_updates_the_total(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/budget"
    response = post(client, f"{url}/autosave", {"item_1": "Kit", "amount_1": "10.10", "item_2": "Hall", "amount_2": "0.20"},
                    token_from=url, headers={"HX-Request": "true"})
    assert 'id="budget-total" hx-swap-oob="true">£10.30<' in response.get_data(as_text=True)


def test_after_sending_the_applicant_can_read_their_answers(client, open_round, organisation):
    application = make_application(open_round, organisation, state="submitted")
    sign_in(client, "applicant")
    page = client.get(f"/grants/applications/{application.id}").get_data(as_text=True)
    assert "Your answers" in page and "Weekly football sessions with mentoring" in page and "£2,000.50" in page
