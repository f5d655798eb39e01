"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and one-time recovery codes."""
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app

from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.models import RecoveryCode, RolePolicy, User
from livesafe.extensions import db

ISSUER = "Live Safe"
RECOVERY_CODES = 10
# A guess is a code typed at the second step; this many per account per 15 minutes.
MAX_GUESSES = 5
GUESS_WINDOW = 15 * 60


def new_secret() -> str:
    return pyotp.random_base32()


def uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data: address (drawn on the server: no script, allowed by the CSP)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def chosen_roles() -> set[str]:
    """The staff roles an admin has required two-factor for (on the admin page)."""
    return set(db.session.scalars(
        sa.select(RolePolicy.role).where(RolePolicy.two_factor_required, RolePolicy.role.in_(roles.STAFF_ROLES))
    ))


def required_for(user: User) -> bool:
    """TWO_FACTOR_REQUIRED is a floor for every staff role; admins can add roles above it, never remove them."""
    if not user.is_staff:
        return False
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED")) or user.role in chosen_roles()


def staff_without() -> dict[str, int]:
    """Active staff and admin accounts without two-factor, by role: who a new requirement will stop."""
    rows = db.session.execute(
        sa.select(User.role, sa.func.count(User.id))
        .where(User.role.in_(roles.STAFF_ROLES), User.active, User.totp_secret.is_(None))
        .group_by(User.role)
    )
    return dict(rows.all())


def set_required_roles(actor: User, chosen: set[str]) -> bool:
    """Store which staff roles must use two-factor, auditing each change; True if anything changed."""
    changed = False
    for role in roles.STAFF_ROLES:
        policy = db.session.get(RolePolicy, role) or RolePolicy(role=role, two_factor_required=False)
        required = role in chosen
        if policy.two_factor_required != required:
            record(actor, "settings.two_factor_required", policy,
                   before={"role": role, "two_factor_required": policy.two_factor_required},
                   after={"role": role, "two_factor_required": required})
            policy.two_factor_required = required
            db.session.add(policy)
            changed = True
    db.session.flush()
    return changed


def _step(secret: str, code: str, after: int | None) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), if it is valid and newer than `after`."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def check_setup_code(secret: str, code: str) -> bool:
    return _step(secret, code, None) is not None


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def enable(user: User, secret: str) -> list[str]:
    """Turn two-factor on with a checked secret; return fresh recovery codes (shown once, stored hashed)."""
    user.totp_secret = secret
    user.totp_last_step = None
    record(user, "user.two_factor_enabled", user)
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    db.session.flush()
    return codes


def disable(actor: User, user: User) -> None:
    """Turn two-factor off (by its owner, or cleared by an admin for a lost phone) and end the user's sessions."""
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1
    action = "user.two_factor_disabled" if actor.id == user.id else "user.two_factor_cleared"
    record(actor, action, user, before={"two_factor": True}, after={"two_factor": False})


def verify(user: User, code: str) -> bool:
    """A current authenticator code (each used once) or an unused recovery code (then spent)."""
    if not user.totp_secret:
        return False
    step = _step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        # Compare-and-set, so two requests racing with one code cannot both use it.
        used = db.session.execute(
            sa.update(User)
            .where(User.id == user.id, sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session="fetch")
        )
        return used.rowcount == 1
    spent = db.session.execute(
        sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code or ""))
    )
    if spent.rowcount == 1:
        record(user, "user.recovery_code_used", user)
        return True
    return False


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id))
