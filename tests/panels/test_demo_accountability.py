"""The demo shows accountability figures with data, progress, follows and a reply (and still loads twice)."""
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.panels import accountability
from livesafe.panels.models import Comment, Feedback, Follow, SearchEntry


def test_the_demo_has_figures_progress_follows_and_replies(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        figures = accountability.figures()
        assert figures.raised >= 8 and 0 < figures.on_time < figures.answered and figures.median_days
        assert sum(figures.raised_by_month) >= 5  # spread over several of the months shown
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback).where(
            Feedback.progress.is_not(None))) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment).where(
            Comment.parent_id.is_not(None))) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry)) == 3  # the published ones
    page = client.get("/accountability").get_data(as_text=True)
    assert 'data-figure="raised">0<' not in page and "data-count" in page
    assert "Two of the four new mentors" in client.get("/you-said-we-did").get_data(as_text=True)
