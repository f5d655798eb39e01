"""Stored running totals: later views add up only new responses, and always equal a fresh GROUP BY."""
from datetime import date

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livesafe.extensions import db
from livesafe.surveys import logic
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveyResultTotals, SurveyWave
from tests.surveys.conftest import add_responses, many


def _fresh(wave, dimension=None):
    """The same figures straight from a GROUP BY over every answer."""
    return logic.group_totals(wave, dimension, 0, 10**9)


def test_later_views_add_only_the_new_responses(app, wave):
    add_responses(app, wave, many(5, age="young", adults=3))
    with app.app_context():
        stored_wave = db.session.get(SurveyWave, wave.id)
        first = logic.totals(stored_wave)
        assert first[("age", "young", None)] == [5, 0] and first[("adults", None, None)] == [5, 15]
        kept = db.session.scalar(sa.select(SurveyResultTotals))
        assert (kept.dimension, kept.responses) == ("", 5)
    add_responses(app, wave, many(2, age="old", adults=1))
    add_responses(app, wave, many(3, age="old"), test=True)
    with app.app_context():
        stored_wave = db.session.get(SurveyWave, wave.id)
        second = logic.totals(stored_wave)
        assert second == _fresh(stored_wave)
        assert second[("age", "old", None)] == [2, 0] and second[("adults", None, None)] == [7, 17]
        assert db.session.scalar(sa.select(SurveyResultTotals.responses)) == 10  # test responses are counted, not added


def test_a_response_that_commits_late_with_a_lower_id_is_not_missed(app, wave):
    with app.app_context():
        def response(id_, age):
            db.session.add(SurveyResponse(id=id_, wave_id=wave.id, submitted_on=date.today(), is_test=False))
            db.session.flush()
            db.session.add(SurveyAnswer(wave_id=wave.id, response_id=id_, question="age", option=age))
            db.session.commit()

        response(1_000_100, "young")  # ids far above the sequences, set by hand
        stored_wave = db.session.get(SurveyWave, wave.id)
        assert logic.totals(stored_wave)[("age", "young", None)] == [1, 0]
        response(1_000_050, "old")  # allocated earlier, committed after the totals were stored
        response(1_000_101, "young")
        totals = logic.totals(stored_wave)
        assert totals[("age", "old", None)] == [1, 0] and totals[("age", "young", None)] == [2, 0]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(st.sampled_from(["young", "old", "prefer_not_to_say"]), max_size=6), min_size=1,
                        max_size=4),
       dimension=st.sampled_from([None, "district", "setting"]))
def test_totals_always_equal_a_fresh_group_by(app, make_wave, batches, dimension):
    wave = make_wave(title="Property")
    for batch in batches:
        add_responses(app, wave, [{"age": age, "district": "north" if age == "young" else "south"} for age in batch])
        with app.app_context():
            stored_wave = db.session.get(SurveyWave, wave.id)
            assert logic.totals(stored_wave, dimension) == _fresh(stored_wave, dimension)
