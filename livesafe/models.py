"""Imports every feature's models so Alembic and the app see the whole schema."""
from livesafe.audit.models import AuditEvent  # noqa: F401
from livesafe.auth.models import AuthToken, RecoveryCode, User  # noqa: F401
from livesafe.mail.models import OutboxMessage  # noqa: F401
from livesafe.throttle.models import ThrottleCount  # noqa: F401
from livesafe.grants import models as grants_models  # noqa: F401,E402
from livesafe.panels import models as panels_models  # noqa: F401,E402
from livesafe.surveys import models as surveys_models  # noqa: F401,E402
from livesafe.partners import models as partners_models  # noqa: F401,E402
from livesafe.uploads.models import Upload  # noqa: F401,E402
