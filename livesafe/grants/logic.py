"""The rules of community grants, as plain functions: rounds, the application lifecycle,
eligibility, budgets in pence, saving sections, submitting and withdrawing.

Every function that depends on the time takes `now` (default: the server clock) so tests can move time.
"""
import re
import time
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.models import AuthToken
from livesafe.extensions import db
from livesafe.grants import evidence
from livesafe.grants.models import (
    GrantApplication,
    GrantRound,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
)
from livesafe.kernel import Conflict, Refused, RuleError, Step, Transition, Workflow, apply, require
from livesafe.kernel.workflow import lock
from livesafe.mail.logic import queue
from livesafe.site.numbers import MAX_PENCE, int_or_none, parse_pence
from livesafe.clock import format_london, utcnow

# People, from the domain notes. Districts come from livesafe.places; grants store a district's name.
AGE_BANDS = (("under-10", "Under 10"), ("10-14", "10 to 14"), ("15-19", "15 to 19"), ("20-25", "20 to 25"))
PRIORITY_GROUPS = (
    ("boys-15-19", "Boys and young men aged 15 to 19"),
    ("boys-10-14", "Boys aged 10 to 14"),
    ("girls-vawg", "Girls and young women at risk of violence or abuse"),
    ("excluded", "Young people excluded or often absent from school"),
    ("exploitation", "Young people at risk of exploitation or county lines"),
    ("neet", "Young people not in education, employment or training"),
    ("aces", "Young people affected by adverse childhood experiences"),
    ("substances", "Young people affected by drug or alcohol misuse"),
    ("involved", "Young people already involved in violence"),
)
ORG_KINDS = (
    ("constituted", "Constituted group"), ("charity", "Charity"), ("cic", "Community interest company (CIC)"),
    ("school", "School"), ("faith", "Faith group"), ("other", "Other"),
)
DEFAULT_CRITERIA = (
    {"key": "need", "name": "Need and evidence of need", "weight": 25},
    {"key": "approach", "name": "Approach and evidence of what works", "weight": 25},
    {"key": "reach", "name": "Reach to priority groups and areas", "weight": 20},
    {"key": "value", "name": "Value for money", "weight": 15},
    {"key": "capacity", "name": "Capacity and safeguarding", "weight": 15},
)
DEFAULT_ELIGIBILITY = (
    {"question": "Does your group work with young people in Leicester, Leicestershire or Rutland?", "expected": "yes",
     "reason": "This fund is only for work with young people in Leicester, Leicestershire and Rutland."},
    {"question": "Does your group have a bank account in its own name, with at least two unrelated people who sign?",
     "expected": "yes", "reason": "We can only pay grants into a group's own bank account with two unrelated signatories."},
    {"question": "Does your group have a safeguarding policy for working with young people?", "expected": "yes",
     "reason": "Every group we fund must have a safeguarding policy before it applies. The Violence Reduction Network "
               "can point you to free help to write one."},
    {"question": "Would the grant make a profit for anyone, or promote a political party or religious belief?",
     "expected": "no", "reason": "Grants cannot pay for work that makes a profit for anyone or promotes a party or belief."},
)
DEFAULT_MONITORING_MONTHS = (3, 6, 12)


# The application form, as a task list. Keys are URL segments and keys in GrantApplication.answers.
SECTIONS = (
    ("organisation", "Your organisation"),
    ("project", "Your project"),
    ("beneficiaries", "Who will benefit"),
    ("theory", "Need and theory of change"),
    ("approach", "Approach and evidence"),
    ("budget", "Budget"),
    ("safeguarding", "Safeguarding and risks"),
    ("declarations", "Declarations"),
)
SECTION_TITLES = dict(SECTIONS)
BUDGET_ROWS = 8
BUDGET_LINE_MAX_PENCE = 100_000_000  # £1 million a line, so a whole budget fits a PostgreSQL integer
# Answers the evidence check reads.
EVIDENCE_FIELDS = (("project", "summary"), ("project", "activities"), ("theory", "activities"),
                   ("approach", "approach"), ("approach", "evidence"))


# ---------------------------------------------------------------- money

def parse_pounds(text: str, maximum: int = MAX_PENCE) -> int:
    """'£1,234.5' -> 123450 pence. Raises ValueError with a message for the person typing."""
    return parse_pence(text, maximum)


def format_pounds(pence: int | None) -> str:
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def pounds_input(pence: int | None) -> str:
    """Pence as typed into a field: 150050 -> '1500.50'."""
    if pence is None:
        return ""
    return f"{pence // 100}.{pence % 100:02d}"


def budget_lines(raw: dict) -> tuple[list[dict], int, list[tuple[str, str]]]:
    """Parse the budget rows: (lines, total in pence, [(field, error)])."""
    lines, errors, total = [], [], 0
    for row in range(1, BUDGET_ROWS + 1):
        item = (raw.get(f"item_{row}") or "").strip()
        amount = (raw.get(f"amount_{row}") or "").strip()
        if not item and not amount:
            continue
        if not item:
            errors.append((f"item_{row}", f"Say what the money in row {row} is for"))
        if not amount:
            errors.append((f"amount_{row}", f"Enter the cost of {item or f'row {row}'}"))
            continue
        try:
            pence = parse_pounds(amount, BUDGET_LINE_MAX_PENCE)
        except ValueError as error:
            errors.append((f"amount_{row}", f"Row {row}: {error}"))
            continue
        if pence == 0:
            errors.append((f"amount_{row}", f"Row {row}: the cost must be more than £0"))
            continue
        lines.append({"row": row, "item": item, "pence": pence})
        total += pence
    return lines, total, errors


def budget_limit_error(total: int, grant_round: GrantRound) -> str | None:
    if total < grant_round.min_award_pence or total > grant_round.max_award_pence:
        return (f"Your budget adds up to {format_pounds(total)}. You can ask for between "
                f"{format_pounds(grant_round.min_award_pence)} and {format_pounds(grant_round.max_award_pence)}.")
    return None


# ---------------------------------------------------------------- the application lifecycle

DRAFT, SUBMITTED, INELIGIBLE, IN_ASSESSMENT = "draft", "submitted", "ineligible", "in_assessment"
AWARDED, DECLINED, MONITORING, CLOSED, WITHDRAWN = "awarded", "declined", "monitoring", "closed", "withdrawn"
MORE_INFO = "more_info_requested"  # returned to the group with what to change (info_requests.py)
# Two-stage rounds (stages.py): an expression of interest, sent, then shortlisted (a draft) or not.
EOI, EOI_SENT, NOT_SHORTLISTED = "eoi", "eoi_sent", "not_shortlisted"
STATES = (EOI, EOI_SENT, NOT_SHORTLISTED, DRAFT, SUBMITTED, MORE_INFO, INELIGIBLE, IN_ASSESSMENT, AWARDED, DECLINED, MONITORING, CLOSED, WITHDRAWN)
# What each state means, in plain words for the applicant.
STATE_LABELS = {
    EOI: "Expression of interest: not sent yet",
    EOI_SENT: "Expression of interest sent",
    NOT_SHORTLISTED: "Not shortlisted",
    DRAFT: "Not sent yet",
    SUBMITTED: "Sent to us",
    MORE_INFO: "We need more information",
    INELIGIBLE: "Not eligible",
    IN_ASSESSMENT: "Being assessed",
    AWARDED: "Grant offered",
    DECLINED: "Not funded",
    MONITORING: "Funded: reporting on your work",
    CLOSED: "Finished",
    WITHDRAWN: "Withdrawn",
}
STATE_TAGS = {NOT_SHORTLISTED: "bad", MORE_INFO: "warn", INELIGIBLE: "bad", DECLINED: "bad", WITHDRAWN: "warn", AWARDED: "good", MONITORING: "good", CLOSED: "good"}
DECIDED = (AWARDED, DECLINED, MONITORING, CLOSED)
ASSESSED = (IN_ASSESSMENT,) + DECIDED
FUNDED = (AWARDED, MONITORING, CLOSED)


def tell(organisation_id: int, subject: str, body: str) -> int:
    """E-mail every active member of the organisation; how many were told (0: nobody could be)."""
    emails = member_emails(organisation_id)
    for email in emails:
        queue(email, subject, body)
    return len(emails)


def _submittable(step: Step) -> None:
    """What must hold to send: the round still takes applications, and what is stored (read under the row
    lock taken by submit()) passes every strict check, not only what the person last saw."""
    application, grant_round = step.obj, step.obj.round
    if step.now >= grant_round.closes_at or grant_round.status != "open":
        raise Conflict(f"{grant_round.name} closed at {format_london(grant_round.closes_at)}, so we cannot accept your "
                       "application. Your answers are saved.")
    problems = answer_problems(application)
    missing = [title for key, title, _ in problems if key not in (application.completed_sections or [])]
    if missing:
        raise RuleError("Complete every section before you send your application: " + ", ".join(missing) + ".")
    if problems:
        raise RuleError("Some answers need attention before you can send your application: "
                        + ", ".join(title for _, title, _ in problems) + ".")
    from livesafe.grants import documents

    documents.check_required(application)


def _submitted(step: Step) -> dict:
    return {"submitted_at": step.now, "updated_at": step.now}


def _words(application: GrantApplication) -> dict:
    return {"title": application.title, "round": application.round.name, "organisation": application.organisation.name}


def _tell_received(step: Step) -> None:
    from livesafe.grants import texts

    application, grant_round = step.obj, step.obj.round
    subject, body = texts.render("submitted", {**_words(application), "submitted_at": format_london(step.now),
                                               "closes_at": format_london(grant_round.closes_at)})
    step.values["told"] = tell(application.organisation_id, subject, body)


def _tell_ineligible(step: Step) -> None:
    from livesafe.grants import texts

    subject, body = texts.render("ineligible", _words(step.obj))
    step.values["told"] = tell(step.obj.organisation_id, subject, body)


def _decision_guard(step: Step) -> None:
    """Award and decline: a reason, an application still in the ranking, and a reason to depart from it."""
    from livesafe.grants import scoring

    if not (step.values.get("reason") or "").strip():
        raise RuleError("Give a reason for the decision", field="reason")
    if step.transition.action == "award":
        scoring.check_award(step)  # locks the round, then checks the amount against the request and the budget
    entry = next((r for r in scoring.moderation(step.obj.round) if r.id == step.obj.id), None)
    if entry is None:
        raise Conflict("Only applications being assessed can be decided.")
    if scoring.is_departure(entry, step.transition.action) and not (step.values.get("departure_reason") or "").strip():
        where = "below" if step.transition.action == "award" else "above"
        raise RuleError(f"This application is ranked {entry.rank}, {where} the funding line. Explain why you are "
                        "departing from the rank order.", field="departure_reason")


def _decided(step: Step) -> dict:
    values = step.values
    return {"awarded_pence": values.get("amount_pence") if step.transition.action == "award" else None,
            "decision_reason": values["reason"].strip(), "departure_reason": (values.get("departure_reason") or "").strip(),
            "decided_at": step.now, "decided_by_id": step.user.id, "updated_at": step.now}


def _tell_decision(step: Step) -> None:
    from livesafe.grants import texts

    application, reason = step.obj, step.values["reason"].strip()
    if step.transition.action == "award":
        subject, body = texts.render("awarded", {**_words(application), "reason": reason,
                                                 "amount": format_pounds(application.awarded_pence)})
    else:
        subject, body = texts.render("declined", {**_words(application), "reason": reason})
    step.values["told"] = tell(application.organisation_id, subject, body)


def _every_return_in(step: Step) -> None:
    from livesafe.grants.models import MonitoringReturn

    missing = db.session.scalar(sa.select(sa.func.count(MonitoringReturn.id)).where(
        MonitoringReturn.application_id == step.obj.id, MonitoringReturn.state != "sent"))
    if missing:
        raise Conflict("Every monitoring return must be in before the grant is closed.")


def _touched(step: Step) -> dict:
    return {"updated_at": step.now}


# Asking for more information: the hooks live in info_requests.py (imported late: it imports this module).
def _info_hook(name):
    def hook(step: Step):
        from livesafe.grants import info_requests

        return getattr(info_requests, name)(step)
    return hook


def _stage_hook(name):
    def hook(step: Step):
        from livesafe.grants import stages

        return getattr(stages, name)(step)
    return hook


def _agreement_hook(name):
    def hook(step: Step):
        from livesafe.grants import agreements

        return getattr(agreements, name)(step)
    return hook


# The application lifecycle: the one table of who moves an application where, and what must hold first.
APPLICATION = Workflow(
    name="grant_application", model=GrantApplication, noun="application", labels=STATE_LABELS, transitions=(
        Transition("submit", (DRAFT,), SUBMITTED, "grants.submit", "Send application",
                   guard=_submittable, sets=_submitted, notify=_tell_received),
        Transition("request_info", (SUBMITTED, IN_ASSESSMENT), MORE_INFO, "grants.request_info",
                   "Ask the group for more information", guard=_info_hook("guard_request"), sets=_touched,
                   notify=_info_hook("returned")),
        # Back where it belongs: into assessment if the round is being assessed, otherwise with the sent ones.
        Transition("resubmit", (MORE_INFO,), SUBMITTED, "grants.resubmit", "Send your changes",
                   guard=_info_hook("guard_resubmit"), sets=_touched, notify=_info_hook("resubmitted")),
        Transition("resubmit_for_assessment", (MORE_INFO,), IN_ASSESSMENT, "grants.resubmit_for_assessment",
                   "Send your changes", guard=_info_hook("guard_resubmit"), sets=_touched, notify=_info_hook("resubmitted")),
        Transition("send_eoi", (EOI,), EOI_SENT, "grants.submit", "Send expression of interest",
                   guard=_stage_hook("guard_send"), sets=_stage_hook("sent")),
        Transition("shortlist", (EOI_SENT,), DRAFT, "grants.decide", "Shortlist: ask for a full application",
                   sets=_touched, notify=_stage_hook("tell_shortlisted")),
        Transition("not_shortlist", (EOI_SENT,), NOT_SHORTLISTED, "grants.decide", "Do not shortlist",
                   sets=_touched, notify=_stage_hook("tell_not_shortlisted")),
        Transition("withdraw", (EOI, EOI_SENT, DRAFT, SUBMITTED, MORE_INFO, IN_ASSESSMENT), WITHDRAWN, "grants.withdraw", "Withdraw application",
                   sets=_touched),
        Transition("mark_ineligible", (SUBMITTED,), INELIGIBLE, "grants.decide", "Mark as not eligible",
                   sets=_touched, notify=_tell_ineligible),
        Transition("start_assessment", (SUBMITTED,), IN_ASSESSMENT, "grants.manage_round", "Start assessment",
                   sets=_touched),
        Transition("award", (IN_ASSESSMENT,), AWARDED, "grants.decide", "Award a grant",
                   guard=_decision_guard, sets=_decided, notify=_tell_decision),
        Transition("decline", (IN_ASSESSMENT,), DECLINED, "grants.decide", "Decline",
                   guard=_decision_guard, sets=_decided, notify=_tell_decision),
        # The group accepts the grant agreement online (agreements.py); that starts monitoring.
        Transition("start_monitoring", (AWARDED,), MONITORING, "grants.accept_agreement", "Accept the grant agreement",
                   guard=_agreement_hook("guard_accept"), sets=_touched, notify=_agreement_hook("accepted")),
        Transition("close", (MONITORING,), CLOSED, "grants.monitor", "Close the grant",
                   guard=_every_return_in, sets=_touched),
    ))
# Steps staff take from the application page (the decision has its own form).
STAFF_STEPS = ("shortlist", "not_shortlist", "mark_ineligible", "close")


# ---------------------------------------------------------------- rounds

ROUND_LABELS = {"draft": "Draft", "open": "Open", "closed": "Closed", "assessment": "In assessment"}


def _move_submitted_into_assessment(step: Step) -> None:
    """Starting assessment takes every sent application with it (each its own audited step)."""
    moved = 0
    for application in db.session.scalars(sa.select(GrantApplication).where(
            GrantApplication.round_id == step.obj.id, GrantApplication.state == SUBMITTED).order_by(GrantApplication.id)):
        apply(APPLICATION, application, "start_assessment", step.user, now=step.now)
        moved += 1
    step.values["moved"] = moved


ROUND = Workflow(
    name="grant_round", model=GrantRound, noun="round", labels=ROUND_LABELS, field="status", transitions=(
        Transition("open", ("draft",), "open", "grants.manage_round", "Open the round"),
        Transition("close", ("open",), "closed", "grants.manage_round", "Close the round"),
        Transition("start_assessment", ("closed",), "assessment", "grants.manage_round", "Start assessment",
                   notify=_move_submitted_into_assessment),
    ))
# A round's rules, frozen once assessment starts: scores, totals and eligibility answers are read against them.
FROZEN = (("criteria", "criteria", "the assessment criteria and weights"),
          ("eligibility_questions", "eligibility", "the eligibility questions"),
          ("min_award_pence", "min_award", "the minimum award"), ("max_award_pence", "max_award", "the maximum award"),
          ("opens_at", "opens_at", "the opening time"), ("closes_at", "closes_at", "the closing time"))


def accepting(grant_round: GrantRound, now: datetime | None = None) -> bool:
    """A round takes submissions while it is open and the server clock is inside its dates."""
    now = now or utcnow()
    return grant_round.status == "open" and grant_round.opens_at <= now < grant_round.closes_at


def open_rounds(now: datetime | None = None) -> list[GrantRound]:
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(GrantRound)
        .where(GrantRound.status == "open", GrantRound.opens_at <= now, GrantRound.closes_at > now)
        .order_by(GrantRound.closes_at)
    ))


def round_problems(values: dict, grant_round: GrantRound | None = None) -> list[tuple[str, str]]:
    """Rules across fields of a round, and against what the round already has: [(field, message)]."""
    problems = []
    if values["closes_at"] <= values["opens_at"]:
        problems.append(("closes_at", "The closing time must be after the opening time"))
    if values["min_award_pence"] > values["max_award_pence"]:
        problems.append(("min_award", "The minimum award must not be more than the maximum award"))
    if values["max_award_pence"] > values["budget_pence"]:
        problems.append(("max_award", "The maximum award must not be more than the budget"))
    total = sum(c["weight"] for c in values["criteria"])
    if total != 100:
        problems.append(("criteria", f"The criteria weights must add up to 100; they add up to {total}"))
    if grant_round is not None and grant_round.id is not None:
        if grant_round.status == "assessment":
            for name, field, words in FROZEN:
                if name in values and _comparable(values[name]) != _comparable(getattr(grant_round, name)):
                    problems.append((field, f"Assessment has started, so {words} can no longer change: scores and "
                                            "decisions are made against them. Put back what was there."))
        awarded = awarded_total(grant_round)
        if values["budget_pence"] < awarded:
            problems.append(("budget", f"{format_pounds(awarded)} is already awarded from this round, so the budget "
                                       f"cannot be less than {format_pounds(awarded)}"))
    return problems


def _comparable(value):
    """Times as the form shows them (to the minute), so an unchanged form does not look like a change."""
    return value.replace(second=0, microsecond=0) if isinstance(value, datetime) else value


def awarded_total(grant_round: GrantRound) -> int:
    """Money already awarded from the round (awarded, being monitored or closed)."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(GrantApplication.awarded_pence), 0)).where(
        GrantApplication.round_id == grant_round.id, GrantApplication.state.in_(FUNDED)))


def parse_criteria(text: str) -> list[dict]:
    """'Name | weight' per line -> [{'key','name','weight'}]. Keeps the default keys for default names."""
    known = {c["name"].lower(): c["key"] for c in DEFAULT_CRITERIA}
    criteria = []
    for number, line in enumerate(l for l in text.splitlines() if l.strip()):
        name, _, weight = line.rpartition("|")
        name = name.strip()
        weight = int_or_none(weight, 0, 100)
        if not name or weight is None:
            raise ValueError(f"Write each criterion as “name | weight” with a whole-number weight up to 100, like “Value for money | 15” (line {number + 1})")
        key = known.get(name.lower()) or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
        criteria.append({"key": key, "name": name, "weight": weight})
    if not criteria:
        raise ValueError("Enter at least one criterion")
    if len({c["key"] for c in criteria}) != len(criteria):
        raise ValueError("Each criterion needs a different name")
    return criteria


def criteria_text(criteria: list[dict]) -> str:
    return "\n".join(f"{c['name']} | {c['weight']}" for c in criteria)


def parse_eligibility(text: str) -> list[dict]:
    """'Question? | yes | why a different answer rules a group out' per line."""
    questions = []
    for number, line in enumerate(l for l in text.splitlines() if l.strip()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not parts[0] or parts[1].lower() not in ("yes", "no") or not parts[2]:
            raise ValueError(
                f"Write each eligibility question as “question | yes or no | why another answer rules a group out” (line {number + 1})"
            )
        questions.append({"question": parts[0], "expected": parts[1].lower(), "reason": parts[2]})
    return questions


def eligibility_text(questions: list[dict]) -> str:
    return "\n".join(f"{q['question']} | {q['expected']} | {q['reason']}" for q in questions)


def parse_months(text: str) -> list[int]:
    months = [int_or_none(part, 1, 60) for part in text.replace(";", ",").split(",") if part.strip()]
    if None in months:
        raise ValueError("Enter months after the award as whole numbers from 1 to 60, separated by commas, like 3, 6, 12")
    return sorted(set(months))


def save_round(actor, values: dict, grant_round: GrantRound | None = None) -> GrantRound:
    """Create or change a round. A change is checked under the round's lock, so an award made at the same
    moment is counted against a lower budget, and frozen rules stay as they were."""
    creating = grant_round is None
    if creating:
        grant_round = GrantRound(status="draft")
    else:
        require("grants.manage_round", actor, grant_round)
        lock(GrantRound, grant_round.id)
        problems = round_problems(values, grant_round)
        if problems:
            field, message = problems[0]
            raise RuleError(message, field=field)
    if grant_round.status == "assessment":
        values = {k: v for k, v in values.items() if k not in {name for name, _, _ in FROZEN}}  # equal to the minute
    before = None if creating else {"name": grant_round.name, "budget_pence": grant_round.budget_pence}
    for name, value in values.items():
        setattr(grant_round, name, value)
    db.session.add(grant_round)
    db.session.flush()
    record(actor, "grant_round.created" if creating else "grant_round.updated", grant_round, before=before,
           after={"name": grant_round.name, "budget_pence": grant_round.budget_pence})
    return grant_round


def change_round(grant_round: GrantRound, action: str, actor, now: datetime | None = None) -> int:
    """Open, close or start assessing a round. Starting assessment moves every submitted
    application into assessment; returns how many moved."""
    step = apply(ROUND, grant_round, action, actor, now=now)
    return step.values.get("moved", 0)


def assessor_candidates() -> list:
    from livesafe.auth.models import User

    return list(db.session.scalars(
        sa.select(User).where(User.role.in_((roles.ASSESSOR, roles.PANEL_MEMBER)), User.active.is_(True)).order_by(User.email)
    ))


# ---------------------------------------------------------------- organisations

def organisation_of(user) -> Organisation | None:
    """The organisation the person acts for now (organisations.py): a person may belong to several."""
    from livesafe.grants import organisations

    return organisations.acting_organisation(user)


def save_organisation(user, values: dict) -> Organisation:
    """Change the details of the organisation the person acts for, or start one if they belong to none."""
    from livesafe.grants import organisations

    organisation = organisation_of(user)
    if organisation is None:
        return organisations.start_organisation(user, values)
    for name, value in values.items():
        setattr(organisation, name, value)
    db.session.flush()
    record(user, "grant_organisation.updated", organisation,
           after={"name": organisation.name, "kind": organisation.kind, "district": organisation.district})
    return organisation


# Applications someone must still look after: the last member cannot leave while there are any.
IN_PROGRESS = (EOI, EOI_SENT, DRAFT, SUBMITTED, MORE_INFO, IN_ASSESSMENT, AWARDED, MONITORING)
# Inviting answers no sooner than this, whatever the address, so the time does not say whether it has an account.
INVITE_SECONDS = 0.25
# Swapped out by tests that must not wait.
sleep = time.sleep
clock = time.monotonic


def invited_message(organisation: Organisation) -> str:
    """The one answer to an invitation, whatever the address: it must not say whether it has an account."""
    return (f"If that address belongs to a community group account that is not already in {organisation.name}, we have "
            f"e-mailed them an invitation to join {organisation.name}. They join when they accept it.")


def invite_member(actor, organisation: Organisation, email: str) -> None:
    """E-mail an invitation with a single-use link if the address is a confirmed applicant not in this group; otherwise
    do nothing. Either way it takes the same time, and the caller says the same thing."""
    from livesafe.auth import logic as auth

    started = clock()
    user = auth.find_user(email)
    if (user is not None and user.role == roles.APPLICANT and user.active and user.email_confirmed
            and not _in(user, organisation.id) and auth.may_mail(user.email)):
        found_token = auth.issue_token(user, auth.JOIN)
        token = db.session.scalar(sa.select(AuthToken).where(AuthToken.token_hash == auth.hash_token(found_token)))
        db.session.add(OrganisationInvitation(token=token, organisation_id=organisation.id, invited_by_id=actor.id))
        record(actor, "grant_organisation.member_invited", organisation, after={"user_id": user.id})
        days = current_app.config["INVITE_TOKEN_SECONDS"] // 86400 or 1
        from livesafe.grants import texts

        queue(user.email, *texts.render("invitation", {
            "inviter": actor.display_name, "organisation": organisation.name, "days": days,
            "link": auth.token_link("grants.invitation", found_token)}))
        # Deliberately committed here, inside the padded time: a commit after it (only when an invitation
        # was written) would make the answer slower exactly when the address has an account.
        db.session.commit()
    sleep(max(0.0, INVITE_SECONDS - (clock() - started)))


def _in(user, organisation_id: int) -> bool:
    from livesafe.grants import organisations

    return organisations.membership(user, organisation_id) is not None


def invitation_for(token: str) -> OrganisationInvitation | None:
    """The invitation behind a link, if the link is unused, unexpired and its account active."""
    from livesafe.auth import logic as auth

    found = auth.valid_token(token, auth.JOIN)
    if found is None:
        return None
    return db.session.scalar(sa.select(OrganisationInvitation).where(OrganisationInvitation.token_id == found.id))


def _use(invitation: OrganisationInvitation) -> None:
    """Mark the link used, once: a second answer sent at the same moment is refused."""
    used = db.session.execute(
        sa.update(AuthToken).where(AuthToken.id == invitation.token_id, AuthToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    if not used:
        raise Conflict("This invitation has already been answered.")


def accept_invitation(user, invitation: OrganisationInvitation) -> Organisation:
    """Join the inviting organisation (as well as any others) and act for it from now on."""
    from livesafe.grants import organisations

    if invitation.token.user_id != user.id:
        raise Refused("This invitation was sent to a different account.")
    organisation = invitation.organisation
    if _in(user, organisation.id):
        raise Conflict(f"You already belong to {organisation.name}.")
    _use(invitation)
    db.session.add(OrganisationMember(organisation_id=invitation.organisation_id, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:
        # Joined through another invitation at the same moment. The failed flush leaves the session unusable
        # until rolled back; the request is refused, so nothing of it is lost.
        db.session.rollback()
        raise Conflict("You already belong to this organisation.") from None
    record(user, "grant_organisation.member_joined", organisation, after={"user_id": user.id})
    organisations.act_for(user, organisation.id)
    return organisation


def decline_invitation(user, invitation: OrganisationInvitation) -> None:
    if invitation.token.user_id != user.id:
        raise Refused("This invitation was sent to a different account.")
    _use(invitation)
    record(user, "grant_organisation.invitation_declined", invitation.organisation, after={"user_id": user.id})


def leave_organisation(user, organisation_id: int) -> Organisation:
    """Leave a group, unless you are its last member and it has applications someone must look after.
    If you were its last lead, the longest-standing member who stays becomes lead."""
    from livesafe.grants import organisations

    # Lock the organisation so two last members (or last leads) leaving at once take turns.
    organisation = lock(Organisation, organisation_id)
    membership = organisations.membership(user, organisation_id)
    if organisation is None or membership is None:
        raise Conflict("You are not in that organisation.")
    in_progress = db.session.scalar(sa.select(sa.func.count(GrantApplication.id)).where(
        GrantApplication.organisation_id == organisation.id, GrantApplication.state.in_(IN_PROGRESS)))
    db.session.delete(membership)
    db.session.flush()
    others = db.session.scalar(sa.select(sa.func.count(OrganisationMember.id)).where(
        OrganisationMember.organisation_id == organisation.id))
    if not others and in_progress:
        name = organisation.name
        # Undo our flushed delete now, so the page that explains the refusal still shows the membership.
        db.session.rollback()
        raise Conflict(
            f"You are the only person in {name} and it has {in_progress} application(s) in progress. "
            "Invite someone to look after them before you leave, or withdraw the ones nobody will carry on.")
    record(user, "grant_organisation.member_left", organisation, before={"user_id": user.id})
    heir = organisations.keep_a_lead(organisation.id)
    if heir is not None:
        record(user, "grant_organisation.lead_passed", organisation, after={"user_id": heir.user_id})
    db.session.flush()
    return organisation


def member_emails(organisation_id: int) -> list[str]:
    from livesafe.auth.models import User

    return list(db.session.scalars(
        sa.select(User.email).join(OrganisationMember, OrganisationMember.user_id == User.id)
        .where(OrganisationMember.organisation_id == organisation_id, User.active.is_(True)).order_by(User.email)
    ))


def applications_of(organisation: Organisation) -> list[GrantApplication]:
    return list(db.session.scalars(
        sa.select(GrantApplication).where(GrantApplication.organisation_id == organisation.id)
        .options(selectinload(GrantApplication.round))  # the page names each round: one query, not one a row
        .order_by(GrantApplication.created_at.desc())
    ))


# ---------------------------------------------------------------- eligibility and starting

def eligibility_failures(questions: list[dict], answers: dict) -> list[str]:
    """The reasons a group is not eligible (empty: eligible). answers: {question index as str: 'yes'|'no'}."""
    return [q["reason"] for i, q in enumerate(questions) if answers.get(str(i)) != q["expected"]]


def start_application(grant_round: GrantRound, organisation: Organisation, user, eligibility_answers: dict,
                      now: datetime | None = None) -> GrantApplication:
    """Create the organisation's draft for this round, or return the one it has."""
    now = now or utcnow()
    existing = application_for(grant_round, organisation)
    if existing:
        return existing
    if not accepting(grant_round, now):
        raise Conflict(f"{grant_round.name} is not open for applications.")
    if eligibility_failures(grant_round.eligibility_questions, eligibility_answers):
        raise RuleError("Your answers show your group is not eligible for this round.")
    application = GrantApplication(
        round_id=grant_round.id, organisation_id=organisation.id, created_by_id=user.id,
        state=EOI if grant_round.two_stage else DRAFT, eligibility_answers=eligibility_answers, answers={}, completed_sections=[], created_at=now, updated_at=now,
    )
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        # Another member started it at the same moment: use theirs (the failed flush must be rolled back first).
        db.session.rollback()
        return application_for(grant_round, organisation)
    record(user, "grant_application.draft", application, after={"state": DRAFT, "round_id": grant_round.id})
    return application


def application_for(grant_round: GrantRound, organisation: Organisation) -> GrantApplication | None:
    return db.session.scalar(sa.select(GrantApplication).where(
        GrantApplication.round_id == grant_round.id, GrantApplication.organisation_id == organisation.id))


# ---------------------------------------------------------------- saving sections

def evidence_text(answers: dict) -> str:
    return "\n".join(str(answers.get(section, {}).get(name, "")) for section, name in EVIDENCE_FIELDS)


def save_section(application: GrantApplication, section: str, raw: dict, complete: bool, user,
                 now: datetime | None = None) -> None:
    """Store a section exactly as typed. `complete` marks it done (the caller has validated it strictly);
    any other save marks it as in progress again. Derived columns are refreshed.

    The row is locked and read again first, so a save landing with "Send application" either goes in
    before the send (which then checks it) or is refused after it: a sent application never changes."""
    lock(GrantApplication, application.id)
    if section not in editable_sections(application):
        raise Conflict("This application has been sent and can no longer be changed."
                       if application.state != MORE_INFO else
                       f"We asked for changes to other sections, so {SECTION_TITLES[section].lower()} cannot be changed.")
    answers = dict(application.answers or {})
    unchanged = answers.get(section) == raw
    answers[section] = raw
    application.answers = answers
    done = [s for s in (application.completed_sections or []) if s != section]
    # A draft save of exactly what was marked complete (e.g. an autosave that fires just after
    # "Save and mark as complete") leaves the section complete.
    if complete or (unchanged and section in (application.completed_sections or [])):
        done.append(section)
    application.completed_sections = done
    application.title = (answers.get("project", {}).get("title") or "").strip()[:200]
    application.requested_pence = budget_lines(answers.get("budget", {}))[1]
    found = evidence.check(evidence_text(answers))
    application.evidence_matches = [a.key for a in found]
    application.evidence_harmful = any(a.rating == "harmful" for a in found)
    application.updated_at = now or utcnow()
    db.session.flush()


def editable_sections(application: GrantApplication) -> list[str]:
    from livesafe.grants import info_requests

    return info_requests.editable_sections(application)


def section_status(application: GrantApplication, section: str) -> str:
    if section in (application.completed_sections or []):
        return "Completed"
    if (application.answers or {}).get(section):
        return "In progress"
    return "Not started"


def answer_problems(application: GrantApplication) -> list[tuple[str, str, list[str]]]:
    """Every section checked strictly against what is stored: [(key, title, [messages])]."""
    from livesafe.grants import forms

    problems = []
    for key, title in SECTIONS:
        form = forms.section_form(key, raw=(application.answers or {}).get(key))
        if key not in (application.completed_sections or []):
            problems.append((key, title, ["This section is not complete yet"]))
        elif not forms.validate_section(key, form, application):
            problems.append((key, title, [e for f in form for e in f.errors]))
    from livesafe.grants import questions

    return problems + questions.problems(application)


def submit(application: GrantApplication, user, now: datetime | None = None) -> bool:
    """Send the application. Returns False (and changes nothing) if it was already sent,
    so a double-clicked button makes one submission."""
    require("grants.submit", user, application)
    from livesafe.grants import questions

    questions.hold_round(application.round_id)  # the round's questions cannot change while this send is checked
    lock(GrantApplication, application.id)  # read again, and no save can land until this request ends
    if application.state == SUBMITTED:
        return False
    apply(APPLICATION, application, "submit", user, now=now)
    return True


def mark_ineligible(application: GrantApplication, actor, now: datetime | None = None) -> int:
    """Staff found a sent application outside the round's rules: it is not assessed, and the group is told.
    Returns how many people were told."""
    return apply(APPLICATION, application, "mark_ineligible", actor, now=now).values.get("told", 0)


def withdraw(application: GrantApplication, user, now: datetime | None = None) -> None:
    apply(APPLICATION, application, "withdraw", user, now=now)


def timeline(application: GrantApplication) -> list[dict]:
    """The application's history in plain words, oldest first, from the audit log."""
    from livesafe.audit.models import AuditEvent

    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject_type == "GrantApplication", AuditEvent.subject_id == application.id,
                                    AuditEvent.action.like("grant_application.%"))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    from livesafe.grants import info_requests

    targets = {t.action: t.target for t in APPLICATION.transitions}
    trips = iter(info_requests.requests_of(application))  # one per request_info entry, in the same order
    steps = []
    for event in events:
        action = event.action.split(".", 1)[1]
        if action == DRAFT:
            steps.append({"at": event.at, "label": "Started", "state": DRAFT})
        elif action == "request_info":
            trip = next(trips, None)
            asked = ", ".join(trip.titles) if trip else ""
            steps.append({"at": event.at, "label": "We asked for more information", "state": MORE_INFO,
                          "detail": f"Sections to change: {asked}" if asked else ""})
        elif action in ("resubmit", "resubmit_for_assessment"):
            steps.append({"at": event.at, "label": "Sent back with the changes asked for", "state": targets[action]})
        elif action in targets:
            steps.append({"at": event.at, "label": STATE_LABELS[targets[action]], "state": targets[action]})
    return steps
