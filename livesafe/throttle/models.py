import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livesafe.extensions import db


class ThrottleCount(db.Model):
    """How many times something happened for one key in one coarse time bucket.

    One row per (scope, key, bucket), not one per event: no row holds a time
    finer than the bucket, and old buckets are pruned.
    """

    __tablename__ = "throttle_counts"

    scope: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    # An HMAC of the e-mail address or IP address, never the value itself.
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    # Start of the bucket, in whole seconds since 1970 (a multiple of BUCKET_SECONDS).
    bucket: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(default=0)
