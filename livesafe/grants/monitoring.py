"""After the award: the schedule of monitoring returns and their reporting periods, returns themselves,
safeguarding alerts and overdue reminders (the dashboards are in dashboard.py).

Counting people honestly: a return reports the unique young people reached in ITS period. The same young
person usually comes back period after period, so figures of different periods are never added up; a grant's
reach is shown period by period, and a figure for the whole grant only when the group reports one it counted
as unique to date (`reached_to_date`).
"""
import calendar
import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication, MonitoringReturn
from livesafe.kernel import Conflict, Refused, RuleError, Step, Transition, Workflow, apply, can
from livesafe.mail.logic import queue
from livesafe.clock import format_london, to_london, utcnow

log = logging.getLogger(__name__)


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
    problems = answer_problems(step.obj, step.values["answers"])
    if problems:
        field, message = problems[0]
        raise RuleError(message, field=field)


# Where a young person lives, besides the nine districts: reach by district must account for everyone.
ELSEWHERE = "elsewhere"


def answer_problems(monitoring_return: MonitoringReturn, values: dict) -> list[tuple[str, str]]:
    """[(form field, message)] for figures that cannot all be true together."""
    problems = []
    reached = values["reached"]
    by_age = sum(n for k, n in reached.items() if k.startswith("age:"))
    by_place = sum(n for k, n in reached.items() if k.startswith("district:"))
    if by_age != by_place:
        problems.append(("district_leicester",
                         f"The young people by where they live add up to {by_place}, but by age to {by_age}. Count each "
                         "young person once in each list (use “Somewhere else” for those living outside Leicester, "
                         "Leicestershire and Rutland), so both add up to the same number."))
    if values["young_people_mentored"] > by_age:
        problems.append(("young_people_mentored",
                         f"Young people mentored ({values['young_people_mentored']}) cannot be more than the young people "
                         f"reached in this period ({by_age})."))
    to_date = values.get("reached_to_date")
    if to_date is not None:
        if to_date < by_age:
            problems.append(("reached_to_date",
                             f"Unique young people since the grant started ({to_date}) cannot be fewer than those reached "
                             f"in this period ({by_age}): everyone reached in this period is among them."))
        earlier = previous_to_date(monitoring_return)
        if earlier is not None and to_date < earlier:
            problems.append(("reached_to_date",
                             f"Your last return said {earlier} unique young people since the grant started. The figure "
                             "to date can only stay the same or go up."))
    return problems


def previous_to_date(monitoring_return: MonitoringReturn) -> int | None:
    """The latest unique-to-date figure the group sent before this return's period."""
    return db.session.scalar(
        sa.select(MonitoringReturn.reached_to_date)
        .where(MonitoringReturn.application_id == monitoring_return.application_id, MonitoringReturn.state == SENT,
               MonitoringReturn.due_at < monitoring_return.due_at, MonitoringReturn.reached_to_date.is_not(None))
        .order_by(MonitoringReturn.due_at.desc()).limit(1))


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


def periods(start: date, due_dates: list[date]) -> list[tuple[date, date]]:
    """Back-to-back reporting periods (both dates included): the first from the start, each ending the day
    before its return is due and the next starting on that day, so no day is reported twice."""
    spans, begin = [], start
    for due in due_dates:
        spans.append((begin, due - timedelta(days=1)))
        begin = due
    return spans


def start_monitoring(application: GrantApplication, actor, now: datetime | None = None, **values) -> list[MonitoringReturn]:
    """A member accepted the grant agreement (agreements.accept): schedule the returns from the agreement's
    monitoring months (the round's when there is no agreement), each covering its own period."""
    from livesafe.grants.agreements import agreement_of

    now = now or utcnow()
    apply(logic.APPLICATION, application, "start_monitoring", actor, now=now, **values)
    agreement = agreement_of(application)
    months = sorted({int(m) for m in (agreement.monitoring_months if agreement else application.round.monitoring_months)})
    due = [add_months(now, m) for m in months]
    spans = periods(to_london(now).date(), [to_london(d).date() for d in due])
    returns = [MonitoringReturn(application_id=application.id, due_at=d, state=DUE, period_start=first, period_end=last)
               for d, (first, last) in zip(due, spans)]
    db.session.add_all(returns)
    db.session.flush()
    db.session.expire(application, ["returns"])
    return returns


def close_grant(application: GrantApplication, actor, now: datetime | None = None) -> None:
    apply(logic.APPLICATION, application, "close", actor, now=now)


def is_overdue(monitoring_return: MonitoringReturn, now: datetime | None = None) -> bool:
    return monitoring_return.state == DUE and monitoring_return.due_at < (now or utcnow())


def submit_return(monitoring_return: MonitoringReturn, user, values: dict, now: datetime | None = None) -> None:
    """values: reached {"age:10-14": n, "district:leicester": n}, counts and text, already validated.
    A reported safeguarding incident alerts the safeguarding lead in the same transaction: only the member
    whose send wins the compare-and-set gets this far, so one return makes one alert."""
    now = now or utcnow()
    apply(RETURN, monitoring_return, "submit", user, now=now, answers=values,
          safeguarding_incidents=values["safeguarding_incidents"])
    if monitoring_return.safeguarding_incidents:
        alert_safeguarding(monitoring_return, user, now)


def safeguarding_recipients() -> list[str]:
    """SAFEGUARDING_LEAD_EMAIL (one or more addresses, comma-separated); when unset, every active staff
    account, so an incident is never left unseen."""
    configured = [a.strip() for a in (current_app.config.get("SAFEGUARDING_LEAD_EMAIL") or "").split(",") if a.strip()]
    if configured:
        return configured
    return list(db.session.scalars(sa.select(User.email).where(User.role == roles.STAFF, User.active.is_(True))
                                   .order_by(User.id)))


def return_path(monitoring_return: MonitoringReturn) -> str:
    return f"/grants/applications/{monitoring_return.application_id}/returns/{monitoring_return.id}"


def alert_safeguarding(monitoring_return: MonitoringReturn, user, now: datetime) -> int:
    """Queue the alert: a link and nothing else (the details stay behind sign-in), and audit it."""
    recipients = safeguarding_recipients()
    link = current_app.config["BASE_URL"].rstrip("/") + return_path(monitoring_return)
    for email in recipients:
        queue(email, "Safeguarding incident reported in a grant monitoring return",
              "A funded group has reported a safeguarding incident in a monitoring return. Please read it and act "
              f"today. Sign in to see it:\n\n{link}\n\nThe details are only on the site, not in this e-mail.")
    if not recipients:
        log.error("Safeguarding incident in monitoring return %s: nobody to alert (set SAFEGUARDING_LEAD_EMAIL)",
                  monitoring_return.id)
    monitoring_return.safeguarding_alerted_at = now
    record(user, "grant_monitoring_return.safeguarding_alert", monitoring_return,
           after={"application_id": monitoring_return.application_id, "recipients": len(recipients)})
    db.session.flush()
    return len(recipients)


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
