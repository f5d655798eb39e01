"""Shared counters for rate limits and login throttling.

Kept in the database, not process memory, so a limit holds across gunicorn
workers and across app instances that share one database. Keys are HMACs, so
no raw e-mail address or IP address is stored. Counts live in one-minute
buckets (no per-event rows, no fine times) and are incremented with one atomic
upsert, so a limit holds exactly under concurrency.
"""
import hashlib
import hmac
import random
import time

import sqlalchemy as sa
from flask import current_app

from livesafe.extensions import db
from livesafe.throttle.models import ThrottleCount

BUCKET_SECONDS = 60
# Each counted event prunes old buckets with this chance, so no job is needed to keep the table small.
PRUNE_CHANCE = 0.01


def key_for(value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def _bucket(now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(now) // BUCKET_SECONDS * BUCKET_SECONDS


def _where(scope: str, key: str):
    return (ThrottleCount.scope == scope, ThrottleCount.key == key)


def _earlier(scope: str, key: str, window_seconds: int) -> int:
    """Hits in the window before the current bucket (those buckets no longer change)."""
    current = _bucket()
    oldest = current - max(window_seconds - BUCKET_SECONDS, 0)
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ThrottleCount.hits), 0)).where(
            *_where(scope, key), ThrottleCount.bucket >= oldest, ThrottleCount.bucket < current
        )
    )


def _bump(scope: str, key: str) -> tuple[int, int]:
    """Add one to the current bucket; return (bucket, its new count), atomically (INSERT .. ON CONFLICT DO UPDATE)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    bucket = _bucket()
    statement = (
        insert(ThrottleCount)
        .values(scope=scope, key=key, bucket=bucket, hits=1)
        .on_conflict_do_update(
            index_elements=["scope", "key", "bucket"], set_={"hits": ThrottleCount.hits + 1}
        )
        .returning(ThrottleCount.hits)
    )
    hits = db.session.execute(statement).scalar_one()
    db.session.commit()
    if random.random() < PRUNE_CHANCE:
        prune()
    return bucket, hits


def _unbump(scope: str, key: str, bucket: int) -> None:
    db.session.execute(
        sa.update(ThrottleCount)
        .where(*_where(scope, key), ThrottleCount.bucket == bucket, ThrottleCount.hits > 0)
        .values(hits=ThrottleCount.hits - 1)
    )
    db.session.commit()


def count(scope: str, value: str, window_seconds: int) -> int:
    """Events counted for value in the last window_seconds (to the minute)."""
    key = key_for(value)
    return _earlier(scope, key, window_seconds) + (
        db.session.scalar(
            sa.select(ThrottleCount.hits).where(*_where(scope, key), ThrottleCount.bucket == _bucket())
        )
        or 0
    )


def hit(scope: str, value: str) -> None:
    """Count one event, whatever the limit."""
    _bump(scope, key_for(value))


def clear(scope: str, value: str) -> None:
    db.session.execute(sa.delete(ThrottleCount).where(*_where(scope, key_for(value))))
    db.session.commit()


def take(scope: str, value: str, limit: int, window_seconds: int) -> int | None:
    """Reserve one of `limit` places in the window; None if none is left.

    The bump comes first and the check after, so concurrent callers cannot all
    see the same free place: exactly `limit` get through. A refused call gives
    its place back, so refusals do not keep a limit closed. Returns the bucket
    of the place, for `give_back`.
    """
    key = key_for(value)
    earlier = _earlier(scope, key, window_seconds)
    if earlier >= limit:
        return None
    bucket, hits = _bump(scope, key)
    if earlier + hits > limit:
        _unbump(scope, key, bucket)
        return None
    return bucket


def give_back(scope: str, value: str, bucket: int) -> None:
    """Undo a `take` that should not count after all (e.g. a sign-in that succeeded)."""
    _unbump(scope, key_for(value), bucket)


def allow(scope: str, value: str, limit: int, window_seconds: int) -> bool:
    """Count this request and say whether it is within the limit (refused requests are not counted)."""
    return take(scope, value, limit, window_seconds) is not None


def prune(older_than_seconds: int | None = None) -> int:
    """Delete buckets older than the retention period (THROTTLE_RETENTION_SECONDS)."""
    if older_than_seconds is None:
        older_than_seconds = current_app.config.get("THROTTLE_RETENTION_SECONDS", 24 * 3600)
    result = db.session.execute(
        sa.delete(ThrottleCount).where(ThrottleCount.bucket < _bucket() - older_than_seconds)
    )
    db.session.commit()
    return result.rowcount
