"""`flask --app livesafe demo` adds survey waves with generated answers, and is safe to run twice."""
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.surveys import demo, logic, translations, versions
from livesafe.surveys.models import SurveyResponse, SurveySetting, SurveyWave


def test_demo_adds_closed_waves_with_answers_and_open_waves(app, demo_users):
    with app.app_context():
        demo.load()
        demo.load()
        waves = db.session.scalars(sa.select(SurveyWave).order_by(SurveyWave.opens_on)).all()
        assert [(w.survey_slug, w.status) for w in waves].count(("young-people", "closed")) == 2
        assert {w.survey_slug for w in waves if w.status == "open" and logic.accepting(w)} == {
            "young-people", "community", "quick-check"}
        # The shipped surveys are builder versions, each once; the quick check has a complete Urdu translation.
        made = {(v.survey_slug, v.number) for v in versions.every()}
        assert made == {("young-people", 1), ("community", 1), ("quick-check", 1)}
        quick = versions.latest("quick-check").definition
        assert quick["languages"] == ["en", "ur"] and translations.incomplete(quick) == {}
        assert all(w.version_id for w in waves)
        closed = [w for w in waves if w.status == "closed"]
        counts = [logic.response_count(w.id) for w in closed]
        assert counts == [1500, 3000]
        assert db.session.scalar(sa.select(sa.func.count(SurveySetting.id))) == 2
        settings = db.session.scalars(sa.select(SurveyResponse.setting_code).where(
            SurveyResponse.wave_id == closed[1].id).distinct()).all()
        assert set(settings) == {None, "DEMO01", "DEMO02"}


def test_generated_answers_follow_the_conditions(ctx):
    from livesafe.surveys import definitions as defs

    young = defs.available()["young-people"]
    for answers in demo.generate(young, 300, seed=3):
        assert defs.kept_answers(young, answers) == answers
        if "carry_reasons" in answers:
            assert answers["carried_knife"] == "yes"
