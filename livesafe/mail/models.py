from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livesafe.extensions import db
from livesafe.clock import UTCDateTime, utcnow

SUBJECT_LENGTH = 200


class OutboxMessage(db.Model):
    """The outbox is the mail queue: a row is pending until sent_at or failed_at is set."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(SUBJECT_LENGTH))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # When a worker may next try it: the retry backoff, and the lease of the worker that claimed it.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
