"""Imports every feature's models so Alembic and the app see the whole schema."""
from livesafe.audit.models import AuditEvent  # noqa: F401
from livesafe.auth.models import AuthToken, User  # noqa: F401
from livesafe.mail.models import OutboxMessage  # noqa: F401
from livesafe.throttle.models import ThrottleHit  # noqa: F401
