"""Assessment, moderation and decisions: conflicts, blind scoring, weighted scores,
the funding line, and decisions that notify applicants."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import Assessment, GrantApplication, GrantRound, Organisation, RoundAssessor, Score
from livesafe.mail.logic import queue
from livesafe.clock import utcnow

SCORES = range(0, 6)
# A comment is required for the extremes and for "poor".
COMMENT_REQUIRED = (0, 1, 5)
DISAGREEMENT = 2


# ---------------------------------------------------------------- assessors

def assigned_applications(user) -> list[GrantApplication]:
    return list(db.session.scalars(
        sa.select(GrantApplication)
        .join(RoundAssessor, RoundAssessor.round_id == GrantApplication.round_id)
        .where(RoundAssessor.user_id == user.id, GrantApplication.state.in_(logic.ASSESSED))
        .order_by(GrantApplication.round_id.desc(), GrantApplication.id)
    ))


def assessments_by(user) -> list[Assessment]:
    return list(db.session.scalars(sa.select(Assessment).where(Assessment.assessor_id == user.id)))


def can_assess(user, application: GrantApplication) -> bool:
    return application.state in logic.ASSESSED and logic.is_assessor(user, application.round_id)


def assessment_of(user, application: GrantApplication) -> Assessment | None:
    return db.session.scalar(sa.select(Assessment).where(
        Assessment.application_id == application.id, Assessment.assessor_id == user.id))


def declare(user, application: GrantApplication, conflict: bool, details: str = "",
            now: datetime | None = None) -> Assessment:
    """Record the assessor's conflict-of-interest declaration (once)."""
    existing = assessment_of(user, application)
    if existing:
        return existing
    if application.state != logic.IN_ASSESSMENT:
        raise logic.GrantError("This application is no longer being assessed.")
    assessment = Assessment(application_id=application.id, assessor_id=user.id, conflict=conflict,
                            conflict_details=details.strip(), declared_at=now or utcnow())
    db.session.add(assessment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return assessment_of(user, application)
    record(user, "grant_assessment.conflict_declared" if conflict else "grant_assessment.no_conflict", assessment,
           after={"application_id": application.id, "conflict": conflict})
    db.session.commit()
    return assessment


def criteria_of(application: GrantApplication) -> list[dict]:
    return application.round.criteria


def score_problems(criteria: list[dict], entries: dict) -> list[tuple[str, str]]:
    """Strict checks before scores are submitted. entries: {key: (score or None, comment)}."""
    problems = []
    for criterion in criteria:
        score, comment = entries.get(criterion["key"], (None, ""))
        if score is None:
            problems.append((f"score_{criterion['key']}", f"Give a score for {criterion['name']}"))
        elif score in COMMENT_REQUIRED and not comment.strip():
            problems.append((f"comment_{criterion['key']}",
                             f"Explain a score of {score} for {criterion['name']} in a comment"))
    return problems


def weighted_total(criteria: list[dict], entries: dict) -> int:
    """Sum of score x weight (0-500 when weights add up to 100); the score out of 100 is this / 5."""
    return sum(entries[c["key"]][0] * c["weight"] for c in criteria)


def save_scores(assessment: Assessment, entries: dict, submit: bool, now: datetime | None = None) -> None:
    """Save scores as a draft, or submit them (the caller has checked score_problems)."""
    if assessment.conflict:
        raise logic.GrantError("You declared a conflict of interest, so you cannot score this application.")
    if assessment.submitted_at:
        raise logic.GrantError("You have already submitted your scores.")
    if assessment.application.state != logic.IN_ASSESSMENT:
        raise logic.GrantError("This application is no longer being assessed.")
    criteria = criteria_of(assessment.application)
    if submit and score_problems(criteria, entries):
        raise logic.GrantError("Some scores or comments are missing.")
    existing = {s.criterion: s for s in assessment.scores}
    for criterion in criteria:
        score, comment = entries.get(criterion["key"], (None, ""))
        row = existing.get(criterion["key"])
        if row is None:
            row = Score(criterion=criterion["key"])
            assessment.scores.append(row)
        row.score, row.comment = score, comment.strip()
    if submit:
        assessment.weighted_total = weighted_total(criteria, entries)
        assessment.submitted_at = now or utcnow()
        record(assessment.assessor, "grant_assessment.submitted", assessment,
               after={"application_id": assessment.application_id, "weighted_total": assessment.weighted_total})
    db.session.commit()


def visible_scores(user, application: GrantApplication) -> list[Assessment]:
    """Other assessors' submitted scores, only once this user has submitted their own (staff see all)."""
    submitted = sa.select(Assessment).where(
        Assessment.application_id == application.id, Assessment.submitted_at.is_not(None)).order_by(Assessment.id)
    if user.is_staff:
        return list(db.session.scalars(submitted))
    own = assessment_of(user, application)
    if own is None or own.submitted_at is None:
        return []
    return list(db.session.scalars(submitted.where(Assessment.assessor_id != user.id)))


# ---------------------------------------------------------------- moderation

@dataclass
class Ranked:
    id: int
    title: str
    organisation: str
    state: str
    requested_pence: int
    awarded_pence: int | None
    evidence_harmful: bool
    mean_total: float | None  # mean weighted total, 0-500
    spread: int | None        # highest minus lowest weighted total
    assessors: int
    disagreement: bool
    rank: int = 0
    above_line: bool = False

    @property
    def score(self) -> float | None:
        """Weighted score out of 100."""
        return None if self.mean_total is None else round(self.mean_total / 5, 1)

    @property
    def spread_score(self) -> float | None:
        return None if self.spread is None else round(self.spread / 5, 1)


def moderation(grant_round: GrantRound) -> list[Ranked]:
    """Every application being assessed or decided in the round, ranked by mean weighted score,
    with the funding line marked. Three queries, whatever the number of applications."""
    submitted = sa.and_(Assessment.application_id == GrantApplication.id, Assessment.submitted_at.is_not(None))
    rows = db.session.execute(
        sa.select(
            GrantApplication.id, GrantApplication.title, Organisation.name, GrantApplication.state,
            GrantApplication.requested_pence, GrantApplication.awarded_pence, GrantApplication.evidence_harmful,
            sa.func.avg(Assessment.weighted_total),
            sa.func.max(Assessment.weighted_total) - sa.func.min(Assessment.weighted_total),
            sa.func.count(Assessment.id),
        )
        .join(Organisation, Organisation.id == GrantApplication.organisation_id)
        .outerjoin(Assessment, submitted)
        .where(GrantApplication.round_id == grant_round.id, GrantApplication.state.in_(logic.ASSESSED))
        .group_by(GrantApplication.id, GrantApplication.title, Organisation.name, GrantApplication.state,
                  GrantApplication.requested_pence, GrantApplication.awarded_pence, GrantApplication.evidence_harmful)
    ).all()
    spread = (sa.func.max(Score.score) - sa.func.min(Score.score))
    disagreeing = set(db.session.scalars(
        sa.select(Assessment.application_id)
        .join(Score, Score.assessment_id == Assessment.id)
        .join(GrantApplication, GrantApplication.id == Assessment.application_id)
        .where(GrantApplication.round_id == grant_round.id, Assessment.submitted_at.is_not(None))
        .group_by(Assessment.application_id, Score.criterion)
        .having(spread >= DISAGREEMENT)
    ))
    ranked = [
        Ranked(id=r[0], title=r[1], organisation=r[2], state=r[3], requested_pence=r[4], awarded_pence=r[5],
               evidence_harmful=r[6], mean_total=float(r[7]) if r[7] is not None else None,
               spread=int(r[8]) if r[8] is not None else None, assessors=r[9], disagreement=r[0] in disagreeing)
        for r in rows
    ]
    return rank(ranked, grant_round.budget_pence)


def rank(applications: list[Ranked], budget_pence: int) -> list[Ranked]:
    """Order by score (unscored last; ties: smaller request first, then earlier application) and
    draw the funding line where the budget runs out: everything above it fits within the budget,
    in rank order, counting an awarded amount where one is set, else the request."""
    ordered = sorted(applications, key=lambda a: (a.mean_total is None, -(a.mean_total or 0), a.requested_pence, a.id))
    spent, line_drawn = 0, False
    for position, application in enumerate(ordered, start=1):
        application.rank = position
        if application.state == logic.DECLINED:
            continue  # a declined application takes no money, so the line moves down past it
        cost = application.awarded_pence if application.awarded_pence is not None else application.requested_pence
        if not line_drawn and application.mean_total is not None and spent + cost <= budget_pence:
            spent += cost
            application.above_line = True
        else:
            line_drawn = True
    return ordered


def funding_line_index(ranked: list[Ranked]) -> int:
    """How many applications are above the funding line."""
    return sum(1 for a in ranked if a.above_line)


# ---------------------------------------------------------------- decisions

def is_departure(entry: Ranked, outcome: str) -> bool:
    """Awarding below the line or declining above it departs from the rank order."""
    return (outcome == "award" and not entry.above_line) or (outcome == "decline" and entry.above_line)


def awarded_total(grant_round: GrantRound, excluding: int | None = None) -> int:
    query = sa.select(sa.func.coalesce(sa.func.sum(GrantApplication.awarded_pence), 0)).where(
        GrantApplication.round_id == grant_round.id, GrantApplication.state.in_(logic.FUNDED))
    if excluding:
        query = query.where(GrantApplication.id != excluding)
    return db.session.scalar(query)


def decide(application: GrantApplication, outcome: str, actor, reason: str, amount_pence: int | None = None,
           departure_reason: str = "", now: datetime | None = None) -> None:
    """Award or decline, recording the reason and telling the applicant what happens next."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise logic.GrantError("Give a reason for the decision")
    entry = next((r for r in moderation(application.round) if r.id == application.id), None)
    if entry is None:
        raise logic.GrantError("Only applications being assessed can be decided.")
    if is_departure(entry, outcome) and not departure_reason.strip():
        where = "below" if outcome == "award" else "above"
        raise logic.GrantError(
            f"This application is ranked {entry.rank}, {where} the funding line. Explain why you are departing from the rank order.")
    grant_round = application.round
    if outcome == "award":
        if not amount_pence or amount_pence <= 0:
            raise logic.GrantError("Enter the amount to award")
        if awarded_total(grant_round) + amount_pence > grant_round.budget_pence:
            raise logic.GrantError(
                f"Awarding {logic.format_pounds(amount_pence)} would go over the round's budget of "
                f"{logic.format_pounds(grant_round.budget_pence)} ({logic.format_pounds(awarded_total(grant_round))} already awarded).")
        logic.transition(application, logic.AWARDED, actor, now, awarded_pence=amount_pence, decision_reason=reason,
                         departure_reason=departure_reason.strip(), decided_at=now, decided_by_id=actor.id)
        subject = f"Good news: a grant for {application.title}"
        body = (f"We are pleased to offer {application.organisation.name} a grant of {logic.format_pounds(amount_pence)} "
                f"from {grant_round.name} for “{application.title}”.\n\nWhy: {reason}\n\nWhat happens next: we will send "
                "you a grant agreement to sign within two weeks. Once it is signed we pay the grant into your group's "
                "bank account. We will also offer you a mentor from our community development team. You will report "
                "on your work in short monitoring returns; the dates are shown when you sign in to Live Safe.")
    elif outcome == "decline":
        logic.transition(application, logic.DECLINED, actor, now, awarded_pence=None, decision_reason=reason,
                         departure_reason=departure_reason.strip(), decided_at=now, decided_by_id=actor.id)
        subject = f"Your application: {application.title}"
        body = (f"Thank you for applying to {grant_round.name} for “{application.title}”. We are sorry that we cannot "
                f"fund it this time.\n\nWhy: {reason}\n\nWhat happens next: you are welcome to ask us for feedback "
                "and to apply to a future round. Open rounds are listed on the Live Safe funding page.")
    else:
        raise logic.GrantError("Choose award or decline")
    for email in logic.member_emails(application.organisation_id):
        queue(email, subject, body)
    db.session.commit()
