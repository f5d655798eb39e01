"""The kernel on its own: rule errors, the permission registry, apply() and the transaction policy."""
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Blueprint
from wtforms import Form, StringField

from livesafe.audit.models import AuditEvent
from livesafe.extensions import db
from livesafe.kernel import Conflict, Refused, RuleError, Transition, Workflow, allow, apply, can, deny, require, rule
from livesafe.kernel.errors import show_on
from livesafe.kernel.permissions import RULES
from livesafe.surveys.models import SurveyWave
from tests.helpers import count_queries, walk_workflow


class Person:
    def __init__(self, name, is_authenticated=True):
        self.id, self.name, self.is_authenticated = None, name, is_authenticated


@pytest.fixture
def rules():
    """Test rules, removed afterwards so the registry holds only the features' own."""
    names = ("test.open", "test.close")
    rule("test.open")(lambda user, obj: allow if user.name == "boss" else deny("Only the boss opens it."))
    rule("test.close")(lambda user, obj: allow if user.is_authenticated else deny("Sign in first."))
    yield
    for name in names:
        RULES.pop(name, None)


def _workflow(guard=None):
    return Workflow(
        name="test_wave", model=SurveyWave, noun="wave", field="status",
        labels={"draft": "Draft", "open": "Open", "closed": "Closed"},
        transitions=(
            Transition("open", ("draft", "closed"), "open", "test.open", guard=guard),
            Transition("close", ("open",), "closed", "test.close"),
        ),
    )


def _wave(state="draft"):
    wave = SurveyWave(slug=f"w-{state}-{SurveyWave.query.count()}", title="Wave", survey_slug="s", definition={},
                      status=state, opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1))
    db.session.add(wave)
    db.session.flush()
    return wave


def test_can_returns_a_decision_with_its_reason(ctx, rules):
    ok, reason = can("test.open", Person("clerk"))
    assert (ok, reason) == (False, "Only the boss opens it.")
    assert can("test.open", Person("boss"))
    with pytest.raises(Refused, match="Only the boss") as refused:
        require("test.open", Person("clerk"))
    assert refused.value.status == 403
    with pytest.raises(KeyError):
        can("test.no-such-action", Person("boss"))


def test_a_rule_cannot_be_registered_twice(rules):
    with pytest.raises(ValueError):
        rule("test.open")(lambda user, obj: allow)


def test_show_on_puts_the_message_on_the_field_and_gives_the_status():
    class Thing(Form):
        amount = StringField()

    form = Thing()
    assert show_on(form, Conflict("Too late", field="amount")) == 409
    assert form.amount.errors == ["Too late"]
    assert show_on(form, RuleError("Something else")) == 422
    assert form.form_errors == ["Something else"]


def test_apply_changes_state_audits_and_refuses_by_table(ctx, rules):
    workflow = _workflow()
    wave = _wave()
    apply(workflow, wave, "open", Person("boss"))
    assert wave.status == "open"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "test_wave.open"))
    assert event.before == {"status": "draft"} and event.after == {"status": "open"}
    with pytest.raises(Conflict):
        apply(workflow, wave, "open", Person("boss"))  # already open
    with pytest.raises(Refused):
        apply(workflow, _wave(), "open", Person("clerk"))


def test_apply_loses_to_a_change_made_since_the_object_was_read(ctx, rules):
    workflow = _workflow()
    wave = _wave()
    # Another request closed-and-opened it in the meantime: the row is no longer "draft".
    db.session.execute(sa.update(SurveyWave).where(SurveyWave.id == wave.id).values(status="closed")
                       .execution_options(synchronize_session=False))
    with pytest.raises(Conflict, match="at the same moment"):
        apply(workflow, wave, "open", Person("boss"))


def test_a_guard_stops_the_change_before_anything_is_written(ctx, rules):
    def guard(step):
        raise RuleError("The dates are wrong", field="closes_on")

    wave = _wave()
    with count_queries() as counted:
        with pytest.raises(RuleError, match="dates are wrong"):
            apply(_workflow(guard), wave, "open", Person("boss"))
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT")) for s in counted.statements)
    assert wave.status == "draft"


def test_walk_workflow_checks_every_cell_of_the_table(ctx, rules):
    users = {"boss": Person("boss"), "clerk": Person("clerk"), "visitor": Person("visitor", is_authenticated=False)}
    outcomes = walk_workflow(_workflow(), _wave, users)
    assert len(outcomes) == 2 * 3 * 3
    assert ("open", "closed", "boss", True) in outcomes and ("close", "open", "visitor", False) in outcomes


@pytest.fixture
def probe_app(app):
    """Routes that change a row and answer with a chosen status, to see what the request keeps."""
    probe = Blueprint("probe", __name__)

    @probe.post("/_probe/<int:status>")
    def change(status):
        db.session.add(_wave_row())
        if status == 409:
            raise Conflict("Changed under you")
        return "", status

    @probe.get("/_probe/read")
    def read():
        db.session.add(_wave_row())
        return ""

    app.register_blueprint(probe)
    return app


def _wave_row():
    return SurveyWave(slug=f"probe-{SurveyWave.query.count()}", title="Probe", survey_slug="s", definition={},
                      status="draft", opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1))


def _waves(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(SurveyWave.id)))


@pytest.mark.parametrize("status,kept", [(200, 1), (302, 1), (422, 0), (409, 0), (500, 0)])
def test_the_request_commits_once_and_only_when_it_succeeds(probe_app, status, kept):
    probe_app.config["WTF_CSRF_ENABLED"] = False
    client = probe_app.test_client()
    response = client.post(f"/_probe/{status}")
    assert response.status_code == status
    assert _waves(probe_app) == kept


def test_a_rule_error_nobody_caught_is_an_error_page_with_its_words(probe_app):
    probe_app.config["WTF_CSRF_ENABLED"] = False
    response = probe_app.test_client().post("/_probe/409")
    assert response.status_code == 409
    assert "Changed under you" in response.get_data(as_text=True)


def test_a_get_never_commits(probe_app):
    assert probe_app.test_client().get("/_probe/read").status_code == 200
    assert _waves(probe_app) == 0


def test_a_step_decided_on_an_out_of_date_page_is_refused(ctx, rules):
    workflow = _workflow()
    wave = _wave("open")
    apply(workflow, wave, "close", Person("boss"), seen="open")
    # Another person's page still showed "open": reopening from "closed" is allowed, but not on their say-so.
    with pytest.raises(Conflict, match="changed since you opened the page"):
        apply(workflow, wave, "open", Person("boss"), seen="open")
    assert wave.status == "closed"
