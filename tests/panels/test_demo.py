"""`flask --app livesafe demo` adds panels, meetings, feedback in several states, responses and verified assets."""
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.panels import logic
from livesafe.panels.models import Asset, Comment, Feedback, Meeting, Panel, Support
from tests.helpers import sign_in


def test_demo_loads_twice_and_has_what_the_issue_asks_for(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Panel.id))) == 2
        city = db.session.scalar(sa.select(Panel).where(Panel.name == "City panel"))
        county = db.session.scalar(sa.select(Panel).where(Panel.name == "County panel"))
        assert {m.user.email for m in city.memberships} >= {"panel@example.org"}
        assert {m.user.email for m in county.memberships} == {"panel2@example.org"}
        assert logic.upcoming_meetings([city.id]) and logic.past_meetings([city.id])
        assert any(m.note_published_at and m.agenda_items for m in db.session.scalars(sa.select(Meeting)))
        states = set(db.session.scalars(sa.select(Feedback.state)))
        assert {"draft", "received", "under_review", "response_published", "done", "not_taken_forward"} <= states
        public = logic.public_feedback()
        assert len(public) >= 2 and all(item.response or item.decision_reason for item in public)
        assert len(logic.overdue_feedback()) == 1
        assert db.session.scalar(sa.select(sa.func.count(Support.id))) >= 2
        assert db.session.scalar(sa.select(sa.func.count(Comment.id))) >= 1
        assert logic.public_assets() and db.session.scalar(sa.select(Asset.id).where(Asset.verified_at.is_(None)))
    sign_in(client, email="panel2@example.org")
    assert "County panel" in client.get("/panels").get_data(as_text=True)
