"""Issue 14, point 6: the agreement generated from the award, accepted online by the group (which starts
monitoring), payments recorded as paid by staff, held while a return is overdue, and the money in pence."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.grants import agreements, logic
from livesafe.grants.agreements import GrantPayment
from livesafe.kernel import Conflict, Refused, RuleError
from tests.grants.conftest import agreed, award, make_application, make_organisation, make_round
from tests.helpers import at_once, csrf_token, post, sign_in


@pytest.fixture
def awarded(ctx, demo_users):
    grant_round = make_round(status="assessment", opens=-10, closes=-1)
    application = make_application(grant_round, make_organisation(), state="in_assessment")
    award(application, 200_050)  # £2,000.50
    return application


def test_the_schedule_adds_up_to_the_award_in_pence():
    assert agreements.schedule(200_050, [3, 6]) == [(150_037, 0), (50_013, 3)]
    assert sum(p for p, _ in agreements.schedule(333_333, [6, 12])) == 333_333
    assert agreements.schedule(90_000, [3]) == [(90_000, 0)]  # small grants in one payment


def test_the_group_accepts_and_monitoring_starts_with_payments_due(awarded):
    agreement = agreements.generate(awarded, account("staff"))
    assert agreements.generate(awarded, account("staff")) is agreement  # once
    assert [p.amount_pence for p in agreement.payments] == [150_037, 50_013]
    db.session.commit()
    with pytest.raises(Refused):  # staff no longer start monitoring themselves
        agreements.accept(awarded, account("staff"))
    with pytest.raises(RuleError, match="Confirm"):
        agreements.accept(awarded, account("applicant"), confirmed=False)
    db.session.rollback()
    returns = agreements.accept(awarded, account("applicant"))
    db.session.commit()
    assert awarded.state == logic.MONITORING and len(returns) == 2
    assert agreement.accepted_by_id == account("applicant").id
    first, second = agreement.payments
    assert first.due_at == agreement.accepted_at and second.due_at == returns[0].due_at


def test_payments_are_recorded_once_and_held_while_a_return_is_overdue(awarded):
    agreed(awarded, now=utcnow() - timedelta(days=120))  # the 3-month return is now overdue
    first, second = agreements.agreement_of(awarded).payments
    assert agreements.held(first)
    with pytest.raises(Conflict, match="held"):
        agreements.record_paid(first, account("staff"), date.today(), "BACS-1")
    db.session.rollback()
    returned = awarded.returns[0]
    returned.state = "sent"
    db.session.commit()
    assert not agreements.held(first)
    with pytest.raises(RuleError, match="future"):
        agreements.record_paid(first, account("staff"), date.today() + timedelta(days=2), "BACS-1")
    with pytest.raises(RuleError, match="reference"):
        agreements.record_paid(first, account("staff"), date.today(), " ")
    with pytest.raises(Refused):
        agreements.record_paid(first, account("applicant"), date.today(), "BACS-1")
    db.session.rollback()
    agreements.record_paid(first, account("staff"), date.today(), "BACS-1")
    db.session.commit()
    with pytest.raises(Conflict):
        agreements.record_paid(first, account("staff"), date.today(), "BACS-2")
    db.session.rollback()
    money = agreements.money(awarded.round_id)
    assert money == {"committed": 200_050, "paid": 150_037, "outstanding": 50_013}
    assert all(isinstance(v, int) for v in money.values())
    assert agreements.money()["paid"] == 150_037


def test_two_staff_recording_the_same_payment_at_once_one_wins(app, awarded):
    agreed(awarded, now=utcnow() - timedelta(days=10))
    payment_id = agreements.agreement_of(awarded).payments[0].id
    staff_ids = [account("staff").id, account("admin").id]

    def work(index):
        from livesafe.auth.models import User

        payment = db.session.get(GrantPayment, payment_id)
        agreements.record_paid(payment, db.session.get(User, staff_ids[index]), date.today(), f"REF-{index}")
        db.session.commit()
        return "paid"

    results = at_once(app, 2, work)
    assert sorted(r if r == "paid" else type(r).__name__ for r in results) == ["Conflict", "paid"], results
    db.session.expire_all()
    payment = db.session.get(GrantPayment, payment_id)
    assert payment.state == "paid" and payment.reference in ("REF-0", "REF-1")
    assert agreements.money(awarded.round_id)["paid"] == payment.amount_pence


# ---------------------------------------------------------------- the routes

def test_staff_prepare_the_group_accepts_and_staff_record_a_payment(client, awarded):
    url = f"/grants/applications/{awarded.id}"
    sign_in(client, "staff")
    assert "Agreement signed: start monitoring" not in client.get(url).get_data(as_text=True)
    assert post(client, f"{url}/agreement", {}, token_from=url).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})

    sign_in(client, "applicant")
    page = client.get(f"{url}/agreement").get_data(as_text=True)
    assert "£2,000.00" not in page and "£2,000.50" in page and "Accept the grant agreement" in page
    response = post(client, f"{url}/agreement", {})  # the box not ticked
    assert response.status_code == 422 and "Confirm that you accept" in response.get_data(as_text=True)
    assert post(client, f"{url}/agreement", {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(awarded), awarded.id).state == logic.MONITORING
    payment = agreements.agreement_of(awarded).payments[0]
    # A group member cannot record a payment.
    assert client.post(f"{url}/payments/{payment.id}", data={"csrf_token": csrf_token(client, f"{url}/agreement")}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, url)})

    sign_in(client, "staff")
    prefix = f"payment-{payment.id}-"
    response = post(client, f"{url}/payments/{payment.id}", {prefix + "paid_on": "yesterday", prefix + "reference": ""},
                    token_from=f"{url}/agreement")
    assert response.status_code == 422 and "real date" in response.get_data(as_text=True)
    response = post(client, f"{url}/payments/{payment.id}", {prefix + "paid_on": date.today().isoformat(), prefix + "reference": "BACS 77"},
                    token_from=f"{url}/agreement")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantPayment, payment.id).reference == "BACS 77"
    response = post(client, f"{url}/payments/{payment.id}", {prefix + "paid_on": date.today().isoformat(), prefix + "reference": "Again"},
                    token_from=f"{url}/agreement")
    assert response.status_code == 409
    round_page = client.get(f"/grants/rounds/{awarded.round_id}").get_data(as_text=True)
    assert "£2,000.50" in round_page and "£1,500.37" in round_page and "£500.13" in round_page


@pytest.mark.parametrize("role", ["assessor", "panel_member"])
def test_assessors_see_no_agreement(client, awarded, role):
    agreements.generate(awarded, account("staff"))
    db.session.commit()
    sign_in(client, role)
    assert client.get(f"/grants/applications/{awarded.id}/agreement").status_code == 403


def test_another_group_cannot_read_or_accept(client, awarded):
    agreements.generate(awarded, account("staff"))
    db.session.commit()
    make_organisation(email="other@example.org", name="Other group")
    sign_in(client, email="other@example.org")
    assert client.get(f"/grants/applications/{awarded.id}/agreement").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(GrantPayment.id)).where(GrantPayment.state == "paid")) == 0
