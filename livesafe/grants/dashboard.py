"""The grants dashboards for staff (issue 14, point 9): one round, or every round.

Money and applications are plain sums. Young people are not: each monitoring return counts the unique young
people reached in its own period, and the same person usually comes back the next period, so figures of one
grant's periods are never added together. The dashboards show reach period by period, a breakdown from each
grant's latest period, and a figure to date only where the group counted each person once since the start
(`MonitoringReturn.reached_to_date`). Different grants are different groups, so their figures are added up;
a young person who went to two groups' projects is counted by each (the page says so).

Every count of people goes through livesafe.disclosure: a return is the record, its `record_key` keys the cell.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livesafe import disclosure, places
from livesafe.clock import utcnow
from livesafe.disclosure import Published, Tally
from livesafe.extensions import db
from livesafe.grants import agreements, logic, monitoring
from livesafe.grants.models import GrantApplication, GrantRound, MonitoringReturn

# Figures from the domain notes, shown beside the dashboards for comparison.
SCHEME_FIGURES = "Over its first two rounds the scheme funded 38 community groups."

# Sent to us as a full application (not counting those withdrawn): what "applications received" counts.
RECEIVED = (logic.SUBMITTED, logic.MORE_INFO, logic.INELIGIBLE, logic.IN_ASSESSMENT, logic.AWARDED, logic.DECLINED,
            logic.MONITORING, logic.CLOSED)
DECIDED = (*logic.FUNDED, logic.DECLINED, logic.INELIGIBLE)
ELSEWHERE_LABEL = "Somewhere else (outside Leicester, Leicestershire and Rutland)"


@dataclass
class Period:
    """One sent return of one grant: its period and what it reported."""

    number: int
    start: date | None
    end: date | None
    reached: Published
    to_date: Published | None
    mentored: Published
    sessions: int
    interventions: int
    incidents: int
    return_id: int


@dataclass
class GrantReach:
    application: GrantApplication
    periods: list[Period] = field(default_factory=list)
    due: int = 0  # returns not sent yet
    overdue: int = 0


@dataclass
class Bar:
    label: str
    published: Published
    code: str = ""


def _publish(returns: list[MonitoringReturn], value) -> Published:
    tally = Tally()
    for item in returns:
        tally.add(value(item), item.record_key)
    return tally.publish()


def _applications(grant_round: GrantRound | None) -> list[GrantApplication]:
    query = (sa.select(GrantApplication).options(selectinload(GrantApplication.organisation),
                                                 selectinload(GrantApplication.returns))
             .order_by(GrantApplication.round_id, GrantApplication.id))
    if grant_round is not None:
        query = query.where(GrantApplication.round_id == grant_round.id)
    return list(db.session.scalars(query))


def _rate(funded: int, decided: int) -> int | None:
    return None if not decided else round(100 * funded / decided)


def applications_summary(apps: list[GrantApplication]) -> dict:
    received = [a for a in apps if a.state in RECEIVED]
    funded = [a for a in apps if a.state in logic.FUNDED]
    decided = [a for a in apps if a.state in DECIDED]
    return {
        "received": len(received),
        "requested_pence": sum(a.requested_pence or 0 for a in received),
        "funded": len(funded),
        "awarded_pence": sum(a.awarded_pence or 0 for a in funded),
        "decided": len(decided),
        "success_rate": _rate(len(funded), len(decided)),
        "organisations": len({a.organisation_id for a in funded}),
    }


def grant_reach(application: GrantApplication, now) -> GrantReach:
    entry = GrantReach(application)
    for number, item in enumerate(application.returns, start=1):
        if item.state != monitoring.SENT:
            entry.due += 1
            entry.overdue += monitoring.is_overdue(item, now)
            continue
        entry.periods.append(Period(
            number=number, start=item.period_start, end=item.period_end,
            reached=disclosure.publish(item.young_people_reached, item.record_key),
            to_date=None if item.reached_to_date is None else disclosure.publish(item.reached_to_date, item.record_key),
            mentored=disclosure.publish(item.young_people_mentored, item.record_key),
            sessions=item.sessions_delivered, interventions=item.interventions_developed,
            incidents=item.safeguarding_incidents, return_id=item.id))
    return entry


def _sent(application: GrantApplication) -> list[MonitoringReturn]:
    return [r for r in application.returns if r.state == monitoring.SENT]


def build(grant_round: GrantRound | None = None) -> dict:
    """Everything the dashboard shows, for one round or (None) every round."""
    now = utcnow()
    apps = _applications(grant_round)
    funded = [a for a in apps if a.state in logic.FUNDED]
    sent = [r for a in funded for r in _sent(a)]
    latest = [_sent(a)[-1] for a in funded if _sent(a)]
    # The to-date figure only goes up, so each grant's latest one stands for the grant.
    to_date = [[r for r in _sent(a) if r.reached_to_date is not None][-1] for a in funded
               if any(r.reached_to_date is not None for r in _sent(a))]
    by_age = [Bar(label, _publish(latest, lambda r, k=key: int((r.reached or {}).get(f"age:{k}", 0))))
              for key, label in logic.AGE_BANDS]
    by_district = [Bar(d.name, _publish(latest, lambda r, k=d.key: int((r.reached or {}).get(f"district:{k}", 0))), d.code)
                   for d in places.DISTRICTS]
    by_district.append(Bar(ELSEWHERE_LABEL, _publish(
        latest, lambda r: int((r.reached or {}).get(f"district:{monitoring.ELSEWHERE}", 0)))))
    grants_by_district: Counter = Counter()
    awarded_by_district: Counter = Counter()
    by_group: Counter = Counter()
    for application in funded:
        district = places.district((application.answers or {}).get("project", {}).get("district") or "") or \
            places.district(application.organisation.district or "")
        name = district.name if district else "Not given"
        grants_by_district[name] += 1
        awarded_by_district[name] += application.awarded_pence or 0
        for group in (application.answers or {}).get("beneficiaries", {}).get("priority_groups", []):
            by_group[group] += 1
    groups = dict(logic.PRIORITY_GROUPS)
    every_return = [r for a in funded for r in a.returns]
    return {
        "grant_round": grant_round,
        "applications": applications_summary(apps),
        "money": agreements.money(grant_round.id if grant_round else None),
        "rounds": _per_round(apps) if grant_round is None else [],
        "outputs": {
            "grants_made": len(funded),
            "interventions_developed": sum(r.interventions_developed for r in sent),
            "sessions_delivered": sum(r.sessions_delivered for r in sent),
            "referrals_made": sum(r.referrals_made for r in sent),
            "safeguarding_incidents": sum(r.safeguarding_incidents for r in sent),
            "mentored_latest": _publish(latest, lambda r: r.young_people_mentored),
            "reached_latest": _publish(latest, lambda r: r.young_people_reached),
            "grants_reporting": len(latest),
            "reached_to_date": _publish(to_date, lambda r: r.reached_to_date),
            "grants_to_date": len(to_date),
        },
        "returns_received": len(sent),
        "returns_overdue": sum(1 for r in every_return if monitoring.is_overdue(r, now)),
        "by_age": by_age,
        "by_district": by_district,
        "grants_by_district": [(d.name, d.code, grants_by_district[d.name], awarded_by_district[d.name])
                               for d in places.DISTRICTS if grants_by_district[d.name]],
        "by_group": [(groups.get(key, key), count) for key, count in by_group.most_common()],
        "grants": [grant_reach(a, now) for a in funded],
        "threshold": disclosure.threshold(),
        "figures": SCHEME_FIGURES,
    }


def _per_round(apps: list[GrantApplication]) -> list[dict]:
    """One row per round for the all-rounds dashboard (money: one query a round; rounds are few)."""
    by_round: dict[int, list[GrantApplication]] = {}
    for application in apps:
        by_round.setdefault(application.round_id, []).append(application)
    rounds = db.session.scalars(sa.select(GrantRound).order_by(GrantRound.opens_at, GrantRound.id)).all()
    return [{"round": r, **applications_summary(by_round.get(r.id, [])), "money": agreements.money(r.id)} for r in rounds]


def largest(bars: list[Bar]) -> int:
    """The longest bar's value, for scaling the chart (suppressed cells have no bar)."""
    return max([b.published.count for b in bars if b.published.count is not None] or [0])
