"""Registration, sign-in, sign-out, password reset and invitations, end to end over HTTP."""
import re
from datetime import timedelta

import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth.models import AuthToken, User
from livesafe.extensions import db
from livesafe.mail.models import OutboxMessage
from livesafe.clock import utcnow
from tests.helpers import PASSWORD, csrf_token, post, sign_in

LINK = re.compile(r"http://localhost(/\S+)")


def _last_link(app, to):
    with app.app_context():
        message = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.to == to).order_by(OutboxMessage.id.desc())
        ).first()
        assert message is not None, f"no e-mail to {to}"
        return LINK.search(message.body).group(1)


def _user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


def test_register_mails_a_link_that_opens_the_account_with_the_password(app, client):
    response = post(client, "/register", {
        "name": "Sam", "email": "Group@Example.org", "password": "a long passphrase", "confirm": "a long passphrase",
    })
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    user = _user(app, "group@example.org")
    assert user.role == "applicant" and user.email_confirmed is False
    assert user.password_hash.startswith("scrypt:")
    assert "a long passphrase" not in user.password_hash
    # Not open until the link is used.
    response = post(client, "/login", {"email": "group@example.org", "password": "a long passphrase"})
    assert response.status_code == 422 and "Open the link we e-mailed you" in response.get_data(as_text=True)
    link = _last_link(app, "group@example.org")
    # Whoever opens the link must know the password chosen: a victim clicking it cannot open a squatter's account.
    response = post(client, link, {"password": "some other passphrase"})
    assert response.status_code == 422 and "not the password chosen" in response.get_data(as_text=True)
    assert _user(app, "group@example.org").email_confirmed is False
    assert post(client, link, {"password": "a long passphrase"}).status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert _user(app, "group@example.org").email_confirmed is True
    post(client, "/logout", token_from="/dashboard")
    assert client.get(link).status_code == 404  # used once
    sign_in(client, email="group@example.org", password="a long passphrase")


def test_register_with_bad_input_explains_and_keeps_what_was_typed(app, client):
    response = post(client, "/register", {"name": "Sam", "email": "not-an-email", "password": "short", "confirm": "other"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "<title>Error: " in page
    assert "Enter an e-mail address in the right format" in page
    assert 'href="#password"' in page
    assert 'value="Sam"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_register_with_an_email_already_used_answers_the_same_and_tells_the_owner(app, client, demo_users):
    new = post(client, "/register", {"email": "new@example.org", "password": "a long passphrase", "confirm": "a long passphrase"})
    used = post(client, "/register", {"email": "staff@example.org", "password": "a long passphrase", "confirm": "a long passphrase"})
    assert new.status_code == used.status_code == 200
    assert (new.get_data(as_text=True).replace("new@example.org", "X")
            == used.get_data(as_text=True).replace("staff@example.org", "X"))
    assert "already uses" not in used.get_data(as_text=True)
    staff = _user(app, "staff@example.org")
    assert staff.role == "staff" and staff.check_password(PASSWORD)
    with app.app_context():
        message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "staff@example.org")).one()
    assert "already has one" in message.body and "/password/forgot" in message.body


def test_login_and_logout(client, demo_users):
    sign_in(client, "staff")
    assert client.get("/dashboard").status_code == 200
    response = post(client, "/logout", token_from="/dashboard")
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_login_with_wrong_password_is_refused_with_a_message(client, demo_users):
    response = post(client, "/login", {"email": "staff@example.org", "password": "wrong password"})
    assert response.status_code == 422
    assert "e-mail address or password is not right" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_login_never_redirects_to_another_site(client, demo_users):
    token = csrf_token(client)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/login?next={target}", data={
            "csrf_token": token, "email": "staff@example.org", "password": PASSWORD})
        assert response.status_code == 302
        assert response.headers["Location"] == "/dashboard"
        post(client, "/logout", token_from="/dashboard")
        token = csrf_token(client)


def test_deactivated_account_cannot_sign_in_and_is_signed_out(app, client, demo_users):
    sign_in(client, "staff")
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == "staff@example.org")).active = False
        db.session.commit()
    assert client.get("/dashboard").status_code == 302
    response = post(client, "/login", {"email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 422


def test_throttling_refuses_after_repeated_failures_for_one_account_from_one_address(app, client, demo_users):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert post(client, "/login", {"email": "staff@example.org", "password": "nope nope"}).status_code == 422
    # Even the right password is refused for a while, with a clear message.
    response = post(client, "/login", {"email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    # Other accounts are not locked by this one.
    assert sign_in(client, "assessor").status_code == 302


def test_throttling_refuses_one_address_trying_many_accounts(app, client, demo_users):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    for n in range(4):
        post(client, "/login", {"email": f"guess{n}@example.org", "password": "nope nope"})
    response = post(client, "/login", {"email": "assessor@example.org", "password": PASSWORD})
    assert response.status_code == 429


def test_throttle_stores_no_raw_email_or_address(app, client, demo_users):
    post(client, "/login", {"email": "staff@example.org", "password": "nope nope"})
    with app.app_context():
        keys = db.session.execute(sa.text("SELECT key FROM throttle_counts")).scalars().all()
    assert keys and all("staff@" not in key and "127.0.0.1" not in key for key in keys)


def test_password_reset_journey_with_single_use_token(app, client, demo_users):
    response = post(client, "/password/forgot", {"email": "panel@example.org"})
    assert response.status_code == 200
    link = _last_link(app, "panel@example.org")
    assert client.get(link).status_code == 200
    response = post(client, link, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    post(client, "/logout", token_from="/dashboard")
    # The old password no longer works; the new one does.
    assert post(client, "/login", {"email": "panel@example.org", "password": PASSWORD}).status_code == 422
    sign_in(client, email="panel@example.org", password="a brand new passphrase")
    post(client, "/logout", token_from="/dashboard")
    # The link cannot be used twice.
    assert client.get(link).status_code == 404
    assert "does not work" in client.get(link).get_data(as_text=True)


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(app, client):
    response = post(client, "/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_expired_reset_token_is_refused(app, client, demo_users):
    post(client, "/password/forgot", {"email": "panel@example.org"})
    link = _last_link(app, "panel@example.org")
    with app.app_context():
        token = db.session.scalars(sa.select(AuthToken)).one()
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(link).status_code == 404
    response = client.post(link, data={"csrf_token": csrf_token(client), "password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code == 404
    assert _user(app, "panel@example.org").check_password(PASSWORD)


def test_only_a_hash_of_the_token_is_stored(app, client, demo_users):
    post(client, "/password/forgot", {"email": "panel@example.org"})
    token = _last_link(app, "panel@example.org").rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.scalars(sa.select(AuthToken.token_hash)).one()
    assert token not in stored


def test_admin_invites_staff_who_sets_a_password(app, client, demo_users):
    sign_in(client, "admin")
    response = post(client, "/admin/users/invite", {"email": "new.staff@example.org", "role": "staff", "name": "New"})
    assert response.status_code == 302
    invited = _user(app, "new.staff@example.org")
    assert invited.role == "staff" and invited.password_hash == ""
    link = _last_link(app, "new.staff@example.org")
    post(client, "/logout", token_from="/dashboard")
    # An invited account cannot sign in before setting a password.
    assert post(client, "/login", {"email": "new.staff@example.org", "password": ""}).status_code == 422
    assert post(client, link, {"password": "staff passphrase", "confirm": "staff passphrase"}).status_code == 302
    assert client.get("/dashboard").status_code == 200
    post(client, "/logout", token_from="/dashboard")
    assert client.get(link).status_code == 404
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "user.invited" in actions and "user.invite_completed" in actions


def test_invite_refuses_applicant_role_and_bad_email(app, client, demo_users):
    sign_in(client, "admin")
    response = post(client, "/admin/users/invite", {"email": "x@example.org", "role": "applicant"})
    assert response.status_code == 422
    response = post(client, "/admin/users/invite", {"email": "<script>", "role": "staff"})
    assert response.status_code == 422
    assert "<script>" not in response.get_data(as_text=True)
    assert _user(app, "x@example.org") is None


def test_role_change_is_audited_with_before_and_after(app, client, demo_users):
    sign_in(client, "admin")
    target = _user(app, "panel@example.org")
    response = post(client, f"/admin/users/{target.id}", {"role": "assessor"})
    assert response.status_code == 302
    assert _user(app, "panel@example.org").role == "assessor"
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.role_changed")).one()
        assert event.actor.email == "admin@example.org"
        assert event.subject_id == target.id
        assert event.before == {"role": "panel_member"} and event.after == {"role": "assessor"}
        assert event.at is not None
    assert "user.role_changed" in client.get("/admin/audit").get_data(as_text=True)


def test_role_change_signs_the_user_out_of_old_sessions(app, client, demo_users):
    other = app.test_client()
    sign_in(other, "panel_member")
    sign_in(client, "admin")
    target = _user(app, "panel@example.org")
    post(client, f"/admin/users/{target.id}", {"role": "assessor"})
    assert other.get("/dashboard").status_code == 302


def test_deactivate_and_reactivate_are_audited(app, client, demo_users):
    sign_in(client, "admin")
    target = _user(app, "applicant@example.org")
    post(client, f"/admin/users/{target.id}/active", {"active": "0"}, token_from=f"/admin/users/{target.id}")
    assert _user(app, "applicant@example.org").active is False
    post(client, f"/admin/users/{target.id}/active", {"active": "1"}, token_from=f"/admin/users/{target.id}")
    assert _user(app, "applicant@example.org").active is True
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.deactivated", "user.activated"]


def test_admin_cannot_demote_or_deactivate_themselves(app, client, demo_users):
    sign_in(client, "admin")
    me = _user(app, "admin@example.org")
    page = client.get(f"/admin/users/{me.id}").get_data(as_text=True)
    assert "Deactivate account" not in page and "You cannot deactivate your own account." in page
    response = post(client, f"/admin/users/{me.id}", {"role": "staff"})
    assert response.status_code == 403  # the rule auth.change_role, shown on the form
    assert "You cannot remove your own admin role; ask another admin" in response.get_data(as_text=True)
    response = post(client, f"/admin/users/{me.id}/active", {"active": "0"}, token_from=f"/admin/users/{me.id}")
    assert response.status_code == 403 and "You cannot deactivate your own account." in response.get_data(as_text=True)
    me = _user(app, "admin@example.org")
    assert me.role == "admin" and me.active
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action.in_(["user.role_changed", "user.deactivated"]))) == 0


def test_unknown_role_is_refused(app, client, demo_users):
    sign_in(client, "admin")
    target = _user(app, "panel@example.org")
    assert post(client, f"/admin/users/{target.id}", {"role": "superuser"}).status_code == 422
    assert _user(app, "panel@example.org").role == "panel_member"


def test_account_rules_by_role(app, demo_users):
    """The account rules (livesafe/auth/permissions.py): admins manage everyone else; nobody else manages anyone."""
    from livesafe.auth import roles
    from livesafe.auth.demo import account
    from livesafe.kernel import can

    with app.app_context():
        people = {role: account(role) for role in roles.ALL}
        other = people[roles.APPLICANT]
        for role, user in [*people.items(), ("signed out", None)]:
            admin = role == roles.ADMIN
            assert bool(can("auth.manage_users", user)) is admin, role
            for action in ("auth.change_role", "auth.deactivate", "auth.clear_two_factor"):
                assert bool(can(action, user, other)) is admin, (role, action)
                if user is not None:
                    assert not can(action, user, user), (role, action)  # never on one's own account


def test_the_audit_log_and_a_user_page_do_not_query_per_event(app, client, demo_users):
    from livesafe.audit.logic import record
    from tests.helpers import assert_flat

    def add(count):
        with app.app_context():
            target = db.session.scalar(sa.select(User).where(User.email == "applicant@example.org"))
            for n in range(count):
                actor = User(email=f"actor{n}-{utcnow().timestamp()}@example.org", role="staff")
                db.session.add(actor)
                db.session.flush()
                record(actor, "user.role_changed", target)
            db.session.commit()

    add(2)
    sign_in(client, "admin")
    target = _user(app, "applicant@example.org")
    with app.app_context():
        assert_flat(client, "/admin/audit", add)
        assert_flat(client, f"/admin/users/{target.id}", add)
