"""The rules of community panels, as plain functions.

They add to the session and flush; they never commit (the request commits once, kernel/transactions.py).
A rule that says no raises the kernel's RuleError (422), Refused (403) or Conflict (409); who may do
what is in permissions.py; the feedback workflow is the table FEEDBACK, taken with `kernel.apply`.
"""
import re
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from livesafe import clock, places
from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.clock import format_london, london_to_utc, utcnow
from livesafe.extensions import db
from livesafe.kernel import (
    Conflict,
    RuleError,
    Step,
    Transition,
    Workflow,
    apply,
    require,
)
from livesafe.kernel.workflow import lock
from livesafe.mail.logic import queue
from livesafe.panels.models import (
    DEFAULT_RESPONSE_DAYS,
    AgendaItem,
    Appeal,
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
from livesafe.panels import following, redaction
from livesafe.panels.permissions import is_member, is_public  # noqa: F401 - part of this module's API

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

# --- The feedback workflow: states -----------------------------------------------------------

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

# The unit has answered: a response, or a reasoned "not taken forward".
ANSWERED = (RESPONSE_PUBLISHED, ACTION_AGREED, DONE, NOT_TAKEN_FORWARD)
# Waiting for the unit's answer: these can become overdue.
AWAITING_ANSWER = (RECEIVED, UNDER_REVIEW)
OPEN = (RECEIVED, UNDER_REVIEW, RESPONSE_PUBLISHED, ACTION_AGREED)
# States in which a response is published and can still be corrected along with the next step.
WITH_RESPONSE = (RESPONSE_PUBLISHED, ACTION_AGREED)


def _link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


# --- Panels and membership ------------------------------------------------------------------


def create_panel(name: str, description: str, actor) -> Panel:
    require("panels.manage", actor)
    name = name.strip()
    if db.session.scalar(sa.select(Panel.id).where(sa.func.lower(Panel.name) == name.lower())):
        raise RuleError("A panel with this name already exists", field="name")
    panel = Panel(name=name, description=description.strip())
    db.session.add(panel)
    db.session.flush()
    record(actor, "panels.panel.create", panel, None, {"name": panel.name})
    return panel


def panels_of(user) -> list[Panel]:
    return list(
        db.session.scalars(
            sa.select(Panel).join(PanelMember).where(PanelMember.user_id == user.id).order_by(Panel.name)
        )
    )


def all_panels() -> list[Panel]:
    return list(db.session.scalars(sa.select(Panel).order_by(Panel.name)))


def panel_with_members(panel_id: int) -> Panel | None:
    """A panel with its members and their accounts loaded together (the manage page lists them)."""
    return db.session.get(Panel, panel_id, options=[selectinload(Panel.memberships).joinedload(PanelMember.user)])


def add_member(panel: Panel, email: str, actor) -> PanelMember:
    require("panels.manage", actor)
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or user.role != roles.PANEL_MEMBER:
        raise RuleError("There is no panel member account with this e-mail address. An admin can invite them first.",
                        field="email")
    if is_member(panel.id, user):
        raise RuleError("This person is already a member of the panel", field="email")
    membership = PanelMember(panel_id=panel.id, user_id=user.id)
    db.session.add(membership)
    db.session.flush()
    record(actor, "panels.member.add", panel, None, {"user_id": user.id})
    return membership


def remove_member(panel: Panel, user_id: int, actor) -> None:
    require("panels.manage", actor)
    membership = db.session.scalar(
        sa.select(PanelMember).where(PanelMember.panel_id == panel.id, PanelMember.user_id == user_id)
    )
    if membership is None:
        raise Conflict("This person is not a member of the panel")
    db.session.delete(membership)
    db.session.flush()
    record(actor, "panels.member.remove", panel, {"user_id": user_id}, None)


# --- Meetings ----------------------------------------------------------------------------------

DEFAULT_AGENDA_NOTICE = timedelta(days=2)


def add_meeting(panel: Panel, starts_at: datetime, mode: str, place: str, actor,
                agenda_cutoff_at: datetime | None = None) -> Meeting:
    require("panels.manage", actor)
    if mode not in MEETING_MODES:
        raise RuleError("Choose in person or online", field="mode")
    cutoff = agenda_cutoff_at or starts_at - DEFAULT_AGENDA_NOTICE
    if cutoff > starts_at:
        raise RuleError("The agenda must close before the meeting starts", field="agenda_cutoff_at")
    meeting = Meeting(panel_id=panel.id, starts_at=starts_at, mode=mode, place=place.strip(), agenda_cutoff_at=cutoff)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "panels.meeting.create", meeting, None, {"panel_id": panel.id, "starts_at": starts_at.isoformat()})
    following.tell_meeting(meeting)
    return meeting


def meeting_with_agenda(meeting_id: int) -> Meeting | None:
    """A meeting with its panel, agenda items and who added each, loaded together."""
    return db.session.get(Meeting, meeting_id, options=[
        joinedload(Meeting.panel), selectinload(Meeting.agenda_items).joinedload(AgendaItem.added_by)])


def upcoming_meetings(panel_ids: list[int], now: datetime | None = None) -> list[Meeting]:
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.panel_id.in_(panel_ids), Meeting.starts_at >= now)
        .options(joinedload(Meeting.panel)).order_by(Meeting.starts_at)
    ))


def past_meetings(panel_ids: list[int], now: datetime | None = None) -> list[Meeting]:
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.panel_id.in_(panel_ids), Meeting.starts_at < now)
        .options(joinedload(Meeting.panel)).order_by(Meeting.starts_at.desc())
    ))


def agenda_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.cancelled_at is None and (now or utcnow()) < meeting.agenda_cutoff_at


def add_agenda_item(meeting: Meeting, user, title: str, detail: str, now: datetime | None = None) -> AgendaItem:
    require("panels.add_agenda_item", user, meeting)
    if meeting.cancelled_at is not None:
        raise RuleError("This meeting is cancelled, so nothing can be added to its agenda.", field="title")
    if not agenda_open(meeting, now):
        raise RuleError(f"The agenda closed on {format_london(meeting.agenda_cutoff_at)}. "
                        "Raise it at the meeting or as feedback.", field="title")
    item = AgendaItem(meeting_id=meeting.id, title=title.strip(), detail=detail.strip(), added_by_id=user.id)
    db.session.add(item)
    db.session.flush()
    record(user, "panels.agenda.add", item, None, {"meeting_id": meeting.id})
    return item


def publish_note(meeting: Meeting, note: str, actor, now: datetime | None = None) -> None:
    require("panels.manage", actor)
    now = now or utcnow()
    if meeting.cancelled_at is not None:
        raise RuleError("This meeting is cancelled, so it has no note.", field="note")
    if now < meeting.starts_at:
        raise RuleError("A note can be published once the meeting has started", field="note")
    if not note.strip():
        raise RuleError("Enter what was discussed and agreed", field="note")
    before = {"note": meeting.note}
    meeting.note = note.strip()
    meeting.note_published_at = meeting.note_published_at or now
    db.session.flush()
    record(actor, "panels.meeting.note", meeting, before, {"note": meeting.note})


# --- Feedback: drafting and visibility ----------------------------------------------------------


def set_feedback_fields(feedback: Feedback, *, title: str, concerns: str, areas: list[str], what_seen: str,
                        recommendation: str, urgency: str, show_name: bool) -> None:
    if feedback.state != DRAFT:
        raise Conflict("Feedback can only be changed while it is a draft")
    if concerns and concerns not in CONCERNS:
        raise RuleError("Choose what it concerns from the list", field="concerns")
    if urgency and urgency not in URGENCY:
        raise RuleError("Choose how urgent it is from the list", field="urgency")
    if set(areas) - set(places.KEYS):
        raise RuleError("Choose areas from the list", field="areas")
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
    require("panels.start_feedback", author, panel)
    feedback = Feedback(panel_id=panel.id, author_id=author.id, state=DRAFT)
    db.session.add(feedback)
    set_feedback_fields(feedback, **fields)
    db.session.flush()
    return feedback


def edit_draft(feedback: Feedback, author, **fields) -> None:
    require("panels.edit_draft", author, feedback)
    set_feedback_fields(feedback, **fields)
    db.session.flush()


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
    """The member's own items with their timelines (the list shows each one's last change)."""
    return list(db.session.scalars(
        sa.select(Feedback).where(Feedback.author_id == user.id)
        .options(selectinload(Feedback.events)).order_by(Feedback.created_at.desc())
    ))


# --- Feedback: the workflow table ----------------------------------------------------------------


def _complete(step: Step) -> None:
    missing = missing_for_submission(step.obj)
    if missing:
        raise RuleError(missing[0])


def _typed(step: Step, name: str) -> str:
    return (step.values.get(name) or "").strip()


# An accepted item (action agreed) always has someone answerable for it and a date to answer by.
NEEDS_OWNER_AND_DEADLINE = ("Before agreeing an action, choose its owner and set a deadline under "
                            "“Owner and deadline”, then agree it.")


def _check_response(step: Step) -> None:
    """A response typed with a state change is published, kept as a correction, or refused with a reason:
    never dropped. Publishing a response needs its text; "not taken forward" needs its reason."""
    action, typed = step.transition.action, step.values.get("response")
    if action == "agree" and (step.obj.owner_id is None or step.obj.response_deadline is None):
        raise RuleError(NEEDS_OWNER_AND_DEADLINE, field="action")
    if action == "respond" and not _typed(step, "response"):
        raise RuleError("Write the response before publishing it", field="response")
    if action == "decline" and not _typed(step, "note"):
        raise RuleError("Give the reason it is not being taken forward", field="note")
    if action == "respond" or typed is None or typed.strip() == (step.obj.response or ""):
        return
    if step.before not in WITH_RESPONSE:
        raise RuleError("A response is published with “Response published”. Choose that, or empty the "
                        "response box.", field="response")
    if not typed.strip():
        raise RuleError("A published response cannot be emptied. Correct it instead.", field="response")


def _sets(step: Step) -> dict:
    changes = {}
    response = step.values.get("response")
    if response is not None and response.strip() and (
            step.transition.action == "respond" or step.before in WITH_RESPONSE):
        changes["response"] = response.strip()  # published, or corrected in the same step
    if step.transition.action == "submit":
        changes["submitted_at"] = step.now
    if step.transition.action == "decline":
        changes["decision_reason"] = _typed(step, "note")
    if step.transition.target in ANSWERED and step.obj.answered_at is None:
        changes["answered_at"] = step.now
    return changes


def _people_to_tell(feedback: Feedback) -> list[User]:
    """The author and every supporter; only the author while the item is hidden (others cannot open it)."""
    if feedback.hidden_at is not None:
        return [feedback.author] if feedback.author.active else []
    supporters = db.session.scalars(
        sa.select(User).join(Support, Support.user_id == User.id).where(Support.feedback_id == feedback.id)
    )
    people = {feedback.author.id: feedback.author}
    for user in supporters:
        people.setdefault(user.id, user)
    return [user for user in people.values() if user.active]


def _timeline_and_tell(step: Step) -> None:
    """Runs only once the state has changed (after the compare-and-set): the timeline entry and the
    e-mails are written in the same transaction as the state, so they cannot disagree with it."""
    feedback, note = step.obj, _typed(step, "note")
    event = FeedbackEvent(feedback_id=feedback.id, from_state=step.before, to_state=step.transition.target,
                          note=note, actor_id=step.user.id, at=step.now)
    db.session.add(event)
    label = STATES[feedback.state]
    link = _link(f"/panels/feedback/{feedback.id}")
    cut = redaction.phrases_for("feedback", [feedback.id]).get(feedback.id, [])
    for user in _people_to_tell(feedback):
        # Supporters read what other members see: the redacted words.
        title, said = ((feedback.title, note) if user.id == feedback.author_id
                       else (redaction.redact(feedback.title, cut), redaction.redact(note, cut)))
        if feedback.state == RECEIVED:
            subject = "We have received your panel feedback"
            lead = f"Thank you. We have received \"{title}\" and will respond."
        else:
            subject = f"Panel feedback update: {label}"
            lead = f"\"{title}\" is now: {label}."
        body = lead + (f"\n\n{said}" if said else "") + f"\n\nSee the timeline: {link}\n"
        queue(user.email, subject, body)
    db.session.flush()
    following.tell_followers(feedback, "state", event.id, actor_id=step.user.id,
                             already_told={user.id for user in _people_to_tell(feedback)}, now=step.now)


def _step(action, sources, target, permission, label):
    return Transition(action, sources, target, permission, label, guard=_check_response if action != "submit" else
                      _complete, sets=_sets, notify=_timeline_and_tell)


FEEDBACK = Workflow(
    name="panels.feedback",
    model=Feedback,
    noun="item",
    labels=STATES,
    transitions=(
        _step("submit", (DRAFT,), RECEIVED, "panels.submit_feedback", "Submit"),
        _step("review", (RECEIVED,), UNDER_REVIEW, "panels.triage", "Under review"),
        _step("respond", (UNDER_REVIEW,), RESPONSE_PUBLISHED, "panels.triage", "Response published"),
        _step("agree", (RESPONSE_PUBLISHED,), ACTION_AGREED, "panels.triage", "Action agreed"),
        _step("finish", (ACTION_AGREED,), DONE, "panels.triage", "Done"),
        _step("decline", (RECEIVED, UNDER_REVIEW, RESPONSE_PUBLISHED), NOT_TAKEN_FORWARD, "panels.triage",
              "Not taken forward"),
    ),
)
# What staff choose from on the triage page (submitting is the author's).
STAFF_ACTIONS = tuple(t for t in FEEDBACK.transitions if t.permission == "panels.triage")


def move(feedback: Feedback, action: str, actor, *, note: str = "", response: str | None = None,
         now: datetime | None = None, seen: str | None = None) -> Step:
    """Take one step of the table: permission, state, what the step needs, a compare-and-set on the state
    (two people at once: one wins, the other gets a Conflict), the timeline, the audit and the e-mails.
    `seen`: the state the staff member's page showed."""
    return apply(FEEDBACK, feedback, action, actor, now=now, seen=seen, note=note or "", response=response)


def submit(feedback: Feedback, author, now: datetime | None = None) -> Step:
    return move(feedback, "submit", author, now=now)


def assign(feedback: Feedback, owner_id: int | None, deadline: date | None, actor) -> None:
    """Staff set who owns the answer and by when (no deadline: the default, DEFAULT_RESPONSE_DAYS after receipt)."""
    require("panels.triage", actor, feedback)
    owner = db.session.get(User, owner_id) if owner_id else None
    if owner_id and (owner is None or not owner.is_staff or not owner.active):
        raise RuleError("The owner must be an active member of staff", field="owner_id")
    before = {"owner_id": feedback.owner_id, "deadline": feedback.response_deadline and feedback.response_deadline.isoformat()}
    changed_owner = owner is not None and owner.id != feedback.owner_id
    feedback.owner_id = owner.id if owner else None
    feedback.response_deadline = deadline
    db.session.flush()
    after = {"owner_id": feedback.owner_id, "deadline": deadline and deadline.isoformat()}
    record(actor, "panels.feedback.assign", feedback, before, after)
    if changed_owner and owner.id != actor.id:
        due = f" Please respond by {feedback.due_on.strftime('%-d %B %Y')}." if feedback.due_on else ""
        queue(owner.email, "Panel feedback assigned to you",
              f"You now own the response to \"{feedback.title}\".{due}\n\n{_link(f'/panels/feedback/{feedback.id}/triage')}\n")


def is_overdue(feedback: Feedback, today: date | None = None) -> bool:
    """Its due date (the deadline set, or the default) has passed and the unit has not answered yet."""
    today = today or clock.today()
    due = feedback.due_on
    return due is not None and due < today and feedback.state in AWAITING_ANSWER


def _due_before(today: date):
    """SQL for "due before today": the deadline set, or for items without one, received more than
    DEFAULT_RESPONSE_DAYS London days before today (the same rule as Feedback.due_on)."""
    received_by = london_to_utc(datetime.combine(today - timedelta(days=DEFAULT_RESPONSE_DAYS), clock_time()))
    return sa.or_(Feedback.response_deadline < today,
                  sa.and_(Feedback.response_deadline.is_(None), Feedback.submitted_at < received_by))


def overdue_feedback(today: date | None = None) -> list[Feedback]:
    today = today or clock.today()
    items = db.session.scalars(
        sa.select(Feedback).where(_due_before(today), Feedback.state.in_(AWAITING_ANSWER))
        .options(joinedload(Feedback.owner))
    )
    return sorted(items, key=lambda item: (item.due_on, item.id))


def set_public(feedback: Feedback, public: bool, actor, now: datetime | None = None) -> None:
    """Staff publish an answered item and its response on "You said, we did" (or take it down)."""
    require("panels.triage", actor, feedback)
    if public:
        if feedback.state not in ANSWERED:
            raise RuleError("Only an answered item can be published: publish a response first", field="public")
        if feedback.hidden_at is not None:
            raise RuleError("A hidden item cannot be published", field="public")
    if feedback.public == public:
        return
    feedback.public = public
    if public and feedback.published_at is None:
        feedback.published_at = now or utcnow()
        queue(feedback.author.email, "Your panel feedback is now public",
              f"\"{feedback.title}\" and our response are now on \"You said, we did\": {_link('/you-said-we-did')}\n"
              + ("Your name is shown, as you chose.\n" if public_name(feedback) else "Your name is not shown.\n"))
    db.session.flush()
    record(actor, "panels.feedback.publish", feedback, {"public": not public}, {"public": public})


def set_name_consent(feedback: Feedback, user, show: bool) -> None:
    """The author shows or withdraws their name on the public page at any time; the page reads it live."""
    require("panels.name_consent", user, feedback)
    if feedback.show_name == bool(show):
        return
    feedback.show_name = bool(show)
    db.session.flush()
    record(user, "panels.feedback.name_consent", feedback, {"show_name": not show}, {"show_name": bool(show)})


# --- Supports and comments ---------------------------------------------------------------------


def support_count(feedback_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Support.id)).where(Support.feedback_id == feedback_id))


def supports(feedback_id: int, user) -> bool:
    return db.session.scalar(
        sa.select(Support.id).where(Support.feedback_id == feedback_id, Support.user_id == user.id)
    ) is not None


def set_support(feedback: Feedback, user, wanted: bool) -> bool:
    """Support or withdraw support. Idempotent: the button posts the state it wants, so a double click or a
    race ends in the state asked for. The item's row is locked first, so two clicks at once take turns
    (the unique constraint on (feedback_id, user_id) stays as the last word)."""
    require("panels.support", user, feedback)
    lock(Feedback, feedback.id)
    have = supports(feedback.id, user)
    if wanted and not have:
        db.session.add(Support(feedback_id=feedback.id, user_id=user.id))
    elif have and not wanted:
        db.session.execute(sa.delete(Support).where(Support.feedback_id == feedback.id, Support.user_id == user.id))
    db.session.flush()
    return wanted


def add_comment(feedback: Feedback, user, body: str, parent_id: int | None = None) -> Comment:
    """A comment, or a reply to a top-level comment (following.reply checks the parent); followers are told."""
    require("panels.comment", user, feedback)
    body = body.strip()
    if not body:
        raise RuleError("Enter your comment", field="body")
    comment = Comment(feedback_id=feedback.id, author_id=user.id, body=body, parent_id=parent_id)
    db.session.add(comment)
    db.session.flush()
    following.tell_followers(feedback, "comment", comment.id, actor_id=user.id)
    return comment


def visible_comments(feedback_id: int) -> list[Comment]:
    return list(db.session.scalars(
        sa.select(Comment).where(Comment.feedback_id == feedback_id, Comment.hidden_at.is_(None))
        .options(joinedload(Comment.author)).order_by(Comment.id)
    ))


# --- Moderation --------------------------------------------------------------------------------

ALREADY_REPORTED = "You have already reported this. Staff will look at your report."


def _file_report(user, locked, target: dict, reason: str, detail: str) -> Report:
    """One open report per person per thing: the thing's row (or its item's) is locked before the check, so
    two reports sent at once by the same person cannot both be kept. Staff are alerted by e-mail."""
    if reason not in REPORT_REASONS:
        raise RuleError("Choose why you are reporting it", field="reason")
    lock(type(locked), locked.id)
    same = sa.select(Report.id).where(Report.reporter_id == user.id, Report.resolved_at.is_(None),
                                      *[getattr(Report, name) == value if value is not None
                                        else getattr(Report, name).is_(None) for name, value in target.items()])
    if db.session.scalar(same) is not None:
        raise Conflict(ALREADY_REPORTED, field="reason")
    entry = Report(**{name: value for name, value in target.items() if value is not None}, reporter_id=user.id,
                   reason=reason, detail=detail.strip())
    db.session.add(entry)
    db.session.flush()
    # Only a link: the reported words stay on the moderation page.
    for person in staff_users():
        queue(person.email, "New panel report to look at",
              f"Someone reported something as {REPORT_REASONS[reason].lower()}. See it: {_link('/panels/moderation')}\n")
    return entry


NO_TARGET = {"feedback_id": None, "comment_id": None, "agenda_item_id": None, "asset_id": None}


def report(user, feedback: Feedback, reason: str, detail: str = "", comment: Comment | None = None) -> Report:
    """Report an item, or one comment on it."""
    if comment is not None:
        if comment.feedback_id != feedback.id:
            raise Conflict("That comment is not on this item")
        require("panels.report_comment", user, comment)
    else:
        require("panels.report", user, feedback)
    target = {**NO_TARGET, "feedback_id": feedback.id, "comment_id": comment.id if comment else None}
    return _file_report(user, feedback, target, reason, detail)


def report_agenda_item(user, item: AgendaItem, reason: str, detail: str = "") -> Report:
    require("panels.report_agenda_item", user, item)
    return _file_report(user, item, {**NO_TARGET, "agenda_item_id": item.id}, reason, detail)


def report_asset(user, asset: Asset, reason: str, detail: str = "") -> Report:
    require("panels.report_asset", user, asset)
    return _file_report(user, asset, {**NO_TARGET, "asset_id": asset.id}, reason, detail)


def count_open_reports() -> int:
    return db.session.scalar(sa.select(sa.func.count(Report.id)).where(Report.resolved_at.is_(None)))


def open_reports() -> list[Report]:
    """Open reports with everything the moderation page shows, loaded together."""
    return list(db.session.scalars(
        sa.select(Report).where(Report.resolved_at.is_(None))
        .options(joinedload(Report.reporter), joinedload(Report.comment).joinedload(Comment.author),
                 joinedload(Report.feedback).joinedload(Feedback.author),
                 joinedload(Report.agenda_item).joinedload(AgendaItem.added_by),
                 joinedload(Report.asset).joinedload(Asset.added_by))
        .order_by(Report.id)
    ))


def _title_for(feedback: Feedback, reader) -> str:
    """The item's title as this reader may see it (redacted unless it is theirs)."""
    if reader.id == feedback.author_id:
        return feedback.title
    return redaction.redact(feedback.title, redaction.phrases_for("feedback", [feedback.id]).get(feedback.id, []))


def _resolve(entry: Report, actor, outcome: str, now: datetime) -> None:
    entry.resolved_at = now
    entry.resolved_by_id = actor.id
    entry.outcome = outcome


HIDEABLE = {"feedback": Feedback, "comment": Comment, "agenda": AgendaItem, "asset": Asset}


def kind_of(thing) -> str:
    return next(kind for kind, model in HIDEABLE.items() if isinstance(thing, model))


def target_of(entry: Report):
    return entry.comment or entry.agenda_item or entry.asset or entry.feedback


def _target_filter(entry: Report) -> list:
    return [getattr(Report, name) == getattr(entry, name) if getattr(entry, name) is not None
            else getattr(Report, name).is_(None) for name in NO_TARGET]


def describe(thing, reader) -> str:
    """A thing in a sentence to this reader (no redacted words, no hidden text beyond its title)."""
    if isinstance(thing, Comment):
        return f"your comment on \"{_title_for(thing.feedback, reader)}\""
    if isinstance(thing, AgendaItem):
        return f"your agenda item \"{thing.title}\""
    if isinstance(thing, Asset):
        return f"the local place \"{thing.name}\" you added"
    return f"your panel feedback \"{_title_for(thing, reader)}\""


def hide(entry: Report, reason: str, actor, now: datetime | None = None) -> None:
    """Hide the reported thing, tell its author why, and close every open report on it."""
    require("panels.moderate", actor, entry)
    reason = reason.strip()
    if not reason:
        raise RuleError("Give the reason for hiding it; the author is told", field="reason")
    if entry.resolved_at is not None:
        raise Conflict("That report was already dealt with.")
    now = now or utcnow()
    target = target_of(entry)
    if target.hidden_at is not None:
        raise Conflict("It is already hidden", field="reason")
    target.hidden_at, target.hidden_reason, target.hidden_by_id = now, reason, actor.id
    record(actor, "panels.moderation.hide", target, None, {"reason": reason})
    queue(target.author.email, "Something you wrote has been hidden",
          f"A moderator has hidden {describe(target, target.author)}.\n\nReason: {reason}\n\n"
          f"If you think this is a mistake, you can appeal: {_link(f'/panels/hidden/{kind_of(target)}/{target.id}/appeal')}\n")
    for other in db.session.scalars(sa.select(Report).where(Report.resolved_at.is_(None), *_target_filter(entry))):
        _resolve(other, actor, "hidden", now)
    _resolve(entry, actor, "hidden", now)
    if isinstance(target, Asset):
        _assets_changed()
    db.session.flush()


def hidden_things() -> dict[str, list]:
    """Everything hidden, by kind, most recently hidden first."""
    return {kind: list(db.session.scalars(
        sa.select(model).where(model.hidden_at.is_not(None)).order_by(model.hidden_at.desc())))
        for kind, model in HIDEABLE.items()}


def hidden_thing(kind: str, thing_id: int):
    model = HIDEABLE.get(kind)
    thing = db.session.get(model, thing_id) if model else None
    return thing if thing is not None and thing.hidden_at is not None else None


def unhide(thing, reason: str, actor, now: datetime | None = None, appeal_row: "Appeal | None" = None) -> None:
    """Show a hidden thing again, with a reason the author is told; an open appeal on it is closed."""
    require("panels.moderate", actor, thing)
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Give the reason for showing it again", field="reason")
    if thing.hidden_at is None:
        raise Conflict("It is not hidden.")
    before = {"hidden_reason": thing.hidden_reason}
    thing.hidden_at, thing.hidden_reason, thing.hidden_by_id = None, "", None
    record(actor, "panels.moderation.unhide", thing, before, {"reason": reason})
    for open_appeal in db.session.scalars(sa.select(Appeal).where(
            Appeal.kind == kind_of(thing), Appeal.target_id == thing.id, Appeal.decided_at.is_(None))):
        open_appeal.decided_at, open_appeal.decided_by_id = now or utcnow(), actor.id
        open_appeal.outcome, open_appeal.reason = "unhidden", reason
    queue(thing.author.email, "Something you wrote is shown again",
          f"A moderator has shown {describe(thing, thing.author)} again.\n\nReason: {reason}\n")
    if isinstance(thing, Asset):
        _assets_changed()
    db.session.flush()


def appeal(thing, user, text: str) -> Appeal:
    """The author asks for a hidden thing back; a member of staff other than the one who hid it decides."""
    require("panels.appeal", user, thing)
    text = (text or "").strip()
    if not text:
        raise RuleError("Say why it should be shown again", field="text")
    lock(type(thing), thing.id)
    kind = kind_of(thing)
    if db.session.scalar(sa.select(Appeal.id).where(Appeal.kind == kind, Appeal.target_id == thing.id,
                                                    Appeal.decided_at.is_(None))):
        raise Conflict("You have already appealed. A member of staff will decide.", field="text")
    entry = Appeal(kind=kind, target_id=thing.id, author_id=user.id, hidden_by_id=thing.hidden_by_id, text=text)
    db.session.add(entry)
    db.session.flush()
    record(user, "panels.moderation.appeal", entry, None, {"kind": kind, "target_id": thing.id})
    for person in staff_users():
        if person.id != thing.hidden_by_id:
            queue(person.email, "An appeal against hiding to decide",
                  f"An author has appealed against hiding. Another member of staff hid it, so you can decide: "
                  f"{_link('/panels/moderation/hidden')}\n")
    return entry


def open_appeals() -> list[Appeal]:
    return list(db.session.scalars(
        sa.select(Appeal).where(Appeal.decided_at.is_(None)).options(joinedload(Appeal.author)).order_by(Appeal.id)))


def decide_appeal(entry: Appeal, show_again: bool, reason: str, actor, now: datetime | None = None) -> None:
    require("panels.decide_appeal", actor, entry)
    if entry.decided_at is not None:
        raise Conflict("This appeal was already decided.")
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("Give the reason for the decision; the author is told", field="reason")
    thing = db.session.get(HIDEABLE[entry.kind], entry.target_id)
    if show_again:
        unhide(thing, reason, actor, now=now)  # closes this appeal too
        return
    entry.decided_at, entry.decided_by_id, entry.outcome, entry.reason = now or utcnow(), actor.id, "kept", reason
    record(actor, "panels.moderation.appeal_kept", entry, None, {"outcome": "kept"})
    queue(entry.author.email, "Your appeal was decided",
          f"A moderator who did not hide it looked again at {describe(thing, entry.author)}. It stays hidden.\n\n"
          f"Reason: {reason}\n")
    db.session.flush()


def dismiss(entry: Report, actor, now: datetime | None = None) -> None:
    require("panels.moderate", actor, entry)
    if entry.resolved_at is not None:
        return  # already dealt with: dismissing again changes nothing
    _resolve(entry, actor, "dismissed", now or utcnow())
    db.session.flush()
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


ASSET_STATES = {"waiting": "Waiting for checks", "verified": "Verified", "rejected": "Not accepted"}

# Free webmail domains: an address there is a person's own, not an organisation's public contact.
PERSONAL_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "live.co.uk",
    "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com",
    "aol.co.uk", "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "protonmail.com", "proton.me",
    "gmx.com", "gmx.co.uk", "mail.com",
})
# A UK mobile: 07 and nine more digits, or +44 7 / 0044 7 (with spaces, dashes, dots or "(0)" between).
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s*44\s*(?:\(\s*0\s*\)\s*)?|0)[\s\-.]*7(?:[\s\-.]*\d){9}(?!\d)")
_MAIL = re.compile(r"[^\s<>@,;:()\[\]]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def contact_concerns(contact: str) -> list[str]:
    """Why a contact looks like a person's own rather than an organisation's public one, in words."""
    concerns = []
    if _MOBILE.search(contact or ""):
        concerns.append("It contains a mobile phone number, which is usually a person's own.")
    if any(domain.lower().rstrip(".") in PERSONAL_MAIL_DOMAINS for domain in _MAIL.findall(contact or "")):
        concerns.append("It contains a personal e-mail address (a free webmail address).")
    return concerns


def contact_held_back(asset: Asset) -> bool:
    """A contact that looks personal stays off the public page until the member confirms it is public."""
    return bool(asset.contact) and asset.contact_confirmed_at is None and bool(contact_concerns(asset.contact))


def public_contact(asset: Asset) -> str:
    return "" if contact_held_back(asset) else asset.contact


def _asset_values(*, name: str, kind: str, district: str, description: str, min_age: int, max_age: int,
                  opening_times: str, contact: str, website: str) -> dict:
    if kind not in ASSET_KINDS:
        raise RuleError("Choose what kind of place it is", field="kind")
    if district not in places.BY_KEY:
        raise RuleError("Choose the district", field="district")
    if min_age > max_age:
        raise RuleError("The youngest age must not be more than the oldest", field="max_age")
    return dict(name=name.strip(), kind=kind, district=district, description=description.strip(), min_age=min_age,
                max_age=max_age, opening_times=opening_times.strip(), contact=contact.strip(), website=website.strip())


def _assets_changed() -> None:
    # This app's cached search pages that list places refresh at once (others within ASSETS_VERSION_SECONDS).
    current_app.extensions.pop("verified_assets_version", None)


def add_asset(user, **fields) -> Asset:
    require("panels.add_asset", user)
    asset = Asset(**_asset_values(**fields), added_by_id=user.id, state="waiting")
    db.session.add(asset)
    db.session.flush()
    record(user, "panels.asset.add", asset, None, {"name": asset.name})
    return asset


def edit_asset(asset: Asset, user, **fields) -> list[str]:
    """Change a place's details; a changed contact needs the member's confirmation again if it looks personal.
    Returns the names of the fields that changed."""
    require("panels.edit_asset", user, asset)
    values = _asset_values(**fields)
    changed = [name for name, value in values.items() if getattr(asset, name) != value]
    before = {name: getattr(asset, name) for name in changed if name not in ("description", "contact")}
    for name in changed:
        setattr(asset, name, values[name])
    if "contact" in changed:
        asset.contact_confirmed_at = None
    db.session.flush()
    if changed:
        record(user, "panels.asset.edit", asset, before, {"changed": changed})
        _assets_changed()
    return changed


def confirm_contact(asset: Asset, user, now: datetime | None = None) -> None:
    require("panels.confirm_contact", user, asset)
    if not contact_held_back(asset):
        raise Conflict("There is nothing to confirm: this contact is already shown as it is.")
    asset.contact_confirmed_at = now or utcnow()
    db.session.flush()
    record(user, "panels.asset.confirm_contact", asset, None, {"confirmed": True})
    _assets_changed()


def _asset_reason(step: Step) -> None:
    if step.transition.action in ("reject", "unverify") and not _typed(step, "reason"):
        raise RuleError("Give the reason; the member who added the place is told", field="reason")


def _asset_sets(step: Step) -> dict:
    if step.transition.action == "verify":
        return {"verified_at": step.now, "verified_by_id": step.user.id, "rejected_reason": ""}
    if step.transition.action == "reject":
        return {"rejected_reason": _typed(step, "reason")}
    return {"verified_at": None, "verified_by_id": None}


def _asset_tell(step: Step) -> None:
    asset, action, reason = step.obj, step.transition.action, _typed(step, "reason")
    _assets_changed()
    adder = asset.added_by
    if adder is None or adder.id == step.user.id or not adder.active:
        return
    if action == "verify":
        queue(adder.email, "Your local place is now public",
              f"Thank you. \"{asset.name}\" is checked and now in the public list: {_link(f'/local-places/{asset.id}')}\n"
              + ("Its contact details are not shown until you confirm they are the organisation's public contact: "
                 f"{_link('/panels/assets')}\n" if contact_held_back(asset) else ""))
    elif action == "reject":
        queue(adder.email, "Your local place was not accepted",
              f"We could not add \"{asset.name}\" to the public list.\n\nReason: {reason}\n\n"
              f"You can correct it and ask us to check it again: {_link('/panels/assets')}\n")
    else:
        queue(adder.email, "Your local place has been taken off the public list",
              f"\"{asset.name}\" is no longer in the public list while we check it again.\n\nReason: {reason}\n")


def _asset_step(action, sources, target, label):
    return Transition(action, sources, target, "panels.verify_asset", label, guard=_asset_reason, sets=_asset_sets,
                      notify=_asset_tell)


ASSETS = Workflow(
    name="panels.asset",
    model=Asset,
    noun="place",
    labels=ASSET_STATES,
    transitions=(
        _asset_step("verify", ("waiting", "rejected"), "verified", "Verify"),
        _asset_step("reject", ("waiting",), "rejected", "Reject"),
        _asset_step("unverify", ("verified",), "waiting", "Take off the public list"),
    ),
)


def verify_asset(asset: Asset, actor, now: datetime | None = None) -> None:
    apply(ASSETS, asset, "verify", actor, now=now)


def move_asset(asset: Asset, action: str, actor, reason: str = "", now: datetime | None = None) -> Step:
    return apply(ASSETS, asset, action, actor, now=now, reason=reason)


def all_assets() -> list[Asset]:
    """Staff's list: waiting for checks first, then by name."""
    return list(db.session.scalars(sa.select(Asset).order_by(Asset.state != "waiting", Asset.name)))


def assets_added_by(user) -> list[Asset]:
    return list(db.session.scalars(sa.select(Asset).where(Asset.added_by_id == user.id).order_by(Asset.name)))


def public_assets(district: str = "", kind: str = "", age: int | None = None) -> list[Asset]:
    query = sa.select(Asset).where(Asset.verified_at.is_not(None), Asset.hidden_at.is_(None))
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
        districts = [key for key, label in places.CHOICES if word in label.lower()]
        conditions.append(sa.or_(
            sa.func.lower(Asset.name).like(pattern, escape="\\"),
            sa.func.lower(Asset.description).like(pattern, escape="\\"),
            Asset.kind.in_(kinds),
            Asset.district.in_(districts),
        ))
    return list(db.session.scalars(
        sa.select(Asset).where(Asset.verified_at.is_not(None), Asset.hidden_at.is_(None), *conditions).order_by(Asset.name).limit(limit)
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
    # updated_at moves with every edit, verification, hiding and confirmed contact.
    version = tuple(db.session.execute(
        sa.select(sa.func.count(Asset.id), sa.func.max(Asset.updated_at)).where(Asset.verified_at.is_not(None))
    ).one())
    current_app.extensions["verified_assets_version"] = (now + ASSETS_VERSION_SECONDS, version)
    return version
