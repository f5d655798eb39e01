"""Following an item, and replies to comments.

A member who can see an item follows it and chooses how to hear about its comments, its state changes and
its panel's meetings: an e-mail at once, or a weekly digest (`flask --app livesafe panels-digest`, run by
the scheduler once a week). What happened is stored (`Notification`: which comment, event or meeting);
the words are written when the e-mail is sent, for that reader, so:
- a hidden item, a hidden comment or a cancelled meeting is left out (nothing about a hidden item is sent);
- a comment's words are never in an e-mail (only who commented, and a link), since staff may hide or
  redact them after the e-mail has left;
- redacted words read "[redacted]" to everyone but their author;
- someone who can no longer see the item (left the panel, account closed) is told nothing.

Replies are one level deep: a reply names a top-level comment; a reply to a reply is attached to the
top-level comment it answers, so threads never nest further.
"""
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.clock import format_london, utcnow
from livesafe.extensions import db
from livesafe.kernel import Conflict, RuleError, can, require, rule
from livesafe.kernel.permissions import allow, deny
from livesafe.kernel.workflow import lock
from livesafe.mail.logic import queue
from livesafe.panels import redaction
from livesafe.panels.models import Comment, Feedback, FeedbackEvent, Follow, Meeting, Notification

MODES = {"immediate": "An e-mail each time", "weekly": "A weekly digest"}
KINDS = ("comment", "state", "meeting")


@rule("panels.follow")
def may_follow(user, feedback):
    """Panel members who can see a submitted item follow it."""
    if not getattr(user, "is_authenticated", False) or user.role != roles.PANEL_MEMBER:
        return deny("Only panel members can follow items.")
    if feedback.state == "draft":
        return deny("A draft cannot be followed.")
    if feedback.hidden_at is not None:
        return deny("A hidden item cannot be followed.")
    if not can("panels.view_feedback", user, feedback):
        return deny("Only the panel's members can follow this item.")
    return allow


def follow_of(feedback_id: int, user) -> Follow | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(sa.select(Follow).where(Follow.feedback_id == feedback_id, Follow.user_id == user.id))


def follow(feedback: Feedback, user, mode: str) -> Follow:
    """Follow, or change how often to hear. The item's row is locked first, so two clicks at once take turns
    (the unique constraint on (feedback_id, user_id) stays as the last word)."""
    require("panels.follow", user, feedback)
    if mode not in MODES:
        raise RuleError("Choose how often to hear about it", field="mode")
    lock(Feedback, feedback.id)
    found = follow_of(feedback.id, user)
    if found is None:
        found = Follow(feedback_id=feedback.id, user_id=user.id, mode=mode)
        db.session.add(found)
    found.mode = mode
    db.session.flush()
    return found


def unfollow(feedback: Feedback, user) -> bool:
    """Stop following (anyone may stop, even after losing sight of the item). False if they were not following.
    Waiting digest entries for the item go too."""
    gone = db.session.execute(sa.delete(Follow).where(Follow.feedback_id == feedback.id, Follow.user_id == user.id))
    db.session.execute(sa.delete(Notification).where(
        Notification.feedback_id == feedback.id, Notification.user_id == user.id, Notification.sent_at.is_(None)))
    db.session.flush()
    return bool(gone.rowcount)


# --- Telling followers ---------------------------------------------------------------------------


def _link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def _may_hear(user: User, feedback: Feedback) -> bool:
    return bool(user.active) and feedback.hidden_at is None and bool(can("panels.view_feedback", user, feedback))


def _title(feedback: Feedback, reader: User, cuts: dict) -> str:
    if reader.id == feedback.author_id:
        return feedback.title
    return redaction.redact(feedback.title, cuts.get(feedback.id, []))


def _line(entry: Notification, feedback: Feedback, reader: User) -> str | None:
    """One thing that happened, in words for this reader; None when it must not be told any more."""
    cuts = redaction.phrases_for("feedback", [feedback.id])
    title = _title(feedback, reader, cuts)
    if entry.kind == "comment":
        comment = db.session.get(Comment, entry.subject_id)
        if comment is None or comment.hidden_at is not None:
            return None
        parent = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
        if parent is not None and parent.hidden_at is not None:
            return None  # a reply to hidden words would give them away
        # Only who and where: a comment's words could be hidden or redacted after the e-mail leaves.
        who = comment.author.name or "A panel member"
        what = "replied to a comment" if comment.parent_id else "commented"
        return f"{who} {what} on \"{title}\". Read it: {_link(f'/panels/feedback/{feedback.id}#comment-{comment.id}')}"
    if entry.kind == "state":
        from livesafe.panels.logic import STATES

        event = db.session.get(FeedbackEvent, entry.subject_id)
        if event is None:
            return None
        note = event.note if reader.id == feedback.author_id else redaction.redact(event.note, cuts.get(feedback.id, []))
        return (f"\"{title}\" is now: {STATES[event.to_state]}." + (f"\n{note}" if note else "")
                + f"\n{_link(f'/panels/feedback/{feedback.id}')}")
    meeting = db.session.get(Meeting, entry.subject_id)
    if meeting is None or meeting.cancelled_at is not None:
        return None
    return (f"The {meeting.panel.name} meets on {format_london(meeting.starts_at)} "
            f"({'online' if meeting.mode == 'online' else 'in person'}), the panel of \"{title}\", which you follow."
            f"\n{_link(f'/panels/{meeting.panel_id}/meetings/{meeting.id}')}")


SUBJECTS = {"comment": "New comment on an item you follow", "state": "An item you follow has changed",
            "meeting": "A meeting of a panel whose item you follow"}
FOOTER = "\n\nYou follow this item. To stop, or to change how often you hear: {link}\n"


def tell_followers(feedback: Feedback, kind: str, subject_id: int, actor_id: int | None = None,
                   already_told: set[int] = frozenset(), now: datetime | None = None) -> None:
    """Tell the item's followers (not the person who did it, nor anyone already e-mailed about it): at once,
    or kept for their weekly digest. Nothing at all while the item is hidden."""
    if feedback.hidden_at is not None:
        return
    now = now or utcnow()
    for entry in db.session.scalars(sa.select(Follow).where(Follow.feedback_id == feedback.id)
                                    .options(sa.orm.joinedload(Follow.user))):
        reader = entry.user
        if reader.id == actor_id or reader.id in already_told or not _may_hear(reader, feedback):
            continue
        note = Notification(user_id=reader.id, feedback_id=feedback.id, kind=kind, subject_id=subject_id,
                            created_at=now)
        if entry.mode == "immediate":
            line = _line(note, feedback, reader)
            if line is None:
                continue
            note.sent_at = now
            queue(reader.email, SUBJECTS[kind],
                  line + FOOTER.format(link=_link(f"/panels/feedback/{feedback.id}#follow")))
        db.session.add(note)
    db.session.flush()


def tell_meeting(meeting: Meeting) -> None:
    """A new meeting of a panel: followers of its items hear of it (once each, however many items they follow)."""
    told: set[int] = set()
    items = db.session.scalars(sa.select(Feedback).join(Follow, Follow.feedback_id == Feedback.id).where(
        Feedback.panel_id == meeting.panel_id, Feedback.hidden_at.is_(None)).distinct().order_by(Feedback.id))
    for item in list(items):
        followers = set(db.session.scalars(sa.select(Follow.user_id).where(Follow.feedback_id == item.id)))
        tell_followers(item, "meeting", meeting.id, already_told=told)
        told |= followers


def send_digests(now: datetime | None = None) -> int:
    """E-mail each follower one digest of what is waiting, written now (so hidden and redacted text since is
    left out). Each person's entries are claimed with one conditional update first, so two digests run at
    once cannot both send them. Returns how many e-mails were queued."""
    now = now or utcnow()
    sent = 0
    people = list(db.session.scalars(sa.select(Notification.user_id).where(Notification.sent_at.is_(None))
                                     .distinct().order_by(Notification.user_id)))
    for user_id in people:
        claimed = db.session.execute(sa.update(Notification).where(
            Notification.user_id == user_id, Notification.sent_at.is_(None)).values(sent_at=now)
            .execution_options(synchronize_session=False))
        if not claimed.rowcount:
            continue  # another run took them
        reader = db.session.get(User, user_id)
        entries = db.session.scalars(sa.select(Notification).where(
            Notification.user_id == user_id, Notification.sent_at == now).order_by(Notification.id)).all()
        lines: dict[int, list[str]] = defaultdict(list)
        seen_meetings: set[int] = set()
        for entry in entries:
            feedback = db.session.get(Feedback, entry.feedback_id)
            if entry.kind == "meeting":
                if entry.subject_id in seen_meetings:
                    continue
                seen_meetings.add(entry.subject_id)
            if reader is None or not _may_hear(reader, feedback):
                continue
            line = _line(entry, feedback, reader)
            if line:
                lines[feedback.id].append(line)
        if not lines:
            continue
        body = "Here is what happened this week on the panel items you follow.\n\n" + "\n\n".join(
            "\n\n".join(found) for found in lines.values())
        queue(reader.email, "Your weekly digest of panel items you follow",
              body + f"\n\nTo stop following an item, or to change how often you hear, open it: {_link('/panels')}\n")
        sent += 1
    db.session.flush()
    return sent


# --- Replies -------------------------------------------------------------------------------------


def reply(feedback: Feedback, parent: Comment, user, body: str) -> Comment:
    """A reply to a comment; a reply to a reply answers the same top-level comment (one level deep)."""
    from livesafe.panels.logic import add_comment

    if parent.feedback_id != feedback.id:
        raise Conflict("That comment is not on this item")
    if parent.hidden_at is not None:
        raise RuleError("That comment was hidden by a moderator, so it cannot be replied to", field="body")
    top = db.session.get(Comment, parent.parent_id) if parent.parent_id else parent
    if top is None or top.hidden_at is not None:
        raise RuleError("That comment was hidden by a moderator, so it cannot be replied to", field="body")
    return add_comment(feedback, user, body, parent_id=top.id)


def threads(comments: list[Comment]) -> list[tuple[Comment | None, list[Comment]]]:
    """Visible comments as (top-level comment, its visible replies), oldest first. Replies to a hidden comment
    stay, under (None, ...): the page says a comment there was hidden, without its words."""
    visible = {comment.id for comment in comments}
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is not None:
            replies[comment.parent_id].append(comment)
    found: list[tuple[int, Comment | None, list[Comment]]] = []
    for comment in comments:
        if comment.parent_id is None:
            found.append((comment.id, comment, replies.get(comment.id, [])))
    for parent_id, answers in replies.items():
        if parent_id not in visible:
            found.append((parent_id, None, answers))
    return [(top, answers) for _, top, answers in sorted(found, key=lambda row: row[0])]
