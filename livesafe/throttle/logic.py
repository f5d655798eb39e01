import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from livesafe.extensions import db
from livesafe.throttle.models import ThrottleHit
from livesafe.timeutil import utcnow


def key_for(value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def count(scope: str, value: str, window_seconds: int) -> int:
    since = utcnow() - timedelta(seconds=window_seconds)
    return db.session.scalar(
        sa.select(sa.func.count(ThrottleHit.id)).where(
            ThrottleHit.scope == scope, ThrottleHit.key == key_for(value), ThrottleHit.at >= since
        )
    )


def hit(scope: str, value: str) -> None:
    db.session.add(ThrottleHit(scope=scope, key=key_for(value)))
    db.session.commit()


def clear(scope: str, value: str) -> None:
    db.session.execute(
        sa.delete(ThrottleHit).where(ThrottleHit.scope == scope, ThrottleHit.key == key_for(value))
    )
    db.session.commit()


def allow(scope: str, value: str, limit: int, window_seconds: int) -> bool:
    """Count this request and say whether it is within the limit."""
    if count(scope, value, window_seconds) >= limit:
        return False
    hit(scope, value)
    return True


def prune(older_than_seconds: int = 24 * 3600) -> int:
    since = utcnow() - timedelta(seconds=older_than_seconds)
    result = db.session.execute(sa.delete(ThrottleHit).where(ThrottleHit.at < since))
    db.session.commit()
    return result.rowcount
