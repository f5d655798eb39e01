"""Staff run waves: create from a definition, open and close, test responses, setting codes; every route by role."""
import re
import secrets

import pytest
import sqlalchemy as sa

from livesafe import clock
from livesafe.audit.models import AuditEvent
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.surveys import logic
from livesafe.surveys.models import SurveyResponse, SurveySetting, SurveyWave
from tests.helpers import at_once, post, sign_in, walk_workflow
from tests.surveys.conftest import respond, small_definition, token_of

STAFF_GETS = ["/surveys/manage", "/surveys/manage/{id}", "/surveys/manage/settings", "/surveys/manage/{id}/results",
              "/surveys/manage/{id}/free-text", "/surveys/manage/{id}/export/results.csv"]
STAFF_POSTS = ["/surveys/manage", "/surveys/manage/{id}/status", "/surveys/manage/{id}/test", "/surveys/manage/settings",
               "/surveys/manage/{id}/responses/delete", "/surveys/manage/{id}/free-text/delete"]
ADMIN_ONLY = "/surveys/manage/{id}/export/responses.csv"


def test_signed_out_visitors_are_sent_to_sign_in_from_every_staff_route(client, wave):
    for url in STAFF_GETS + [ADMIN_ONLY]:
        response = client.get(url.format(id=wave.id))
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url
    for url in STAFF_POSTS:
        response = post(client, url.format(id=wave.id), {"action": "close", "name": "x"}, token_from="/login")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url


@pytest.mark.parametrize("role", [roles.APPLICANT, roles.PANEL_MEMBER, roles.ASSESSOR])
def test_other_roles_are_refused_every_staff_route(app, client, demo_users, wave, role):
    sign_in(client, role)
    for url in STAFF_GETS + [ADMIN_ONLY]:
        assert client.get(url.format(id=wave.id)).status_code == 403, url
    for url in STAFF_POSTS:
        response = post(client, url.format(id=wave.id), {"action": "close", "name": "x"}, token_from="/dashboard")
        assert response.status_code == 403, url
    with app.app_context():
        assert db.session.get(SurveyWave, wave.id).status == logic.OPEN
        assert db.session.scalar(sa.select(sa.func.count(SurveySetting.id))) == 0


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_staff_and_admins_reach_every_staff_page(client, demo_users, wave, role):
    sign_in(client, role)
    for url in STAFF_GETS:
        assert client.get(url.format(id=wave.id)).status_code == 200, url
    assert 'href="/surveys/manage"' in client.get("/dashboard").get_data(as_text=True)


def test_only_admins_download_the_raw_responses(client, demo_users, wave):
    sign_in(client, roles.STAFF)
    assert client.get(ADMIN_ONLY.format(id=wave.id)).status_code == 403
    assert "anonymised responses" not in client.get(f"/surveys/manage/{wave.id}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": ""})


def test_missing_waves_are_404_for_staff(client, demo_users):
    sign_in(client, roles.STAFF)
    for url in STAFF_GETS[3:] + ["/surveys/manage/999"]:
        assert client.get(url.format(id=999)).status_code == 404, url


def test_signed_out_visitors_see_have_your_say(client):
    assert 'href="/surveys">Have your say</a>' in client.get("/").get_data(as_text=True)


# Creating a wave ------------------------------------------------------------

def _create(client, **fields):
    data = {"survey": "young-people", "title": "Young people's safety survey 2026",
            "opens_on": "2026-03-01", "closes_on": "2026-04-30", **fields}
    return post(client, "/surveys/manage", data)


def test_staff_create_a_draft_wave_from_a_definition(app, client, demo_users):
    sign_in(client, roles.STAFF)
    response = _create(client)
    assert response.status_code == 302
    with app.app_context():
        wave = db.session.scalar(sa.select(SurveyWave))
        assert (wave.slug, wave.status, wave.survey_slug) == ("young-peoples-safety-survey-2026", "draft", "young-people")
        assert wave.definition["title"] == "Young people's safety survey"
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "survey_wave.create"))
        assert event.subject_id == wave.id
    assert response.headers["Location"] == f"/surveys/manage/{wave.id}"
    _create(client)
    with app.app_context():
        assert db.session.scalars(sa.select(SurveyWave.slug).order_by(SurveyWave.id)).all()[1].endswith("-2026-2")


@pytest.mark.parametrize("fields, message", [
    ({"title": ""}, "Enter a title"),
    ({"survey": "no-such-survey"}, "Not a valid choice"),
    ({"opens_on": "1 March"}, "Enter the date as year-month-day"),
    ({"closes_on": "2026-02-01"}, "The closing date must be on or after the opening date"),
    ({"title": "x" * 161}, "Title must be 160 characters or fewer"),
])
def test_bad_wave_details_are_refused_with_a_clear_message(app, client, demo_users, fields, message):
    sign_in(client, roles.STAFF)
    response = _create(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "There is a problem" in page and "<title>Error: " in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyWave.id))) == 0


# Lifecycle ----------------------------------------------------------------------

def test_the_wave_lifecycle_is_the_issue_table():
    """Written out independently of logic.WAVES: draft -> open -> closed -> (reopen) open, staff only."""
    table = {(t.action, t.sources, t.target, t.permission) for t in logic.WAVES.transitions}
    assert table == {("open", ("draft",), "open", "surveys.manage_wave"),
                     ("close", ("open",), "closed", "surveys.manage_wave"),
                     ("reopen", ("closed",), "open", "surveys.manage_wave")}
    assert logic.WAVES.field == "status" and logic.WAVES.name == "survey_wave"


def test_every_transition_from_every_state_by_every_role_follows_the_table(ctx, demo_users):
    from datetime import timedelta

    from livesafe.auth.demo import account

    users = {role: account(role) for role in roles.ALL} | {"signed out": None}
    today = clock.today()

    def make(state):
        wave = SurveyWave(slug=f"walk-{secrets.token_hex(4)}", title="Walk", survey_slug="test-survey",
                          definition=small_definition(), status=state, opens_on=today,
                          closes_on=today + timedelta(days=1))
        db.session.add(wave)
        db.session.flush()
        return wave

    outcomes = walk_workflow(logic.WAVES, make, users)
    took = {(action, state, who) for action, state, who, ok in outcomes if ok}
    assert took == {(t.action, t.sources[0], role) for t in logic.WAVES.transitions for role in roles.STAFF_ROLES}
    # Each step taken is audited under the workflow's name.
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action.like("survey_wave.%"))) == len(took)


def test_a_wave_opens_closes_and_reopens_each_step_audited(app, client, demo_users, make_wave):
    draft = make_wave(status=logic.DRAFT)
    sign_in(client, roles.STAFF)
    assert "Open the wave" in client.get(f"/surveys/manage/{draft.id}").get_data(as_text=True)
    for action in ("open", "close", "reopen"):
        response = post(client, f"/surveys/manage/{draft.id}/status", {"action": action},
                        token_from=f"/surveys/manage/{draft.id}")
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(SurveyWave, draft.id).status == "open"
        actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_type == "SurveyWave")
                                     .order_by(AuditEvent.id)).all()
        assert actions == ["survey_wave.create", "survey_wave.open", "survey_wave.close", "survey_wave.reopen"]


@pytest.mark.parametrize("start, action", [("draft", "close"), ("draft", "reopen"), ("open", "open"),
                                           ("open", "reopen"), ("closed", "close"), ("closed", "open")])
def test_a_change_not_in_the_table_is_refused(app, client, demo_users, make_wave, start, action):
    wave = make_wave(status=start)
    sign_in(client, roles.STAFF)
    response = post(client, f"/surveys/manage/{wave.id}/status", {"action": action},
                    token_from=f"/surveys/manage/{wave.id}")
    assert response.status_code == 409
    assert "cannot be changed" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SurveyWave, wave.id).status == start
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.subject_id == wave.id, AuditEvent.action != "survey_wave.create",
            AuditEvent.subject_type == "SurveyWave")) == (1 if start == "open" else 2 if start == "closed" else 0)


def test_an_unknown_action_is_a_bad_request(app, client, demo_users, wave):
    sign_in(client, roles.STAFF)
    response = post(client, f"/surveys/manage/{wave.id}/status", {"action": "gone"},
                    token_from=f"/surveys/manage/{wave.id}")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(SurveyWave, wave.id).status == "open"


@pytest.mark.parametrize("start, action", [("draft", "open"), ("open", "close"), ("closed", "reopen")])
def test_two_staff_changing_a_wave_at_once_one_wins_the_other_gets_409(app, demo_users, make_wave, start, action):
    wave = make_wave(status=start)
    clients, tokens = [], []
    for role in (roles.STAFF, roles.ADMIN):
        client = app.test_client()
        sign_in(client, role)
        clients.append(client)
        tokens.append(token_of(client.get(f"/surveys/manage/{wave.id}")))

    def change(index):
        return clients[index].post(f"/surveys/manage/{wave.id}/status",
                                   data={"action": action, "csrf_token": tokens[index]}).status_code

    assert sorted(at_once(app, 2, change)) == [302, 409]
    with app.app_context():
        assert db.session.get(SurveyWave, wave.id).status == logic.WAVES.transition(action).target
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.subject_id == wave.id, AuditEvent.action == f"survey_wave.{action}")) == 1


def test_a_wave_takes_answers_only_while_open_and_within_its_dates(make_wave, ctx):
    from datetime import timedelta

    wave = make_wave()
    today = clock.today()
    assert logic.accepting(wave, today)
    assert not logic.accepting(wave, today + timedelta(days=31))
    assert not logic.accepting(wave, today - timedelta(days=2))
    wave.status = logic.CLOSED
    assert not logic.accepting(wave, today)


# Test responses ---------------------------------------------------------------

def test_a_test_response_goes_through_the_pages_and_is_marked(app, client, demo_users, make_wave):
    draft = make_wave(status=logic.DRAFT)
    sign_in(client, roles.STAFF)
    start = post(client, f"/surveys/manage/{draft.id}/test", {}, token_from=f"/surveys/manage/{draft.id}")
    assert start.headers["Location"] == f"/surveys/{draft.slug}/page/1"
    assert "Test response" in client.get(start.headers["Location"]).get_data(as_text=True)
    done = respond(client, draft, {"age": "old"})
    assert not any(c.startswith("survey_done_") for c in done.headers.getlist("Set-Cookie"))
    assert "This was a test" in done.get_data(as_text=True)
    with app.app_context():
        response = db.session.scalar(sa.select(SurveyResponse))
        assert response.is_test is True
        assert logic.response_count(draft.id) == 0


def test_a_closed_wave_takes_no_test_response(client, demo_users, make_wave):
    closed = make_wave(status=logic.CLOSED)
    sign_in(client, roles.STAFF)
    response = post(client, f"/surveys/manage/{closed.id}/test", {}, token_from=f"/surveys/manage/{closed.id}")
    assert response.status_code == 409


# Settings ---------------------------------------------------------------------------

def test_staff_add_a_setting_and_get_a_code_and_a_link(app, client, demo_users, wave):
    sign_in(client, roles.STAFF)
    response = post(client, "/surveys/manage/settings", {"name": "Riverside Academy"})
    assert response.status_code == 302
    with app.app_context():
        setting = db.session.scalar(sa.select(SurveySetting))
        assert setting.name == "Riverside Academy" and len(setting.code) == 6 and setting.code.isalnum()
    page = client.get(f"/surveys/manage/{wave.id}").get_data(as_text=True)
    assert f"/surveys/{wave.slug}?setting={setting.code}" in page


def test_a_setting_needs_a_name(app, client, demo_users):
    sign_in(client, roles.STAFF)
    response = post(client, "/surveys/manage/settings", {"name": "  "})
    assert response.status_code == 422 and "Enter the name of the school or setting" in response.get_data(as_text=True)


def test_the_waves_list_hides_small_response_counts(app, client, demo_users, make_wave):
    from tests.surveys.conftest import add_responses, many

    few, more = make_wave(title="Few answers", status=logic.CLOSED), make_wave(title="More answers", status=logic.CLOSED)
    unreleased = make_wave(title="Open answers")
    add_responses(app, few, many(3, age="old"))
    add_responses(app, more, many(30, age="old"))
    add_responses(app, unreleased, many(3, age="old"))
    sign_in(client, roles.STAFF)
    for wave in (few, more, unreleased):
        client.get(f"/surveys/manage/{wave.id}")  # a closed wave is released when first looked at
    page = client.get("/surveys/manage").get_data(as_text=True)
    assert re.search(r"Few answers</a></td>.*?<td class=\"num\">&lt;10</td>", page, re.S)
    shown = re.search(r"More answers</a></td>.*?<td class=\"num\">(\d+)</td>", page, re.S)
    assert shown and 24 <= int(shown.group(1)) <= 36  # 30, published with the cell key noise (at most 6)
    assert re.search(r"Open answers</a></td>.*?<td class=\"num\">not released yet</td>", page, re.S)


def test_the_survey_rules_by_role(ctx, demo_users):
    """livesafe/surveys/permissions.py: staff and admins run surveys; only admins download raw responses."""
    from livesafe.auth.demo import account
    from livesafe.kernel import can

    for role in [*roles.ALL, None]:
        user = account(role) if role else None
        staff = role in roles.STAFF_ROLES
        for action in ("surveys.manage_wave", "surveys.see_results", "surveys.clean", "surveys.manage_settings"):
            assert bool(can(action, user)) is staff, (role, action)
        assert bool(can("surveys.export", user)) is (role == roles.ADMIN), role
