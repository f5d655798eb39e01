"""Meetings people can take part in (issue 15 point 3): staff edit and cancel meetings (members are e-mailed),
agenda items are changed or deleted before the cut-off, members say whether they are coming, each panel has an
iCalendar feed, and staff publish a meeting's notes to the public.

Plain functions: they add and flush, never commit. Reads followed by writes lock the meeting's row first
(`kernel.workflow.lock`), so two requests at once take turns; sign-ups also have a unique (meeting, member) row.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from livesafe import ics
from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.clock import format_london, utcnow
from livesafe.extensions import db
from livesafe.kernel import Conflict, RuleError, require
from livesafe.kernel.permissions import allow, deny, rule, signed_in
from livesafe.kernel.workflow import lock
from livesafe.mail.logic import queue
from livesafe.panels import papers, redaction
from livesafe.panels.logic import DEFAULT_AGENDA_NOTICE, MEETING_MODES, add_meeting, agenda_open, publish_note
from livesafe.panels.models import AgendaItem, Appeal, Meeting, MeetingSignup, Panel, PanelMember, Report
from livesafe.panels.permissions import is_member

CANCELLED = "This meeting is cancelled."
# How far back the calendar feed goes: recent meetings stay in people's calendars, older ones drop off.
FEED_HISTORY = timedelta(days=365)


def _staff(user) -> bool:
    return signed_in(user) and user.is_staff


def _link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def meeting_path(meeting: Meeting) -> str:
    return f"/panels/{meeting.panel_id}/meetings/{meeting.id}"


# --- rules (the kernel registry) -------------------------------------------------------------------------------

@rule("panels.edit_meeting")
def edit_meeting_rule(user, meeting):
    if not _staff(user):
        return deny("Only staff change meetings.")
    if meeting.cancelled_at is not None:
        return deny(f"{CANCELLED} It cannot be changed.")
    return allow


@rule("panels.change_agenda_item")
def change_agenda_item_rule(user, item):
    """The member who added it (while still on the panel) or staff; the cut-off is checked by the logic, which
    says when it was."""
    if item.meeting.cancelled_at is not None:
        return deny(f"{CANCELLED} Its agenda cannot be changed.")
    if _staff(user):
        return allow
    if signed_in(user) and item.added_by_id == user.id and is_member(item.meeting.panel_id, user):
        return allow
    return deny("Only the member who added an agenda item, or staff, change or delete it.")


@rule("panels.sign_up")
def sign_up_rule(user, meeting):
    if not (signed_in(user) and user.role == roles.PANEL_MEMBER and is_member(meeting.panel_id, user)):
        return deny("Only the panel's members say whether they are coming.")
    if meeting.cancelled_at is not None:
        return deny(f"{CANCELLED} It takes no sign-ups.")
    return allow


@rule("panels.read_public_meeting")
def read_public_meeting(user, meeting):
    if meeting.note_public_at is not None and meeting.cancelled_at is None:
        return allow
    return deny("The notes of this meeting are not public.")


# --- editing and cancelling ------------------------------------------------------------------------------------

def members_of(panel_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).join(PanelMember, PanelMember.user_id == User.id)
                                   .where(PanelMember.panel_id == panel_id).order_by(User.id)))


def _describe(meeting: Meeting) -> dict[str, str]:
    """What members see of a meeting, in words (to say what changed)."""
    return {"When": format_london(meeting.starts_at), "How": MEETING_MODES.get(meeting.mode, meeting.mode),
            "Where": meeting.place, "Agenda closes": format_london(meeting.agenda_cutoff_at)}


def _tell_members(meeting: Meeting, subject: str, body: str) -> None:
    for person in members_of(meeting.panel_id):
        queue(person.email, subject, f"{body}\n\nSee the meeting: {_link(meeting_path(meeting))}\n")


def edit_meeting(meeting: Meeting, actor, *, starts_at: datetime, mode: str, place: str,
                 agenda_cutoff_at: datetime | None) -> dict[str, tuple[str, str]]:
    """Change a meeting; members are e-mailed what changed. Returns {label: (before, after)} (empty: nothing)."""
    meeting = lock(Meeting, meeting.id)
    require("panels.edit_meeting", actor, meeting)
    if mode not in MEETING_MODES:
        raise RuleError("Choose in person or online", field="mode")
    place = place.strip()
    if not place:
        raise RuleError("Enter the place, or how to join online", field="place")
    cutoff = agenda_cutoff_at or starts_at - DEFAULT_AGENDA_NOTICE
    if cutoff > starts_at:
        raise RuleError("The agenda must close before the meeting starts", field="agenda_cutoff_at")
    before = _describe(meeting)
    meeting.starts_at, meeting.mode, meeting.place, meeting.agenda_cutoff_at = starts_at, mode, place, cutoff
    after = _describe(meeting)
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    if not changed:
        return {}
    meeting.sequence += 1
    db.session.flush()
    record(actor, "panels.meeting.edit", meeting, {k: v[0] for k, v in changed.items()},
           {k: v[1] for k, v in changed.items()})
    lines = "\n".join(f"{label}: {new} (was {old})" for label, (old, new) in changed.items())
    name = meeting.panel.name
    _tell_members(meeting, f"{name} meeting changed", f"The {name} meeting has changed.\n\n{lines}")
    return changed


def cancel_meeting(meeting: Meeting, actor, reason: str, now: datetime | None = None) -> None:
    """Cancel (never delete): the meeting stays, marked cancelled; members are e-mailed with the reason."""
    now = now or utcnow()
    meeting = lock(Meeting, meeting.id)
    if meeting.cancelled_at is not None:
        raise Conflict(f"{CANCELLED} Someone may have cancelled it at the same moment.", field="reason")
    require("panels.edit_meeting", actor, meeting)
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Say why the meeting is cancelled: members are told", field="reason")
    if meeting.starts_at <= now:
        raise RuleError("This meeting has already started, so it cannot be cancelled", field="reason")
    meeting.cancelled_at, meeting.cancel_reason = now, reason
    meeting.sequence += 1
    db.session.flush()
    record(actor, "panels.meeting.cancel", meeting, None, {"cancelled": True})
    name = meeting.panel.name
    _tell_members(meeting, f"{name} meeting cancelled",
                  f"The {name} meeting on {format_london(meeting.starts_at)} is cancelled.\n\nWhy: {reason}")


# --- agenda items ----------------------------------------------------------------------------------------------

def _agenda_still_open(item: AgendaItem, now: datetime | None) -> None:
    if not agenda_open(item.meeting, now):
        raise RuleError(f"The agenda closed on {format_london(item.meeting.agenda_cutoff_at)}, so its items can no "
                        "longer be changed or deleted. Raise it at the meeting instead.", field="title")


def edit_agenda_item(item: AgendaItem, user, title: str, detail: str, now: datetime | None = None) -> None:
    require("panels.change_agenda_item", user, item)
    _agenda_still_open(item, now)
    title = title.strip()
    if not title:
        raise RuleError("Enter the agenda item", field="title")
    before = {"title": item.title}
    item.title, item.detail = title, detail.strip()
    db.session.flush()
    record(user, "panels.agenda.edit", item, before, {"title": item.title})


def delete_agenda_item(item: AgendaItem, user, now: datetime | None = None) -> None:
    """Delete before the cut-off, with its papers; reports and appeals about it go too (the audit keeps the title)."""
    require("panels.change_agenda_item", user, item)
    lock(Meeting, item.meeting_id)
    _agenda_still_open(item, now)
    record(user, "panels.agenda.delete", item, {"title": item.title, "meeting_id": item.meeting_id}, None)
    papers.delete_item_papers(item.id)
    db.session.execute(sa.delete(Report).where(Report.agenda_item_id == item.id))
    db.session.execute(sa.delete(Appeal).where(Appeal.kind == "agenda", Appeal.target_id == item.id))
    db.session.delete(item)
    db.session.flush()


# --- sign-ups --------------------------------------------------------------------------------------------------

def set_signup(meeting: Meeting, user, attending: bool, now: datetime | None = None) -> bool:
    """Say coming or not. Idempotent: the form posts the answer wanted, so double clicks and races end in that
    answer with one row. The meeting's row is locked first, so answers at once take turns (and the unique
    constraint on (meeting, member) stays the last word)."""
    meeting = lock(Meeting, meeting.id)
    require("panels.sign_up", user, meeting)
    if meeting.starts_at <= (now or utcnow()):
        raise RuleError("This meeting has already started, so sign-ups are closed", field="attending")
    row = db.session.scalar(sa.select(MeetingSignup).where(MeetingSignup.meeting_id == meeting.id,
                                                           MeetingSignup.user_id == user.id))
    if row is None:
        db.session.add(MeetingSignup(meeting_id=meeting.id, user_id=user.id, attending=attending))
    else:
        row.attending = attending
    db.session.flush()
    return attending


def signup_counts(meeting_id: int) -> tuple[int, int]:
    """(coming, not coming) in one query."""
    found = dict(db.session.execute(
        sa.select(MeetingSignup.attending, sa.func.count()).where(MeetingSignup.meeting_id == meeting_id)
        .group_by(MeetingSignup.attending)).all())
    return found.get(True, 0), found.get(False, 0)


def answer_of(meeting_id: int, user) -> bool | None:
    if not signed_in(user):
        return None
    return db.session.scalar(sa.select(MeetingSignup.attending).where(MeetingSignup.meeting_id == meeting_id,
                                                                      MeetingSignup.user_id == user.id))


def answers(meeting_id: int) -> list[MeetingSignup]:
    """Every member's answer with their account (for staff), in one query."""
    return list(db.session.scalars(sa.select(MeetingSignup).where(MeetingSignup.meeting_id == meeting_id)
                                   .options(joinedload(MeetingSignup.user)).order_by(MeetingSignup.id)))


# --- public notes ----------------------------------------------------------------------------------------------

def set_notes_public(meeting: Meeting, public: bool, actor, now: datetime | None = None) -> None:
    require("panels.manage", actor)
    meeting = lock(Meeting, meeting.id)
    if public:
        if meeting.cancelled_at is not None:
            raise RuleError(f"{CANCELLED} It has no notes to publish.", field="public")
        if meeting.note_published_at is None:
            raise RuleError("Publish the note to the panel first, then to the public", field="public")
        meeting.note_public_at = meeting.note_public_at or now or utcnow()
    else:
        meeting.note_public_at = None
    db.session.flush()
    record(actor, "panels.meeting.public" if public else "panels.meeting.private", meeting, None, {"public": public})


def public_meetings() -> list[Meeting]:
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.note_public_at.is_not(None), Meeting.cancelled_at.is_(None))
        .options(joinedload(Meeting.panel)).order_by(Meeting.starts_at.desc())))


def public_meeting(meeting_id: int) -> Meeting | None:
    """A meeting whose notes are public, with its agenda (no one's names are loaded)."""
    meeting = db.session.get(Meeting, meeting_id, options=[joinedload(Meeting.panel),
                                                           selectinload(Meeting.agenda_items)])
    if meeting is None or not read_public_meeting(None, meeting):
        return None
    return meeting


def public_note(meeting: Meeting) -> str:
    return redaction.redact(meeting.note, redaction.phrases_for("meeting", [meeting.id]).get(meeting.id, []))


def note_for(meeting: Meeting, user) -> str:
    """Staff read the note as written; members and the public with redactions applied (a note has no author)."""
    return meeting.note if _staff(user) else public_note(meeting)


def public_papers(meeting: Meeting):
    """The papers the public may download: the meeting's own and those of agenda items that are not hidden."""
    own, by_item = papers.papers_of(meeting)
    return own, {item.id: by_item[item.id] for item in meeting.agenda_items if item.hidden_at is None}


# --- the calendar feed -----------------------------------------------------------------------------------------

def set_public_calendar(panel: Panel, public: bool, actor) -> None:
    require("panels.manage", actor)
    panel.public_meetings = public
    db.session.flush()
    record(actor, "panels.panel.calendar", panel, None, {"public": public})


def calendar(panel: Panel, now: datetime | None = None) -> str:
    """The panel's meetings as RFC 5545 text. Only what anyone may know: the panel, the time, in person or online,
    whether it is cancelled and, once public, a link to the notes. Never the place, the agenda or anyone's name."""
    now = now or utcnow()
    base = current_app.config["BASE_URL"].rstrip("/")
    host = urlsplit(base).hostname or "livesafe"
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.panel_id == panel.id,
                                                           Meeting.starts_at >= now - FEED_HISTORY)
                                  .order_by(Meeting.starts_at))
    events = []
    for meeting in meetings:
        cancelled = meeting.cancelled_at is not None
        how = MEETING_MODES.get(meeting.mode, "")
        about = (f"{how}. This meeting is cancelled." if cancelled else
                 f"{how}. Members of the panel find the place and the agenda on Live Safe.")
        url = (f"{base}/panel-meetings/{meeting.id}" if read_public_meeting(None, meeting)
               else f"{base}{meeting_path(meeting)}")
        events.append([
            f"UID:panel-meeting-{meeting.id}@{host}",
            f"DTSTAMP:{ics.utc_time(now)}",
            f"DTSTART:{ics.utc_time(meeting.starts_at)}",
            f"SEQUENCE:{meeting.sequence}",
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            f"SUMMARY:{ics.escape(('Cancelled: ' if cancelled else '') + panel.name + ' meeting')}",
            f"DESCRIPTION:{ics.escape(about)}",
            f"LOCATION:{ics.escape(how)}",
            f"URL:{url}",
        ])
    return ics.calendar(f"{panel.name} meetings", "Panel meetings", events)


# --- demo data -------------------------------------------------------------------------------------------------

def load_demo(panel: Panel, past: Meeting, upcoming: Meeting, staff, members: list) -> None:
    """The demo's City panel: a public calendar; the past meeting's notes public with a redacted passage; answers
    to the upcoming meeting; and a cancelled meeting. Called once by demo.load (which does nothing the second time)."""
    set_public_calendar(panel, True, staff)
    private = "Mrs Okafor from Mere Road"
    publish_note(past, past.note + f"\n{private} told us her son was followed home twice last month.", staff,
                 now=past.note_published_at)
    redaction.add(past, private, staff)
    set_notes_public(past, True, staff, now=past.note_published_at)
    for member, coming in zip(members, (True, False)):
        set_signup(upcoming, member, coming)
    later = add_meeting(panel, upcoming.starts_at + timedelta(days=28), "in_person", "Community room, Highfields Centre",
                        staff)
    cancel_meeting(later, staff, "The Highfields Centre is closed for repairs. We will set a new date soon.")
