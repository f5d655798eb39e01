"""Grant agreements and payments (issue 14, point 6).

Staff generate an agreement from the award: its terms, a payment schedule and when monitoring returns fall
due. A member of the group accepts it online, which is the APPLICATION step `start_monitoring` (returns are
scheduled from that moment). Payments are then recorded as paid by staff (`PAYMENT` workflow: a
compare-and-set, so of two staff recording the same payment at once one wins), and held while any of the
grant's returns is overdue. Money is integer pence throughout.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livesafe.clock import UTCDateTime, format_london, utcnow
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication, MonitoringReturn
from livesafe.kernel import Conflict, RuleError, Step, Transition, Workflow, apply, require

# Awards up to this are paid in one go; larger ones 75% on acceptance, the rest with the first return.
ONE_PAYMENT_PENCE = 100_000
FIRST_SHARE_PERCENT = 75
SCHEDULED, PAID = "scheduled", "paid"
PAYMENT_LABELS = {SCHEDULED: "Scheduled", PAID: "Paid"}
TERMS = (
    "Spend the grant only on the project and budget in your application, unless we agree a change in writing.",
    "Keep receipts for everything the grant pays for, for six years, and show them to us if we ask.",
    "Follow your safeguarding policy, make sure everyone working with young people has the right DBS check, "
    "and tell us at once about any safeguarding incident.",
    "Send each monitoring return by its due date. A payment is held while a return is overdue.",
    "Tell us straight away if the project cannot go ahead or changes. Return any money not spent on it.",
    "Let us publish the grant (amount, title and summary) as open data.",
)


class GrantAgreement(db.Model):
    __tablename__ = "grant_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_applications.id"), unique=True)
    amount_pence: Mapped[int]
    terms: Mapped[list] = mapped_column(sa.JSON, default=list)
    monitoring_months: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    application = relationship(GrantApplication)
    payments = relationship("GrantPayment", back_populates="agreement", order_by="GrantPayment.number")


class GrantPayment(db.Model):
    __tablename__ = "grant_payments"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "number", name="uq_grant_payments_agreement_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_agreements.id"), index=True)
    number: Mapped[int]
    amount_pence: Mapped[int]
    # Months after acceptance it falls due (0: on acceptance); due_at is set when the agreement is accepted.
    due_months: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(sa.String(20), default=SCHEDULED)
    paid_on: Mapped[date | None]
    reference: Mapped[str] = mapped_column(sa.String(60), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agreement = relationship(GrantAgreement, back_populates="payments")


def schedule(amount_pence: int, monitoring_months: list[int]) -> list[tuple[int, int]]:
    """[(amount in pence, months after acceptance)], adding up to the award exactly."""
    if amount_pence <= ONE_PAYMENT_PENCE or not monitoring_months:
        return [(amount_pence, 0)]
    first = amount_pence * FIRST_SHARE_PERCENT // 100
    return [(first, 0), (amount_pence - first, min(monitoring_months))]


def agreement_of(application: GrantApplication) -> GrantAgreement | None:
    return db.session.scalar(sa.select(GrantAgreement).where(GrantAgreement.application_id == application.id))


def generate(application: GrantApplication, actor, now: datetime | None = None) -> GrantAgreement:
    """The agreement for an awarded application, from its award and its round (once: a second call returns it)."""
    require("grants.monitor", actor, application)
    if application.state != logic.AWARDED:
        raise Conflict("An agreement can only be prepared for an application that has been awarded a grant.")
    found = agreement_of(application)
    if found is not None:
        return found
    months = list(application.round.monitoring_months or [])
    agreement = GrantAgreement(application_id=application.id, amount_pence=application.awarded_pence, terms=list(TERMS),
                               monitoring_months=months, created_at=now or utcnow(), created_by_id=actor.id)
    agreement.payments = [GrantPayment(number=n, amount_pence=pence, due_months=due)
                          for n, (pence, due) in enumerate(schedule(application.awarded_pence, months), start=1)]
    db.session.add(agreement)
    db.session.flush()
    from livesafe.audit.logic import record

    record(actor, "grant_agreement.generated", application, after={"amount_pence": agreement.amount_pence})
    logic.tell(application.organisation_id, f"Your grant agreement: {application.title}",
               f"Your grant agreement for “{application.title}” ({logic.format_pounds(agreement.amount_pence)}) is ready. "
               "Sign in to Live Safe to read and accept it. We pay the first instalment once it is accepted.")
    return agreement


# ---------------------------------------------------------------- accepting (the APPLICATION step)

def guard_accept(step: Step) -> None:
    found = agreement_of(step.obj)
    if found is None:
        raise Conflict("There is no grant agreement to accept yet. We will e-mail you when it is ready.")
    if not step.values.get("confirmed"):
        raise RuleError("Confirm that you accept the agreement on behalf of your group", field="confirm")


def accepted(step: Step) -> None:
    """Record who accepted, and set the payment due dates from the acceptance."""
    from livesafe.grants.monitoring import add_months

    found = agreement_of(step.obj)
    found.accepted_at, found.accepted_by_id = step.now, step.user.id
    for payment in found.payments:
        payment.due_at = add_months(step.now, payment.due_months)


def accept(application: GrantApplication, user, now: datetime | None = None, confirmed: bool = True) -> list[MonitoringReturn]:
    """A member accepts on the group's behalf (confirmed: the box ticked); monitoring starts."""
    from livesafe.grants import monitoring

    return monitoring.start_monitoring(application, user, now=now, confirmed=confirmed)


# ---------------------------------------------------------------- payments

def overdue_returns(application_id: int, now: datetime | None = None) -> int:
    return db.session.scalar(sa.select(sa.func.count(MonitoringReturn.id)).where(
        MonitoringReturn.application_id == application_id, MonitoringReturn.state == "due",
        MonitoringReturn.due_at < (now or utcnow())))


def held(payment: GrantPayment, now: datetime | None = None) -> bool:
    return payment.state == SCHEDULED and bool(overdue_returns(payment.agreement.application_id, now))


def _payable(step: Step) -> None:
    payment = step.obj
    if payment.agreement.accepted_at is None:
        raise Conflict("The agreement has not been accepted yet, so nothing can be paid.")
    if overdue_returns(payment.agreement.application_id, step.now):
        raise Conflict("This payment is held: a monitoring return is overdue. Record it once the return is in.")
    paid_on, reference = step.values.get("paid_on"), (step.values.get("reference") or "").strip()
    if not isinstance(paid_on, date):
        raise RuleError("Enter the date it was paid, like 2027-03-01", field="paid_on")
    if paid_on > step.now.date():
        raise RuleError("The date it was paid cannot be in the future", field="paid_on")
    if not reference or len(reference) > 60:
        raise RuleError("Enter the payment reference (60 characters or fewer)", field="reference")


def _paid(step: Step) -> dict:
    return {"paid_on": step.values["paid_on"], "reference": step.values["reference"].strip(),
            "recorded_by_id": step.user.id, "recorded_at": step.now}


PAYMENT = Workflow(
    name="grant_payment", model=GrantPayment, noun="payment", labels=PAYMENT_LABELS, transitions=(
        Transition("record_paid", (SCHEDULED,), PAID, "grants.record_payment", "Record as paid",
                   guard=_payable, sets=_paid),
    ))


def record_paid(payment: GrantPayment, actor, paid_on: date | None, reference: str, now: datetime | None = None) -> None:
    apply(PAYMENT, payment, "record_paid", actor, now=now, paid_on=paid_on, reference=reference)


# ---------------------------------------------------------------- money on the dashboards

def money(round_id: int | None = None) -> dict:
    """Committed (awarded), paid and outstanding, in pence, for one round or every round."""
    committed = sa.select(sa.func.coalesce(sa.func.sum(GrantApplication.awarded_pence), 0)).where(
        GrantApplication.state.in_(logic.FUNDED))
    paid = (sa.select(sa.func.coalesce(sa.func.sum(GrantPayment.amount_pence), 0))
            .join(GrantAgreement, GrantPayment.agreement_id == GrantAgreement.id)
            .join(GrantApplication, GrantAgreement.application_id == GrantApplication.id)
            .where(GrantPayment.state == PAID))
    if round_id is not None:
        committed = committed.where(GrantApplication.round_id == round_id)
        paid = paid.where(GrantApplication.round_id == round_id)
    committed_pence, paid_pence = int(db.session.scalar(committed)), int(db.session.scalar(paid))
    return {"committed": committed_pence, "paid": paid_pence, "outstanding": committed_pence - paid_pence}


def due_words(payment: GrantPayment) -> str:
    if payment.due_at is not None:
        return format_london(payment.due_at, "%-d %B %Y")
    return "when the agreement is accepted" if not payment.due_months else f"{payment.due_months} months after acceptance"
