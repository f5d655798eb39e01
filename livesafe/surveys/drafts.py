"""Answers in progress, kept on the server, never in the cookie.

The session holds only a random draft id (`secrets.token_urlsafe`). A draft lives for
SURVEY_DRAFT_HOURS after its last save and is deleted when the answers are sent, at the
quick exit, and once expired (`prune`, run when a draft is started and by `flask prune`).
"""
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session

from livesafe.extensions import db
from livesafe.site.exit import on_exit
from livesafe.surveys.models import SurveyDraft, SurveyWave
from livesafe.clock import utcnow

SESSION_KEY = "survey_draft"


def hours() -> int:
    return current_app.config["SURVEY_DRAFT_HOURS"]


def _expiry():
    # To the minute: nothing finer is needed to delete it on time.
    return utcnow().replace(second=0, microsecond=0) + timedelta(hours=hours(), minutes=1)


@dataclass(frozen=True)
class Draft:
    """A copy of a draft row: it stays readable even if a parallel request sends or deletes the row."""

    id: str
    wave_id: int
    answers: dict
    setting_code: str | None
    is_test: bool
    language: str | None = None


def _copy(row: SurveyDraft) -> Draft:
    return Draft(row.id, row.wave_id, dict(row.answers), row.setting_code, row.is_test, row.language)


def start(wave: SurveyWave, setting_code: str | None = None, test: bool = False, language: str | None = None) -> Draft:
    """A new empty draft for wave (expired drafts are cleared first, so the table stays small)."""
    prune(commit=False)
    row = SurveyDraft(id=secrets.token_urlsafe(32), wave_id=wave.id, answers={}, setting_code=setting_code,
                      is_test=test, language=language, expires_at=_expiry())
    db.session.add(row)
    db.session.flush()
    return _copy(row)


def load(draft_id: str | None) -> Draft | None:
    """The draft with this id, unless it has expired."""
    if not draft_id:
        return None
    row = db.session.scalar(sa.select(SurveyDraft).where(SurveyDraft.id == draft_id, SurveyDraft.expires_at > utcnow()))
    return _copy(row) if row else None


def save(draft: Draft, given: dict) -> Draft | None:
    """Merge one page's answers into the draft (a skipped question removes its earlier answer) and
    extend its life. None if the draft is gone meanwhile (sent by a parallel request, or deleted)."""
    answers = dict(draft.answers)
    for code, value in given.items():
        if value is None or value == []:
            answers.pop(code, None)
        else:
            answers[code] = value
    updated = db.session.execute(
        sa.update(SurveyDraft).where(SurveyDraft.id == draft.id).values(answers=answers, expires_at=_expiry())
        .execution_options(synchronize_session=False))
    return replace(draft, answers=answers) if updated.rowcount == 1 else None


def set_language(draft: Draft, language: str) -> Draft:
    """The person chose another language (their answers stay: they are kept by value)."""
    db.session.execute(sa.update(SurveyDraft).where(SurveyDraft.id == draft.id).values(language=language)
                       .execution_options(synchronize_session=False))
    return replace(draft, language=language)


def delete(draft_id: str) -> bool:
    """Delete the draft; False if it was already gone (sent by a parallel request, or pruned)."""
    deleted = db.session.execute(sa.delete(SurveyDraft).where(SurveyDraft.id == draft_id)
                                 .execution_options(synchronize_session=False))
    return deleted.rowcount == 1


def prune(commit: bool = True) -> int:
    """Delete every expired draft; returns how many."""
    count = db.session.execute(sa.delete(SurveyDraft).where(SurveyDraft.expires_at <= utcnow())
                               .execution_options(synchronize_session=False)).rowcount
    if commit:
        db.session.commit()
    return count


# The visitor's own draft, through the session ------------------------------------

def session_draft_id() -> str | None:
    return session.get(SESSION_KEY)


def remember(draft: Draft) -> None:
    session[SESSION_KEY] = draft.id


def forget() -> None:
    session.pop(SESSION_KEY, None)


@on_exit
def discard_on_exit() -> None:
    """Quick exit: delete the visitor's unsent answers now, not when they expire."""
    draft_id = session_draft_id()
    if draft_id:
        delete(draft_id)
        # Committed here on purpose: the exit may be a GET (a link), which the request would roll back.
        db.session.commit()
    forget()
