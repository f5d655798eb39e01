"""Accountability anyone can check: the figures on the public page, progress per item, the open-data export.

The figures count items (recommendations), never people, and every item's text is already public or
staff's own: they are published as they are, without the disclosure control that counts of people
need (livesafe.disclosure). No figure counts supporters, members or authors.

Every figure is aggregated by the database (four queries, however many items there are), with dates in
Europe/London like the rest of the site: PostgreSQL converts with its time-zone database; on SQLite the
same conversions are small Python functions registered on each connection. With thousands of items that
takes a few hundred milliseconds, so the public pages keep the figures for FIGURES_SECONDS in each app
(`cached_figures`); any change to an item or its timeline in this app drops them at once (a session
hook below), and other app instances show it within FIGURES_SECONDS.
"""
import csv
import io
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from livesafe import clock, places
from livesafe.audit.logic import record
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.kernel import RuleError, require
from livesafe.panels import redaction
from livesafe.panels.models import DEFAULT_RESPONSE_DAYS, Feedback, FeedbackArea, FeedbackEvent, Panel, Redaction

MONTHS_SHOWN = 12

# --- London dates in SQL ---------------------------------------------------------------------


class london_date(FunctionElement):
    """The London calendar date of a stored (naive UTC) time, as a date (PostgreSQL) or 'YYYY-MM-DD' (SQLite)."""

    inherit_cache = True
    type = sa.Date()


@compiles(london_date, "postgresql")
def _london_date_pg(element, compiler, **kw):
    return f"CAST(timezone('Europe/London', timezone('UTC', {compiler.process(element.clauses, **kw)})) AS DATE)"


@compiles(london_date)
def _london_date_sqlite(element, compiler, **kw):
    return f"london_date({compiler.process(element.clauses, **kw)})"


class plus_days(FunctionElement):
    """A date plus a whole number of days."""

    inherit_cache = True
    type = sa.Date()


@compiles(plus_days, "postgresql")
def _plus_days_pg(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} + {int(days.value)})"


@compiles(plus_days)
def _plus_days_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '+{int(days.value)} days')"


class month_of(FunctionElement):
    """'YYYY-MM' of a date expression."""

    inherit_cache = True
    type = sa.String()


@compiles(month_of, "postgresql")
def _month_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(month_of)
def _month_sqlite(element, compiler, **kw):
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


class days_between(FunctionElement):
    """Days (with fractions) from the first time to the second."""

    inherit_cache = True
    type = sa.Float()


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


@compiles(days_between)
def _days_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


class median(FunctionElement):
    inherit_cache = True
    type = sa.Float()


@compiles(median, "postgresql")
def _median_pg(element, compiler, **kw):
    return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {compiler.process(element.clauses, **kw)})"


@compiles(median)
def _median_sqlite(element, compiler, **kw):
    return f"median({compiler.process(element.clauses, **kw)})"


def _sqlite_london_date(value):
    if value is None:
        return None
    stored = datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
    return clock.to_london(stored).date().isoformat()


class _Median:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


@sa.event.listens_for(Engine, "connect")
def _sqlite_functions(connection, _record):
    """Teach SQLite the two things PostgreSQL has built in: London dates and a median."""
    if type(connection).__module__.startswith("sqlite3"):
        connection.create_function("london_date", 1, _sqlite_london_date, deterministic=True)
        connection.create_aggregate("median", 1, _Median)


def due_date() -> ColumnElement:
    """SQL for Feedback.due_on: the deadline set, or DEFAULT_RESPONSE_DAYS after it was received."""
    return sa.func.coalesce(Feedback.response_deadline,
                            plus_days(london_date(Feedback.submitted_at), sa.literal(DEFAULT_RESPONSE_DAYS)))


# --- The figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    raised: int = 0
    answered: int = 0
    on_time: int = 0
    waiting: int = 0
    overdue: int = 0
    median_days: float | None = None
    months: list[str] = field(default_factory=list)  # 'YYYY-MM', oldest first
    by_state: dict[str, list[int]] = field(default_factory=dict)  # state -> items in it at each month's end
    raised_by_month: list[int] = field(default_factory=list)

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.answered) if self.answered else None

    @property
    def peak(self) -> int:
        return max([sum(column) for column in zip(*self.by_state.values())] or [0]) or 1

    def month_label(self, month: str) -> str:
        return date.fromisoformat(month + "-01").strftime("%b %Y")

    def rows(self):
        """(month, [count per state], raised) for the table beside the chart."""
        states = list(self.by_state)
        return [(month, [self.by_state[state][i] for state in states], self.raised_by_month[i])
                for i, month in enumerate(self.months)]


def _months_to(today: date, count: int) -> list[str]:
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(found))


def figures(panel_id: int | None = None, today: date | None = None) -> Figures:
    """Items raised, answered (and on time against their due date), waiting (and overdue), the median days
    to an answer, and items by state at the end of each of the last MONTHS_SHOWN months: four queries."""
    from livesafe.panels.logic import AWAITING_ANSWER, DRAFT, STATES

    today = today or clock.today()
    where = [Feedback.state != DRAFT]
    if panel_id is not None:
        where.append(Feedback.panel_id == panel_id)
    due = due_date()
    answered_day = london_date(Feedback.answered_at)
    totals = db.session.execute(sa.select(
        sa.func.count(Feedback.id),
        sa.func.count(Feedback.answered_at),
        sa.func.sum(sa.case((sa.and_(Feedback.answered_at.is_not(None), answered_day <= due), 1), else_=0)),
        sa.func.sum(sa.case((Feedback.state.in_(AWAITING_ANSWER), 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(Feedback.state.in_(AWAITING_ANSWER), due < today), 1), else_=0)),
        median(days_between(Feedback.submitted_at, Feedback.answered_at)),
    ).where(*where)).one()
    result = Figures(raised=totals[0], answered=totals[1], on_time=totals[2] or 0, waiting=totals[3] or 0,
                     overdue=totals[4] or 0, median_days=None if totals[5] is None else round(float(totals[5]), 1))

    months = _months_to(today, MONTHS_SHOWN)
    result.months = months
    shown = [state for state in STATES if state != DRAFT]
    # Items in a state at a month's end = moves into it - moves out of it, up to then (drafts excluded).
    event_month = month_of(london_date(FeedbackEvent.at))
    moves = {}
    for column, sign in ((FeedbackEvent.to_state, 1), (FeedbackEvent.from_state, -1)):
        rows = db.session.execute(
            sa.select(event_month, column, sa.func.count()).select_from(FeedbackEvent)
            .join(Feedback, Feedback.id == FeedbackEvent.feedback_id).where(*where, column != DRAFT)
            .group_by(event_month, column))
        for month, state, count in rows:
            moves.setdefault(state, []).append((month, sign * count))
    for state in shown:
        running, counts = 0, []
        ordered = sorted(moves.get(state, []))
        position = 0
        for month in months:
            while position < len(ordered) and ordered[position][0] <= month:
                running += ordered[position][1]
                position += 1
            counts.append(running)
        result.by_state[state] = counts
    raised_month = month_of(london_date(Feedback.submitted_at))
    raised = dict(db.session.execute(
        sa.select(raised_month, sa.func.count()).where(*where, raised_month >= months[0]).group_by(raised_month)).all())
    result.raised_by_month = [raised.get(month, 0) for month in months]
    return result


FIGURES_SECONDS = 60
_CACHE = "panels_figures"


def cached_figures(panel_id: int | None = None) -> Figures:
    """figures(), kept for FIGURES_SECONDS per panel and London day in this app."""
    today, now = clock.today(), time.monotonic()
    cache = current_app.extensions.setdefault(_CACHE, {})
    kept = cache.get((panel_id, today))
    if kept is not None and kept[0] > now:
        return kept[1]
    found = figures(panel_id, today)
    cache[(panel_id, today)] = (now + FIGURES_SECONDS, found)
    return found


@sa.event.listens_for(Session, "after_flush")
def _forget_figures(session, _context):
    """An item or a timeline entry written in this app: its figures are worked out again on the next view."""
    if has_app_context() and any(isinstance(obj, (Feedback, FeedbackEvent))
                                 for obj in (*session.new, *session.dirty, *session.deleted)):
        current_app.extensions.pop(_CACHE, None)


# --- Progress ---------------------------------------------------------------------------------


def set_progress(feedback: Feedback, percent: int | None, note: str, actor, now: datetime | None = None) -> None:
    """Staff say how far the agreed action has got: a percentage, a milestone in words, or both."""
    from livesafe.panels.logic import ACTION_AGREED, DONE, RESPONSE_PUBLISHED

    require("panels.triage", actor, feedback)
    note = (note or "").strip()
    if feedback.state not in (RESPONSE_PUBLISHED, ACTION_AGREED, DONE):
        raise RuleError("Progress is recorded once a response is published", field="progress")
    if percent is not None and not 0 <= percent <= 100:
        raise RuleError("Enter a percentage from 0 to 100", field="progress")
    if percent is None and not note:
        raise RuleError("Enter a percentage, a milestone, or both", field="progress")
    before = {"progress": feedback.progress, "progress_note": feedback.progress_note}
    feedback.progress, feedback.progress_note, feedback.progress_at = percent, note, now or utcnow()
    db.session.flush()
    record(actor, "panels.feedback.progress", feedback, before, {"progress": percent, "progress_note": note})


# --- The open-data export ------------------------------------------------------------------------

EXPORT_FIELDS = ["id", "panel", "title", "topic", "areas", "state", "raised_on", "due_on", "due_by_default",
                 "answered_on", "answered_on_time", "what_was_seen", "recommendation", "response",
                 "reason_not_taken_forward", "progress_percent", "progress_milestone", "published_on"]


def export_rows() -> list[dict]:
    """Every published item as the public sees it: redactions applied, no hidden item, and no personal data
    (no names even where the author agreed to be named on the page, no e-mail, no owner)."""
    from livesafe.panels.logic import ANSWERED, CONCERNS, STATES

    published = (Feedback.public.is_(True), Feedback.hidden_at.is_(None), Feedback.state.in_(ANSWERED))
    due = due_date().label("due")
    rows = db.session.execute(
        sa.select(Feedback.id, Panel.name, Feedback.title, Feedback.concerns, Feedback.state, Feedback.submitted_at,
                  due, Feedback.response_deadline, Feedback.answered_at, Feedback.what_seen, Feedback.recommendation,
                  Feedback.response, Feedback.decision_reason, Feedback.progress, Feedback.progress_note,
                  Feedback.published_at)
        .join(Panel, Panel.id == Feedback.panel_id).where(*published).order_by(Feedback.id)
    ).all()
    # Areas and redactions of the same items, joined rather than listed (thousands of ids are slow to send).
    areas: dict[int, list[str]] = {}
    for item_id, area in db.session.execute(
            sa.select(FeedbackArea.feedback_id, FeedbackArea.area).join(Feedback).where(*published)
            .order_by(FeedbackArea.area)):
        areas.setdefault(item_id, []).append(area)
    cuts: dict[int, list[str]] = {}
    for item_id, phrase in db.session.execute(
            sa.select(Redaction.target_id, Redaction.phrase).join(Feedback, Feedback.id == Redaction.target_id)
            .where(Redaction.kind == "feedback", *published)):
        cuts.setdefault(item_id, []).append(phrase)
    names = dict(places.CHOICES)
    out = []
    for row in rows:
        cut = cuts.get(row.id, [])
        due_on = row.due if isinstance(row.due, date) or row.due is None else date.fromisoformat(row.due)
        answered_on = clock.to_london(row.answered_at).date() if row.answered_at else None
        out.append({
            "id": row.id, "panel": row.name, "title": redaction.redact(row.title, cut),
            "topic": CONCERNS.get(row.concerns, row.concerns),
            "areas": "; ".join(names.get(key, key) for key in areas.get(row.id, [])),
            "state": STATES[row.state],
            "raised_on": clock.to_london(row.submitted_at).date().isoformat() if row.submitted_at else "",
            "due_on": due_on.isoformat() if due_on else "", "due_by_default": row.response_deadline is None,
            "answered_on": answered_on.isoformat() if answered_on else "",
            "answered_on_time": bool(answered_on and due_on and answered_on <= due_on),
            "what_was_seen": redaction.redact(row.what_seen, cut),
            "recommendation": redaction.redact(row.recommendation, cut),
            "response": redaction.redact(row.response, cut),
            "reason_not_taken_forward": redaction.redact(row.decision_reason, cut),
            "progress_percent": row.progress, "progress_milestone": row.progress_note or "",
            "published_on": clock.to_london(row.published_at).date().isoformat() if row.published_at else "",
        })
    return out


def export_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: prefix it with a quote.
        writer.writerow({key: ("'" + value if isinstance(value, str) and value[:1] in "=+-@\t\r" else
                               "" if value is None else value) for key, value in row.items()})
    return buffer.getvalue()
