"""The demo shows monitoring (issue 14, point 9): returns over back-to-back periods, a safeguarding alert, and
dashboards with data."""
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.extensions import db
from livesafe.grants import dashboard, logic
from livesafe.grants.models import GrantApplication, MonitoringReturn
from livesafe.mail.models import OutboxMessage


def test_the_demo_shows_periods_an_alert_and_the_dashboards(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # twice: nothing added the second time
    with app.app_context():
        finished = db.session.scalars(sa.select(GrantApplication).where(GrantApplication.state == logic.CLOSED)).one()
        returns = db.session.scalars(sa.select(MonitoringReturn).where(MonitoringReturn.application_id == finished.id)
                                     .order_by(MonitoringReturn.due_at)).all()
        assert [r.state for r in returns] == ["sent"] * 3 and [r.reached_to_date for r in returns] == [28, 49, 61]
        for earlier, later in zip(returns, returns[1:]):
            assert (later.period_start - earlier.period_end).days == 1
        alerts = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject.like("Safeguarding incident%"))).all()
        assert len(alerts) >= 1
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "grant_monitoring_return.safeguarding_alert")) == 1
        data = dashboard.build()
        assert data["applications"]["received"] > 0 and data["applications"]["success_rate"] is not None
        assert data["money"]["paid"] > 0 and data["money"]["outstanding"] > 0
        assert data["outputs"]["interventions_developed"] == 3 and data["outputs"]["grants_to_date"] == 1
        assert any(bar.published.shown for bar in data["by_district"])
        assert sum(len(g.periods) for g in data["grants"]) == 4
