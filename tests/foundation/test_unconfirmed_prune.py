"""Registrations never confirmed are deleted once their confirmation link has expired (by `prune_all`)."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from livesafe.audit.models import AuditEvent
from livesafe.auth import logic
from livesafe.auth.models import AuthToken, User
from livesafe.extensions import db
from livesafe.grants.models import Organisation, OrganisationMember
from livesafe.housekeeping import prune_all
from livesafe.clock import utcnow

PASSWORD = "seven purple kettles sing"


def _register(email):
    with current_app.test_request_context():  # the e-mail's link is built with url_for
        logic.register(email, PASSWORD, "", "192.0.2.1")
    return db.session.scalar(sa.select(User).where(User.email == email))


def _after_the_link_expires(app):
    return utcnow() + timedelta(seconds=app.config["INVITE_TOKEN_SECONDS"], minutes=1)


def _emails():
    return set(db.session.scalars(sa.select(User.email)))


def test_an_unconfirmed_registration_goes_with_its_link_and_history_once_the_link_expires(app, ctx):
    user = _register("never@example.org")
    user_id = user.id
    assert logic.prune_unconfirmed() == 0  # the link still works
    assert logic.prune_unconfirmed(_after_the_link_expires(app)) == 1
    assert "never@example.org" not in _emails()
    assert db.session.scalar(sa.select(sa.func.count(AuthToken.id)).where(AuthToken.user_id == user_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.subject_id == user_id,
                                                                            AuditEvent.subject_type == "User")) == 0


def test_confirmed_accounts_and_outstanding_links_are_kept(app, ctx, demo_users):
    confirmed = _register("confirmed@example.org")
    logic.confirm(db.session.scalar(sa.select(AuthToken).where(AuthToken.user_id == confirmed.id)), PASSWORD)
    late = _register("late@example.org")
    # A password reset sent later keeps the account until that link expires too (opening it confirms the address).
    later = _after_the_link_expires(app)
    db.session.add(AuthToken(user_id=late.id, purpose=logic.RESET, token_hash="0" * 64, expires_at=later + timedelta(hours=1)))
    db.session.commit()
    assert logic.prune_unconfirmed(later) == 0
    assert {"confirmed@example.org", "late@example.org", "admin@example.org"} <= _emails()


def test_an_account_something_else_points_at_is_kept(app, ctx):
    member = _register("member@example.org")
    organisation = Organisation(name="Youth club", kind="charity", postcode="LE1 1AA", district="Leicester")
    db.session.add(organisation)
    db.session.flush()
    db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=member.id))
    _register("alone@example.org")
    assert logic.prune_unconfirmed(_after_the_link_expires(app)) == 1
    assert "member@example.org" in _emails() and "alone@example.org" not in _emails()


def test_prune_all_deletes_expired_registrations(app, ctx):
    user = _register("old@example.org")
    # Made long ago: created and link expired.
    long_ago = utcnow() - timedelta(seconds=app.config["INVITE_TOKEN_SECONDS"], days=1)
    user.created_at = long_ago
    db.session.execute(sa.update(AuthToken).where(AuthToken.user_id == user.id).values(expires_at=long_ago))
    db.session.commit()
    assert prune_all()["registration(s) never confirmed"] == 1
    assert "old@example.org" not in _emails()
