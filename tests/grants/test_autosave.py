"""Issue 14, point 11: autosave failures say "Not saved: ..." and an expired token loses nothing.
The JavaScript path (re-issue the token and save again; network failure) is walked in a real browser."""
import pytest

from livesafe.extensions import db
from livesafe.grants.models import GrantApplication
from tests.grants.conftest import make_application, make_organisation, make_round
from tests.helpers import Browser, post, sign_in


def test_an_expired_token_on_autosave_is_not_saved_and_a_fresh_token_comes_back(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/theory"
    client.get(url)
    response = client.post(f"{url}/autosave", data={"csrf_token": "expired-or-broken", "need": "Typed"})
    assert response.status_code == 400
    assert "Not saved" in response.get_data(as_text=True) and response.headers["X-Save-Status"] == "not-saved"
    fresh = response.headers["X-CSRF-Token"]
    assert db.session.get(GrantApplication, application.id).answers.get("theory") is None
    response = client.post(f"{url}/autosave", data={"csrf_token": fresh, "need": "Typed"})
    assert response.status_code == 200 and "Saved at" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GrantApplication, application.id).answers["theory"]["need"] == "Typed"


def test_save_as_draft_with_an_expired_token_keeps_what_was_typed(client, open_round, organisation):
    application = make_application(open_round, organisation, raw={})
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/theory"
    response = client.post(url, data={"csrf_token": "expired", "need": "Nothing typed is lost", "action": "draft"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Not saved: this page was open too long" in page and "Nothing typed is lost" in page
    assert 'name="csrf_token"' in page
    # The page's fresh token saves it.
    assert post(client, url, {"need": "Nothing typed is lost", "action": "draft"}).status_code == 302


def test_a_refused_autosave_says_not_saved(client, open_round, organisation):
    application = make_application(open_round, organisation, state="submitted")
    sign_in(client, "applicant")
    url = f"/grants/applications/{application.id}/theory"
    response = post(client, f"{url}/autosave", {"need": "Late"}, token_from="/grants/organisation")
    assert response.status_code == 409 and "Not saved" in response.get_data(as_text=True)


@pytest.mark.browser
def test_autosave_renews_an_expired_token_and_says_when_it_cannot_save(app, chromium, live_server, demo_users):
    with app.app_context():
        application_id = make_application(make_round(), make_organisation(), raw={}).id
    session = Browser(chromium, live_server)
    try:
        page = session.page
        session.sign_in("applicant")
        session.goto(f"/grants/applications/{application_id}/theory")
        # An expired token: the save is refused, the page gets a fresh token and saves again by itself.
        page.evaluate("document.querySelector('form[data-autosave] input[name=csrf_token]').value = 'expired'")
        page.fill("[name='need']", "Typed with an expired token")
        page.wait_for_selector("#save-status:has-text('Saved at')", timeout=10000)
        with app.app_context():
            assert db.session.get(GrantApplication, application_id).answers["theory"]["need"] == "Typed with an expired token"
        # No connection: "Not saved", and what was typed stays on the page.
        page.route("**/autosave", lambda route: route.abort())
        page.fill("[name='outputs']", "Typed offline")
        page.wait_for_selector("#save-status:has-text('Not saved')", timeout=10000)
        assert "could not reach" in page.inner_text("#save-status")
        assert page.input_value("[name='outputs']") == "Typed offline"
        # A server error: "Not saved" too, never "Saved at".
        page.unroute("**/autosave")
        page.route("**/autosave", lambda route: route.fulfill(status=500, body="boom"))
        page.fill("[name='outputs']", "Typed during an outage")
        page.wait_for_selector("#save-status:has-text('something went wrong')", timeout=10000)
        assert "Saved at" not in page.inner_text("#save-status")
        session.assert_accessible()
    finally:
        session.close()
