"""Admins require two-factor for staff roles (TWO_FACTOR_REQUIRED is a floor) and clear a user's two-factor."""
import re

import pyotp
import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth import twofactor
from livesafe.auth.models import RecoveryCode, RolePolicy, User
from livesafe.extensions import db
from tests.helpers import post, sign_in

PAGE = "/admin/two-factor"
REFUSED = ["staff", "assessor", "panel_member", "applicant"]


def _ticked(page: str) -> set[str]:
    return {re.search(r'value="(\w+)"', box).group(1) for box in re.findall(r"<input checked[^>]*>", page)}


def _user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def _required(app):
    with app.app_context():
        return twofactor.chosen_roles()


def _turn_on(app, email):
    """Give an account two-factor directly (the set-up journey is tested in test_twofactor.py)."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        twofactor.enable(user, pyotp.random_base32())
        db.session.commit()
        return user.id


def _events(app, action):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


# Requiring two-factor per role -------------------------------------------------------------------

def test_admin_requires_two_factor_for_staff_and_it_is_audited(app, client, demo_users):
    sign_in(client, "admin")
    page = client.get(PAGE)
    assert page.status_code == 200 and 'name="roles" type="checkbox" value="staff"' in page.get_data(as_text=True)
    _turn_on(app, "staff@example.org")
    assert "Staff: 0; Admin: 1." in client.get(PAGE).get_data(as_text=True)  # who a requirement would stop
    response = post(client, PAGE, {"roles": "staff"})
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert _required(app) == {"staff"}
    assert _ticked(client.get(PAGE).get_data(as_text=True)) == {"staff"}
    [event] = _events(app, "settings.two_factor_required")
    assert event.actor_id == _user(app, "admin@example.org").id
    assert event.before == {"role": "staff", "two_factor_required": False}
    assert event.after == {"role": "staff", "two_factor_required": True}
    # Unticking everything lifts it again, audited too.
    assert post(client, PAGE, {}).status_code == 302
    assert _required(app) == set()
    assert [e.after["two_factor_required"] for e in _events(app, "settings.two_factor_required")] == [True, False]


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_cannot_see_or_change_the_requirement(app, client, demo_users, role):
    sign_in(client, role)
    assert client.get(PAGE).status_code == 403
    assert post(client, PAGE, {"roles": "staff"}, token_from="/dashboard").status_code == 403
    assert _required(app) == set()


def test_signed_out_visitors_are_sent_to_sign_in(app, client, demo_users):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.post(PAGE, data={"roles": "staff"}).status_code in (302, 400)
    assert _required(app) == set()


@pytest.mark.parametrize("bad", ["applicant", "superuser", "staff\r\nadmin", "²"])
def test_a_role_that_is_not_a_staff_role_is_refused(app, client, demo_users, bad):
    sign_in(client, "admin")
    response = post(client, PAGE, {"roles": ["staff", bad]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page and "<title>Error:" in page
    assert "staff" in _ticked(page)  # what was ticked is kept
    assert _required(app) == set() and not _events(app, "settings.two_factor_required")


def test_a_change_without_the_csrf_token_is_refused(app, client, demo_users):
    sign_in(client, "admin")
    assert client.post(PAGE, data={"roles": "staff"}).status_code == 400
    assert _required(app) == set()


def test_the_requirement_stops_a_signed_in_staff_member_on_their_next_request(app, demo_users):
    staff, admin = app.test_client(), app.test_client()
    sign_in(staff, "staff")
    assert staff.get("/dashboard").status_code == 200
    sign_in(admin, "admin")
    post(admin, PAGE, {"roles": "staff"})
    response = staff.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"
    assert "required for staff accounts" in staff.get("/account/two-factor").get_data(as_text=True)
    # The admin (role not chosen) is not stopped; and a fresh staff sign-in goes to set-up first.
    assert admin.get("/admin/users").status_code == 200
    fresh = app.test_client()
    response = sign_in(fresh, "staff")
    assert response.headers["Location"] == "/account/two-factor"


def test_requiring_it_for_admins_stops_the_admin_too(app, client, demo_users):
    sign_in(client, "admin")
    post(client, PAGE, {"roles": "admin"})
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor"


def test_the_environment_setting_is_a_floor_the_page_cannot_lower(app, client, demo_users):
    app.config["TWO_FACTOR_REQUIRED"] = True
    _turn_on(app, "admin@example.org")
    with app.app_context():
        twofactor.set_required_roles(_user(app, "admin@example.org"), set())
        db.session.commit()
    sign_in(client, "admin")  # two-factor is on, so the password step leads to the code step
    secret = _user(app, "admin@example.org").totp_secret
    post(client, "/login/code", {"code": pyotp.TOTP(secret).now()}, token_from="/login")
    page = client.get(PAGE).get_data(as_text=True)
    assert "TWO_FACTOR_REQUIRED" in page and "cannot turn it off" in page
    assert post(client, PAGE, {}).status_code == 302
    staff = app.test_client()
    assert sign_in(staff, "staff").headers["Location"] == "/account/two-factor"
    with app.app_context():
        assert twofactor.required_for(db.session.get(User, _user(app, "staff@example.org").id))


def test_only_staff_roles_can_be_required(app, ctx, demo_users):
    admin = _user(app, "admin@example.org")
    db.session.add(RolePolicy(role="applicant", two_factor_required=True))
    twofactor.set_required_roles(db.session.merge(admin), {"staff", "admin"})
    db.session.commit()
    assert twofactor.chosen_roles() == {"staff", "admin"}
    applicant = db.session.scalar(sa.select(User).where(User.role == "applicant"))
    assert not twofactor.required_for(applicant)


# Clearing a user's two-factor (lost phone) ------------------------------------------------------------

def _clear_url(app, email):
    return f"/admin/users/{_user(app, email).id}/two-factor/clear"


def test_admin_clears_a_staff_members_two_factor_and_ends_their_sessions(app, demo_users):
    staff_id = _turn_on(app, "staff@example.org")
    staff = app.test_client()
    with staff.session_transaction() as session:  # a signed-in staff session, as after the code step
        session["_user_id"] = f"{staff_id}:{_user(app, 'staff@example.org').session_version}"
        session["_fresh"] = True
    assert staff.get("/dashboard").status_code == 200
    admin = app.test_client()
    sign_in(admin, "admin")
    user_page = f"/admin/users/{staff_id}"
    assert "Clear two-factor sign-in" in admin.get(user_page).get_data(as_text=True)
    response = post(admin, _clear_url(app, "staff@example.org"), token_from=user_page)
    assert response.status_code == 302 and response.headers["Location"] == user_page
    assert not _user(app, "staff@example.org").two_factor_enabled
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == staff_id)) == 0
    assert staff.get("/dashboard").status_code == 302  # signed out everywhere
    [event] = _events(app, "user.two_factor_cleared")
    assert event.actor_id == _user(app, "admin@example.org").id and event.subject_id == staff_id
    assert event.before == {"two_factor": True} and event.after == {"two_factor": False}


def test_an_admin_cannot_clear_their_own_two_factor_there(app, client, demo_users):
    sign_in(client, "admin")
    admin_id = _turn_on(app, "admin@example.org")  # turned on after sign-in: this session stays valid
    assert "Clear two-factor sign-in" not in client.get(f"/admin/users/{admin_id}").get_data(as_text=True)
    assert "cannot clear your own" in client.get(f"/admin/users/{admin_id}").get_data(as_text=True)
    response = post(client, _clear_url(app, "admin@example.org"), token_from=f"/admin/users/{admin_id}")
    assert response.status_code == 403 and "cannot clear your own" in response.get_data(as_text=True)
    assert _user(app, "admin@example.org").two_factor_enabled and not _events(app, "user.two_factor_cleared")


def test_an_admin_clears_another_admins_two_factor(app, client, demo_users):
    with app.app_context():
        db.session.add(User(email="second-admin@example.org", role="admin", password_hash="x"))
        db.session.commit()
    _turn_on(app, "second-admin@example.org")
    sign_in(client, "admin")
    post(client, _clear_url(app, "second-admin@example.org"), token_from="/admin/users")
    assert not _user(app, "second-admin@example.org").two_factor_enabled


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_cannot_clear_two_factor(app, client, demo_users, role):
    _turn_on(app, "admin@example.org")
    sign_in(client, role)
    assert post(client, _clear_url(app, "admin@example.org"), token_from="/dashboard").status_code == 403
    assert _user(app, "admin@example.org").two_factor_enabled


def test_clearing_needs_sign_in_csrf_and_a_real_user(app, client, demo_users):
    _turn_on(app, "staff@example.org")
    url = _clear_url(app, "staff@example.org")
    assert client.post(url).status_code in (302, 400)
    sign_in(client, "admin")
    assert client.post(url).status_code == 400
    assert post(client, "/admin/users/999999/two-factor/clear", token_from="/admin/users").status_code == 404
    assert client.get(url).status_code == 405
    assert _user(app, "staff@example.org").two_factor_enabled
