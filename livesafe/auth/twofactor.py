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
from livesafe.auth.models import RecoveryCode, User
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


def required_for(user: User) -> bool:
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED")) and user.is_staff


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
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1
    record(actor, "user.two_factor_disabled", user)


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
