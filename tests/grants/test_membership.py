"""Membership by consent: invitations that say nothing about who has an account, accepted only by the invited
account; leaving a group."""
import html
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth.models import AuthToken
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import Organisation, OrganisationMember
from livesafe.mail.models import OutboxMessage
from livesafe.clock import utcnow
from tests.grants.conftest import make_application, make_organisation, user
from tests.helpers import EMAIL, csrf_token, post, sign_in

INVITE = "/grants/organisation/invitations"
LEAVE = "/grants/organisation/leave"
CSRF_VALUE = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')


def _invite(client, email):
    return post(client, INVITE, {"email": email}, token_from="/grants/organisation")


def _link(email):
    bodies = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.to == email)).all()
    links = [match.group(0) for body in bodies for match in re.finditer(r"/grants/invitations/[A-Za-z0-9_-]+", body)]
    assert links, f"no invitation to {email}"
    return links[-1]


def _member_of(email):
    db.session.expire_all()
    account = user(email)
    return db.session.scalar(sa.select(Organisation).join(OrganisationMember).where(OrganisationMember.user_id == account.id))


def _actions(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def _client(app, email):
    other = app.test_client()
    sign_in(other, email=email)
    return other


@pytest.fixture
def groups(client, organisation):
    """The inviter's group, a free applicant, one already in another group, and the inviter signed in."""
    user("free@example.org")
    make_organisation("busy@example.org", "Other Group")
    sign_in(client, "applicant")
    return organisation


def test_the_inviter_sees_the_same_answer_in_the_same_time_whatever_the_address(client, groups):
    addresses = ["nobody@example.org", EMAIL["staff"], "busy@example.org", "free@example.org", EMAIL["applicant"]]
    pages, times = [], []
    for email in addresses:
        token = csrf_token(client, "/grants/organisation")
        started = time.monotonic()
        response = client.post(INVITE, data={"email": email, "csrf_token": token})
        times.append(time.monotonic() - started)
        assert response.status_code == 302 and response.headers["Location"] == "/grants/organisation", email
        page = client.get("/grants/organisation").get_data(as_text=True)
        assert f"them an invitation to join {groups.name}. They join when they accept it." in page
        pages.append(CSRF_VALUE.sub("", page))
    assert all(page == pages[0] for page in pages)
    assert min(times) >= logic.INVITE_SECONDS and max(times) - min(times) < 0.15, times
    # Applicants not in this group are e-mailed (one in another group too: a person may be in several); the
    # inviter, already a member, never is.
    assert sorted(db.session.scalars(sa.select(OutboxMessage.to)).all()) == ["busy@example.org", "free@example.org"]
    assert _member_of("free@example.org") is None  # nobody joins by being invited
    # The token is stored only as a hash.
    token = _link("free@example.org").rsplit("/", 1)[1]
    assert db.session.scalar(sa.select(sa.func.count(AuthToken.id)).where(AuthToken.token_hash == token)) == 0
    assert len(_actions("grant_organisation.member_invited")) == 2


def test_the_invited_account_accepts_and_joins(app, client, groups, open_round):
    _invite(client, "free@example.org")
    link = _link("free@example.org")
    application = make_application(open_round, groups)
    invited = _client(app, "free@example.org")
    assert invited.get(f"/grants/applications/{application.id}").status_code == 403
    page = invited.get(link).get_data(as_text=True)
    assert f"Join {groups.name}?" in page and "Accept and join" in page
    response = post(invited, link, {"answer": "accept"})
    assert response.status_code == 302 and response.headers["Location"] == "/grants/applications"
    assert _member_of("free@example.org").id == groups.id
    assert invited.get(f"/grants/applications/{application.id}").status_code == 200
    assert [event.actor_id for event in _actions("grant_organisation.member_joined")] == [user("free@example.org").id]
    # The link works once.
    again = invited.get(link)
    assert again.status_code == 404 and "This invitation link does not work" in again.get_data(as_text=True)


def test_declining_adds_nobody_and_ends_the_link(app, client, groups):
    _invite(client, "free@example.org")
    link = _link("free@example.org")
    invited = _client(app, "free@example.org")
    response = post(invited, link, {"answer": "decline"})
    assert response.status_code == 302
    assert _member_of("free@example.org") is None
    assert len(_actions("grant_organisation.invitation_declined")) == 1
    assert invited.get(link).status_code == 404
    assert post(invited, link, {"answer": "accept"}, token_from="/dashboard").status_code == 404
    assert _member_of("free@example.org") is None


def test_another_account_cannot_use_the_link(app, client, groups):
    _invite(client, "free@example.org")
    link = _link("free@example.org")
    user("third@example.org")
    stranger = _client(app, "third@example.org")
    response = stranger.get(link)
    assert response.status_code == 403
    assert groups.name not in response.get_data(as_text=True)  # a forwarded link names no group
    assert post(stranger, link, {"answer": "accept"}, token_from="/dashboard").status_code == 403
    assert _member_of("third@example.org") is None
    # The inviter, a member already, cannot use it either; the invited account still can.
    assert client.get(link).status_code == 403
    assert post(_client(app, "free@example.org"), link, {"answer": "accept"}).status_code == 302
    assert _member_of("free@example.org").id == groups.id


def test_an_expired_link_gets_a_clear_page(app, client, groups):
    _invite(client, "free@example.org")
    link = _link("free@example.org")
    db.session.execute(sa.update(AuthToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    invited = _client(app, "free@example.org")
    response = invited.get(link)
    assert response.status_code == 404
    assert "It has expired, or it has been answered already" in response.get_data(as_text=True)
    assert post(invited, link, {"answer": "accept"}, token_from="/dashboard").status_code == 404
    assert _member_of("free@example.org") is None


def test_someone_in_another_group_joins_as_well_and_acts_for_the_new_one(app, client, groups):
    _invite(client, "free@example.org")
    link = _link("free@example.org")
    make_organisation("free@example.org", "Their Own Group")
    invited = _client(app, "free@example.org")
    page = invited.get(link).get_data(as_text=True)
    assert "Accept and join" in page
    assert post(invited, link, {"answer": "accept"}).status_code == 302
    db.session.expire_all()
    names = sorted(db.session.scalars(sa.select(Organisation.name).join(OrganisationMember)
                                      .where(OrganisationMember.user_id == user("free@example.org").id)).all())
    assert names == ["Riverside Youth Club", "Their Own Group"]
    assert "Acting for" in invited.get("/grants/applications").get_data(as_text=True)
    assert "Applying as <strong>Riverside Youth Club</strong>" in invited.get("/grants/applications").get_data(as_text=True)


def test_links_need_a_signed_in_applicant(app, client, groups):
    _invite(client, "free@example.org")
    link = _link("free@example.org")
    anonymous = app.test_client().get(link)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    for role in ("staff", "admin", "assessor", "panel_member"):
        other = _client(app, EMAIL[role])
        assert other.get(link).status_code == 403, role
        assert other.get(LEAVE).status_code == 403, role
        assert post(other, INVITE, {"email": "free@example.org"}, token_from="/dashboard").status_code == 403, role
    for url in (LEAVE, "/grants/organisation"):
        response = app.test_client().get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert post(_client(app, "free@example.org"), link, {"answer": "accept"}).status_code == 302


@pytest.mark.parametrize("typed, message", [
    ("not-an-email", "Enter an e-mail address in the right format"),
    ("free@example.org\r\nBcc: nobody@example.org", "Enter an e-mail address in the right format"),
    ("", "Enter their e-mail address"),
    ("a" * 320 + "@example.org", "320 characters or fewer"),
])
def test_bad_addresses_are_explained_and_kept(client, groups, typed, message):
    response = _invite(client, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "There is a problem" in page
    if typed:
        kept = re.search(r'<input[^>]*name="email"[^>]*value="([^"]*)"', page)
        assert kept and html.unescape(kept.group(1)) == typed
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_changes_need_the_csrf_token(app, client, groups):
    assert client.post(INVITE, data={"email": "free@example.org"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    _invite(client, "free@example.org")
    link = _link("free@example.org")
    invited = _client(app, "free@example.org")
    assert invited.post(link, data={"answer": "accept"}).status_code == 400
    assert _member_of("free@example.org") is None
    assert client.post(LEAVE).status_code == 400
    assert _member_of(EMAIL["applicant"]).id == groups.id


def _join(app, client, email):
    user(email)
    _invite(client, email)
    assert post(_client(app, email), _link(email), {"answer": "accept"}).status_code == 302


def test_a_member_leaves_and_can_start_another_group(app, client, groups, open_round):
    make_application(open_round, groups)
    _join(app, client, "free@example.org")
    leaver = _client(app, "free@example.org")
    assert "Leave Riverside Youth Club?" in leaver.get(LEAVE).get_data(as_text=True)
    response = post(leaver, LEAVE)
    assert response.status_code == 302
    assert _member_of("free@example.org") is None
    assert [event.before for event in _actions("grant_organisation.member_left")] == [{"user_id": user("free@example.org").id}]
    # Free again: they can start their own group, or be invited to another.
    values = {"name": "New Start", "kind": "other", "postcode": "LE2 2AA", "district": "Blaby",
              "safeguarding_policy": "yes", "safeguarding_lead": "Chair", "works_with_under_18s": "yes"}
    assert post(leaver, "/grants/organisation", values).status_code == 302
    assert _member_of("free@example.org").name == "New Start"


def test_the_last_member_cannot_leave_applications_in_progress(client, groups, open_round):
    application = make_application(open_round, groups)
    response = post(client, LEAVE)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "You are the only person in Riverside Youth Club and it has 1 application(s) in progress" in page
    assert _member_of(EMAIL["applicant"]).id == groups.id
    assert _actions("grant_organisation.member_left") == []
    # Once nothing is in progress, the last member may go.
    application.state = logic.WITHDRAWN
    db.session.commit()
    assert post(client, LEAVE).status_code == 302
    assert _member_of(EMAIL["applicant"]) is None
    # Someone in no group is sent to set one up.
    assert client.get(LEAVE).headers["Location"] == "/grants/organisation"


def test_a_password_reset_leaves_an_invitation_to_join_usable(app, client, groups):
    from livesafe.auth import logic as auth

    _invite(client, "free@example.org")
    link = _link("free@example.org")
    reset = auth.issue_token(user("free@example.org"), auth.RESET)
    db.session.commit()
    auth.use_token(auth.valid_token(reset, auth.RESET), "a-new-long-passphrase-9")
    db.session.commit()  # as the reset request would
    invited = app.test_client()
    sign_in(invited, email="free@example.org", password="a-new-long-passphrase-9")
    assert post(invited, link, {"answer": "accept"}).status_code == 302
    assert _member_of("free@example.org").id == groups.id
