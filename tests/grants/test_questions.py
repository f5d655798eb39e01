"""Per-round extra questions (issue 14 point 7): staff define them in the browser, groups answer them as their
own section, and they show in check-answers, the staff and assessor views and the applications CSV; once a
round has sent applications, only their wording can change."""
import csv
import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import logic, questions
from livesafe.grants.models import GrantApplication
from livesafe.grants.questions import RoundQuestion
from tests.grants.conftest import assign, make_application, make_organisation, make_round
from tests.helpers import EMAIL, post, sign_in

QUESTION = {"label": "How many volunteers do you have?", "hint": "Count regular volunteers only.", "kind": "number",
            "required": "yes", "minimum": "0", "maximum": "500", "options": ""}


def _url(grant_round):
    return f"/grants/rounds/{grant_round.id}/questions"


def _add(client, grant_round, **values):
    return post(client, _url(grant_round), {**QUESTION, **values})


def _questions(grant_round):
    db.session.expire_all()
    return questions.of_round(grant_round.id)


@pytest.fixture
def grant_round(ctx, demo_users):
    return make_round()


@pytest.fixture
def staff(client, grant_round):
    sign_in(client, "staff")
    return client


def test_staff_add_each_kind_in_order_and_move_them(staff, grant_round):
    assert _add(staff, grant_round).status_code == 302
    assert _add(staff, grant_round, label="Which area do you mostly work in?", kind="choice", minimum="", maximum="",
                options="City centre\nOutskirts\n\nVillages").status_code == 302
    assert _add(staff, grant_round, label="Anything else?", kind="long_text", required="no").status_code == 302
    found = _questions(grant_round)
    assert [(q.kind, q.required) for q in found] == [("number", True), ("choice", True), ("long_text", False)]
    assert found[0].minimum == 0 and found[0].maximum == 500 and found[1].options == ["City centre", "Outskirts", "Villages"]
    assert found[2].minimum is None and found[2].options == []
    page = staff.get(_url(grant_round)).get_data(as_text=True)
    assert "Whole number (0 to 500)" in page and "City centre, Outskirts, Villages" in page
    assert post(staff, f"{_url(grant_round)}/{found[2].id}/up", token_from=_url(grant_round)).status_code == 302
    assert [q.label for q in _questions(grant_round)][1] == "Anything else?"
    assert post(staff, f"{_url(grant_round)}/{found[0].id}/remove", token_from=_url(grant_round)).status_code == 302
    assert len(_questions(grant_round)) == 2


@pytest.mark.parametrize("values, message", [
    ({"label": ""}, "Enter the question"),
    ({"label": "x" * 301}, "The question must be 300 characters or fewer"),
    ({"kind": ""}, "Choose the type of answer"),
    ({"kind": "essay"}, "Choose the type of answer"),
    ({"required": ""}, "Say whether an answer is required"),
    ({"minimum": "ten"}, "Enter the smallest number allowed as a whole number"),
    ({"minimum": "10", "maximum": "5"}, "The largest number allowed must be at least the smallest"),
    ({"kind": "choice", "options": "Only one"}, "Enter at least two options, one a line"),
    ({"kind": "choice", "options": "Yes\nyes"}, "Each option must be different"),
])
def test_a_bad_question_is_explained_and_kept(staff, grant_round, values, message):
    response = _add(staff, grant_round, **values)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "There is a problem" in page and message in page
    if values.get("label"):
        assert values["label"] in page
    assert _questions(grant_round) == []


def test_only_staff_define_questions(app, grant_round):
    question = questions.add(grant_round, QUESTION, account("staff"))
    db.session.commit()
    urls = [_url(grant_round), f"{_url(grant_round)}/{question.id}"]
    for role in ("applicant", "assessor", "panel_member"):
        client = app.test_client()
        sign_in(client, role)
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
        assert post(client, f"{_url(grant_round)}/{question.id}/remove", token_from="/dashboard").status_code == 403
    assert app.test_client().get(urls[0]).headers["Location"].startswith("/login")
    admin = app.test_client()
    sign_in(admin, "admin")
    assert admin.get(urls[1]).status_code == 200
    other_round = make_round(name="Other")
    assert admin.get(f"/grants/rounds/{other_round.id}/questions/{question.id}").status_code == 404
    assert len(_questions(grant_round)) == 1


def _answer(client, application, values, action="complete"):
    url = f"/grants/applications/{application.id}/questions"
    return post(client, url, {**values, "action": action}, token_from="/grants/organisation")


@pytest.fixture
def asked(grant_round):
    staff = account("staff")
    number = questions.add(grant_round, QUESTION, staff)
    choice = questions.add(grant_round, {**QUESTION, "label": "Where?", "kind": "choice", "options": "North\nSouth"}, staff)
    note = questions.add(grant_round, {**QUESTION, "label": "Anything else?", "kind": "short_text", "required": "no"}, staff)
    db.session.commit()
    application = make_application(grant_round, make_organisation())
    return {"number": number, "choice": choice, "note": note, "application": application}


def test_groups_answer_in_their_own_section_and_cannot_send_without(client, asked):
    application = asked["application"]
    sign_in(client, "applicant")
    page = client.get(f"/grants/applications/{application.id}").get_data(as_text=True)
    assert "Questions for this round" in page and 'id="status-questions" class="tag">Not started' in page
    check = f"/grants/applications/{application.id}/check"
    assert f'href="/grants/applications/{application.id}/questions">Questions for this round</a>: This section is not complete yet' in client.get(check).get_data(as_text=True)
    response = client.post(f"/grants/applications/{application.id}/submit",
                           data={"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(check).get_data(as_text=True)).group(1)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check")
    db.session.expire_all()
    assert db.session.get(GrantApplication, application.id).state == "draft"

    n, c, t = (asked[k].field_name for k in ("number", "choice", "note"))
    assert _answer(client, application, {n: "12", c: "North", t: ""}).status_code == 302
    page = client.get(f"/grants/applications/{application.id}").get_data(as_text=True)
    assert 'id="status-questions" class="tag tag--good">Completed' in page
    page = client.get(check).get_data(as_text=True)
    assert "How many volunteers do you have?" in page and "<span class=\"pre-wrap\">12</span>" in page
    assert "Change your answers to the questions for this round" in page
    assert post(client, f"/grants/applications/{application.id}/submit", token_from=check).status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantApplication, application.id).state == "submitted"
    # Sent: the answers are fixed.
    response = client.get(f"/grants/applications/{application.id}/questions")
    assert response.status_code == 302
    assert _answer(client, application, {n: "13"}, action="draft").status_code == 302
    db.session.expire_all()
    assert questions.stored(db.session.get(GrantApplication, application.id))[str(asked["number"].id)] == "12"


@pytest.mark.parametrize("values, message", [
    ({"number": "", "choice": "North"}, "Answer “How many volunteers do you have?”"),
    ({"number": "501", "choice": "North"}, "as a whole number from 0 to 500"),
    ({"number": "lots", "choice": "North"}, "as a whole number from 0 to 500"),
    ({"number": "3", "choice": "East"}, "Choose one of the options for “Where?”"),
    ({"number": "3", "choice": "North", "note": "x" * 301}, "must be 300 characters or fewer"),
])
def test_bad_answers_are_explained_and_nothing_typed_is_lost(client, asked, values, message):
    application = asked["application"]
    sign_in(client, "applicant")
    data = {asked[key].field_name: value for key, value in values.items()}
    response = _answer(client, application, data)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and "There is a problem" in page and message in page
    db.session.expire_all()
    saved = db.session.get(GrantApplication, application.id)
    assert {k: v for k, v in questions.stored(saved).items() if v} == {str(asked[key].id): v for key, v in values.items() if v}
    assert questions.SECTION not in saved.completed_sections
    assert logic.section_status(saved, questions.SECTION) == "In progress"


def test_only_the_group_answers(app, client, asked, grant_round):
    url = f"/grants/applications/{asked['application'].id}/questions"
    other = make_organisation("other@example.org", "Other Group")
    theirs = make_application(grant_round, other, member_email="other@example.org")
    sign_in(client, "applicant")
    assert client.get(f"/grants/applications/{theirs.id}/questions").status_code == 403
    for role in ("staff", "assessor"):
        someone = app.test_client()
        sign_in(someone, role)
        assert someone.get(url).status_code == 403
    plain = make_application(make_round(name="No extras"), make_organisation("third@example.org", "Third"),
                             member_email="third@example.org")
    third = app.test_client()
    sign_in(third, email="third@example.org")
    assert third.get(f"/grants/applications/{plain.id}/questions").status_code == 404
    assert client.post(url, data={"action": "complete"}).status_code == 400  # no token: nothing saved


def test_answers_show_to_staff_assessors_and_in_the_export(app, client, asked, grant_round):
    application = asked["application"]
    answers = dict(application.answers)
    answers["questions"] = {str(asked["number"].id): "12", str(asked["choice"].id): "South"}
    application.answers = answers
    application.completed_sections = [*application.completed_sections, "questions"]
    application.state, application.submitted_at = "in_assessment", application.updated_at
    grant_round.status = "assessment"
    db.session.commit()
    assign(application, account("assessor"))
    sign_in(client, "staff")
    page = client.get(f"/grants/applications/{application.id}").get_data(as_text=True)
    assert "How many volunteers do you have?" in page and "South" in page
    rows = list(csv.reader(io.StringIO(client.get(f"/grants/rounds/{grant_round.id}/export/applications.csv").get_data(as_text=True))))
    assert rows[0][-3:] == ["How many volunteers do you have?", "Where?", "Anything else?"]
    assert rows[1][-3:] == ["12", "South", ""]
    assessor = app.test_client()
    sign_in(assessor, "assessor")
    post(assessor, f"/grants/applications/{application.id}/assessment/conflict", {"conflict": "no"},
         token_from=f"/grants/applications/{application.id}/assessment")
    page = assessor.get(f"/grants/applications/{application.id}/assessment").get_data(as_text=True)
    assert "Where?" in page and "South" in page


def test_once_sent_only_the_wording_changes_and_the_page_says_so(staff, asked, grant_round):
    application = asked["application"]
    application.state, application.submitted_at = "submitted", application.updated_at
    db.session.commit()
    number = asked["number"]
    page = staff.get(_url(grant_round)).get_data(as_text=True)
    assert "its questions are fixed" in page and "Add a question" not in page and "Move up" not in page
    edit = f"{_url(grant_round)}/{number.id}"
    assert "You can clarify the question" in staff.get(edit).get_data(as_text=True)
    response = post(staff, edit, {**QUESTION, "kind": "short_text"})
    assert response.status_code == 409 and "its questions are fixed" in response.get_data(as_text=True)
    response = post(staff, edit, {**QUESTION, "maximum": "50"})
    assert response.status_code == 409
    assert post(staff, edit, {**QUESTION, "label": "How many regular volunteers do you have?"}).status_code == 302
    assert _add(staff, grant_round, label="Late").status_code == 409
    assert post(staff, f"{edit}/remove", token_from=_url(grant_round)).status_code == 409
    found = _questions(grant_round)
    assert [q.label for q in found][0] == "How many regular volunteers do you have?"
    assert (found[0].kind, found[0].maximum, len(found)) == ("number", 500, 3)


def test_two_staff_adding_at_once_get_distinct_positions(app, ctx, demo_users):
    """At once on the live database (PostgreSQL in CI): the round lock orders the two additions."""
    from livesafe.auth.models import User
    from tests.helpers import at_once

    grant_round = make_round()
    round_id = grant_round.id

    def work(index):
        staff = db.session.scalar(sa.select(User).where(User.email == EMAIL["staff"]))
        from livesafe.grants.models import GrantRound

        questions.add(db.session.get(GrantRound, round_id), {**QUESTION, "label": f"Question {index}"}, staff)
        db.session.commit()
        return True

    assert at_once(app, 2, work) == [True, True]
    db.session.expire_all()
    positions = sorted(db.session.scalars(sa.select(RoundQuestion.position).where(RoundQuestion.round_id == round_id)))
    assert positions == [1, 2]


def test_a_question_added_as_an_application_is_sent_never_slips_past_it(app, ctx, demo_users):
    """At once on the live database (PostgreSQL in CI): either the question lands first and the send is refused
    (the new required question is unanswered), or the send lands first and the round's questions are fixed."""
    from livesafe.auth.models import User
    from livesafe.grants.models import GrantRound
    from livesafe.kernel import Conflict, RuleError
    from tests.helpers import at_once

    grant_round = make_round()
    application = make_application(grant_round, make_organisation())
    round_id, application_id = grant_round.id, application.id

    def work(index):
        if index == 0:
            staff = db.session.scalar(sa.select(User).where(User.email == EMAIL["staff"]))
            questions.add(db.session.get(GrantRound, round_id), QUESTION, staff)
        else:
            member = db.session.scalar(sa.select(User).where(User.email == EMAIL["applicant"]))
            logic.submit(db.session.get(GrantApplication, application_id), member)
        db.session.commit()
        return True

    added, sent = at_once(app, 2, work)
    db.session.expire_all()
    state = db.session.get(GrantApplication, application_id).state
    count = len(questions.of_round(round_id))
    if added is True:
        assert isinstance(sent, RuleError) and "Questions for this round" in sent.message, sent
        assert (state, count) == ("draft", 1)
    else:
        assert isinstance(added, Conflict) and sent is True, (added, sent)
        assert (state, count) == ("submitted", 0)
