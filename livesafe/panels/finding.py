"""Finding published items: their search entries, and the search over them (the panels' page and site search).

The site's Whoosh index is built from content/ files; panel items change at runtime in the database, so,
like local places, they are kept in a table of their own (`SearchEntry`) and searched there, through the
same index rules: the words go through the site index's analyser (`search.index.STEMMING`: the same
tokens, stop words, plurals and stems), so "knives" finds "knife" in an item as it does in an article.

What goes in is only what the public may read: a published (public, answered) item that is not hidden,
its text with every redaction applied. The entry is rewritten after any flush that touches the item, its
redactions or its timeline (a session hook below), so publishing, hiding, unhiding, a redaction added or
removed, and a corrected response show in search at once, in the same transaction as the change.
"""
import sqlalchemy as sa
from sqlalchemy.orm import Session

from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.panels.models import Feedback, FeedbackEvent, Panel, Redaction, SearchEntry

MAX_WORDS = 8
WATCHED = ("public", "hidden_at", "state", "title", "what_seen", "recommendation", "response", "decision_reason",
           "progress_note")


def terms_of(text: str) -> list[str]:
    from livesafe.search.index import STEMMING

    return [token.text for token in STEMMING(text or "")]


def _entry_values(connection, feedback_id: int) -> dict | None:
    """The entry for one item as the public would read it, or None when it must not be findable."""
    from livesafe.panels.logic import ANSWERED
    from livesafe.panels.redaction import redact

    row = connection.execute(sa.select(
        Feedback.public, Feedback.hidden_at, Feedback.state, Feedback.title, Feedback.what_seen,
        Feedback.recommendation, Feedback.response, Feedback.decision_reason, Feedback.progress_note,
    ).where(Feedback.id == feedback_id)).first()
    if row is None or not row.public or row.hidden_at is not None or row.state not in ANSWERED:
        return None
    cut = list(connection.scalars(sa.select(Redaction.phrase).where(
        Redaction.kind == "feedback", Redaction.target_id == feedback_id)))
    notes = list(connection.scalars(sa.select(FeedbackEvent.note).where(FeedbackEvent.feedback_id == feedback_id)
                                    .order_by(FeedbackEvent.id)))
    title = redact(row.title, cut)
    text = "\n".join(redact(part, cut) for part in (row.what_seen, row.recommendation, row.response,
                                                      row.decision_reason, *notes, row.progress_note) if part)
    return {"feedback_id": feedback_id, "title": title, "text": text,
            "terms": " " + " ".join(sorted(set(terms_of(f"{title}\n{text}")))) + " ", "updated_at": utcnow()}


def reindex(connection, feedback_ids) -> None:
    table = SearchEntry.__table__
    for feedback_id in sorted(set(feedback_ids)):
        connection.execute(sa.delete(table).where(table.c.feedback_id == feedback_id))
        values = _entry_values(connection, feedback_id)
        if values is not None:
            connection.execute(sa.insert(table).values(**values))


def rebuild_all() -> int:
    """Every entry again from the items (after an upgrade, or to be sure). Returns how many are findable."""
    connection = db.session.connection()
    connection.execute(sa.delete(SearchEntry.__table__))
    reindex(connection, db.session.scalars(sa.select(Feedback.id).where(Feedback.public.is_(True))))
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))


_PENDING = "panels_search_pending"


def _touched(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Feedback):
            if obj in session.new or any(sa.inspect(obj).attrs[name].history.has_changes() for name in WATCHED):
                ids.add(obj.id)
        elif isinstance(obj, Redaction) and obj.kind == "feedback":
            ids.add(obj.target_id)
        elif isinstance(obj, FeedbackEvent):
            ids.add(obj.feedback_id)
    return {item_id for item_id in ids if item_id is not None}


@sa.event.listens_for(Session, "after_flush")
def _note_changes(session, _context):
    touched = _touched(session)
    if touched:
        session.info.setdefault(_PENDING, set()).update(touched)


@sa.event.listens_for(Session, "after_flush_postexec")
def _rewrite_entries(session, _context):
    pending = session.info.pop(_PENDING, None)
    if pending:
        reindex(session.connection(), pending)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(query: str, limit: int = 20, panel_id: int | None = None) -> list[SearchEntry]:
    """Published items whose words include every word of the query (after the index's analyser), newest first."""
    stems = list(dict.fromkeys(terms_of(query)))[:MAX_WORDS]
    if not stems or limit <= 0:
        return []
    statement = sa.select(SearchEntry).where(
        *[SearchEntry.terms.like(f"% {_like_escape(stem)} %", escape="\\") for stem in stems])
    if panel_id is not None:
        statement = statement.join(Feedback, Feedback.id == SearchEntry.feedback_id).where(
            Feedback.panel_id == panel_id)
    return list(db.session.scalars(statement.order_by(SearchEntry.feedback_id.desc()).limit(limit)))


def version() -> tuple:
    """Changes whenever an entry is written or removed: the site search's cache key includes it."""
    return tuple(db.session.execute(
        sa.select(sa.func.count(), sa.func.max(SearchEntry.updated_at)).select_from(SearchEntry)).one())


def snippet(entry: SearchEntry, length: int = 200) -> str:
    text = " ".join(entry.text.split())
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


def panel_names(entries) -> dict[int, str]:
    ids = [entry.feedback_id for entry in entries]
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Feedback.id, Panel.name).join(Panel, Panel.id == Feedback.panel_id)
                                   .where(Feedback.id.in_(ids))).all())
