"""Two-factor sign-in for staff and admins: set-up, sign-in, recovery codes, throttled guesses, required by setting."""
import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from livesafe.auth.models import RecoveryCode, User
from livesafe.extensions import db
from tests.helpers import PASSWORD, post, sign_in

SECRET = re.compile(r'<code class="secret-key">([A-Z2-7]+)</code>')


def _user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def _set_up(client, role="staff"):
    """Sign in, turn two-factor on; return (secret, recovery codes) and leave the client signed out."""
    sign_in(client, role)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    assert "otpauth://totp/Live%20Safe" in page and 'src="data:image/svg+xml' in page
    response = post(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()}, token_from="/account/two-factor")
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", response.get_data(as_text=True))
    post(client, "/logout", token_from="/dashboard")
    return secret, codes


def _code(secret, steps_ago=0):
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() - steps_ago * totp.interval)


def _password_step(client, email="staff@example.org", next_url=""):
    return post(client, "/login" + next_url, {"email": email, "password": PASSWORD}, token_from="/login")


def test_set_up_stores_the_secret_and_only_hashes_of_ten_recovery_codes(app, client, demo_users):
    secret, codes = _set_up(client)
    staff = _user(app, "staff@example.org")
    assert staff.totp_secret == secret and len(codes) == 10
    with app.app_context():
        stored = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == staff.id)).all()
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}


def test_set_up_refuses_a_wrong_code(app, client, demo_users):
    sign_in(client, "staff")
    client.get("/account/two-factor")
    response = post(client, "/account/two-factor", {"code": "000000"})
    assert response.status_code == 422 and "The code is not right" in response.get_data(as_text=True)
    assert _user(app, "staff@example.org").totp_secret is None


def test_sign_in_asks_for_the_code_after_the_password(app, client, demo_users):
    secret, _ = _set_up(client)
    response = _password_step(client, next_url="?next=/grants/rounds")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/dashboard").status_code == 302  # not signed in yet
    response = post(client, "/login/code", {"code": "123 456" if _code(secret) != "123456" else "654321"})
    assert response.status_code == 422
    response = post(client, "/login/code", {"code": _code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/grants/rounds"
    assert client.get("/dashboard").status_code == 200


def test_a_code_cannot_be_used_twice(app, client, demo_users):
    secret, _ = _set_up(client)
    code = _code(secret)
    _password_step(client)
    assert post(client, "/login/code", {"code": code}).status_code == 302
    post(client, "/logout", token_from="/dashboard")
    _password_step(client)
    assert post(client, "/login/code", {"code": code}).status_code == 422


def test_a_recovery_code_works_once(app, client, demo_users):
    _, codes = _set_up(client)
    _password_step(client)
    assert post(client, "/login/code", {"code": codes[0].upper()}).status_code == 302
    post(client, "/logout", token_from="/dashboard")
    _password_step(client)
    assert post(client, "/login/code", {"code": codes[0]}).status_code == 422
    assert post(client, "/login/code", {"code": codes[1]}).status_code == 302


def test_code_guesses_are_throttled(app, client, demo_users):
    secret, _ = _set_up(client)
    _password_step(client)
    right = _code(secret)
    wrong = "111111" if right != "111111" else "222222"
    for _ in range(5):
        assert post(client, "/login/code", {"code": wrong}).status_code == 422
    response = post(client, "/login/code", {"code": right})
    assert response.status_code == 429 and "Too many wrong codes" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_the_code_step_needs_a_fresh_password_step(app, client, demo_users):
    secret, _ = _set_up(client)
    assert client.get("/login/code").status_code == 400
    assert post(client, "/login/code", {"code": _code(secret)}, token_from="/login").status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_new_recovery_codes_and_turning_off_need_the_password(app, client, demo_users):
    secret, old = _set_up(client)
    _password_step(client)
    post(client, "/login/code", {"code": _code(secret)})
    response = post(client, "/account/two-factor/codes", {"codes-password": "wrong wrong"}, token_from="/account/two-factor")
    assert response.status_code == 422 and "Your password is not right" in response.get_data(as_text=True)
    response = post(client, "/account/two-factor/codes", {"codes-password": PASSWORD}, token_from="/account/two-factor")
    new = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert post(client, "/account/two-factor/off", {"off-password": "wrong wrong"}, token_from="/account/two-factor").status_code == 422
    assert _user(app, "staff@example.org").two_factor_enabled
    assert post(client, "/account/two-factor/off", {"off-password": PASSWORD}, token_from="/account/two-factor").status_code == 302
    assert not _user(app, "staff@example.org").two_factor_enabled
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0


@pytest.mark.parametrize("role", ["applicant", "assessor", "panel_member"])
def test_two_factor_pages_are_for_staff_and_admins(client, demo_users, role):
    sign_in(client, role)
    assert client.get("/account/two-factor").status_code == 403
    assert post(client, "/account/two-factor/off", {"off-password": PASSWORD}, token_from="/dashboard").status_code == 403


def test_admin_can_set_up_two_factor_too(app, client, demo_users):
    _set_up(client, "admin")
    assert _user(app, "admin@example.org").two_factor_enabled


def test_required_two_factor_sends_staff_to_set_up_first(app, client, demo_users):
    app.config["TWO_FACTOR_REQUIRED"] = True
    response = _password_step(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    for url in ("/dashboard", "/grants/rounds"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "required for staff accounts" in page
    secret = SECRET.search(page).group(1)
    post(client, "/account/two-factor", {"code": _code(secret)})
    assert client.get("/dashboard").status_code == 200
    # Once required, it cannot be turned off.
    assert post(client, "/account/two-factor/off", {"off-password": PASSWORD}, token_from="/account/two-factor").status_code == 302
    assert _user(app, "staff@example.org").two_factor_enabled


def test_required_two_factor_leaves_other_roles_alone(app, client, demo_users):
    app.config["TWO_FACTOR_REQUIRED"] = True
    sign_in(client, "applicant")
    assert client.get("/dashboard").status_code == 200


def test_a_reset_link_does_not_skip_the_second_factor(app, client, demo_users):
    from livesafe.mail.models import OutboxMessage

    secret, _ = _set_up(client)
    post(client, "/password/forgot", {"email": "staff@example.org"})
    with app.app_context():
        body = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.to == "staff@example.org")).one()
    link = re.search(r"http://localhost(/\S+)", body).group(1)
    response = post(client, link, {"password": "seven purple kettles sing", "confirm": "seven purple kettles sing"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/dashboard").status_code == 302
    post(client, "/login", {"email": "staff@example.org", "password": "seven purple kettles sing"})
    assert post(client, "/login/code", {"code": _code(secret)}).status_code == 302
    assert client.get("/dashboard").status_code == 200
