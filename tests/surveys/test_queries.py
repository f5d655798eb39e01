"""Pages that list rows run the same number of queries however many rows there are."""
import secrets

from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.surveys import logic, releases
from livesafe.surveys.models import SurveySetting, SurveyWave
from tests.helpers import assert_flat, count_queries, queries_for_page, sign_in
from tests.surveys.conftest import add_responses, many


def _released_waves(app, make_wave):
    def add(count):
        for _ in range(count):
            wave = make_wave(status=logic.CLOSED, title=f"Wave {secrets.token_hex(3)}")
            add_responses(app, wave, many(12, age="old", district="leicester", ideas="More lights"))
            with app.app_context():
                releases.current(db.session.get(SurveyWave, wave.id))  # a closed wave is released when looked at

    return add


def _settings(app):
    def add(count):
        with app.app_context():
            for _ in range(count):
                db.session.add(SurveySetting(code=secrets.token_hex(3).upper(), name=f"School {secrets.token_hex(2)}"))
            db.session.commit()

    return add


def test_the_waves_list_does_not_query_per_wave(app, client, demo_users, make_wave):
    released = _released_waves(app, make_wave)
    released(2)
    sign_in(client, roles.STAFF)

    def add(count):
        released(count)
        client.get("/surveys/manage")  # each release's total is worked out once, then kept

    client.get("/surveys/manage")
    with app.app_context():
        assert_flat(client, "/surveys/manage", add)
        warm = queries_for_page(client, "/surveys/manage")
        app.extensions["survey_results"].clear()
        with count_queries() as cold:  # one request, straight after the cache is emptied
            assert client.get("/surveys/manage").status_code == 200
        assert cold.n == warm + 1  # cold: one query for every wave's tables


def test_a_wave_page_does_not_query_per_setting(app, client, demo_users, make_wave):
    wave = make_wave(status=logic.CLOSED)
    add_responses(app, wave, many(12, age="old"))
    _settings(app)(2)
    sign_in(client, roles.STAFF)
    with app.app_context():
        assert_flat(client, f"/surveys/manage/{wave.id}", _settings(app))


def test_results_do_not_query_per_earlier_wave_or_setting(app, client, demo_users, make_wave):
    wave = make_wave(status=logic.CLOSED, title="Now")
    add_responses(app, wave, many(12, age="old", district="rutland"))
    sign_in(client, roles.STAFF)
    add_waves, add_settings = _released_waves(app, make_wave), _settings(app)
    for url in (f"/surveys/manage/{wave.id}/results", f"/surveys/manage/{wave.id}/results?breakdown=setting"):
        client.get(url)
        with app.app_context():
            assert_flat(client, url, lambda n: (add_waves(n), add_settings(n)))


def test_the_free_text_page_does_not_query_per_answer(app, client, demo_users, make_wave):
    wave = make_wave(status=logic.CLOSED)
    add_responses(app, wave, many(12, ideas="Brighter lights"))
    sign_in(client, roles.STAFF)
    client.get(f"/surveys/manage/{wave.id}/free-text")
    with app.app_context():
        assert_flat(client, f"/surveys/manage/{wave.id}/free-text",
                    lambda n: add_responses(app, wave, many(n, ideas="More buses")))
