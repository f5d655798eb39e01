"""Models of the panels feature: panels, meetings, scrutiny feedback, supports, comments, reports, local assets."""
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livesafe.extensions import db
from livesafe.clock import UTCDateTime, to_london, utcnow

# The unit answers within this many days of receiving an item unless staff set another deadline.
DEFAULT_RESPONSE_DAYS = 28


class Panel(db.Model):
    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Staff chose to publish this panel's meeting dates in a calendar anyone may subscribe to.
    public_meetings: Mapped[bool] = mapped_column(default=False)

    memberships = relationship("PanelMember", back_populates="panel", cascade="all, delete-orphan")
    meetings = relationship("Meeting", back_populates="panel", order_by="Meeting.starts_at")


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __table_args__ = (sa.UniqueConstraint("panel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panels.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panel = relationship(Panel, back_populates="memberships")
    user = relationship("User")


class Meeting(db.Model):
    __tablename__ = "panel_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panels.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(sa.String(20))
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    # Members can add agenda items until this moment.
    agenda_cutoff_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    note_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Once set, the public sees the meeting, its agenda and the note (redactions applied).
    note_public_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # RFC 5545 SEQUENCE: goes up with each change calendars must show (time, place, cancelling).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panel = relationship(Panel, back_populates="meetings")
    agenda_items = relationship("AgendaItem", back_populates="meeting", order_by="AgendaItem.id")


class AgendaItem(db.Model):
    __tablename__ = "panel_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_meetings.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(150))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    meeting = relationship(Meeting, back_populates="agenda_items")
    added_by = relationship("User", foreign_keys=[added_by_id])

    @property
    def author(self):
        return self.added_by


class MeetingSignup(db.Model):
    """A member's answer about a meeting: coming or not (one row per member per meeting)."""

    __tablename__ = "panel_meeting_signups"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    attending: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class Feedback(db.Model):
    """A piece of scrutiny feedback raised by a panel member, and the unit's answer to it."""

    __tablename__ = "panel_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panels.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(150), default="")
    concerns: Mapped[str] = mapped_column(sa.String(40), default="")
    what_seen: Mapped[str] = mapped_column(sa.Text, default="")
    recommendation: Mapped[str] = mapped_column(sa.Text, default="")
    urgency: Mapped[str] = mapped_column(sa.String(20), default="")
    # The author's consent to be named on the public page.
    show_name: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(30), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    response_deadline: Mapped[date | None] = mapped_column(sa.Date)
    response: Mapped[str] = mapped_column(sa.Text, default="")
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # First time the unit answered (a response or "not taken forward").
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    public: Mapped[bool] = mapped_column(default=False)
    # Indexed: "You said, we did" lists the newest first.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # How far the agreed action has got (staff update it; shown publicly on the item): a percentage and
    # the latest milestone in words.
    progress: Mapped[int | None] = mapped_column()
    progress_note: Mapped[str] = mapped_column(sa.Text, default="")
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    panel = relationship(Panel)
    author = relationship("User", foreign_keys=[author_id])
    owner = relationship("User", foreign_keys=[owner_id])
    areas = relationship("FeedbackArea", cascade="all, delete-orphan", order_by="FeedbackArea.area")
    events = relationship("FeedbackEvent", back_populates="feedback", order_by="FeedbackEvent.id")

    @property
    def area_keys(self) -> list[str]:
        return [row.area for row in self.areas]

    @property
    def due_on(self) -> date | None:
        """The deadline staff set, or by default DEFAULT_RESPONSE_DAYS after it was received (London date)."""
        if self.response_deadline is not None:
            return self.response_deadline
        if self.submitted_at is None:
            return None
        return to_london(self.submitted_at).date() + timedelta(days=DEFAULT_RESPONSE_DAYS)

    @property
    def due_by_default(self) -> bool:
        return self.response_deadline is None and self.submitted_at is not None


class FeedbackArea(db.Model):
    __tablename__ = "panel_feedback_areas"

    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_feedback.id"), primary_key=True)
    area: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class FeedbackEvent(db.Model):
    """One dated state change: the timeline the member sees."""

    __tablename__ = "panel_feedback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_feedback.id"), index=True)
    from_state: Mapped[str] = mapped_column(sa.String(30))
    to_state: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    feedback = relationship(Feedback, back_populates="events")


class Support(db.Model):
    __tablename__ = "panel_supports"
    # One support per member per item, enforced by the database so concurrent clicks cannot double-count.
    __table_args__ = (sa.UniqueConstraint("feedback_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_feedback.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class Comment(db.Model):
    __tablename__ = "panel_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_feedback.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    # A reply names the comment it answers (one level deep: a reply is never replied to).
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panel_comments.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    feedback = relationship(Feedback)
    author = relationship("User", foreign_keys=[author_id])


class Report(db.Model):
    """A signed-in user's report of an item, a comment, an agenda item or a place as abusive or off-topic.

    Exactly one target: feedback_id alone (the item), feedback_id and comment_id (a comment on it),
    agenda_item_id, or asset_id."""

    __tablename__ = "panel_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panel_feedback.id"), index=True)
    # Set when the report is about a comment on the item rather than the item itself.
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panel_comments.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panel_agenda_items.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panel_assets.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(20))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(sa.String(20), default="")

    feedback = relationship(Feedback)
    comment = relationship(Comment)
    agenda_item = relationship(AgendaItem)
    asset = relationship("Asset")
    reporter = relationship("User", foreign_keys=[reporter_id])


class Asset(db.Model):
    """A community asset: a youth club, sports club, faith or community group, safe space or mentoring."""

    __tablename__ = "panel_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    district: Mapped[str] = mapped_column(sa.String(40), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    min_age: Mapped[int] = mapped_column(default=0)
    max_age: Mapped[int] = mapped_column(default=99)
    opening_times: Mapped[str] = mapped_column(sa.String(300), default="")
    contact: Mapped[str] = mapped_column(sa.String(200), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # waiting (for staff's checks), verified (public) or rejected: the table logic.ASSETS.
    state: Mapped[str] = mapped_column(sa.String(20), default="waiting", index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejected_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The member confirmed the contact is an organisation's public contact (needed when it looks personal).
    contact_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    added_by = relationship("User", foreign_keys=[added_by_id])

    @property
    def author(self):
        return self.added_by

    @property
    def title(self) -> str:
        return self.name


class Redaction(db.Model):
    """Staff's cut from what the public sees: every occurrence of `phrase` in the target's text shows as
    "[redacted]" to everyone but its author and staff. The original text is kept as it was."""

    __tablename__ = "panel_redactions"
    __table_args__ = (sa.Index("ix_panel_redactions_target", "kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # feedback, comment or meeting
    target_id: Mapped[int] = mapped_column()
    phrase: Mapped[str] = mapped_column(sa.String(500))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appeal(db.Model):
    """An author's appeal against hiding; decided by a member of staff other than the one who hid it."""

    __tablename__ = "panel_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # feedback, comment, agenda or asset
    target_id: Mapped[int] = mapped_column()
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(sa.String(20), default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    author = relationship("User", foreign_keys=[author_id])


class Follow(db.Model):
    """A member follows an item: e-mailed about its comments and state changes and its panel's meetings,
    at once ("immediate") or in a weekly digest ("weekly")."""

    __tablename__ = "panel_follows"
    __table_args__ = (sa.UniqueConstraint("feedback_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_feedback.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mode: Mapped[str] = mapped_column(sa.String(20), default="immediate")

    user = relationship("User")


class Notification(db.Model):
    """Something a follower is to hear about. Only what happened is kept (which comment, which meeting):
    the words are written when the e-mail is sent, so text hidden or redacted since is never sent."""

    __tablename__ = "panel_notifications"
    __table_args__ = (sa.Index("ix_panel_notifications_waiting", "sent_at", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_feedback.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))  # comment, state or meeting
    subject_id: Mapped[int | None] = mapped_column()  # the comment, event or meeting
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SearchEntry(db.Model):
    """A published item as search finds it: only what the public may read (redactions applied), kept up to
    date whenever the item, its redactions or its timeline change (panels/finding.py). Never a hidden item."""

    __tablename__ = "panel_search_entries"

    feedback_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_feedback.id"), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(150))
    text: Mapped[str] = mapped_column(sa.Text)
    # The words of title and text through the site index's analyser (stems), space-separated and padded.
    terms: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
