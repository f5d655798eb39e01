"""`flask --app livesafe demo` for the partnership data: synthetic years whose latest names neighbourhood areas,
survey figures beside them from the surveys demo, and safe to run twice."""
import sqlalchemy as sa

from livesafe.clock import today
from livesafe.extensions import db
from livesafe.partners import demo, figures, perceptions
from livesafe.partners.models import DatasetUpload, IncidentRecord
from livesafe.surveys import demo as survey_demo


def test_the_demo_shows_neighbourhood_areas_and_survey_figures_and_runs_twice(app, demo_users):
    with app.app_context():
        survey_demo.load()
        demo.load()
        counted = db.session.scalar(sa.select(sa.func.count(IncidentRecord.id)))
        demo.load()
        assert db.session.scalar(sa.select(sa.func.count(IncidentRecord.id))) == counted  # replaced, not doubled
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DatasetUpload).where(~DatasetUpload.synthetic)) == 0
        year = today().year - 1
        latest = figures.dashboard(figures.Filters("police", figures.LATEST, None))
        assert latest.last.year == year
        assert [p.level for p in latest.priority] == [figures.NEIGHBOURHOOD] * 4 + [figures.DISTRICT]
        assert [u.district.key for u in latest.uncoded] == ["leicester"]
        before = figures.dashboard(figures.Filters("police", str(year - 1), None))
        assert [p.level for p in before.priority] == [figures.CITY] * 4 + [figures.DISTRICT]
        survey = perceptions.beside(figures.add_months(latest.last, 1))
        assert survey.wave_title.endswith(str(year)) and len(survey.measures) == len(perceptions.MEASURES)
        assert any(cell.has_percent for cell in survey.by_key()["leicester"].cells)
