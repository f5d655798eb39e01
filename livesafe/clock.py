"""The one clock: times are stored in UTC and shown in Europe/London; dates people see are London dates.

Every feature asks this module for the time (`utcnow()`, `today()`), and rules take `now`/`today`
arguments defaulting to it, so tests move time by passing a value.
"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in the UK, the date people see."""
    return utcnow().astimezone(LONDON).date()


def to_london(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON)


def london_to_utc(value: datetime) -> datetime:
    """A naive local time typed by a person in the UK, as aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(UTC)


def format_london(value: datetime | None, fmt: str = "%-d %B %Y, %H:%M") -> str:
    local = to_london(value)
    return local.strftime(fmt) if local else ""


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores naive UTC on every database; always hands back aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
