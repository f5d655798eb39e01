"""The password rule, applied everywhere a password is set, with a strength hint that needs no inline script."""
import re

import pytest
import sqlalchemy as sa

from livesafe.auth import demo, passwords
from livesafe.auth.models import AuthToken
from livesafe.extensions import db
from livesafe.mail.models import OutboxMessage
from tests.helpers import PASSWORD, post, sign_in


@pytest.mark.parametrize("password, words", [
    ("short pass", "at least 12"),
    ("password1234", "most common"),
    ("Password2024!", "most common"),
    ("qwertyuiop123", "most common"),
    ("123456789012", "neighbouring characters"),
    ("abcdefghijklmnop", "neighbouring characters"),
    ("aaaaaaaaaaaaaaaa", "too few characters"),
    ("ababababababab", "too few characters"),
    ("sam.smith-rules-ok", "e-mail address or name"),
    ("Riverside Youth 2026", "e-mail address or name"),
])
def test_weak_passwords_are_refused_with_the_reason(password, words):
    assert words in passwords.problem(password, "sam.smith@example.org", "Riverside Youth Club")


@pytest.mark.parametrize("password", ["seven purple kettles sing", "correct horse battery staple", PASSWORD, "Tr0ub4dor&3xyz"])
def test_good_passwords_pass(password):
    assert passwords.problem(password, "sam@example.org", "Sam Smith") is None


def test_the_common_list_is_shipped_data_of_thousands():
    common = passwords.common_passwords()
    assert len(common) >= 5000 and "password" in common and "letmein" in common


def test_demo_password_is_long_and_uncommon():
    # Demo accounts are loaded by a CLI command, not a form, so the rule is not applied to them; the
    # password still passes everything but the own-name check ("Demo Admin" is in "livesafe-demo").
    for email, _ in demo.ACCOUNTS:
        assert passwords.problem(demo.PASSWORD, email) is None


WEAK = {"password": "password1234", "confirm": "password1234"}


def _refused(response):
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and "most common passwords" in page
    return page


def test_register_refuses_a_common_password_and_keeps_the_rest(client):
    page = _refused(post(client, "/register", dict(WEAK, name="Sam", email="sam@example.org")))
    assert 'value="sam@example.org"' in page and 'value="Sam"' in page


def test_register_refuses_a_password_containing_the_email(client):
    response = post(client, "/register", {"email": "riverside@example.org", "password": "riverside-is-great",
                                          "confirm": "riverside-is-great"})
    assert response.status_code == 422 and "e-mail address or name" in response.get_data(as_text=True)


def test_reset_and_invite_refuse_weak_passwords(app, client, demo_users):
    post(client, "/password/forgot", {"email": "panel@example.org"})
    with app.app_context():
        body = db.session.scalars(sa.select(OutboxMessage.body)).one()
    link = re.search(r"http://localhost(/\S+)", body).group(1)
    assert re.search(r"/static/js/password-strength\.\w+\.js", _refused(post(client, link, WEAK)))
    response = post(client, link, {"password": "panel-example-pass", "confirm": "panel-example-pass"})
    assert response.status_code == 422 and "e-mail address or name" in response.get_data(as_text=True)
    sign_in(client, "admin")
    post(client, "/admin/users/invite", {"email": "new.staff@example.org", "role": "staff", "name": "New"})
    post(client, "/logout", token_from="/dashboard")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuthToken.id)).where(AuthToken.purpose == "invite")) == 1
        body = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.to == "new.staff@example.org")).one()
    invite = re.search(r"http://localhost(/\S+)", body).group(1)
    assert re.search(r"/static/js/password-strength\.\w+\.js", _refused(post(client, invite, WEAK)))


@pytest.mark.parametrize("url, role", [("/register", None), ("/account/password", "applicant")])
def test_password_pages_load_the_strength_hint_as_a_file(client, demo_users, url, role):
    if role:
        sign_in(client, role)
    page = client.get(url).get_data(as_text=True)
    script = re.search(r'<script src="(/static/js/password-strength\.\w+\.js)" defer></script>', page)
    assert script, "the hint is a fingerprinted file"
    assert 'data-password-strength' in page and 'id="password-strength" class="hint password-strength" aria-live="polite"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert client.get(script.group(1)).status_code == 200
