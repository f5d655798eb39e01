from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.clock import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[str] = mapped_column(sa.String(20))
    # Empty until an invited user sets a password.
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Changes when the password changes, so old sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # False for a self-registered account until the link sent to the address is opened.
    email_confirmed: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Two-factor sign-in (TOTP): the base32 secret once set up, and the last time step used (no replays).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        # scrypt: memory-hard, werkzeug's default KDF (cheaper parameters only in tests).
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def two_factor_enabled(self) -> bool:
        return bool(self.totp_secret)

    @property
    def role_label(self) -> str:
        return roles.LABELS.get(self.role, self.role)

    @property
    def is_staff(self) -> bool:
        return self.role in roles.STAFF_ROLES

    @property
    def display_name(self) -> str:
        return self.name or self.email


class AuthToken(db.Model):
    """A single-use, expiring token for password reset or an invitation."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    # Only a hash is stored; the token itself is only in the e-mail.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = db.relationship(User)


class RecoveryCode(db.Model):
    """A one-time code to sign in when the authenticator app is lost. Only a hash is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))


class RolePolicy(db.Model):
    """What admins require of every account with a role; so far whether staff roles must use two-factor sign-in."""

    __tablename__ = "role_policies"

    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    two_factor_required: Mapped[bool] = mapped_column(default=False)
