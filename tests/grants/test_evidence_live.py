"""Issue 14, point 8 (live part): the evidence check shows as the applicant types (htmx, debounced, a small
fragment that stores nothing); without JavaScript it shows after saving."""
import pytest

from livesafe.extensions import db
from livesafe.grants.models import GrantApplication
from tests.grants.conftest import make_application, make_organisation, make_round
from tests.helpers import Browser, csrf_token, post, sign_in

HARMFUL = {"approach": "We will use scare tactics to show where knife crime leads.", "evidence": "It works."}


def test_the_fragment_checks_what_is_typed_and_stores_nothing(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/approach"
    response = post(client, f"{url}/evidence-check", HARMFUL, token_from=url)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "can do harm" in fragment and "<html" not in fragment
    assert db.session.get(GrantApplication, application.id).answers.get("approach") is None
    safe = post(client, f"{url}/evidence-check", {"approach": "We will not use scare tactics.", "evidence": ""}, token_from=url)
    assert "can do harm" not in safe.get_data(as_text=True)


def test_the_fragment_refuses_bad_input_and_other_people(client, open_round, organisation, demo_users):
    application = make_application(open_round, organisation, raw={})
    url = f"/grants/applications/{application.id}"
    sign_in(client, "applicant")
    assert client.post(f"{url}/approach/evidence-check", data={**HARMFUL, "csrf_token": "broken"}).status_code == 400
    assert client.post(f"{url}/budget/evidence-check", data=HARMFUL).status_code == 404  # no evidence fields there
    other = make_organisation(email="other@example.org", name="Other group")
    assert other
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})
    sign_in(client, email="other@example.org")
    assert post(client, f"{url}/approach/evidence-check", HARMFUL, token_from="/grants/organisation").status_code == 403


@pytest.mark.parametrize("role", ["assessor", "staff"])
def test_only_applicants_use_the_fragment(client, open_round, organisation, demo_users, role):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, role)
    response = client.post(f"/grants/applications/{application.id}/approach/evidence-check",
                           data={**HARMFUL, "csrf_token": csrf_token(client, "/dashboard")})
    assert response.status_code == 403


@pytest.mark.browser
def test_the_warning_appears_while_typing(app, chromium, live_server, demo_users):
    with app.app_context():
        application_id = make_application(make_round(), make_organisation(), raw={}).id
    session = Browser(chromium, live_server)
    try:
        page = session.page
        session.sign_in("applicant")
        session.goto(f"/grants/applications/{application_id}/approach")
        assert "can do harm" not in page.inner_text("main")
        page.fill("[name='approach']", "A trip to HMP Leicester where prisoners talk about knife crime.")
        page.wait_for_selector("#evidence-live:has-text('can do harm')", timeout=10000)
        session.assert_accessible()
        page.fill("[name='approach']", "Mentoring with trusted adults.")
        page.wait_for_function("!document.querySelector('#evidence-live').innerText.includes('can do harm')", timeout=10000)
    finally:
        session.close()
