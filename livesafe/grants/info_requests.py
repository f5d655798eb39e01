"""Asking a group for more information (issue 14, point 1).

Staff return a sent application (submitted or in assessment) with what to change, section by section.
The group edits only those sections and sends it back; each round trip is one `InfoRequest` row, which
keeps the answers as they were when asked and as they came back, so assessors see what changed.
The state changes themselves are rows of `logic.APPLICATION` (request_info, resubmit,
resubmit_for_assessment); the guards and hooks those rows name live here.
"""
import difflib
import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livesafe.clock import UTCDateTime, utcnow
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication
from livesafe.kernel import RuleError, Step, apply, require
from livesafe.kernel.workflow import lock

NOTE_MAX = 2000


class InfoRequest(db.Model):
    """One round trip: what staff asked for, and the answers before and after."""

    __tablename__ = "grant_info_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_applications.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    returned_from: Mapped[str] = mapped_column(sa.String(20))
    # {section key: what to change}; only these sections can be edited until it is sent back.
    notes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    answers_before: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    answers_after: Mapped[dict | None] = mapped_column(sa.JSON)
    resubmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resubmitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    application = relationship(GrantApplication)

    @property
    def sections(self) -> list[str]:
        from livesafe.grants.questions import SECTION as QUESTIONS

        return [key for key in [k for k, _ in logic.SECTIONS] + [QUESTIONS] if key in (self.notes or {})]

    @property
    def titles(self) -> list[str]:
        from livesafe.grants.questions import SECTION as QUESTIONS, TITLE

        return [TITLE if key == QUESTIONS else logic.SECTION_TITLES[key] for key in self.sections]


def has_questions(application: GrantApplication) -> bool:
    from livesafe.grants import questions

    return bool(questions.of_round(application.round_id))


def section_titles(application: GrantApplication) -> dict[str, str]:
    """What staff may name in a request, in form order: every section, and the round's extra questions if any."""
    from livesafe.grants import questions

    titles = dict(logic.SECTIONS)
    if has_questions(application):
        titles[questions.SECTION] = questions.TITLE
    return titles


def open_request(application: GrantApplication) -> InfoRequest | None:
    """The request the group is answering now (None unless the application is with the group)."""
    if application.state != logic.MORE_INFO:
        return None
    return db.session.scalar(sa.select(InfoRequest).where(
        InfoRequest.application_id == application.id, InfoRequest.resubmitted_at.is_(None))
        .order_by(InfoRequest.id.desc()).limit(1))


def requests_of(application: GrantApplication) -> list[InfoRequest]:
    return list(db.session.scalars(sa.select(InfoRequest).where(InfoRequest.application_id == application.id)
                                   .order_by(InfoRequest.requested_at, InfoRequest.id)))


def editable_sections(application: GrantApplication) -> list[str]:
    """Sections the group may change now: all of a draft, only the named ones of a returned application."""
    if application.state == logic.DRAFT:
        return [key for key, _ in logic.SECTIONS]
    if application.state == logic.EOI:
        from livesafe.grants.stages import EOI_SECTIONS

        return list(EOI_SECTIONS)
    found = open_request(application)
    return found.sections if found else []


# ---------------------------------------------------------------- the workflow's hooks

def clean_notes(notes: dict | None, application: GrantApplication) -> dict:
    """{section: note} with sections the application has and non-empty notes only, in form order."""
    notes = notes or {}
    return {key: (notes.get(key) or "").strip() for key in section_titles(application) if (notes.get(key) or "").strip()}


def guard_request(step: Step) -> None:
    notes = clean_notes(step.values.get("notes"), step.obj)
    if not notes:
        raise RuleError("Say what the group should change in at least one section", field="note_project")
    titles = section_titles(step.obj)
    for key, note in notes.items():
        if len(note) > NOTE_MAX:
            raise RuleError(f"What to change in {titles[key].lower()} must be {NOTE_MAX} characters or fewer",
                            field=f"note_{key}")
    if len((step.values.get("message") or "").strip()) > NOTE_MAX:
        raise RuleError(f"The message must be {NOTE_MAX} characters or fewer", field="message")


def returned(step: Step) -> None:
    """Record the round trip, reopen the named sections, and tell the group what to change."""
    application = step.obj
    notes = clean_notes(step.values.get("notes"), application)
    titles = section_titles(application)
    message = (step.values.get("message") or "").strip()
    db.session.add(InfoRequest(application_id=application.id, requested_by_id=step.user.id, requested_at=step.now,
                               returned_from=step.before, notes=notes, message=message,
                               answers_before=dict(application.answers or {})))
    # The named sections must be looked at again before the application can go back.
    application.completed_sections = [s for s in (application.completed_sections or []) if s not in notes]
    asked = "\n".join(f"- {titles[key]}: {note}" for key, note in notes.items())
    step.values["told"] = logic.tell(
        application.organisation_id, f"We need more information: {application.title}",
        f"Thank you for your application “{application.title}” to {application.round.name}. Before we can go on "
        f"we need you to change some answers.\n\n{message + chr(10) + chr(10) if message else ''}What to change:\n{asked}\n\n"
        "What happens next: sign in to Live Safe, change those sections, mark each one complete and send your "
        "application back. Only the sections named here can be changed.")


def guard_resubmit(step: Step) -> None:
    problems = logic.answer_problems(step.obj)
    if problems:
        raise RuleError("Some answers need attention before you can send your application back: "
                        + ", ".join(title for _, title, _ in problems) + ".")
    from livesafe.grants import documents

    documents.check_required(step.obj)


def resubmitted(step: Step) -> None:
    found = db.session.scalar(sa.select(InfoRequest).where(
        InfoRequest.application_id == step.obj.id, InfoRequest.resubmitted_at.is_(None)).order_by(InfoRequest.id.desc()))
    if found is not None:
        found.answers_after = dict(step.obj.answers or {})
        found.resubmitted_at, found.resubmitted_by_id = step.now, step.user.id


# ---------------------------------------------------------------- the steps

def request_info(application: GrantApplication, actor, notes: dict, message: str = "", now: datetime | None = None) -> int:
    """Return the application to the group; how many people were told."""
    return apply(logic.APPLICATION, application, "request_info", actor, now=now, notes=notes, message=message).values.get("told", 0)


def resubmit_action(application: GrantApplication) -> str:
    """Where a returned application goes back to: into assessment if its round is being assessed."""
    return "resubmit_for_assessment" if application.round.status == "assessment" else "resubmit"


def resubmit(application: GrantApplication, user, now: datetime | None = None) -> bool:
    """Send the changes back. False if it was already sent back (a double-click makes one)."""
    require("grants.edit_application", user, application)
    lock(GrantApplication, application.id)  # no autosave lands after the check
    if application.state != logic.MORE_INFO:
        return False
    apply(logic.APPLICATION, application, resubmit_action(application), user, now=now)
    return True


# ---------------------------------------------------------------- what changed

WORD = re.compile(r"\s+|\w+|[^\w\s]+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """[(kind, text)] with kind "same", "removed" or "added", word by word."""
    a, b = WORD.findall(before or ""), WORD.findall(after or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                parts.append(("removed", "".join(a[i1:i2])))
            if j2 > j1:
                parts.append(("added", "".join(b[j1:j2])))
    return parts


def _shown(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def changes(found: InfoRequest) -> list[dict]:
    """Per changed section: its title, the note, and each changed answer as a word diff."""
    from livesafe.grants import forms

    from livesafe.grants import questions

    after_all = found.answers_after if found.answers_after is not None else (found.application.answers or {})
    result = []
    for key in found.sections:
        before, after = (found.answers_before or {}).get(key, {}), after_all.get(key, {})
        if key == questions.SECTION:  # answers stored by question id; labels as the round asks them now
            labels = {str(q.id): q.label for q in questions.of_round(found.application.round_id)}
            title = questions.TITLE
        else:
            labels = {f.name: f.label.text for f in forms.section_form(key)}
            title = logic.SECTION_TITLES[key]
        fields = [{"label": labels.get(name, name), "diff": word_diff(_shown(before.get(name)), _shown(after.get(name)))}
                  for name in labels if _shown(before.get(name)) != _shown(after.get(name))]
        result.append({"key": key, "title": title, "note": found.notes[key], "fields": fields})
    return result


def history(application: GrantApplication) -> list[dict]:
    """Each round trip with what changed, oldest first: for assessors and staff."""
    return [{"request": r, "changes": changes(r)} for r in requests_of(application)]


