"""Sign-in, registration and reset resist abuse without locking out the innocent or telling who has an account."""

import pytest
import sqlalchemy as sa

from livesafe import create_app
from livesafe.auth import logic
from livesafe.extensions import db
from livesafe.mail.models import OutboxMessage
from tests.helpers import PASSWORD, csrf_token


@pytest.fixture
def no_wait(monkeypatch):
    """Record the account-wide delays instead of sleeping through them."""
    waits = []
    monkeypatch.setattr(logic, "sleep", waits.append)
    return waits


@pytest.fixture
def proxied(app, base_config):
    """The app behind one trusted proxy (TRUSTED_PROXY_COUNT=1), on the same database."""
    return create_app(dict(base_config, TRUSTED_PROXY_COUNT=1))


def _post(client, url, data, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    token = csrf_token(client, url)
    return client.post(url, data=dict(data, csrf_token=token), headers=headers)


def _login(client, email, password, address=None):
    return _post(client, "/login", {"email": email, "password": password}, address)


def test_behind_the_proxy_one_client_failing_does_not_stop_another(proxied, demo_users, no_wait):
    attacker, owner = proxied.test_client(), proxied.test_client()
    statuses = [_login(attacker, "staff@example.org", f"guess {n} guess", "203.0.113.5").status_code for n in range(20)]
    assert statuses[:5] == [422] * 5 and set(statuses[5:]) == {429}  # this account, from this address
    targets = ["admin@example.org", "panel@example.org", "nobody@example.org"]
    statuses = [_login(attacker, email, f"guess {n} guess", "203.0.113.5").status_code for email in targets for n in range(5)]
    assert statuses == [422] * 15  # 20 failures in all from this address
    # Now the attacker's address is stopped, for every account.
    assert _login(attacker, "assessor@example.org", PASSWORD, "203.0.113.5").status_code == 429
    # The owner, from another address behind the same proxy, still gets in (slowed, not locked out).
    response = _login(owner, "staff@example.org", PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert no_wait and max(no_wait) <= proxied.config["LOGIN_MAX_DELAY_SECONDS"]


def test_a_direct_client_cannot_dodge_limits_with_a_spoofed_forwarded_for(app, client, demo_users, no_wait):
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert _login(client, "staff@example.org", "wrong guess!", f"10.0.0.{n}").status_code == 422
    response = _login(client, "staff@example.org", PASSWORD, "10.9.9.9")
    assert response.status_code == 429


def test_many_addresses_guessing_one_account_are_slowed_not_locking_it(proxied, demo_users, no_wait):
    client = proxied.test_client()
    after = proxied.config["LOGIN_ACCOUNT_DELAY_AFTER"]
    for n in range(after + 5):
        assert _login(client, "staff@example.org", "wrong guess!", f"198.18.0.{n}").status_code == 422
    assert no_wait == [1.0, 2.0, 4.0, 5.0, 5.0]  # grows, capped at LOGIN_MAX_DELAY_SECONDS
    assert _login(client, "staff@example.org", PASSWORD, "198.18.1.1").status_code == 302


def test_an_unknown_email_costs_the_same_password_hash_as_a_known_one(app, client, no_wait, monkeypatch):
    """Sign-in must not say, by its time, whether an address has an account: an unknown address runs the
    same password hash (same method and cost) as a known one, once. Counted, not timed: a timed test is at
    the mercy of whatever else the machine runs (the bench measures speed)."""
    import werkzeug.security

    app.config.update(PASSWORD_HASH_METHOD="scrypt", LOGIN_MAX_FAILURES_PER_ACCOUNT=1000,
                      LOGIN_MAX_FAILURES_PER_ADDRESS=1000, LOGIN_ACCOUNT_DELAY_AFTER=1000)
    with app.app_context():
        from livesafe.auth import demo
        from livesafe.auth.models import User

        demo.load()
        # The demo account's hash at the production cost, as a real account's would be.
        staff = db.session.scalar(sa.select(User).where(User.email == "staff@example.org"))
        staff.password_hash = werkzeug.security.generate_password_hash(PASSWORD, method="scrypt")
        db.session.commit()
    hashed = []
    real = werkzeug.security._hash_internal

    def counting(method, salt, password):
        hashed.append(method)
        return real(method, salt, password)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    costs = {}
    # Twice over: the stand-in hash for unknown addresses is made once per process (the first pass).
    for email in ("staff@example.org", "nobody-here@example.org") * 2:
        token = csrf_token(client)
        hashed.clear()
        response = client.post("/login", data={"csrf_token": token, "email": email, "password": "not it at all"})
        assert response.status_code == 422
        costs[email] = list(hashed)
    assert costs["staff@example.org"] == costs["nobody-here@example.org"] == [costs["staff@example.org"][0]]
    assert costs["staff@example.org"][0].startswith("scrypt:32768:")  # the production cost, not the tests' lighter one


def test_thirty_reset_requests_for_one_victim_send_only_a_few(proxied, demo_users):
    client = proxied.test_client()
    for n in range(30):
        response = _post(client, "/password/forgot", {"email": "panel@example.org"}, f"192.0.2.{n}")
        assert response.status_code == 200
        assert "Check your e-mail" in response.get_data(as_text=True)
    with proxied.app_context():
        sent = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.to == "panel@example.org"))
    assert sent == proxied.config["MAIL_MAX_PER_EMAIL"]


def test_reset_requests_from_one_address_are_limited(app, client, demo_users):
    limit = app.config["RESET_MAX_PER_ADDRESS"]
    for n in range(limit):
        assert _post(client, "/password/forgot", {"email": f"someone{n}@example.org"}).status_code == 200
    response = _post(client, "/password/forgot", {"email": "panel@example.org"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many reset requests" in page and 'value="panel@example.org"' in page


def test_reset_answers_the_same_for_known_and_unknown_emails(client, demo_users):
    known = _post(client, "/password/forgot", {"email": "panel@example.org"}).get_data(as_text=True)
    unknown = _post(client, "/password/forgot", {"email": "nobody@example.org"}).get_data(as_text=True)
    assert known.replace("panel@example.org", "X") == unknown.replace("nobody@example.org", "X")


def test_registrations_from_one_address_are_limited(app, client):
    limit = app.config["REGISTER_MAX_PER_ADDRESS"]
    data = {"password": "a long passphrase", "confirm": "a long passphrase"}
    for n in range(limit):
        assert _post(client, "/register", dict(data, email=f"group{n}@example.org")).status_code == 200
    response = _post(client, "/register", dict(data, email="one-more@example.org"))
    assert response.status_code == 429
    assert "Too many accounts" in response.get_data(as_text=True)


def test_registration_mails_to_one_address_are_limited(proxied):
    client = proxied.test_client()
    data = {"email": "target@example.org", "password": "a long passphrase", "confirm": "a long passphrase"}
    for n in range(10):
        assert _post(client, "/register", data, f"192.0.2.{n}").status_code == 200
    with proxied.app_context():
        sent = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.to == "target@example.org"))
    assert sent == proxied.config["MAIL_MAX_PER_EMAIL"]
