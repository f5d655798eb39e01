"""The rules of community panels, as plain functions.

Functions add to the session and leave the commit to the caller, except
`set_support`, which commits itself because the database's unique
constraint is what keeps concurrent clicks honest.
"""
import statistics
import time
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.mail.logic import queue
from livesafe.panels.models import (
    AgendaItem,
    Asset,
    Comment,
    Feedback,
    FeedbackArea,
    FeedbackEvent,
    Meeting,
    Panel,
    PanelMember,
    Report,
    Support,
)
from livesafe.clock import format_london, to_london, utcnow


class NotAllowed(Exception):
    """A rule refuses the change; the message says why, in words for the person asking."""


# --- Choices -----------------------------------------------------------------------------------

# What a piece of feedback concerns: the unit's workstreams, the interventions it funds, and more.
CONCERNS = {
    "hub": "Live Safe resource hub, workshops and webinars",
    "grants": "Community grants",
    "panels": "Community panels",
    "surveys": "Youth and community surveys",
    "mvp": "Mentors in Violence Prevention (MVP)",
    "reach": "The Reach Programme",
    "early_intervention": "Early Intervention Service",
    "community_mentoring": "Community Mentoring Project",
    "up": "Unlocking Potential (UP)",
    "vip": "Violence Intervention Project (VIP)",
    "phoenix": "The Phoenix Programme",
    "campaigns": "Campaigns",
    "data": "Data and evidence",
    "other": "Other",
}

AREAS = {
    "leicester": "Leicester",
    "blaby": "Blaby",
    "charnwood": "Charnwood",
    "harborough": "Harborough",
    "hinckley-and-bosworth": "Hinckley and Bosworth",
    "melton": "Melton",
    "north-west-leicestershire": "North West Leicestershire",
    "oadby-and-wigston": "Oadby and Wigston",
    "rutland": "Rutland",
}

URGENCY = {
    "low": "Not urgent",
    "medium": "Needs attention in the next few weeks",
    "high": "Urgent: needs attention now",
}

ASSET_KINDS = {
    "youth_club": "Youth club",
    "sports_club": "Sports club",
    "faith_group": "Faith group",
    "community_group": "Community group",
    "safe_space": "Safe space",
    "mentoring": "Mentoring",
    "other": "Other",
}

MEETING_MODES = {"in_person": "In person", "online": "Online"}

REPORT_REASONS = {"abusive": "Abusive", "off_topic": "Off-topic"}

# --- The feedback workflow: one table --------------------------------------------------------

DRAFT = "draft"
RECEIVED = "received"
UNDER_REVIEW = "under_review"
RESPONSE_PUBLISHED = "response_published"
ACTION_AGREED = "action_agreed"
DONE = "done"
NOT_TAKEN_FORWARD = "not_taken_forward"

STATES = {
    DRAFT: "Draft",
    RECEIVED: "Received",
    UNDER_REVIEW: "Under review",
    RESPONSE_PUBLISHED: "Response published",
    ACTION_AGREED: "Action agreed",
    DONE: "Done",
    NOT_TAKEN_FORWARD: "Not taken forward",
}

TRANSITIONS = {
    DRAFT: (RECEIVED,),  # the author submits
    RECEIVED: (UNDER_REVIEW, NOT_TAKEN_FORWARD),
    UNDER_REVIEW: (RESPONSE_PUBLISHED, NOT_TAKEN_FORWARD),
    RESPONSE_PUBLISHED: (ACTION_AGREED, NOT_TAKEN_FORWARD),
    ACTION_AGREED: (DONE,),
    DONE: (),
    NOT_TAKEN_FORWARD: (),
}

# The unit has answered: a response, or a reasoned "not taken forward".
ANSWERED = (RESPONSE_PUBLISHED, ACTION_AGREED, DONE, NOT_TAKEN_FORWARD)
# Waiting for the unit's answer: these can become overdue.
AWAITING_ANSWER = (RECEIVED, UNDER_REVIEW)
OPEN = (RECEIVED, UNDER_REVIEW, RESPONSE_PUBLISHED, ACTION_AGREED)


def london_today() -> date:
    return to_london(utcnow()).date()


def _link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


# --- Panels and membership ------------------------------------------------------------------


def create_panel(name: str, description: str, actor) -> Panel:
    name = name.strip()
    if db.session.scalar(sa.select(Panel.id).where(sa.func.lower(Panel.name) == name.lower())):
        raise NotAllowed("A panel with this name already exists")
    panel = Panel(name=name, description=description.strip())
    db.session.add(panel)
    db.session.flush()
    record(actor, "panels.panel.create", panel, None, {"name": panel.name})
    return panel


def is_member(panel_id: int, user) -> bool:
    if not (user and user.is_authenticated):
        return False
    return db.session.scalar(
        sa.select(PanelMember.id).where(PanelMember.panel_id == panel_id, PanelMember.user_id == user.id)
    ) is not None


def panels_of(user) -> list[Panel]:
    return list(
        db.session.scalars(
            sa.select(Panel).join(PanelMember).where(PanelMember.user_id == user.id).order_by(Panel.name)
        )
    )


def all_panels() -> list[Panel]:
    return list(db.session.scalars(sa.select(Panel).order_by(Panel.name)))


def can_see_panel(panel: Panel, user) -> bool:
    return user.is_staff or is_member(panel.id, user)


def add_member(panel: Panel, email: str, actor) -> PanelMember:
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or user.role != roles.PANEL_MEMBER:
        raise NotAllowed("There is no panel member account with this e-mail address. An admin can invite them first.")
    if is_member(panel.id, user):
        raise NotAllowed("This person is already a member of the panel")
    membership = PanelMember(panel_id=panel.id, user_id=user.id)
    db.session.add(membership)
    db.session.flush()
    record(actor, "panels.member.add", panel, None, {"user_id": user.id})
    return membership


def remove_member(panel: Panel, user_id: int, actor) -> None:
    membership = db.session.scalar(
        sa.select(PanelMember).where(PanelMember.panel_id == panel.id, PanelMember.user_id == user_id)
    )
    if membership is None:
        raise NotAllowed("This person is not a member of the panel")
    db.session.delete(membership)
    record(actor, "panels.member.remove", panel, {"user_id": user_id}, None)


# --- Meetings ----------------------------------------------------------------------------------

DEFAULT_AGENDA_NOTICE = timedelta(days=2)


def add_meeting(panel: Panel, starts_at: datetime, mode: str, place: str, actor,
                agenda_cutoff_at: datetime | None = None) -> Meeting:
    if mode not in MEETING_MODES:
        raise NotAllowed("Choose in person or online")
    cutoff = agenda_cutoff_at or starts_at - DEFAULT_AGENDA_NOTICE
    if cutoff > starts_at:
        raise NotAllowed("The agenda must close before the meeting starts")
    meeting = Meeting(panel_id=panel.id, starts_at=starts_at, mode=mode, place=place.strip(), agenda_cutoff_at=cutoff)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "panels.meeting.create", meeting, None, {"panel_id": panel.id, "starts_at": starts_at.isoformat()})
    return meeting


def upcoming_meetings(panel_ids: list[int], now: datetime | None = None) -> list[Meeting]:
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.panel_id.in_(panel_ids), Meeting.starts_at >= now).order_by(Meeting.starts_at)
    ))


def past_meetings(panel_ids: list[int], now: datetime | None = None) -> list[Meeting]:
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.panel_id.in_(panel_ids), Meeting.starts_at < now)
        .order_by(Meeting.starts_at.desc())
    ))


def agenda_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return (now or utcnow()) < meeting.agenda_cutoff_at


def add_agenda_item(meeting: Meeting, user, title: str, detail: str, now: datetime | None = None) -> AgendaItem:
    if not (user.is_staff or is_member(meeting.panel_id, user)):
        raise PermissionError("only the panel's members and staff add agenda items")
    if not agenda_open(meeting, now):
        raise NotAllowed(f"The agenda closed on {format_london(meeting.agenda_cutoff_at)}. Raise it at the meeting or as feedback.")
    item = AgendaItem(meeting_id=meeting.id, title=title.strip(), detail=detail.strip(), added_by_id=user.id)
    db.session.add(item)
    db.session.flush()
    record(user, "panels.agenda.add", item, None, {"meeting_id": meeting.id})
    return item


def publish_note(meeting: Meeting, note: str, actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    if now < meeting.starts_at:
        raise NotAllowed("A note can be published once the meeting has started")
    if not note.strip():
        raise NotAllowed("Enter what was discussed and agreed")
    before = {"note": meeting.note}
    meeting.note = note.strip()
    meeting.note_published_at = meeting.note_published_at or now
    record(actor, "panels.meeting.note", meeting, before, {"note": meeting.note})


# --- Feedback: drafting and visibility ----------------------------------------------------------


def set_feedback_fields(feedback: Feedback, *, title: str, concerns: str, areas: list[str], what_seen: str,
                        recommendation: str, urgency: str, show_name: bool) -> None:
    if feedback.state != DRAFT:
        raise NotAllowed("Feedback can only be changed while it is a draft")
    if concerns and concerns not in CONCERNS:
        raise NotAllowed("Choose what it concerns from the list")
    if urgency and urgency not in URGENCY:
        raise NotAllowed("Choose how urgent it is from the list")
    unknown = set(areas) - set(AREAS)
    if unknown:
        raise NotAllowed("Choose areas from the list")
    feedback.title = title.strip()
    feedback.concerns = concerns
    feedback.what_seen = what_seen.strip()
    feedback.recommendation = recommendation.strip()
    feedback.urgency = urgency
    feedback.show_name = bool(show_name)
    wanted = sorted(set(areas))
    if feedback.area_keys != wanted:
        feedback.areas = [FeedbackArea(area=area) for area in wanted]


def start_draft(panel: Panel, author, **fields) -> Feedback:
    if not is_member(panel.id, author):
        raise PermissionError("only the panel's members raise feedback in it")
    feedback = Feedback(panel_id=panel.id, author_id=author.id, state=DRAFT)
    db.session.add(feedback)
    set_feedback_fields(feedback, **fields)
    db.session.flush()
    return feedback


def missing_for_submission(feedback: Feedback) -> list[str]:
    """What a draft still needs before it can be submitted, in words."""
    missing = []
    if not feedback.title:
        missing.append("Enter a title")
    if not feedback.concerns:
        missing.append("Choose what it concerns")
    if not feedback.areas:
        missing.append("Choose at least one area it affects")
    if not feedback.what_seen:
        missing.append("Say what you have seen or heard")
    if not feedback.recommendation:
        missing.append("Say what you recommend")
    if not feedback.urgency:
        missing.append("Choose how urgent it is")
    return missing


def can_view(feedback: Feedback, user) -> bool:
    """Drafts are the author's alone; hidden items the author's and staff's; the rest the panel's and staff's."""
    if not (user and user.is_authenticated):
        return False
    if feedback.author_id == user.id:
        return True
    if feedback.state == DRAFT:
        return False
    if user.is_staff:
        return True
    return feedback.hidden_at is None and is_member(feedback.panel_id, user)


def is_public(feedback: Feedback) -> bool:
    return feedback.public and feedback.hidden_at is None and feedback.state in ANSWERED


def can_report(feedback: Feedback, user) -> bool:
    """Anyone signed in can report what they can see: their panel's items, or a published item."""
    return bool(user and user.is_authenticated) and feedback.hidden_at is None and (
        can_view(feedback, user) or is_public(feedback)
    )


def can_support(feedback: Feedback, user) -> bool:
    return (
        feedback.state != DRAFT
        and feedback.hidden_at is None
        and feedback.author_id != user.id
        and is_member(feedback.panel_id, user)
    )


def can_comment(feedback: Feedback, user) -> bool:
    return feedback.state != DRAFT and feedback.hidden_at is None and (
        user.is_staff or is_member(feedback.panel_id, user)
    )


def public_name(feedback: Feedback) -> str | None:
    """The author's name for the public page, only with their consent (never their e-mail address)."""
    if feedback.show_name and feedback.author.name:
        return feedback.author.name
    return None


def feedback_of_panel(panel_id: int) -> list[Feedback]:
    return list(db.session.scalars(
        sa.select(Feedback)
        .where(Feedback.panel_id == panel_id, Feedback.state != DRAFT, Feedback.hidden_at.is_(None))
        .order_by(Feedback.submitted_at.desc())
    ))


def feedback_by(user) -> list[Feedback]:
    return list(db.session.scalars(
        sa.select(Feedback).where(Feedback.author_id == user.id).order_by(Feedback.created_at.desc())
    ))


# --- Feedback: the workflow --------------------------------------------------------------------


def allowed_next(feedback: Feedback) -> tuple[str, ...]:
    return TRANSITIONS[feedback.state]


def _people_to_tell(feedback: Feedback) -> list[User]:
    supporters = db.session.scalars(
        sa.select(User).join(Support, Support.user_id == User.id).where(Support.feedback_id == feedback.id)
    )
    people = {feedback.author.id: feedback.author}
    for user in supporters:
        people.setdefault(user.id, user)
    return [user for user in people.values() if user.active]


def _notify_state(feedback: Feedback, note: str) -> None:
    label = STATES[feedback.state]
    link = _link(f"/panels/feedback/{feedback.id}")
    for user in _people_to_tell(feedback):
        if feedback.state == RECEIVED:
            subject = "We have received your panel feedback"
            lead = f"Thank you. We have received \"{feedback.title}\" and will respond."
        else:
            subject = f"Panel feedback update: {label}"
            lead = f"\"{feedback.title}\" is now: {label}."
        body = lead + (f"\n\n{note}" if note else "") + f"\n\nSee the timeline: {link}\n"
        queue(user.email, subject, body)


def change_state(feedback: Feedback, to: str, actor, note: str = "", response: str | None = None,
                 now: datetime | None = None) -> FeedbackEvent:
    """The one place feedback changes state: checks the table, who may do it, and what each state needs."""
    now = now or utcnow()
    note = (note or "").strip()
    before = feedback.state
    if to not in TRANSITIONS.get(before, ()):
        raise NotAllowed(f"Feedback that is {STATES[before].lower()} cannot become {STATES.get(to, to).lower()}")
    if before == DRAFT:
        if actor.id != feedback.author_id:
            raise PermissionError("only the author submits their feedback")
        missing = missing_for_submission(feedback)
        if missing:
            raise NotAllowed(missing[0])
        feedback.submitted_at = now
    elif not actor.is_staff:
        raise PermissionError("only staff move feedback through its review")
    if to == RESPONSE_PUBLISHED:
        response = (response or "").strip()
        if not response:
            raise NotAllowed("Write the response before publishing it")
        feedback.response = response
    if to == NOT_TAKEN_FORWARD:
        if not note:
            raise NotAllowed("Give the reason it is not being taken forward")
        feedback.decision_reason = note
    if to in ANSWERED and feedback.answered_at is None:
        feedback.answered_at = now
    feedback.state = to
    event = FeedbackEvent(feedback_id=feedback.id, from_state=before, to_state=to, note=note, actor_id=actor.id, at=now)
    db.session.add(event)
    record(actor, "panels.feedback.state", feedback, {"state": before}, {"state": to, "note": note})
    _notify_state(feedback, note)
    return event


def submit(feedback: Feedback, author, now: datetime | None = None) -> FeedbackEvent:
    return change_state(feedback, RECEIVED, author, now=now)


def assign(feedback: Feedback, owner_id: int | None, deadline: date | None, actor) -> None:
    """Staff set who owns the answer and by when."""
    if not actor.is_staff:
        raise PermissionError("only staff assign feedback")
    if feedback.state == DRAFT:
        raise NotAllowed("A draft cannot be assigned")
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner_id and (owner is None or not owner.is_staff or not owner.active):
        raise NotAllowed("The owner must be an active member of staff")
    before = {"owner_id": feedback.owner_id, "deadline": feedback.response_deadline and feedback.response_deadline.isoformat()}
    changed_owner = owner is not None and owner.id != feedback.owner_id
    feedback.owner_id = owner.id if owner else None
    feedback.response_deadline = deadline
    after = {"owner_id": feedback.owner_id, "deadline": deadline and deadline.isoformat()}
    record(actor, "panels.feedback.assign", feedback, before, after)
    if changed_owner and owner.id != actor.id:
        due = f" Please respond by {deadline.strftime('%-d %B %Y')}." if deadline else ""
        queue(owner.email, "Panel feedback assigned to you",
              f"You now own the response to \"{feedback.title}\".{due}\n\n{_link(f'/panels/feedback/{feedback.id}/triage')}\n")


def is_overdue(feedback: Feedback, today: date | None = None) -> bool:
    """The deadline has passed and the unit has not answered yet."""
    today = today or london_today()
    return (
        feedback.response_deadline is not None
        and feedback.response_deadline < today
        and feedback.state in AWAITING_ANSWER
    )


def overdue_feedback(today: date | None = None) -> list[Feedback]:
    today = today or london_today()
    return list(db.session.scalars(
        sa.select(Feedback)
        .where(Feedback.response_deadline < today, Feedback.state.in_(AWAITING_ANSWER))
        .order_by(Feedback.response_deadline)
    ))


def set_public(feedback: Feedback, public: bool, actor, now: datetime | None = None) -> None:
    """Staff publish an answered item and its response on "You said, we did" (or take it down)."""
    if not actor.is_staff:
        raise PermissionError("only staff publish feedback")
    if public:
        if feedback.state not in ANSWERED:
            raise NotAllowed("Only an answered item can be published: publish a response first")
        if feedback.hidden_at is not None:
            raise NotAllowed("A hidden item cannot be published")
    if feedback.public == public:
        return
    feedback.public = public
    if public and feedback.published_at is None:
        feedback.published_at = now or utcnow()
        queue(feedback.author.email, "Your panel feedback is now public",
              f"\"{feedback.title}\" and our response are now on \"You said, we did\": {_link('/you-said-we-did')}\n"
              + ("Your name is shown, as you chose.\n" if public_name(feedback) else "Your name is not shown.\n"))
    record(actor, "panels.feedback.publish", feedback, {"public": not public}, {"public": public})


# --- Supports and comments ---------------------------------------------------------------------


def support_count(feedback_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Support.id)).where(Support.feedback_id == feedback_id))


def supports(feedback_id: int, user) -> bool:
    return db.session.scalar(
        sa.select(Support.id).where(Support.feedback_id == feedback_id, Support.user_id == user.id)
    ) is not None


def set_support(feedback: Feedback, user, wanted: bool) -> bool:
    """Support or withdraw support; commits. Idempotent, so a double click or a race cannot double-count.

    The unique constraint on (feedback_id, user_id) decides between concurrent inserts;
    the loser's IntegrityError means "already supported", which is what it asked for.
    """
    if not can_support(feedback, user):
        raise PermissionError("only other members of the panel support an item")
    feedback_id, user_id = feedback.id, user.id
    if wanted:
        try:
            db.session.add(Support(feedback_id=feedback_id, user_id=user_id))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    else:
        db.session.execute(sa.delete(Support).where(Support.feedback_id == feedback_id, Support.user_id == user_id))
        db.session.commit()
    return wanted


def add_comment(feedback: Feedback, user, body: str) -> Comment:
    if not can_comment(feedback, user):
        raise PermissionError("only the panel's members and staff comment")
    body = body.strip()
    if not body:
        raise NotAllowed("Enter your comment")
    comment = Comment(feedback_id=feedback.id, author_id=user.id, body=body)
    db.session.add(comment)
    return comment


def visible_comments(feedback_id: int) -> list[Comment]:
    return list(db.session.scalars(
        sa.select(Comment).where(Comment.feedback_id == feedback_id, Comment.hidden_at.is_(None)).order_by(Comment.id)
    ))


# --- Moderation --------------------------------------------------------------------------------


def report(user, feedback: Feedback, reason: str, detail: str = "", comment: Comment | None = None) -> Report:
    if not can_report(feedback, user):
        raise PermissionError("you can only report what you can see")
    if comment is not None and (comment.feedback_id != feedback.id or comment.hidden_at is not None):
        raise PermissionError("that comment is not on this item")
    if reason not in REPORT_REASONS:
        raise NotAllowed("Choose why you are reporting it")
    if comment is not None and not can_view(feedback, user):
        raise PermissionError("comments are only seen by the panel")
    entry = Report(feedback_id=feedback.id, comment_id=comment.id if comment else None, reporter_id=user.id,
                   reason=reason, detail=detail.strip())
    db.session.add(entry)
    return entry


def open_reports() -> list[Report]:
    return list(db.session.scalars(sa.select(Report).where(Report.resolved_at.is_(None)).order_by(Report.id)))


def _resolve(entry: Report, actor, outcome: str, now: datetime) -> None:
    entry.resolved_at = now
    entry.resolved_by_id = actor.id
    entry.outcome = outcome


def hide(entry: Report, reason: str, actor, now: datetime | None = None) -> None:
    """Hide the reported item or comment, tell its author why, and close every open report on it."""
    if not actor.is_staff:
        raise PermissionError("only staff moderate")
    reason = reason.strip()
    if not reason:
        raise NotAllowed("Give the reason for hiding it; the author is told")
    now = now or utcnow()
    target = entry.comment or entry.feedback
    if target.hidden_at is not None:
        raise NotAllowed("It is already hidden")
    target.hidden_at, target.hidden_reason, target.hidden_by_id = now, reason, actor.id
    record(actor, "panels.moderation.hide", target, None, {"reason": reason})
    what = "your comment on" if entry.comment else "your panel feedback"
    queue(target.author.email, "Something you wrote has been hidden",
          f"A moderator has hidden {what} \"{entry.feedback.title}\".\n\nReason: {reason}\n\n"
          "If you think this is a mistake, reply to the panel's staff contact.\n")
    same_target = sa.select(Report).where(Report.resolved_at.is_(None), Report.feedback_id == entry.feedback_id)
    same_target = same_target.where(
        Report.comment_id == entry.comment_id if entry.comment_id else Report.comment_id.is_(None)
    )
    for other in db.session.scalars(same_target):
        _resolve(other, actor, "hidden", now)
    _resolve(entry, actor, "hidden", now)


def dismiss(entry: Report, actor, now: datetime | None = None) -> None:
    if not actor.is_staff:
        raise PermissionError("only staff moderate")
    _resolve(entry, actor, "dismissed", now or utcnow())
    record(actor, "panels.moderation.dismiss", entry, None, {"outcome": "dismissed"})


# --- "You said, we did" -------------------------------------------------------------------------


PUBLIC_PAGE_SIZE = 20


def _public_query(area: str, concerns: str, state: str):
    """Published items only: public, answered and not hidden."""
    query = sa.select(Feedback).where(
        Feedback.public.is_(True), Feedback.hidden_at.is_(None), Feedback.state.in_(ANSWERED)
    )
    if area:
        query = query.where(Feedback.areas.any(FeedbackArea.area == area))
    if concerns:
        query = query.where(Feedback.concerns == concerns)
    if state:
        query = query.where(Feedback.state == state)
    return query


def public_feedback(area: str = "", concerns: str = "", state: str = "", page: int = 1,
                    per_page: int | None = None) -> list[Feedback]:
    """Published items, newest first; a page of them when per_page is given."""
    query = _public_query(area, concerns, state).order_by(Feedback.published_at.desc(), Feedback.id.desc())
    if per_page:
        query = query.limit(per_page).offset((max(page, 1) - 1) * per_page)
    # Everything the page shows, loaded in a few queries rather than a few per item.
    query = query.options(selectinload(Feedback.areas), selectinload(Feedback.events),
                          joinedload(Feedback.author), joinedload(Feedback.panel))
    return list(db.session.scalars(query))


def count_public_feedback(area: str = "", concerns: str = "", state: str = "") -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_public_query(area, concerns, state).subquery()))


# --- The staff dashboard -----------------------------------------------------------------------


def open_counts() -> dict[tuple[int, str], int]:
    """Open items by (panel_id, state)."""
    rows = db.session.execute(
        sa.select(Feedback.panel_id, Feedback.state, sa.func.count(Feedback.id))
        .where(Feedback.state.in_(OPEN))
        .group_by(Feedback.panel_id, Feedback.state)
    )
    return {(panel_id, state): count for panel_id, state, count in rows}


def median_days_to_first_response() -> float | None:
    rows = db.session.execute(
        sa.select(Feedback.submitted_at, Feedback.answered_at).where(Feedback.answered_at.is_not(None))
    )
    days = [(answered - submitted).total_seconds() / 86400 for submitted, answered in rows if submitted]
    return statistics.median(days) if days else None


def most_supported(limit: int = 5) -> list[tuple[Feedback, int]]:
    count = sa.func.count(Support.id)
    rows = db.session.execute(
        sa.select(Feedback, count)
        .join(Support, Support.feedback_id == Feedback.id)
        .where(Feedback.hidden_at.is_(None))
        .group_by(Feedback.id)
        .order_by(count.desc(), Feedback.id)
        .limit(limit)
    )
    return [(feedback, supporters) for feedback, supporters in rows]


def triage_list(state: str = "", panel_id: int | None = None) -> list[Feedback]:
    query = sa.select(Feedback).where(Feedback.state != DRAFT)
    if state:
        query = query.where(Feedback.state == state)
    if panel_id:
        query = query.where(Feedback.panel_id == panel_id)
    query = query.options(joinedload(Feedback.panel), joinedload(Feedback.owner))
    return list(db.session.scalars(query.order_by(Feedback.submitted_at.desc())))


def staff_users() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role.in_(roles.STAFF_ROLES), User.active.is_(True)).order_by(User.name, User.email)
    ))


# --- Local assets ------------------------------------------------------------------------------


def add_asset(user, *, name: str, kind: str, district: str, description: str, min_age: int, max_age: int,
              opening_times: str, contact: str, website: str) -> Asset:
    if not (user.is_staff or user.role == roles.PANEL_MEMBER):
        raise PermissionError("panel members and staff add assets")
    if kind not in ASSET_KINDS:
        raise NotAllowed("Choose what kind of place it is")
    if district not in AREAS:
        raise NotAllowed("Choose the district")
    if min_age > max_age:
        raise NotAllowed("The youngest age must not be more than the oldest")
    asset = Asset(name=name.strip(), kind=kind, district=district, description=description.strip(),
                  min_age=min_age, max_age=max_age, opening_times=opening_times.strip(), contact=contact.strip(),
                  website=website.strip(), added_by_id=user.id)
    db.session.add(asset)
    db.session.flush()
    record(user, "panels.asset.add", asset, None, {"name": asset.name})
    return asset


def verify_asset(asset: Asset, actor, now: datetime | None = None) -> None:
    if not actor.is_staff:
        raise PermissionError("only staff verify assets")
    if asset.verified_at is not None:
        raise NotAllowed("This place is already verified")
    asset.verified_at = now or utcnow()
    asset.verified_by_id = actor.id
    record(actor, "panels.asset.verify", asset, {"verified": False}, {"verified": True})
    current_app.extensions.pop("verified_assets_version", None)


def all_assets() -> list[Asset]:
    """Staff's list: unverified first, then by name."""
    return list(db.session.scalars(sa.select(Asset).order_by(Asset.verified_at.is_not(None), Asset.name)))


def assets_added_by(user) -> list[Asset]:
    return list(db.session.scalars(sa.select(Asset).where(Asset.added_by_id == user.id).order_by(Asset.name)))


def public_assets(district: str = "", kind: str = "", age: int | None = None) -> list[Asset]:
    query = sa.select(Asset).where(Asset.verified_at.is_not(None))
    if district:
        query = query.where(Asset.district == district)
    if kind:
        query = query.where(Asset.kind == kind)
    if age is not None:
        query = query.where(Asset.min_age <= age, Asset.max_age >= age)
    return list(db.session.scalars(query.order_by(Asset.name)))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_assets(query: str, limit: int = 5) -> list[Asset]:
    """Verified assets matching every word of the query in name, description, kind or district.

    Plain case-insensitive LIKE with the wildcards escaped, so any input is safe.
    Kinds and districts also match their labels ("youth club", "Hinckley").
    """
    printable = "".join(ch for ch in (query or "") if ch.isprintable())
    words = printable.lower().split()[:8]
    if not words or limit <= 0:
        return []
    conditions = []
    for word in words:
        pattern = f"%{_like_escape(word)}%"
        kinds = [key for key, label in ASSET_KINDS.items() if word in label.lower()]
        districts = [key for key, label in AREAS.items() if word in label.lower()]
        conditions.append(sa.or_(
            sa.func.lower(Asset.name).like(pattern, escape="\\"),
            sa.func.lower(Asset.description).like(pattern, escape="\\"),
            Asset.kind.in_(kinds),
            Asset.district.in_(districts),
        ))
    return list(db.session.scalars(
        sa.select(Asset).where(Asset.verified_at.is_not(None), *conditions).order_by(Asset.name).limit(limit)
    ))


ASSETS_VERSION_SECONDS = 10


def verified_assets_version() -> tuple:
    """Changes whenever an asset is verified, so cached search pages that list assets stay right.

    Looked up at most every few seconds per app (not on every cached page), and at once in the app
    that verified one: other instances see a new place within ASSETS_VERSION_SECONDS.
    """
    now = time.monotonic()
    cached = current_app.extensions.get("verified_assets_version")
    if cached and cached[0] > now:
        return cached[1]
    version = tuple(db.session.execute(
        sa.select(sa.func.count(Asset.id), sa.func.max(Asset.verified_at)).where(Asset.verified_at.is_not(None))
    ).one())
    current_app.extensions["verified_assets_version"] = (now + ASSETS_VERSION_SECONDS, version)
    return version
