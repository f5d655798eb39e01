"""Sessions end on the server: sign-out, password change and role changes stop copied cookies."""
import sqlalchemy as sa

from livesafe.auth.models import User
from livesafe.extensions import db
from tests.helpers import PASSWORD, post, sign_in

NEW = "seven purple kettles sing"


def _copy_session(source, target):
    cookie = source.get_cookie("livesafe_session")
    target.set_cookie("livesafe_session", cookie.value)


def test_a_copied_cookie_is_refused_after_sign_out(app, client, demo_users):
    sign_in(client, "staff")
    thief = app.test_client()
    _copy_session(client, thief)
    assert thief.get("/dashboard").status_code == 200  # the copy works while the session lives
    post(client, "/logout", token_from="/dashboard")
    response = thief.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert thief.get("/grants/rounds").status_code == 302


def test_signing_in_again_after_sign_out_works(client, demo_users):
    sign_in(client, "staff")
    post(client, "/logout", token_from="/dashboard")
    sign_in(client, "staff")
    assert client.get("/dashboard").status_code == 200


def test_change_password_keeps_this_session_and_ends_the_others(app, client, demo_users):
    other = app.test_client()
    sign_in(other, "assessor")
    sign_in(client, "assessor")
    response = post(client, "/account/password", {"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    post(client, "/logout", token_from="/dashboard")
    assert post(client, "/login", {"email": "assessor@example.org", "password": PASSWORD}).status_code == 422
    sign_in(client, email="assessor@example.org", password=NEW)
    with app.app_context():
        from livesafe.audit.models import AuditEvent

        assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "user.password_changed"))


def test_change_password_needs_the_current_password(app, client, demo_users):
    sign_in(client, "applicant")
    response = post(client, "/account/password", {"current": "not my password", "password": NEW, "confirm": NEW})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your current password is not right" in page and "There is a problem" in page
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "applicant@example.org")).check_password(PASSWORD)


def test_change_password_refuses_a_weak_or_mismatched_new_password(client, demo_users):
    sign_in(client, "applicant")
    response = post(client, "/account/password", {"current": PASSWORD, "password": "password1234", "confirm": "password1234"})
    assert response.status_code == 422 and "most common passwords" in response.get_data(as_text=True)
    response = post(client, "/account/password", {"current": PASSWORD, "password": NEW, "confirm": NEW + "x"})
    assert response.status_code == 422 and "do not match" in response.get_data(as_text=True)


def test_wrong_current_passwords_are_limited(app, client, demo_users):
    sign_in(client, "applicant")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert post(client, "/account/password", {"current": "guess guess", "password": NEW, "confirm": NEW}).status_code == 422
    response = post(client, "/account/password", {"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 429 and "Too many wrong passwords" in response.get_data(as_text=True)


def test_change_password_is_for_signed_in_users_only(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
