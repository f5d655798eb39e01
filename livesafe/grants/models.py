"""Models of the grants feature: organisations, rounds, applications, assessments, monitoring returns.

Money is integer pence. Times are UTC (UTCDateTime) and shown in Europe/London.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livesafe.disclosure import new_record_key
from livesafe.extensions import db
from livesafe.clock import UTCDateTime, utcnow


class Organisation(db.Model):
    """A community group that applies for grants. Several users can belong to one."""

    __tablename__ = "grant_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(30))
    charity_number: Mapped[str] = mapped_column(sa.String(20), default="")
    company_number: Mapped[str] = mapped_column(sa.String(20), default="")
    postcode: Mapped[str] = mapped_column(sa.String(10))
    district: Mapped[str] = mapped_column(sa.String(40))
    safeguarding_policy: Mapped[bool] = mapped_column(default=False)
    safeguarding_lead: Mapped[str] = mapped_column(sa.String(120), default="")
    works_with_under_18s: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members = relationship("OrganisationMember", back_populates="organisation")


class OrganisationMember(db.Model):
    """A person in an organisation. A person may be in several and chooses which one they act for
    (organisations.py); leads may remove members, and an organisation with members always keeps a lead."""

    __tablename__ = "grant_organisation_members"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "user_id", name="uq_grant_organisation_members_organisation_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organisation = relationship(Organisation, back_populates="members")
    user = relationship("User")


class OrganisationInvitation(db.Model):
    """An invitation to join an organisation. Its single-use link is an AuthToken of the invited account
    (only a hash is stored); the person becomes a member only when they accept it."""

    __tablename__ = "grant_organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("auth_tokens.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_organisations.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    token = relationship("AuthToken")
    organisation = relationship(Organisation)


class GrantRound(db.Model):
    __tablename__ = "grant_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    budget_pence: Mapped[int]
    min_award_pence: Mapped[int]
    max_award_pence: Mapped[int]
    # Names of districts (livesafe.places) this round gives priority to.
    priority_areas: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"question": str, "expected": "yes"|"no", "reason": str}]
    eligibility_questions: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"key": str, "name": str, "weight": int}], weights sum to 100.
    criteria: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Months after the award when monitoring returns are due, e.g. [3, 6, 12].
    monitoring_months: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    # The community reviewers' share of an application's score, in per cent (0: they do not count separately):
    # score = (100 - share)% of the assessors' mean + share% of the community reviewers' mean.
    community_share: Mapped[int] = mapped_column(default=0, server_default="0")
    # Ask for a short expression of interest first, then shortlist (stages.py).
    two_stage: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Organisation document slots (documents.ORGANISATION_SLOTS) a group must have uploaded before it can send.
    required_documents: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessors = relationship("RoundAssessor", back_populates="round", cascade="all, delete-orphan")


class RoundAssessor(db.Model):
    """The round's pool: people staff may assign to its applications (assignment.py). Being in the pool
    shows nothing by itself; an assessor sees only the applications assigned to them."""

    __tablename__ = "grant_round_assessors"
    __table_args__ = (sa.UniqueConstraint("round_id", "user_id", name="uq_grant_round_assessors_round_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # A panel member taking the community reviewer part: their scores count for the round's community_share.
    community: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    round = relationship(GrantRound, back_populates="assessors")
    user = relationship("User")


class ApplicationAssessor(db.Model):
    """One person asked to assess one application: the only thing that lets an assessor see it."""

    __tablename__ = "grant_application_assessors"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "user_id", name="uq_grant_application_assessors_application_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_applications.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])


class GrantApplication(db.Model):
    __tablename__ = "grant_applications"
    # One application per organisation per round: a double-clicked "start" creates one.
    __table_args__ = (sa.UniqueConstraint("round_id", "organisation_id", name="uq_grant_applications_round_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_rounds.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    # Answers exactly as typed, per section: {section: {field: value}}; nothing typed is thrown away.
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    completed_sections: Mapped[list] = mapped_column(sa.JSON, default=list)
    eligibility_answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Copied from the answers on every save, for lists, sorting and SQL totals.
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    requested_pence: Mapped[int] = mapped_column(default=0)
    evidence_harmful: Mapped[bool] = mapped_column(default=False)
    evidence_matches: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The decision.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    awarded_pence: Mapped[int | None]
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    departure_reason: Mapped[str] = mapped_column(sa.Text, default="")

    round = relationship(GrantRound)
    organisation = relationship(Organisation)
    assessments = relationship("Assessment", back_populates="application")
    returns = relationship("MonitoringReturn", back_populates="application", order_by="MonitoringReturn.due_at")


class Assessment(db.Model):
    """One assessor's view of one application: conflict declaration, then scores."""

    __tablename__ = "grant_assessments"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "assessor_id", name="uq_grant_assessments_application_assessor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_applications.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    conflict: Mapped[bool] = mapped_column(default=False)
    conflict_details: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Sum of score x weight over the criteria (0-500): the weighted score out of 100 is this / 5.
    weighted_total: Mapped[int | None]
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application = relationship(GrantApplication, back_populates="assessments")
    assessor = relationship("User")
    scores = relationship("Score", back_populates="assessment", cascade="all, delete-orphan")


class Score(db.Model):
    __tablename__ = "grant_scores"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "criterion", name="uq_grant_scores_assessment_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_assessments.id"), index=True)
    criterion: Mapped[str] = mapped_column(sa.String(40))
    score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    assessment = relationship(Assessment, back_populates="scores")


class MonitoringReturn(db.Model):
    __tablename__ = "grant_monitoring_returns"
    __table_args__ = (sa.UniqueConstraint("application_id", "due_at", name="uq_grant_monitoring_returns_application_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_applications.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # "due" or "sent" (monitoring.RETURN): sending is a compare-and-set on this, so only one send can win.
    state: Mapped[str] = mapped_column(sa.String(20), default="due", server_default="due")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reporting period (London dates, both included), set from the agreement's schedule: one grant's periods
    # follow on from each other and never overlap (monitoring.periods).
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    # {"age:10-14": n, "district:leicester": n, "district:elsewhere": n}: young people reached in the period
    reached: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Unique young people reached in this period; never added up across periods.
    young_people_reached: Mapped[int] = mapped_column(default=0)
    # Unique young people since the grant started, only when the group counts each person once (else None).
    reached_to_date: Mapped[int | None]
    # New activities or programmes the group started in the period (an output measure; adds up).
    interventions_developed: Mapped[int] = mapped_column(default=0, server_default="0")
    # For publishing counts through livesafe.disclosure (the return is the record).
    record_key: Mapped[int] = mapped_column(sa.SmallInteger, default=new_record_key, server_default="0")
    safeguarding_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sessions_delivered: Mapped[int] = mapped_column(default=0)
    young_people_mentored: Mapped[int] = mapped_column(default=0)
    referrals_made: Mapped[int] = mapped_column(default=0)
    what_changed: Mapped[str] = mapped_column(sa.Text, default="")
    safeguarding_incidents: Mapped[int] = mapped_column(default=0)
    safeguarding_details: Mapped[str] = mapped_column(sa.Text, default="")

    application = relationship(GrantApplication, back_populates="returns")


class MessageTemplate(db.Model):
    """Staff's wording for one e-mail type (texts.py); absent: the default wording."""

    __tablename__ = "grant_message_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
