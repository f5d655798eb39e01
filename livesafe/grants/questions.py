"""Per-round extra questions staff add in the browser (issue 14 point 7): short or long text, a whole number
between limits, or one choice from a list; required or optional; in the order staff set.

Applicants answer them in their own task-list section ("questions"), stored as typed in
`GrantApplication.answers["questions"]` ({question id: text}), checked strictly when marked complete and again
when the application is sent (`problems`, part of `logic.answer_problems`). Check-your-answers, the assessor's
and staff's views and the applications CSV show them.

Once any application to the round has been sent, its questions are fixed: none can be added, removed, moved
or changed in type, limits, options or whether it is required; only the wording (question and hint) can be
clarified. Every change locks the round row, so two staff editing at once take turns.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livesafe.audit.logic import record
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.grants.models import GrantApplication, GrantRound
from livesafe.kernel import Conflict, RuleError, require
from livesafe.kernel.workflow import lock
from livesafe.site.numbers import NumberError, parse_int

SECTION = "questions"
TITLE = "Questions for this round"
KINDS = (("short_text", "Short text (one line)"), ("long_text", "Long text (paragraphs)"),
         ("number", "Whole number"), ("choice", "One choice from a list"))
KIND_LABELS = dict(KINDS)
LIMITS = {"short_text": 300, "long_text": 5000}
LABEL_MAX, HINT_MAX, OPTION_MAX, OPTIONS_MAX = 300, 1000, 200, 30
NUMBER_LIMIT = 1_000_000_000
FIXED = ("Applications have been sent to this round, so its questions are fixed: you can only clarify the wording "
         "of a question and its hint.")


class RoundQuestion(db.Model):
    __tablename__ = "grant_round_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_rounds.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(300))
    hint: Mapped[str] = mapped_column(sa.Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    minimum: Mapped[int | None]
    maximum: Mapped[int | None]
    options: Mapped[list] = mapped_column(sa.JSON, default=list)

    @property
    def field_name(self) -> str:
        return f"q_{self.id}"


def of_round(round_id: int) -> list[RoundQuestion]:
    return list(db.session.scalars(sa.select(RoundQuestion).where(RoundQuestion.round_id == round_id)
                                   .order_by(RoundQuestion.position, RoundQuestion.id)))


def fixed(grant_round: GrantRound) -> bool:
    """Has any application to the round been sent? Then its questions are fixed."""
    return db.session.scalar(sa.select(GrantApplication.id).where(
        GrantApplication.round_id == grant_round.id, GrantApplication.submitted_at.is_not(None)).limit(1)) is not None


def hold_round(round_id: int) -> None:
    """Taken by a send before it checks the answers: a share lock on the round row, which a question change
    (holding the row for update) waits for, and which waits for it. So a question added, removed or changed at
    the moment an application is sent either lands first (and the send checks against it) or finds the round
    fixed. Taken before the application's own lock, in the same order as the round's steps. SQLite has no row
    locks; there the application's lock (a write) already serialises the two."""
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(sa.select(GrantRound.id).where(GrantRound.id == round_id).with_for_update(read=True))


# ---------------------------------------------------------------- staff: defining questions

def definition(values: dict) -> tuple[dict, list[tuple[str, str]]]:
    """Check a question as staff typed it: (model values, [(field, message)])."""
    problems: list[tuple[str, str]] = []
    label = (values.get("label") or "").strip()
    hint = (values.get("hint") or "").strip()
    kind = values.get("kind") or ""
    if not label:
        problems.append(("label", "Enter the question"))
    elif len(label) > LABEL_MAX:
        problems.append(("label", f"The question must be {LABEL_MAX} characters or fewer"))
    if len(hint) > HINT_MAX:
        problems.append(("hint", f"The hint must be {HINT_MAX} characters or fewer"))
    if kind not in KIND_LABELS:
        problems.append(("kind", "Choose the type of answer"))
    if values.get("required") not in ("yes", "no"):
        problems.append(("required", "Say whether an answer is required"))
    clean = {"label": label, "hint": hint, "kind": kind, "required": values.get("required") == "yes",
             "minimum": None, "maximum": None, "options": []}
    if kind == "number":
        for name, words in (("minimum", "smallest"), ("maximum", "largest")):
            typed = (values.get(name) or "").strip()
            if not typed:
                continue
            try:
                clean[name] = parse_int(typed, -NUMBER_LIMIT, NUMBER_LIMIT)
            except NumberError:
                problems.append((name, f"Enter the {words} number allowed as a whole number, like 10, or leave it empty"))
        if clean["minimum"] is not None and clean["maximum"] is not None and clean["minimum"] > clean["maximum"]:
            problems.append(("maximum", "The largest number allowed must be at least the smallest"))
    if kind == "choice":
        options = [line.strip() for line in (values.get("options") or "").splitlines() if line.strip()]
        if len(options) < 2:
            problems.append(("options", "Enter at least two options, one a line"))
        elif len(options) > OPTIONS_MAX:
            problems.append(("options", f"Enter {OPTIONS_MAX} options or fewer"))
        elif any(len(option) > OPTION_MAX for option in options):
            problems.append(("options", f"Each option must be {OPTION_MAX} characters or fewer"))
        elif len({o.casefold() for o in options}) != len(options):
            problems.append(("options", "Each option must be different"))
        clean["options"] = options
    return clean, problems


def _first(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise RuleError(message, field=field)


def add(grant_round: GrantRound, values: dict, actor) -> RoundQuestion:
    require("grants.edit_texts", actor, None)
    clean, problems = definition(values)
    _first(problems)
    lock(GrantRound, grant_round.id)  # positions and the "fixed" check are read under the round's lock
    if fixed(grant_round):
        raise Conflict(FIXED)
    last = db.session.scalar(sa.select(sa.func.max(RoundQuestion.position)).where(RoundQuestion.round_id == grant_round.id))
    question = RoundQuestion(round_id=grant_round.id, position=(last or 0) + 1, **clean)
    db.session.add(question)
    db.session.flush()
    record(actor, "grant_round.question_added", grant_round, after={"question_id": question.id, "kind": question.kind})
    return question


def change(question: RoundQuestion, values: dict, actor) -> RoundQuestion:
    """Change a question; once the round has sent applications, only its wording."""
    require("grants.edit_texts", actor, None)
    clean, problems = definition(values)
    _first(problems)
    grant_round = lock(GrantRound, question.round_id)
    if fixed(grant_round):
        for name in ("kind", "required", "minimum", "maximum", "options"):
            if clean[name] != getattr(question, name):
                raise Conflict(FIXED, field=name)
        clean = {"label": clean["label"], "hint": clean["hint"]}
    for name, value in clean.items():
        setattr(question, name, value)
    db.session.flush()
    record(actor, "grant_round.question_changed", grant_round, after={"question_id": question.id})
    return question


def remove(question: RoundQuestion, actor) -> None:
    require("grants.edit_texts", actor, None)
    grant_round = lock(GrantRound, question.round_id)
    if fixed(grant_round):
        raise Conflict(FIXED)
    db.session.delete(question)
    db.session.flush()
    record(actor, "grant_round.question_removed", grant_round, before={"question_id": question.id})


def move(question: RoundQuestion, direction: str, actor) -> None:
    """Swap a question with the one before ("up") or after ("down")."""
    require("grants.edit_texts", actor, None)
    grant_round = lock(GrantRound, question.round_id)
    if fixed(grant_round):
        raise Conflict(FIXED)
    ordered = of_round(question.round_id)
    index = next(i for i, q in enumerate(ordered) if q.id == question.id)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    record(actor, "grant_round.question_moved", grant_round, after={"question_id": question.id, "direction": direction})


# ---------------------------------------------------------------- applicants: answering

def answer_problem(question: RoundQuestion, typed: str) -> str | None:
    """What is wrong with one answer (None: nothing)."""
    value = (typed or "").strip()
    if not value:
        return f"Answer “{question.label}”" if question.required else None
    if question.kind in LIMITS and len(value) > LIMITS[question.kind]:
        return f"Your answer to “{question.label}” must be {LIMITS[question.kind]:,} characters or fewer"
    if question.kind == "number":
        low = -NUMBER_LIMIT if question.minimum is None else question.minimum
        high = NUMBER_LIMIT if question.maximum is None else question.maximum
        try:
            parse_int(value, low, high, grouping=True)
        except NumberError:
            return f"Enter your answer to “{question.label}” as a whole number from {low:,} to {high:,}"
    if question.kind == "choice" and value not in question.options:
        return f"Choose one of the options for “{question.label}”"
    return None


def stored(application: GrantApplication) -> dict:
    return dict((application.answers or {}).get(SECTION) or {})


def problems(application: GrantApplication, questions: list[RoundQuestion] | None = None) -> list[tuple[str, str, list[str]]]:
    """In the shape of logic.answer_problems: [] when the round asks nothing extra or every answer is fine."""
    questions = of_round(application.round_id) if questions is None else questions
    if not questions:
        return []
    if SECTION not in (application.completed_sections or []):
        return [(SECTION, TITLE, ["This section is not complete yet"])]
    answers = stored(application)
    found = [p for p in (answer_problem(q, answers.get(str(q.id), "")) for q in questions) if p]
    return [(SECTION, TITLE, found)] if found else []


def editable(application: GrantApplication) -> bool:
    """In a draft, or when staff asked for more information about these answers (info_requests)."""
    from livesafe.grants import logic

    return application.state == logic.DRAFT or SECTION in logic.editable_sections(application)


def save_answers(application: GrantApplication, raw: dict, complete: bool, user, now: datetime | None = None) -> None:
    """Store the answers as typed (only this round's questions); `complete` marks the section done (the caller
    has checked it). Locks the application row first, like logic.save_section, so a send never misses a save."""
    require("grants.edit_application", user, application)
    lock(GrantApplication, application.id)
    if not editable(application):
        raise Conflict("This application has been sent, so its answers can no longer be changed.")
    answers = dict(application.answers or {})
    answers[SECTION] = raw
    application.answers = answers
    done = [s for s in (application.completed_sections or []) if s != SECTION]
    if complete:
        done.append(SECTION)
    application.completed_sections = done
    application.updated_at = now or utcnow()
    db.session.flush()


def answered(application: GrantApplication) -> list[tuple[RoundQuestion, str]]:
    """Each question of the application's round with what was answered ("" when nothing)."""
    answers = stored(application)
    return [(q, str(answers.get(str(q.id), ""))) for q in of_round(application.round_id)]
