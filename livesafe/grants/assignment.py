"""Assessment at scale: who assesses which application.

A round has a pool of assessors and panel members (RoundAssessor); staff assign people from the pool to
each application, by hand or automatically. An assessor sees only the applications assigned to them.
Panel members in the pool can take the community reviewer part: their mean score counts for the
round's `community_share` per cent of an application's score, the assessors' mean for the rest.

Nobody is assigned to an application of an organisation they belong to, or of an organisation they
have declared a conflict with (on any of its applications). A declared conflict keeps the assignment
on record but it no longer counts, so running automatic assignment again finds a replacement.
"""
import heapq
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import (
    ApplicationAssessor,
    Assessment,
    GrantApplication,
    GrantRound,
    Organisation,
    OrganisationMember,
    RoundAssessor,
)
from livesafe.kernel import Conflict, RuleError, require
from livesafe.kernel.workflow import lock
from livesafe.clock import utcnow

# Applications that can be given assessors: sent and not yet decided.
ASSIGNABLE = (logic.SUBMITTED, logic.IN_ASSESSMENT)
MAX_PER_APPLICATION = 10


# ---------------------------------------------------------------- the pool

def pool(grant_round: GrantRound) -> list[RoundAssessor]:
    return list(db.session.scalars(
        sa.select(RoundAssessor).where(RoundAssessor.round_id == grant_round.id).order_by(RoundAssessor.id)))


def set_pool(grant_round: GrantRound, user_ids: list[int], community_ids: list[int], share: int, actor) -> None:
    """Choose the round's assessors and panel members, which panel members are community reviewers, and their
    share of the score. Someone taken out of the pool loses the assignments they have not submitted scores for."""
    require("grants.assign", actor, grant_round)
    lock(GrantRound, grant_round.id)
    candidates = {u.id: u for u in logic.assessor_candidates()}
    wanted = {i for i in user_ids if i in candidates}
    community = {i for i in community_ids if i in wanted}
    not_panel = [candidates[i].display_name for i in community if candidates[i].role != roles.PANEL_MEMBER]
    if not_panel:
        raise RuleError("Only community panel members can be community reviewers: " + ", ".join(sorted(not_panel)),
                        field="community")
    if not 0 <= share <= 100:
        raise RuleError("The community reviewers' share must be from 0 to 100 per cent", field="community_share")
    if share != grant_round.community_share and grant_round.status == "assessment":
        raise RuleError("Assessment has started, so the community reviewers' share can no longer change: scores are "
                        "combined with it. Put back what was there.", field="community_share")
    current = {a.user_id: a for a in grant_round.assessors}
    for user_id, link in current.items():
        if user_id not in wanted:
            grant_round.assessors.remove(link)
        else:
            link.community = user_id in community
    for user_id in wanted - set(current):
        grant_round.assessors.append(RoundAssessor(user_id=user_id, community=user_id in community))
    removed = set(current) - wanted
    if removed:
        submitted = sa.select(Assessment.id).where(Assessment.application_id == ApplicationAssessor.application_id,
                                                   Assessment.assessor_id == ApplicationAssessor.user_id,
                                                   Assessment.submitted_at.is_not(None))
        db.session.execute(sa.delete(ApplicationAssessor).where(
            ApplicationAssessor.user_id.in_(removed), ~sa.exists(submitted),
            ApplicationAssessor.application_id.in_(sa.select(GrantApplication.id).where(GrantApplication.round_id == grant_round.id)),
        ).execution_options(synchronize_session=False))
    grant_round.community_share = share
    record(actor, "grant_round.assessors_set", grant_round, before={"assessors": sorted(current)},
           after={"assessors": sorted(wanted), "community": sorted(community), "community_share": share})
    db.session.flush()


# ---------------------------------------------------------------- who may assess what

def blocked_pairs(organisation_ids=None) -> set[tuple[int, int]]:
    """(user id, organisation id) pairs that must never meet: members of the organisation, and people who
    declared a conflict with any of its applications."""
    members = sa.select(OrganisationMember.user_id, OrganisationMember.organisation_id)
    conflicts = (sa.select(Assessment.assessor_id, GrantApplication.organisation_id)
                 .join(GrantApplication, GrantApplication.id == Assessment.application_id)
                 .where(Assessment.conflict.is_(True)))
    if organisation_ids is not None:
        members = members.where(OrganisationMember.organisation_id.in_(organisation_ids))
        conflicts = conflicts.where(GrantApplication.organisation_id.in_(organisation_ids))
    return {tuple(r) for r in db.session.execute(members)} | {tuple(r) for r in db.session.execute(conflicts)}


def refusal(application: GrantApplication, user_id: int) -> RuleError | None:
    """Why this person cannot be assigned to this application (None: they can)."""
    if application.state not in ASSIGNABLE:
        return Conflict("Only sent applications that are not yet decided can be given assessors.")
    in_pool = db.session.scalar(sa.select(RoundAssessor.id).where(
        RoundAssessor.round_id == application.round_id, RoundAssessor.user_id == user_id))
    if in_pool is None:
        return RuleError("Choose someone from this round's assessors and panel members", field="user_id")
    if (user_id, application.organisation_id) in blocked_pairs([application.organisation_id]):
        return RuleError("This person belongs to the organisation or has declared a conflict of interest with it, "
                         "so they cannot assess its application", field="user_id")
    return None


def assign(application: GrantApplication, user_id: int, actor, now: datetime | None = None) -> ApplicationAssessor:
    """Assign one person to one application by hand."""
    require("grants.assign", actor, application.round)
    lock(GrantRound, application.round_id)  # one assigner at a time per round (see auto_assign)
    problem = refusal(application, user_id)
    if problem:
        raise problem
    link = ApplicationAssessor(application_id=application.id, user_id=user_id, assigned_by_id=actor.id,
                               assigned_at=now or utcnow())
    db.session.add(link)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("This person is already assigned to this application.") from None
    record(actor, "grant_application.assessor_assigned", application, after={"user_id": user_id})
    return link


def unassign(application: GrantApplication, user_id: int, actor) -> None:
    """Take someone off an application, unless they have already submitted scores for it."""
    require("grants.assign", actor, application.round)
    link = db.session.scalar(sa.select(ApplicationAssessor).where(
        ApplicationAssessor.application_id == application.id, ApplicationAssessor.user_id == user_id))
    if link is None:
        raise Conflict("This person is not assigned to this application.")
    submitted = db.session.scalar(sa.select(Assessment.id).where(
        Assessment.application_id == application.id, Assessment.assessor_id == user_id, Assessment.submitted_at.is_not(None)))
    if submitted:
        raise Conflict("This person has submitted scores for this application, so they stay assigned.")
    db.session.delete(link)
    record(actor, "grant_application.assessor_unassigned", application, before={"user_id": user_id})
    db.session.flush()


def assigned_people(application: GrantApplication) -> list[ApplicationAssessor]:
    return list(db.session.scalars(sa.select(ApplicationAssessor).where(ApplicationAssessor.application_id == application.id)
                                   .order_by(ApplicationAssessor.id)))


# ---------------------------------------------------------------- automatic assignment

@dataclass
class Outcome:
    made: int = 0
    short: list[int] = field(default_factory=list)  # applications that could not get enough people


def plan(applications: list[tuple[int, int]], people: list[int], need: int, existing: dict[int, set[int]],
         loads: dict[int, int], blocked: set[tuple[int, int]], not_counting: set[tuple[int, int]]) -> tuple[list[tuple[int, int]], list[int]]:
    """Pick `need` people for each (application id, organisation id), least-loaded first (ties: lowest id), never
    someone already on it or blocked from its organisation. `existing`: application -> people on it; pairs in
    `not_counting` (a declared conflict) are on it but do not count. Returns ([(application, person)], short)."""
    heap = [(loads.get(p, 0), p) for p in people]
    heapq.heapify(heap)
    group = set(people)
    picks, short = [], []
    for application_id, organisation_id in applications:
        on_it = existing.get(application_id, set())
        missing = need - sum(1 for p in on_it if p in group and (application_id, p) not in not_counting)
        skipped = []
        while missing > 0 and heap:
            load, person = heapq.heappop(heap)
            skipped.append((load, person))
            if person in on_it or (person, organisation_id) in blocked:
                continue
            picks.append((application_id, person))
            skipped[-1] = (load + 1, person)
            missing -= 1
        for entry in skipped:
            heapq.heappush(heap, entry)
        if missing > 0:
            short.append(application_id)
    return picks, short


def auto_assign(grant_round: GrantRound, assessors_each: int, community_each: int, actor,
                now: datetime | None = None) -> Outcome:
    """Give every sent, undecided application of the round `assessors_each` assessors and `community_each`
    community reviewers (counting those it has), spreading the work evenly.

    The round is locked first and everything is read after the lock, so two staff running this at once
    take turns: the second sees the first's assignments and adds nothing twice."""
    require("grants.assign", actor, grant_round)
    for number, name in ((assessors_each, "assessors_each"), (community_each, "community_each")):
        if not 0 <= number <= MAX_PER_APPLICATION:
            raise RuleError(f"Choose from 0 to {MAX_PER_APPLICATION} people per application", field=name)
    lock(GrantRound, grant_round.id)
    now = now or utcnow()
    members = db.session.execute(sa.select(RoundAssessor.user_id, RoundAssessor.community)
                                 .where(RoundAssessor.round_id == grant_round.id)).all()
    groups = ([u for u, c in members if not c], assessors_each), ([u for u, c in members if c], community_each)
    applications = db.session.execute(
        sa.select(GrantApplication.id, GrantApplication.organisation_id)
        .where(GrantApplication.round_id == grant_round.id, GrantApplication.state.in_(ASSIGNABLE))
        .order_by(GrantApplication.id)).all()
    in_round = sa.select(GrantApplication.id).where(GrantApplication.round_id == grant_round.id)
    existing: dict[int, set[int]] = {}
    loads: dict[int, int] = {}
    for application_id, user_id in db.session.execute(
            sa.select(ApplicationAssessor.application_id, ApplicationAssessor.user_id)
            .where(ApplicationAssessor.application_id.in_(in_round))):
        existing.setdefault(application_id, set()).add(user_id)
        loads[user_id] = loads.get(user_id, 0) + 1
    not_counting = {tuple(r) for r in db.session.execute(
        sa.select(Assessment.application_id, Assessment.assessor_id)
        .where(Assessment.application_id.in_(in_round), Assessment.conflict.is_(True)))}
    blocked = blocked_pairs(sa.select(GrantApplication.organisation_id).where(GrantApplication.round_id == grant_round.id))
    outcome = Outcome()
    rows = []
    for people, need in groups:
        if not need:
            continue
        picks, short = plan([tuple(a) for a in applications], people, need, existing, loads, blocked, not_counting)
        rows += [{"application_id": a, "user_id": u, "assigned_by_id": actor.id, "assigned_at": now} for a, u in picks]
        outcome.short = sorted(set(outcome.short) | set(short))
    if rows:
        db.session.execute(sa.insert(ApplicationAssessor), rows)
    outcome.made = len(rows)
    record(actor, "grant_round.auto_assigned", grant_round,
           after={"assessors_each": assessors_each, "community_each": community_each, "made": outcome.made,
                  "short": len(outcome.short)})
    db.session.flush()
    return outcome


# ---------------------------------------------------------------- what assessors see, and progress

def assigned_applications(user) -> list[GrantApplication]:
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        sa.select(GrantApplication)
        .join(ApplicationAssessor, ApplicationAssessor.application_id == GrantApplication.id)
        .where(ApplicationAssessor.user_id == user.id, GrantApplication.state.in_(logic.ASSESSED))
        .options(selectinload(GrantApplication.round))
        .order_by(GrantApplication.round_id.desc(), GrantApplication.id)
    ))


def is_assigned(user, application_id: int) -> bool:
    return db.session.scalar(sa.select(ApplicationAssessor.id).where(
        ApplicationAssessor.application_id == application_id, ApplicationAssessor.user_id == user.id)) is not None


@dataclass
class AppProgress:
    id: int
    title: str
    organisation: str
    state: str
    assigned: int = 0      # assignments that count (no conflict declared)
    submitted: int = 0
    conflicts: int = 0
    waiting: list[str] = field(default_factory=list)  # names of people who have not submitted

    def missing(self, wanted: int) -> str:
        parts = []
        if self.assigned < wanted:
            parts.append(f"needs {wanted - self.assigned} more")
        if self.waiting:
            parts.append(f"waiting for {len(self.waiting)} score(s)")
        return "; ".join(parts) or "complete"


@dataclass
class PersonProgress:
    name: str
    community: bool
    assigned: int = 0
    submitted: int = 0
    conflicts: int = 0

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted - self.conflicts


def progress(grant_round: GrantRound) -> tuple[list[AppProgress], list[PersonProgress]]:
    """What is missing in the round: per application and per person. Three queries whatever the size."""
    from livesafe.auth.models import User

    apps = {r[0]: AppProgress(*r) for r in db.session.execute(
        sa.select(GrantApplication.id, GrantApplication.title, Organisation.name, GrantApplication.state)
        .join(Organisation, Organisation.id == GrantApplication.organisation_id)
        .where(GrantApplication.round_id == grant_round.id, GrantApplication.state.in_(ASSIGNABLE + logic.DECIDED))
        .order_by(GrantApplication.id))}
    people = {r[0]: PersonProgress(r[1] or r[2], r[3]) for r in db.session.execute(
        sa.select(User.id, User.name, User.email, RoundAssessor.community)
        .join(RoundAssessor, RoundAssessor.user_id == User.id).where(RoundAssessor.round_id == grant_round.id)
        .order_by(User.name, User.email))}
    rows = db.session.execute(
        sa.select(ApplicationAssessor.application_id, ApplicationAssessor.user_id, User.name, User.email,
                  Assessment.conflict, Assessment.submitted_at)
        .join(User, User.id == ApplicationAssessor.user_id)
        .join(GrantApplication, GrantApplication.id == ApplicationAssessor.application_id)
        .outerjoin(Assessment, sa.and_(Assessment.application_id == ApplicationAssessor.application_id,
                                       Assessment.assessor_id == ApplicationAssessor.user_id))
        .where(GrantApplication.round_id == grant_round.id).order_by(ApplicationAssessor.id))
    for application_id, user_id, name, email, conflict, submitted_at in rows:
        entry, person = apps.get(application_id), people.get(user_id)
        if person is not None:
            person.assigned += 1
            person.conflicts += bool(conflict)
            person.submitted += bool(submitted_at)
        if entry is None:
            continue
        if conflict:
            entry.conflicts += 1
            continue
        entry.assigned += 1
        if submitted_at:
            entry.submitted += 1
        else:
            entry.waiting.append(name or email)
    return list(apps.values()), list(people.values())


def combined_mean(assessors_mean: float | None, community_mean: float | None, share: int) -> float | None:
    """An application's score from its two groups of reviewers: the community reviewers count for `share`
    per cent when both groups have scored; a group that has not scored leaves the other to stand alone."""
    if community_mean is None:
        return assessors_mean
    if assessors_mean is None:
        return community_mean
    return assessors_mean * (100 - share) / 100 + community_mean * share / 100
