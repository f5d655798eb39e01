"""After the award: the schedule of monitoring returns, returns themselves, overdue reminders and reports."""
import calendar
from collections import Counter
from datetime import datetime

import sqlalchemy as sa

from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication, GrantRound, MonitoringReturn
from livesafe.mail.logic import queue
from livesafe.clock import format_london, utcnow

# Figures from the domain notes, shown beside the reports for comparison.
SCHEME_FIGURES = "Over its first two rounds the scheme funded 38 community groups."


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def start_monitoring(application: GrantApplication, actor, now: datetime | None = None) -> list[MonitoringReturn]:
    """The grant agreement is signed and paid: schedule the returns from the round's months."""
    now = now or utcnow()
    logic.transition(application, logic.MONITORING, actor, now)
    returns = [MonitoringReturn(application_id=application.id, due_at=add_months(now, months))
               for months in application.round.monitoring_months]
    db.session.add_all(returns)
    db.session.commit()
    return returns


def close_grant(application: GrantApplication, actor, now: datetime | None = None) -> None:
    if any(r.submitted_at is None for r in application.returns):
        raise logic.GrantError("Every monitoring return must be in before the grant is closed.")
    logic.transition(application, logic.CLOSED, actor, now)
    db.session.commit()


def is_overdue(monitoring_return: MonitoringReturn, now: datetime | None = None) -> bool:
    return monitoring_return.submitted_at is None and monitoring_return.due_at < (now or utcnow())


def submit_return(monitoring_return: MonitoringReturn, user, values: dict, now: datetime | None = None) -> None:
    """values: reached {"age:10-14": n, "district:leicester": n}, counts and text, already validated."""
    if monitoring_return.submitted_at is not None:
        raise logic.GrantError("This return has already been sent.")
    if monitoring_return.application.state != logic.MONITORING:
        raise logic.GrantError("Returns can only be sent while the grant is being monitored.")
    for name, value in values.items():
        setattr(monitoring_return, name, value)
    monitoring_return.young_people_reached = sum(n for k, n in values["reached"].items() if k.startswith("age:"))
    monitoring_return.submitted_at = now or utcnow()
    monitoring_return.submitted_by_id = user.id
    record(user, "grant_monitoring_return.submitted", monitoring_return,
           after={"application_id": monitoring_return.application_id,
                  "safeguarding_incidents": monitoring_return.safeguarding_incidents})
    db.session.commit()


def remind_overdue(now: datetime | None = None) -> int:
    """Queue one reminder for each overdue return that has not had one. Safe to run as often as
    you like, from several machines at once: the conditional UPDATE lets only one run claim a return."""
    now = now or utcnow()
    overdue = db.session.scalars(
        sa.select(MonitoringReturn)
        .join(GrantApplication)
        .where(MonitoringReturn.submitted_at.is_(None), MonitoringReturn.reminded_at.is_(None),
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
    db.session.commit()
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
    returns = [r for r in every_return if r.submitted_at is not None]
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
        "by_district": [(d, by_district[d], awarded_by_district[d]) for d in logic.DISTRICTS if by_district[d]],
        "by_group": [(groups.get(key, key), count) for key, count in by_group.most_common()],
        "reached_by_age": [(label, reached[f"age:{key}"]) for key, label in logic.AGE_BANDS],
        "reached_by_district": [(d, reached[f"district:{logic.slug(d)}"]) for d in logic.DISTRICTS if reached[f"district:{logic.slug(d)}"]],
    }
