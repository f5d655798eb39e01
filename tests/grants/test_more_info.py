"""Issue 14, point 1: staff ask a group for more information; the group changes only the named sections and
sends the application back; the timeline shows each round trip and assessors see what changed."""
import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import info_requests, logic
from livesafe.grants.models import GrantApplication
from livesafe.kernel import Conflict, Refused, RuleError
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import answers, assign, make_application, make_organisation, make_round
from tests.helpers import csrf_token, post, sign_in

NOTES = {"budget": "Split the coaches' costs by term.", "approach": "Say which evidence you built on."}


@pytest.fixture
def assessed(ctx, demo_users):
    """An application in assessment, with the demo assessor assigned to it."""
    grant_round = make_round(status="assessment", opens=-10, closes=-1)
    application = make_application(grant_round, make_organisation(), state="in_assessment")
    assign(application, account("assessor"))
    return application


def _returned(application, notes=NOTES):
    told = info_requests.request_info(application, account("staff"), notes, "Thank you, nearly there.")
    db.session.commit()
    return told


def test_the_group_changes_only_the_named_sections_and_it_goes_back_into_assessment(assessed):
    member = account("applicant")
    assert _returned(assessed) == 1
    assert assessed.state == logic.MORE_INFO
    assert set(logic.editable_sections(assessed)) == {"budget", "approach"}
    # The named sections must be looked at again; the others stay complete.
    assert "budget" not in assessed.completed_sections and "project" in assessed.completed_sections
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.to == member.email))
    assert "Budget: Split the coaches' costs by term." in body and "Thank you, nearly there." in body

    with pytest.raises(Conflict, match="cannot be changed"):
        logic.save_section(assessed, "project", {**answers()["project"], "title": "Sneaky"}, True, member)
    db.session.rollback()
    logic.save_section(assessed, "budget", {**answers()["budget"], "item_1": "Coaches, autumn term"}, True, member)
    db.session.commit()
    with pytest.raises(RuleError, match="Approach and evidence"):  # not marked complete again yet
        info_requests.resubmit(assessed, member)
    db.session.rollback()
    logic.save_section(assessed, "approach", answers()["approach"], True, member)
    assert info_requests.resubmit(assessed, member) is True
    db.session.commit()
    assert assessed.state == logic.IN_ASSESSMENT  # its round is being assessed
    assert info_requests.resubmit(assessed, member) is False  # a double-click sends once
    assert logic.editable_sections(assessed) == []

    (trip,) = info_requests.history(assessed)
    budget = next(c for c in trip["changes"] if c["key"] == "budget")
    (changed,) = budget["fields"]
    assert changed["label"] == "Item 1"
    assert [("same", "Coaches"), ("added", "autumn term")] == [(kind, text.strip(" ,")) for kind, text in changed["diff"]]
    approach = next(c for c in trip["changes"] if c["key"] == "approach")
    assert approach["fields"] == []  # asked, but nothing changed there


def test_a_returned_application_from_an_open_round_goes_back_with_the_sent_ones(open_round, organisation):
    application = make_application(open_round, organisation, state="submitted")
    _returned(application, {"project": "Give the venue's address."})
    logic.save_section(application, "project", {**answers()["project"], "venue": "Hall, 1 High St"}, True, account("applicant"))
    info_requests.resubmit(application, account("applicant"))
    assert application.state == logic.SUBMITTED


def test_asking_needs_a_note_and_only_staff_may_ask(assessed):
    with pytest.raises(RuleError, match="at least one section"):
        info_requests.request_info(assessed, account("staff"), {"budget": "   "})
    with pytest.raises(Refused):
        info_requests.request_info(assessed, account("assessor"), NOTES)
    with pytest.raises(Refused):
        info_requests.request_info(assessed, account("applicant"), NOTES)
    db.session.rollback()
    assert db.session.get(GrantApplication, assessed.id).state == logic.IN_ASSESSMENT


def test_the_timeline_shows_each_round_trip(assessed):
    member = account("applicant")
    for round_trip in range(2):
        _returned(assessed, {"budget": f"Change {round_trip}"})
        logic.save_section(assessed, "budget", answers()["budget"], True, member)
        info_requests.resubmit(assessed, member)
        db.session.commit()
    steps = logic.timeline(assessed)
    labels = [s["label"] for s in steps]
    assert labels.count("We asked for more information") == 2
    assert labels.count("Sent back with the changes asked for") == 2
    assert [s["detail"] for s in steps if s["label"] == "We asked for more information"] == ["Sections to change: Budget"] * 2


# ---------------------------------------------------------------- the routes

def test_staff_ask_through_the_page_and_bad_input_is_a_422(client, assessed):
    url = f"/grants/applications/{assessed.id}"
    sign_in(client, "staff")
    page = client.get(url).get_data(as_text=True)
    assert "Ask the group for more information" in page
    response = post(client, f"{url}/more-information", {"note_budget": ""}, token_from=url)
    assert response.status_code == 422
    assert "Say what the group should change in at least one section" in response.get_data(as_text=True)
    response = post(client, f"{url}/more-information", {"note_budget": "x" * 2001, "message": "Kept"}, token_from=url)
    assert response.status_code == 422 and "2000 characters or fewer" in response.get_data(as_text=True)
    assert db.session.get(GrantApplication, assessed.id).state == logic.IN_ASSESSMENT
    response = post(client, f"{url}/more-information", {"note_budget": "Split by term"}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantApplication, assessed.id).state == logic.MORE_INFO
    # Asked already: the form is gone, and asking again is a conflict, not a 500.
    assert "Ask the group for more information" not in client.get(url).get_data(as_text=True)
    assert post(client, f"{url}/more-information", {"note_budget": "Again"}, token_from=url).status_code == 409


@pytest.mark.parametrize("role", ["applicant", "assessor", "panel_member"])
def test_only_staff_may_ask_through_the_route(client, assessed, role):
    sign_in(client, role)
    response = client.post(f"/grants/applications/{assessed.id}/more-information",
                           data={"csrf_token": csrf_token(client, "/grants/organisation" if role == "applicant" else "/grants/assessments"),
                                 "note_budget": "x"})
    assert response.status_code == 403


def test_the_group_sees_what_to_change_edits_it_and_sends_it_back(client, assessed):
    _returned(assessed)
    url = f"/grants/applications/{assessed.id}"
    sign_in(client, "applicant")
    page = client.get(url).get_data(as_text=True)
    assert "We need more information" in page and "Split the coaches" in page and "Send your changes" in page
    # Another section is not open to change: the page says so, autosave is refused and nothing is stored.
    response = client.get(f"{url}/project", follow_redirects=True)
    assert "cannot be changed" in response.get_data(as_text=True)
    response = post(client, f"{url}/project/autosave", {"title": "Changed"}, token_from=f"{url}/budget")
    assert response.status_code == 409 and "Not saved" in response.get_data(as_text=True)
    assert db.session.get(GrantApplication, assessed.id).title == "Friday night football"
    # Sending back before the named sections are complete: 422 with the reason.
    response = post(client, f"{url}/resubmit", {}, token_from=url)
    assert response.status_code == 422 and "need attention" in response.get_data(as_text=True)
    for section in NOTES:
        response = post(client, f"{url}/{section}", {**answers()[section], "action": "complete"})
        assert response.status_code == 302, section
    assert post(client, f"{url}/resubmit", {}, token_from=url).status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantApplication, assessed.id).state == logic.IN_ASSESSMENT
    assert "Sent back with the changes asked for" in client.get(url).get_data(as_text=True)


def test_a_non_member_cannot_send_it_back(client, assessed):
    _returned(assessed)
    make_organisation(email="other@example.org", name="Other group")
    sign_in(client, email="other@example.org")
    response = client.post(f"/grants/applications/{assessed.id}/resubmit",
                           data={"csrf_token": csrf_token(client, "/grants/organisation")})
    assert response.status_code == 403
    assert post(client, f"/grants/applications/{assessed.id}/resubmit", {}, token_from="/grants/organisation").status_code == 403


def test_assessors_see_what_changed(client, assessed):
    member = account("applicant")
    _returned(assessed, {"approach": "Say which evidence you built on."})
    logic.save_section(assessed, "approach", {"approach": "Sport with mentoring on Fridays.",
                                                 "evidence": "Mentoring is rated moderate impact by the Youth Endowment Fund."},
                       True, member)
    info_requests.resubmit(assessed, member)
    db.session.commit()
    sign_in(client, "assessor")
    url = f"/grants/applications/{assessed.id}/assessment"
    post(client, f"{url}/conflict", {"conflict": "no"}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "What changed after we asked for more information" in page
    assert "Sport with mentoring<ins> on Fridays</ins>." in page
    assert "impact<ins> by the Youth Endowment Fund</ins>." in page
