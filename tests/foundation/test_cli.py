import sqlalchemy as sa

from livesafe.auth.models import User
from livesafe.extensions import db


def test_demo_creates_one_account_per_role(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "livesafe-demo" in result.output
    with app.app_context():
        accounts = {u.email: u.role for u in db.session.scalars(sa.select(User))}
    assert accounts["admin@example.org"] == "admin"
    assert accounts["applicant@example.org"] == "applicant"
    assert len({"admin", "staff", "assessor", "panel_member", "applicant"} - set(accounts.values())) == 0


def test_demo_runs_twice_without_error(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0


def test_demo_refuses_in_production(app):
    app.config["LIVESAFE_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "Refusing" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
