"""After the award: the schedule of monitoring returns, returns themselves, overdue reminders and reports."""
import calendar
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from livesafe import places
from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication, GrantRound, MonitoringReturn
from livesafe.kernel import Conflict, Refused, RuleError, Step, Transition, Workflow, apply, can
from livesafe.mail.logic import queue
from livesafe.clock import format_london, utcnow

# Figures from the domain notes, shown beside the reports for comparison.
SCHEME_FIGURES = "Over its first two rounds the scheme funded 38 community groups."


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# A return can be sent from this many days before it is due: time enough to finish it, not so early that
# it reports on work not yet done (a return due in May cannot be sent the November before).
RETURN_WINDOW_DAYS = 30
DUE, SENT = "due", "sent"
RETURN_LABELS = {DUE: "Not sent yet", SENT: "Sent"}


def opens_on(monitoring_return: MonitoringReturn) -> datetime:
    """When the return can first be sent."""
    return monitoring_return.due_at - timedelta(days=RETURN_WINDOW_DAYS)


def _not_sendable(monitoring_return: MonitoringReturn, now: datetime) -> RuleError | None:
    if monitoring_return.application.state != logic.MONITORING:
        return Conflict("Returns can only be sent while the grant is being monitored.")
    if now < opens_on(monitoring_return):
        return RuleError(
            f"This return is due on {format_london(monitoring_return.due_at, '%-d %B %Y')}. You can send it from "
            f"{format_london(opens_on(monitoring_return), '%-d %B %Y')}, {RETURN_WINDOW_DAYS} days before, so it "
            "covers the work done by then.")
    return None


def _sendable(step: Step) -> None:
    problem = _not_sendable(step.obj, step.now)
    if problem:
        raise problem


def refusal(monitoring_return: MonitoringReturn, user, now: datetime | None = None) -> RuleError | None:
    """Why this person cannot send this return now (None: they can), in the words apply() would use."""
    decision = can("grants.send_return", user, monitoring_return)
    if not decision:
        return Refused(decision.reason)
    if monitoring_return.state != DUE:
        return Conflict(f"This return was sent on {format_london(monitoring_return.submitted_at)}, so it cannot be "
                        "sent again. What is shown here is what was sent.")
    return _not_sendable(monitoring_return, now or utcnow())


def _answers_sent(step: Step) -> dict:
    """What was sent is written with the state change, only once the checks have passed."""
    monitoring_return, values = step.obj, step.values["answers"]
    for name, value in values.items():
        setattr(monitoring_return, name, value)
    monitoring_return.young_people_reached = sum(n for k, n in values["reached"].items() if k.startswith("age:"))
    return {"submitted_at": step.now, "submitted_by_id": step.user.id}


# A monitoring return is sent once, by a member of the funded group: of two members sending at once, one
# wins the compare-and-set on its state and the other is told it has just been sent (409).
RETURN = Workflow(
    name="grant_monitoring_return", model=MonitoringReturn, noun="monitoring return", labels=RETURN_LABELS,
    transitions=(
        Transition("submit", (DUE,), SENT, "grants.send_return", "Send the return", guard=_sendable, sets=_answers_sent),
    ))


def start_monitoring(application: GrantApplication, actor, now: datetime | None = None, **values) -> list[MonitoringReturn]:
    """A member accepted the grant agreement (agreements.accept): schedule the returns from the round's months."""
    now = now or utcnow()
    apply(logic.APPLICATION, application, "start_monitoring", actor, now=now, **values)
    returns = [MonitoringReturn(application_id=application.id, due_at=add_months(now, months), state=DUE)
               for months in application.round.monitoring_months]
    db.session.add_all(returns)
    db.session.flush()
    db.session.expire(application, ["returns"])
    return returns


def close_grant(application: GrantApplication, actor, now: datetime | None = None) -> None:
    apply(logic.APPLICATION, application, "close", actor, now=now)


def is_overdue(monitoring_return: MonitoringReturn, now: datetime | None = None) -> bool:
    return monitoring_return.state == DUE and monitoring_return.due_at < (now or utcnow())


def submit_return(monitoring_return: MonitoringReturn, user, values: dict, now: datetime | None = None) -> None:
    """values: reached {"age:10-14": n, "district:leicester": n}, counts and text, already validated."""
    apply(RETURN, monitoring_return, "submit", user, now=now, answers=values,
          safeguarding_incidents=values["safeguarding_incidents"])


def remind_overdue(now: datetime | None = None) -> int:
    """Queue one reminder for each overdue return that has not had one. Safe to run as often as
    you like, from several machines at once: the conditional UPDATE lets only one run claim a return."""
    now = now or utcnow()
    overdue = db.session.scalars(
        sa.select(MonitoringReturn)
        .join(GrantApplication)
        .where(MonitoringReturn.state == DUE, MonitoringReturn.reminded_at.is_(None),
               MonitoringReturn.due_at < now, GrantApplication.state == logic.MONITORING)
    ).all()
    sent = 0
    for monitoring_return in overdue:
        claimed = db.session.execute(
            sa.update(MonitoringReturn)
            .where(MonitoringReturn.id == monitoring_return.id, MonitoringReturn.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        application = monitoring_return.application
        for email in logic.member_emails(application.organisation_id):
            queue(email, f"Your monitoring return for {application.title} is overdue",
                  f"Your monitoring return for “{application.title}” was due on {format_london(monitoring_return.due_at, '%-d %B %Y')}. "
                  "Please sign in to Live Safe and send it as soon as you can. It takes about 15 minutes: how many young "
                  "people took part, sessions, mentoring, referrals, what changed, and any safeguarding incidents.\n\n"
                  "If something is stopping you, reply to this e-mail and we will help.")
        record(None, "grant_monitoring_return.reminded", monitoring_return, after={"application_id": application.id})
        sent += 1
    db.session.flush()  # the CLI command commits
    return sent


def report(grant_round: GrantRound | None = None) -> dict:
    """Totals and breakdowns for one round, or every round."""
    query = sa.select(GrantApplication).where(GrantApplication.state.in_(logic.FUNDED))
    if grant_round is not None:
        query = query.where(GrantApplication.round_id == grant_round.id)
    funded = db.session.scalars(query.order_by(GrantApplication.id)).all()
    by_district, by_group = Counter(), Counter()
    awarded_by_district = Counter()
    for application in funded:
        project = (application.answers or {}).get("project", {})
        district = project.get("district") or application.organisation.district
        by_district[district] += 1
        awarded_by_district[district] += application.awarded_pence or 0
        for group in (application.answers or {}).get("beneficiaries", {}).get("priority_groups", []):
            by_group[group] += 1
    ids = [a.id for a in funded]
    every_return = db.session.scalars(
        sa.select(MonitoringReturn).where(MonitoringReturn.application_id.in_(ids))
    ).all() if ids else []
    returns = [r for r in every_return if r.state == SENT]
    now = utcnow()
    reached = Counter()
    for monitoring_return in returns:
        reached.update(monitoring_return.reached or {})
    groups = dict(logic.PRIORITY_GROUPS)
    return {
        "grants_made": len(funded),
        "organisations": len({a.organisation_id for a in funded}),
        "awarded_pence": sum(a.awarded_pence or 0 for a in funded),
        "interventions": len(funded),
        "young_people_reached": sum(r.young_people_reached for r in returns),
        "young_people_mentored": sum(r.young_people_mentored for r in returns),
        "sessions_delivered": sum(r.sessions_delivered for r in returns),
        "referrals_made": sum(r.referrals_made for r in returns),
        "safeguarding_incidents": sum(r.safeguarding_incidents for r in returns),
        "returns_received": len(returns),
        "returns_overdue": sum(1 for r in every_return if is_overdue(r, now)),
        "by_district": [(d, by_district[d], awarded_by_district[d]) for d in places.NAMES if by_district[d]],
        "by_group": [(groups.get(key, key), count) for key, count in by_group.most_common()],
        "reached_by_age": [(label, reached[f"age:{key}"]) for key, label in logic.AGE_BANDS],
        "reached_by_district": [(d.name, reached[f"district:{d.key}"]) for d in places.DISTRICTS if reached[f"district:{d.key}"]],
    }
