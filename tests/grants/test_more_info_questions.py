"""Staff asking for more information can name the round's extra questions: the group reopens and changes those
answers (and nothing else), sends the application back, and the "what changed" view shows those answers."""
import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import info_requests, logic, questions
from livesafe.grants.models import GrantApplication
from tests.grants.conftest import assign, make_application, make_organisation, make_round
from tests.grants.test_questions import QUESTION
from tests.helpers import post, sign_in


@pytest.fixture
def sent(ctx, demo_users):
    """A sent application in a round with one extra question, answered "12"."""
    grant_round = make_round()
    question = questions.add(grant_round, QUESTION, account("staff"))
    application = make_application(grant_round, make_organisation(), state="submitted")
    application.answers = {**application.answers, questions.SECTION: {str(question.id): "12"}}
    application.completed_sections = [*application.completed_sections, questions.SECTION]
    db.session.commit()
    return application, question


def test_the_group_changes_only_the_named_questions_and_assessors_see_what_changed(app, client, sent):
    application, question = sent
    url = f"/grants/applications/{application.id}"
    sign_in(client, "staff")
    assert "What to change in “Questions for this round”" in client.get(url).get_data(as_text=True)
    response = post(client, f"{url}/more-information", {"note_questions": "Count trained volunteers only."}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(GrantApplication, application.id)
    assert application.state == logic.MORE_INFO
    assert logic.editable_sections(application) == [questions.SECTION]
    assert questions.SECTION not in application.completed_sections  # to be looked at again

    group = app.test_client()
    sign_in(group, "applicant")
    page = group.get(url).get_data(as_text=True)
    assert "Count trained volunteers only." in page and f"{url}/questions" in page
    assert group.get(f"{url}/budget").status_code == 302  # other sections stay closed
    assert group.get(f"{url}/questions").status_code == 200
    response = post(group, f"{url}/resubmit", {}, token_from=url)  # not marked complete again yet
    assert response.status_code == 422 and "Questions for this round" in response.get_data(as_text=True)
    answer = {question.field_name: "9", "action": "complete"}
    assert post(group, f"{url}/questions", answer, token_from=f"{url}/questions").status_code == 302
    assert post(group, f"{url}/resubmit", {}, token_from=url).status_code == 302
    db.session.expire_all()
    application = db.session.get(GrantApplication, application.id)
    assert application.state == logic.SUBMITTED
    assert application.answers[questions.SECTION] == {str(question.id): "9"}
    assert group.get(f"{url}/questions").status_code == 302  # closed again once sent back

    (trip,) = info_requests.history(application)
    (change,) = trip["changes"]
    assert change["title"] == "Questions for this round" and change["note"] == "Count trained volunteers only."
    (field,) = change["fields"]
    assert field["label"] == QUESTION["label"]
    assert ("removed", "12") in field["diff"] and ("added", "9") in field["diff"]
    # The assessor's view shows it.
    application.state = logic.IN_ASSESSMENT
    db.session.commit()
    assign(application, account("assessor"))
    assessor = app.test_client()
    sign_in(assessor, "assessor")
    post(assessor, f"{url}/assessment/conflict", {"conflict": "no"}, token_from=f"{url}/assessment")
    page = assessor.get(f"{url}/assessment").get_data(as_text=True)
    assert "Questions for this round" in page and "<del>12</del>" in page and "<ins>9</ins>" in page


def test_a_round_without_questions_offers_no_such_note_and_ignores_one(client, ctx, demo_users):
    application = make_application(make_round(), make_organisation(), state="submitted")
    url = f"/grants/applications/{application.id}"
    sign_in(client, "staff")
    assert "Questions for this round" not in client.get(url).get_data(as_text=True)
    response = post(client, f"{url}/more-information", {"note_questions": "Sneaky"}, token_from=url)
    assert response.status_code == 422 and "at least one section" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GrantApplication, application.id).state == logic.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(info_requests.InfoRequest.id))) == 0


def test_a_too_long_note_on_the_questions_is_explained_and_nothing_changes(client, sent):
    application, _ = sent
    url = f"/grants/applications/{application.id}"
    sign_in(client, "staff")
    response = post(client, f"{url}/more-information", {"note_questions": "x" * 2001, "message": "Kept"}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "questions for this round must be 2000 characters or fewer" in page
    assert "Kept" in page
    db.session.expire_all()
    assert db.session.get(GrantApplication, application.id).state == logic.SUBMITTED
