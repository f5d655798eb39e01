"""Account rules: registration, sign-in with throttling, tokens, invitations, role changes."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.models import AuthToken, User
from livesafe.extensions import db
from livesafe.mail import logic as mail
from livesafe.throttle import logic as throttle
from livesafe.timeutil import utcnow

RESET = "reset"
INVITE = "invite"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def register_applicant(email: str, password: str, name: str = "") -> User:
    user = User(email=normalise_email(email), name=name.strip(), role=roles.APPLICANT)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(user, "user.registered", user, after={"email": user.email, "role": user.role})
    db.session.commit()
    return user


@dataclass
class SignIn:
    user: User | None = None
    throttled: bool = False


def sign_in(email: str, password: str, address: str) -> SignIn:
    """Check a password, refusing for a while after repeated failures for one account or one address."""
    config = current_app.config
    window = config["LOGIN_THROTTLE_SECONDS"]
    email = normalise_email(email)
    if (
        throttle.count("login-account", email, window) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or throttle.count("login-address", address, window) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        return SignIn(throttled=True)
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        throttle.hit("login-account", email)
        throttle.hit("login-address", address)
        return SignIn()
    throttle.clear("login-account", email)
    return SignIn(user=user)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str) -> str:
    seconds = current_app.config["RESET_TOKEN_SECONDS" if purpose == RESET else "INVITE_TOKEN_SECONDS"]
    token = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(user=user, purpose=purpose, token_hash=_hash(token), expires_at=utcnow() + timedelta(seconds=seconds))
    )
    return token


def valid_token(token: str, purpose: str) -> AuthToken | None:
    found = db.session.scalar(
        sa.select(AuthToken).where(AuthToken.token_hash == _hash(token or ""), AuthToken.purpose == purpose)
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow() or not found.user.active:
        return None
    return found


def use_token(found: AuthToken, password: str) -> User:
    found.used_at = utcnow()
    found.user.set_password(password)
    # Any other outstanding token for this purpose dies with this one.
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == found.user_id, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    record(found.user, f"user.{found.purpose}_completed", found.user)
    db.session.commit()
    return found.user


def _link(endpoint: str, token: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for(endpoint, token=token)


def request_reset(email: str) -> None:
    """Queue a reset e-mail if the account exists. The caller says the same thing either way."""
    user = find_user(email)
    if user is None or not user.active:
        return
    token = issue_token(user, RESET)
    hours = current_app.config["RESET_TOKEN_SECONDS"] // 3600 or 1
    mail.queue(
        user.email,
        "Reset your Live Safe password",
        "Someone asked to reset the password for this Live Safe account.\n\n"
        f"To choose a new password, open this link within {hours} hour(s):\n{_link('auth.reset_password', token)}\n\n"
        "The link works once. If you did not ask for this, you can ignore this e-mail.",
    )
    db.session.commit()


def invite(actor: User, email: str, role: str, name: str = "") -> User:
    if role not in roles.INVITED:
        raise ValueError("role cannot be invited")
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    db.session.add(user)
    db.session.flush()
    token = issue_token(user, INVITE)
    record(actor, "user.invited", user, after={"email": user.email, "role": role})
    mail.queue(
        user.email,
        "You are invited to Live Safe",
        f"You have been invited to Live Safe as: {roles.LABELS[role]}.\n\n"
        f"To set your password and sign in, open this link within 7 days:\n{_link('auth.accept_invite', token)}\n",
    )
    db.session.commit()
    return user


def resend_invite(actor: User, user: User) -> None:
    token = issue_token(user, INVITE)
    record(actor, "user.invite_resent", user)
    mail.queue(
        user.email,
        "Your Live Safe invitation",
        f"Here is a new link to set your password:\n{_link('auth.accept_invite', token)}\n",
    )
    db.session.commit()


def change_role(actor: User, user: User, role: str) -> None:
    if role not in roles.ALL:
        raise ValueError("unknown role")
    if role == user.role:
        return
    before = {"role": user.role}
    user.role = role
    user.session_version += 1
    record(actor, "user.role_changed", user, before=before, after={"role": role})
    db.session.commit()


def set_active(actor: User, user: User, active: bool) -> None:
    if user.active == active:
        return
    before = {"active": user.active}
    user.active = active
    user.session_version += 1
    record(actor, "user.activated" if active else "user.deactivated", user, before=before, after={"active": active})
    db.session.commit()


def load_user(user_id: str) -> User | None:
    try:
        pk, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, pk)
    if user is None or user.session_version != version or not user.active:
        return None
    return user
