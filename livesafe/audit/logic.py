from livesafe.audit.models import AuditEvent
from livesafe.extensions import db


def record(actor, action: str, subject, before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Add an audit event to the session; the caller's commit saves it with the change."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
