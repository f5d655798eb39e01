"""Redaction: staff cut words from what the public (and other members) see, before or after publishing.

A redaction is a phrase on one thing (an item, a comment, a meeting's note). Wherever that thing's text
is shown to anyone but its author and staff (the public page, the open-data export, other members' pages,
e-mails to supporters), every occurrence of the phrase, in any case, reads "[redacted]". The text
itself is never changed: the author and the audit keep the original, and a redaction can be removed.
"""
import re

import sqlalchemy as sa

from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.kernel import Conflict, RuleError, require
from livesafe.panels.models import Comment, Feedback, Meeting, Redaction

MARK = "[redacted]"
MAX_PHRASE = 500
MODELS = {"feedback": Feedback, "comment": Comment, "meeting": Meeting}


def kind_of(target) -> str:
    return next(kind for kind, model in MODELS.items() if isinstance(target, model))


def texts_of(target) -> list[str]:
    """Every piece of the target's text a redaction applies to."""
    if isinstance(target, Feedback):
        return [target.title, target.what_seen, target.recommendation, target.response, target.decision_reason,
                *(event.note for event in target.events)]
    if isinstance(target, Comment):
        return [target.body]
    return [target.note]


def redact(text: str, phrases) -> str:
    """The text with every phrase (case-insensitive, longest first) replaced by the mark."""
    if not text or not phrases:
        return text or ""
    pattern = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.sub(pattern, MARK, text, flags=re.IGNORECASE)


def phrases_for(kind: str, ids) -> dict[int, list[str]]:
    """{target id: phrases} for many targets in one query (a page of items, all comments on one)."""
    ids = list(ids)
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    for target_id, phrase in db.session.execute(
        sa.select(Redaction.target_id, Redaction.phrase).where(Redaction.kind == kind, Redaction.target_id.in_(ids))
    ):
        found.setdefault(target_id, []).append(phrase)
    return found


def redactions_of(target) -> list[Redaction]:
    return list(db.session.scalars(
        sa.select(Redaction).where(Redaction.kind == kind_of(target), Redaction.target_id == target.id)
        .order_by(Redaction.id)
    ))


def sees_original(user, author_id: int | None) -> bool:
    """The author and staff read the original; everyone else the redacted text."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.id == author_id))


def add(target, phrase: str, actor) -> Redaction:
    require("panels.redact", actor, target)
    phrase = (phrase or "").strip()
    if not phrase:
        raise RuleError("Enter the words to redact, exactly as they appear", field="phrase")
    if len(phrase) > MAX_PHRASE:
        raise RuleError(f"Redact at most {MAX_PHRASE} characters at a time", field="phrase")
    if not any(phrase.lower() in (text or "").lower() for text in texts_of(target)):
        raise RuleError("Those words are not in the text. Copy them exactly as they appear.", field="phrase")
    kind = kind_of(target)
    if db.session.scalar(sa.select(Redaction.id).where(
            Redaction.kind == kind, Redaction.target_id == target.id, sa.func.lower(Redaction.phrase) == phrase.lower())):
        raise Conflict("These words are already redacted.", field="phrase")
    entry = Redaction(kind=kind, target_id=target.id, phrase=phrase, created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    record(actor, "panels.redaction.add", entry, None, {"kind": kind, "target_id": target.id, "phrase": phrase})
    return entry


def remove(entry: Redaction, actor) -> None:
    require("panels.redact", actor)
    record(actor, "panels.redaction.remove", entry,
           {"kind": entry.kind, "target_id": entry.target_id, "phrase": entry.phrase}, None)
    db.session.delete(entry)
    db.session.flush()
