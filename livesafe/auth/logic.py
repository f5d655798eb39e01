"""Account rules: registration, sign-in with throttling, tokens, invitations, role changes.

Whether an e-mail address has an account must not show, in words or in time:
sign-in hashes a dummy password for unknown addresses, registration and reset
requests answer the same either way and tell the owner by e-mail instead.

Transactions: these functions add and flush; the request commits once
(livesafe/kernel/transactions.py). The exception is counting: a failed sign-in,
a wrong password or code, a registration or reset request is counted by
livesafe.throttle, which commits its counter itself, so the count survives the
failed (rolled back) request that made it. Who may manage accounts is a rule
in livesafe/auth/permissions.py, checked here before anything changes.
"""
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from livesafe.audit.logic import record
from livesafe.audit.models import AuditEvent
from livesafe.auth import roles
from livesafe.auth.models import AuthToken, User
from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError, can, require
from livesafe.mail import logic as mail
from livesafe.throttle import logic as throttle
from livesafe.clock import utcnow

RESET = "reset"
INVITE = "invite"
CONFIRM = "confirm"
JOIN = "join"  # an invitation to join a community group (livesafe/grants)
PASSWORD_PURPOSES = (RESET, INVITE, CONFIRM)  # links that set a password
TOKEN_SECONDS = {RESET: "RESET_TOKEN_SECONDS", INVITE: "INVITE_TOKEN_SECONDS", CONFIRM: "INVITE_TOKEN_SECONDS",
                 JOIN: "INVITE_TOKEN_SECONDS"}
# Throttle scopes.
LOGIN_ACCOUNT_ADDRESS = "login-account-address"
LOGIN_ADDRESS = "login-address"
LOGIN_ACCOUNT = "login-account"
REGISTER_ADDRESS = "register-address"
RESET_ADDRESS = "reset-address"
MAIL_TO = "mail-to"
PASSWORD_CHECK = "password-check"
TWO_FACTOR = "two-factor"
# Swapped out by tests that must not wait.
sleep = time.sleep


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


class Limited(Exception):
    """Too many requests from one address: answer 429 with this message."""


def _limit(scope: str, value: str, limit_setting: str) -> bool:
    config = current_app.config
    return throttle.allow(scope, value, config[limit_setting], config["REQUEST_LIMIT_SECONDS"])


def may_mail(email: str) -> bool:
    """At most MAIL_MAX_PER_EMAIL account e-mails to one address per window, whoever asks."""
    return _limit(MAIL_TO, normalise_email(email), "MAIL_MAX_PER_EMAIL")


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _password_matches(user: User | None, password: str) -> bool:
    """Always hashes once, so an unknown or passwordless account takes as long as a real one."""
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return user.check_password(password)


def register(email: str, password: str, name: str, address: str) -> None:
    """Start an account, or tell the owner of an existing one; the caller says the same either way.

    The new account works once its owner opens the link we e-mail and types the
    password again, so nobody can take an address they cannot read.
    """
    if not _limit(REGISTER_ADDRESS, address, "REGISTER_MAX_PER_ADDRESS"):
        raise Limited("Too many accounts were started from your connection. Wait an hour and try again.")
    email = normalise_email(email)
    user = find_user(email)
    if user is None:
        user = User(email=email, name=name.strip(), role=roles.APPLICANT, email_confirmed=False)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        record(user, "user.registered", user, after={"email": user.email, "role": user.role})
        if may_mail(email):
            mail.queue(
                email,
                "Confirm your Live Safe account",
                "Thank you for creating a Live Safe account.\n\n"
                f"To start using it, open this link and type your password again:\n{token_link('auth.confirm', issue_token(user, CONFIRM))}\n\n"
                "If you did not create an account, ignore this e-mail and no account will be opened.",
            )
    else:
        generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])  # same time as a new account
        if may_mail(email):
            mail.queue(
                email,
                "Someone tried to create a Live Safe account with your address",
                "Someone (perhaps you) tried to create a Live Safe account with this e-mail address, "
                "but it already has one.\n\n"
                f"To sign in: {current_app.config['BASE_URL'].rstrip('/')}{url_for('auth.login')}\n"
                f"Forgotten your password? {current_app.config['BASE_URL'].rstrip('/')}{url_for('auth.forgot_password')}\n\n"
                "If it was not you, you can ignore this e-mail: nothing has changed.",
            )
    db.session.flush()


def confirm(found: AuthToken, password: str) -> User | None:
    """Open a registered account: the link proves the mailbox, the password proves who registered."""
    user = found.user
    if not user.check_password(password):
        return None
    found.used_at = utcnow()
    user.email_confirmed = True
    record(user, "user.confirmed", user)
    return user


@dataclass
class SignIn:
    user: User | None = None
    throttled: bool = False
    unconfirmed: bool = False


def account_delay(email: str) -> float:
    """Seconds to wait before checking a password for this account: grows with failures from all addresses.

    A delay, not a lockout: many addresses guessing one account are slowed, and the
    owner signing in from anywhere still gets in, a few seconds later.
    """
    config = current_app.config
    failures = throttle.count(LOGIN_ACCOUNT, normalise_email(email), config["LOGIN_THROTTLE_SECONDS"])
    excess = failures - config["LOGIN_ACCOUNT_DELAY_AFTER"]
    return 0.0 if excess < 0 else float(min(2**excess, config["LOGIN_MAX_DELAY_SECONDS"]))


def sign_in(email: str, password: str, address: str) -> SignIn:
    """Check a password, limiting failures per account-and-address and per address, and slowing guesses per account.

    A place under each limit is taken before the password is checked (and given
    back if it is right), so concurrent guesses cannot get past the limit.
    """
    config = current_app.config
    window = config["LOGIN_THROTTLE_SECONDS"]
    email = normalise_email(email)
    pair = f"{email} {address}"
    pair_place = throttle.take(LOGIN_ACCOUNT_ADDRESS, pair, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], window)
    if pair_place is None:
        return SignIn(throttled=True)
    address_place = throttle.take(LOGIN_ADDRESS, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"], window)
    if address_place is None:
        throttle.give_back(LOGIN_ACCOUNT_ADDRESS, pair, pair_place)
        return SignIn(throttled=True)
    delay = account_delay(email)
    if delay:
        sleep(delay)
    user = find_user(email)
    if not _password_matches(user, password) or not user.active:
        throttle.hit(LOGIN_ACCOUNT, email)  # commits itself: the failure counts even though the request fails
        return SignIn()
    throttle.clear(LOGIN_ACCOUNT_ADDRESS, pair)
    throttle.give_back(LOGIN_ADDRESS, address, address_place)
    if not user.email_confirmed:
        return SignIn(unconfirmed=True)
    return SignIn(user=user)


def sign_out(user: User) -> None:
    """End every session of this user: a copied session cookie stops working too."""
    user.session_version += 1


def check_current_password(user: User, password: str) -> bool:
    """For changing a password or two-factor settings: limited like sign-in, per account."""
    config = current_app.config
    place = throttle.take(PASSWORD_CHECK, str(user.id), config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], config["LOGIN_THROTTLE_SECONDS"])
    if place is None:
        raise Limited("Too many wrong passwords. Wait 15 minutes and try again.")
    if user.check_password(password):
        throttle.give_back(PASSWORD_CHECK, str(user.id), place)
        return True
    return False


def change_password(user: User, password: str) -> None:
    """Set a new password; every other session of this user ends (the caller signs this one in again)."""
    user.set_password(password)
    record(user, "user.password_changed", user)


def check_second_factor(user: User, code: str) -> bool:
    from livesafe.auth import twofactor

    place = throttle.take(TWO_FACTOR, str(user.id), twofactor.MAX_GUESSES, twofactor.GUESS_WINDOW)
    if place is None:
        raise Limited("Too many wrong codes. Wait 15 minutes and try again, or use a recovery code later.")
    if twofactor.verify(user, code):
        throttle.give_back(TWO_FACTOR, str(user.id), place)
        return True
    return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str) -> str:
    seconds = current_app.config[TOKEN_SECONDS[purpose]]
    token = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(user=user, purpose=purpose, token_hash=hash_token(token), expires_at=utcnow() + timedelta(seconds=seconds))
    )
    return token


def valid_token(token: str, purpose: str) -> AuthToken | None:
    found = db.session.scalar(
        sa.select(AuthToken).where(AuthToken.token_hash == hash_token(token or ""), AuthToken.purpose == purpose)
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow() or not found.user.active:
        return None
    return found


def use_token(found: AuthToken, password: str) -> User:
    found.used_at = utcnow()
    found.user.set_password(password)
    # Only the owner of the mailbox can open the link: that confirms the address (and ends a squatter's password).
    found.user.email_confirmed = True
    # Every other outstanding link that sets a password dies with this one (an invitation to join a
    # community group is not one of them: it stays usable).
    db.session.execute(
        sa.update(AuthToken)
        .where(AuthToken.user_id == found.user_id, AuthToken.used_at.is_(None),
               AuthToken.purpose.in_(PASSWORD_PURPOSES))
        .values(used_at=utcnow())
    )
    record(found.user, f"user.{found.purpose}_completed", found.user)
    return found.user


def token_link(endpoint: str, token: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for(endpoint, token=token)


def request_reset(email: str, address: str) -> None:
    """Queue a reset e-mail if the account exists. The caller says the same thing either way."""
    if not _limit(RESET_ADDRESS, address, "RESET_MAX_PER_ADDRESS"):
        raise Limited("Too many reset requests came from your connection. Wait an hour and try again.")
    user = find_user(email)
    if user is None or not user.active or not may_mail(user.email):
        return
    token = issue_token(user, RESET)
    hours = current_app.config["RESET_TOKEN_SECONDS"] // 3600 or 1
    mail.queue(
        user.email,
        "Reset your Live Safe password",
        "Someone asked to reset the password for this Live Safe account.\n\n"
        f"To choose a new password, open this link within {hours} hour(s):\n{token_link('auth.reset_password', token)}\n\n"
        "The link works once. If you did not ask for this, you can ignore this e-mail.",
    )


def invite(actor: User, email: str, role: str, name: str = "") -> User:
    require("auth.manage_users", actor)
    if role not in roles.INVITED:
        raise RuleError("Choose a role people can be invited to", field="role")
    if find_user(email):
        raise RuleError("An account already uses this e-mail address", field="email")
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    db.session.add(user)
    db.session.flush()
    token = issue_token(user, INVITE)
    record(actor, "user.invited", user, after={"email": user.email, "role": role})
    mail.queue(
        user.email,
        "You are invited to Live Safe",
        f"You have been invited to Live Safe as: {roles.LABELS[role]}.\n\n"
        f"To set your password and sign in, open this link within 7 days:\n{token_link('auth.accept_invite', token)}\n",
    )
    return user


def resend_invite(actor: User, user: User) -> None:
    require("auth.manage_users", actor, user)
    token = issue_token(user, INVITE)
    record(actor, "user.invite_resent", user)
    mail.queue(
        user.email,
        "Your Live Safe invitation",
        f"Here is a new link to set your password:\n{token_link('auth.accept_invite', token)}\n",
    )


def change_role(actor: User, user: User, role: str) -> None:
    if role not in roles.ALL:
        raise RuleError("Choose a role", field="role")
    if role == user.role:
        return
    decision = can("auth.change_role", actor, user)
    if not decision:
        raise Refused(decision.reason, field="role")  # shown on the role field of the form
    before = {"role": user.role}
    user.role = role
    user.session_version += 1
    record(actor, "user.role_changed", user, before=before, after={"role": role})


def set_active(actor: User, user: User, active: bool) -> None:
    if active:
        require("auth.manage_users", actor, user)
    else:
        require("auth.deactivate", actor, user)
    if user.active == active:
        return
    before = {"active": user.active}
    user.active = active
    user.session_version += 1
    record(actor, "user.activated" if active else "user.deactivated", user, before=before, after={"active": active})


def load_user(user_id: str) -> User | None:
    try:
        pk, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, pk)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


# Rows that only belong to an account and go with it; any other reference keeps the account.
_OWN_ROWS = ("auth_tokens", "recovery_codes", "audit_events")


def prune_unconfirmed(now=None) -> int:
    """Delete self-registered accounts never confirmed once their confirmation link has expired: someone may have
    typed another person's address, and that person's address should not be kept. Returns how many."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config[TOKEN_SECONDS[CONFIRM]])
    live_link = sa.exists().where(AuthToken.user_id == User.id, AuthToken.used_at.is_(None), AuthToken.expires_at > now)
    query = sa.select(User.id).where(~User.email_confirmed, User.created_at <= cutoff, ~live_link)
    # Anything else pointing at the account (e.g. added to an organisation) keeps it (SQLite does not enforce keys).
    for table in db.metadata.sorted_tables:
        if table.name in _OWN_ROWS:
            continue
        for column in table.columns:
            if any(key.column.table.name == "users" for key in column.foreign_keys):
                query = query.where(User.id.not_in(sa.select(column).where(column.is_not(None))))
    ids = db.session.scalars(query).all()
    if ids:
        db.session.execute(sa.delete(AuthToken).where(AuthToken.user_id.in_(ids)))
        # Their history (which holds the address) goes too: the account never existed for its owner.
        db.session.execute(sa.delete(AuditEvent).where(
            sa.or_(AuditEvent.actor_id.in_(ids), sa.and_(AuditEvent.subject_type == "User", AuditEvent.subject_id.in_(ids)))))
        db.session.execute(sa.delete(User).where(User.id.in_(ids)).execution_options(synchronize_session=False))
    db.session.commit()  # a scheduled job (flask prune, the mail worker), not a request: it commits its own work
    return len(ids)
