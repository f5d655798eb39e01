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
from livesafe.kernel import Conflict, RuleError, Step, apply
from livesafe.kernel.workflow import lock
from livesafe.clock import utcnow

SCORES = range(0, 6)
# A comment is required for the extremes and for "poor".
COMMENT_REQUIRED = (0, 1, 5)
DISAGREEMENT = 2


# ---------------------------------------------------------------- assessors

def assessments_by(user) -> list[Assessment]:
    return list(db.session.scalars(sa.select(Assessment).where(Assessment.assessor_id == user.id)))


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
        raise Conflict("This application is no longer being assessed.")
    assessment = Assessment(application_id=application.id, assessor_id=user.id, conflict=conflict,
                            conflict_details=details.strip(), declared_at=now or utcnow())
    db.session.add(assessment)
    try:
        db.session.flush()
    except IntegrityError:
        # Declared twice at the same moment: use the first (the failed flush must be rolled back first).
        db.session.rollback()
        return assessment_of(user, application)
    record(user, "grant_assessment.conflict_declared" if conflict else "grant_assessment.no_conflict", assessment,
           after={"application_id": application.id, "conflict": conflict})
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
        raise Conflict("You declared a conflict of interest, so you cannot score this application.")
    if assessment.submitted_at:
        raise Conflict("You have already submitted your scores.")
    if assessment.application.state != logic.IN_ASSESSMENT:
        raise Conflict("This application is no longer being assessed.")
    criteria = criteria_of(assessment.application)
    if submit and score_problems(criteria, entries):
        raise RuleError("Some scores or comments are missing.")
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
    db.session.flush()


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


def weighted_totals(grant_round: GrantRound):
    """Each submitted assessment's weighted total, computed from its scores and the round's weights in
    force (a subquery of assessment id, application id, total), so a total can never disagree with them."""
    weight = sa.case({c["key"]: c["weight"] for c in grant_round.criteria}, value=Score.criterion, else_=0) \
        if grant_round.criteria else sa.literal(0)
    community = sa.func.coalesce(sa.func.max(sa.case((RoundAssessor.community.is_(True), 1), else_=0)), 0)
    return (
        sa.select(Assessment.id.label("assessment_id"), Assessment.application_id.label("application_id"),
                  sa.func.coalesce(sa.func.sum(Score.score * weight), 0).label("total"),
                  community.label("community"))
        .join(GrantApplication, GrantApplication.id == Assessment.application_id)
        .outerjoin(RoundAssessor, sa.and_(RoundAssessor.round_id == GrantApplication.round_id,
                                          RoundAssessor.user_id == Assessment.assessor_id))
        .outerjoin(Score, Score.assessment_id == Assessment.id)
        .where(GrantApplication.round_id == grant_round.id, Assessment.submitted_at.is_not(None))
        .group_by(Assessment.id, Assessment.application_id)
        .subquery()
    )


def moderation(grant_round: GrantRound) -> list[Ranked]:
    """Every application being assessed or decided in the round, ranked by mean weighted score (community
    reviewers counting for the round's share, assignment.combined_mean),
    with the funding line marked. Two queries, whatever the number of applications."""
    totals = weighted_totals(grant_round)
    rows = db.session.execute(
        sa.select(
            GrantApplication.id, GrantApplication.title, Organisation.name, GrantApplication.state,
            GrantApplication.requested_pence, GrantApplication.awarded_pence, GrantApplication.evidence_harmful,
            sa.func.avg(sa.case((totals.c.community == 0, totals.c.total))),
            sa.func.avg(sa.case((totals.c.community == 1, totals.c.total))),
            sa.func.max(totals.c.total) - sa.func.min(totals.c.total),
            sa.func.count(totals.c.assessment_id),
        )
        .join(Organisation, Organisation.id == GrantApplication.organisation_id)
        .outerjoin(totals, totals.c.application_id == GrantApplication.id)
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
    from livesafe.grants.assignment import combined_mean

    def mean(value):
        return None if value is None else float(value)

    ranked = [
        Ranked(id=r[0], title=r[1], organisation=r[2], state=r[3], requested_pence=r[4], awarded_pence=r[5],
               evidence_harmful=r[6], mean_total=combined_mean(mean(r[7]), mean(r[8]), grant_round.community_share or 0),
               spread=int(r[9]) if r[9] is not None else None, assessors=r[10], disagreement=r[0] in disagreeing)
        for r in rows
    ]
    return rank(ranked, grant_round.budget_pence)


def rank(applications: list[Ranked], budget_pence: int) -> list[Ranked]:
    """Order by score (unscored last; ties: smaller request first, then earlier application) and
    draw the funding line where the budget runs out. Money already awarded is spent wherever its
    application ranks (above or below the line), so the line is drawn with what is left: everything
    above it that is not yet decided fits, in rank order, within the budget less every award."""
    ordered = sorted(applications, key=lambda a: (a.mean_total is None, -(a.mean_total or 0), a.requested_pence, a.id))
    spent = sum(a.awarded_pence or 0 for a in applications if a.state in logic.FUNDED)
    line_drawn = False
    for position, application in enumerate(ordered, start=1):
        application.rank = position
        if application.state == logic.DECLINED:
            continue  # a declined application takes no money, so the line moves down past it
        if application.state in logic.FUNDED:
            application.above_line = not line_drawn  # its money is already counted
            continue
        cost = application.requested_pence
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


def check_award(step: Step) -> None:
    """The amount of an award: more than nothing, no more than was asked for, and within what is left of the
    round's budget. The round is locked first, so two awards at the same moment are checked one after the other."""
    application, amount = step.obj, step.values.get("amount_pence")
    if not amount or amount <= 0:
        raise RuleError("Enter the amount to award", field="amount")
    if amount > application.requested_pence:
        raise RuleError(f"The award cannot be more than the {logic.format_pounds(application.requested_pence)} "
                        "the group asked for", field="amount")
    grant_round = lock(GrantRound, application.round_id)
    awarded = logic.awarded_total(grant_round)
    if awarded + amount > grant_round.budget_pence:
        raise RuleError(
            f"Awarding {logic.format_pounds(amount)} would go over the round's budget of "
            f"{logic.format_pounds(grant_round.budget_pence)} ({logic.format_pounds(awarded)} already awarded, "
            f"{logic.format_pounds(grant_round.budget_pence - awarded)} left).", field="amount")


def decide(application: GrantApplication, outcome: str, actor, reason: str, amount_pence: int | None = None,
           departure_reason: str = "", now: datetime | None = None) -> int:
    """Award or decline, recording the reason and telling the applicant what happens next.
    Returns how many people were told (0: the organisation has no active member to e-mail)."""
    if outcome not in ("award", "decline"):
        raise RuleError("Choose award or decline", field="outcome")
    step = apply(logic.APPLICATION, application, outcome, actor, now=now, reason=reason, amount_pence=amount_pence,
                 departure_reason=departure_reason)
    return step.values.get("told", 0)
