"""Releases: an open wave's figures change only at a release (N new responses, at most once a day),
a closed wave is frozen, stored release totals equal a fresh count, and deleting junk follows at the next release."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe import clock
from livesafe.auth import roles
from livesafe.audit.models import AuditEvent
from livesafe.extensions import db
from livesafe.surveys import logic, releases, results
from livesafe.surveys.models import SurveyAnswer, SurveyRelease, SurveyResponse, SurveyWave
from tests.helpers import post, sign_in
from tests.surveys.conftest import add_responses, many, staff_user, token_of


def _later(monkeypatch, days):
    day = clock.today() + timedelta(days=days)
    monkeypatch.setattr(clock, "today", lambda: day)


def _figures(client, wave):
    return client.get(f"/surveys/manage/{wave.id}/export/results.csv").get_data(as_text=True)


def test_figures_change_only_at_a_release(app, client, demo_users, wave, monkeypatch):
    add_responses(app, wave, many(19, age="young", safe="4"))
    sign_in(client, roles.STAFF)
    assert _figures(client, wave).count("\n") == 1  # 19 < 20: nothing released yet
    add_responses(app, wave, many(1, age="old"))
    first = _figures(client, wave)
    assert first.count("\n") > 1
    add_responses(app, wave, many(1, age="old", safe="1"))  # one more person: nothing may move
    assert _figures(client, wave) == first
    add_responses(app, wave, many(25, age="old", safe="1"))
    assert _figures(client, wave) == first  # enough responses, but a release was made today already
    _later(monkeypatch, 1)
    assert _figures(client, wave) != first
    with app.app_context():
        made = db.session.scalars(sa.select(SurveyRelease).order_by(SurveyRelease.number)).all()
        assert [(r.number, r.responses) for r in made] == [(1, 20), (2, 46)]
        assert made[1].released_on == clock.today()  # a date only


def test_a_closed_wave_is_released_once_and_frozen(app, client, demo_users, make_wave, monkeypatch):
    closed = make_wave(status=logic.CLOSED)
    add_responses(app, closed, many(7, age="young"))
    sign_in(client, roles.STAFF)
    first = _figures(client, closed)
    assert first.count("\n") > 1  # closed with fewer than 20: released once, all "<10"
    add_responses(app, closed, many(3, age="old"))
    _later(monkeypatch, 3)
    assert _figures(client, closed) == first


def test_stored_release_totals_equal_a_fresh_count(app, wave, monkeypatch):
    add_responses(app, wave, many(20, age="young", district="leicester", adults=2))
    with app.app_context():
        stored = db.session.get(SurveyWave, wave.id)
        assert releases.current(stored).number == 1
    add_responses(app, wave, many(22, age="old", district="rutland", adults=1))
    add_responses(app, wave, many(3, age="old"), test=True)
    _later(monkeypatch, 1)
    with app.app_context():
        stored = db.session.get(SurveyWave, wave.id)
        second = releases.current(stored)
        assert second.number == 2 and second.responses == 42
        fresh = releases._tables(releases._cube(wave.id, 0, second.last_response_id))
        for dimension in releases.DIMENSIONS:
            assert releases.tables(second, dimension) == {k: tuple(v) for k, v in fresh[dimension].items()}
        assert releases.tables(second, None)[("adults", None, None)] == (42, sum(
            db.session.scalars(sa.select(SurveyResponse.record_key).where(
                SurveyResponse.wave_id == wave.id, SurveyResponse.is_test.is_(False)))), 62)


def test_record_keys_are_random_and_stored_with_each_response(app, wave):
    add_responses(app, wave, many(60, age="young"))
    with app.app_context():
        keys = db.session.scalars(sa.select(SurveyResponse.record_key)).all()
        assert len(set(keys)) > 20 and all(0 <= k < 256 for k in keys)


def test_staff_delete_a_junk_answer_with_a_reason_and_it_leaves_at_the_next_release(
        app, client, demo_users, wave, monkeypatch):
    add_responses(app, wave, many(25, age="young") + [{"age": "old", "ideas": "buy cheap watches here"}])
    sign_in(client, roles.STAFF)
    before = _figures(client, wave)
    page = client.get(f"/surveys/manage/{wave.id}/free-text")
    answer = __import__("re").search(r'name="answer" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    refused = client.post(f"/surveys/manage/{wave.id}/free-text/delete",
                          data={"answer": answer, "reason": "", "csrf_token": token_of(page)})
    assert refused.status_code == 422 and "Say why this response should be deleted" in refused.get_data(as_text=True)
    done = client.post(f"/surveys/manage/{wave.id}/free-text/delete",
                       data={"answer": answer, "reason": "Spam advert", "csrf_token": token_of(page)})
    assert done.status_code == 302
    assert "cheap watches" not in client.get(f"/surveys/manage/{wave.id}/free-text").get_data(as_text=True)
    assert _figures(client, wave) == before  # the current release never changes
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "survey_wave.delete_responses"))
        assert event.after["reason"] == "Spam advert" and event.after["deleted"] == 1
    add_responses(app, wave, many(21, age="young"))  # SQLite may reuse the deleted (highest) id for one of them
    _later(monkeypatch, 1)
    _figures(client, wave)
    with app.app_context():
        assert db.session.scalar(sa.select(SurveyRelease.responses).where(SurveyRelease.number == 2)) == 46
    bogus = client.post(f"/surveys/manage/{wave.id}/free-text/delete",
                        data={"answer": "forged", "reason": "Spam advert", "csrf_token": token_of(page)})
    assert bogus.status_code == 404


def test_staff_delete_a_day_of_flood_responses(app, client, demo_users, wave):
    add_responses(app, wave, many(30, age="young"))
    sign_in(client, roles.ADMIN)
    page = client.get(f"/surveys/manage/{wave.id}")
    bad = client.post(f"/surveys/manage/{wave.id}/responses/delete",
                      data={"day": "not a day", "reason": "Flood", "csrf_token": token_of(page)})
    assert bad.status_code == 422 and 'value="Flood"' in bad.get_data(as_text=True)
    done = client.post(f"/surveys/manage/{wave.id}/responses/delete",
                       data={"day": clock.today().isoformat(), "reason": "Scripted flood", "csrf_token": token_of(page)})
    assert done.status_code == 302
    with app.app_context():
        assert logic.response_count(wave.id) == 0


@pytest.mark.parametrize("role", [None, roles.APPLICANT, roles.PANEL_MEMBER, roles.ASSESSOR])
def test_only_staff_and_admins_can_delete_responses(app, client, demo_users, wave, role):
    add_responses(app, wave, many(3, age="young", ideas="junk"))
    if role:
        sign_in(client, role)
    for path, data in [("responses/delete", {"day": clock.today().isoformat(), "reason": "Not allowed"}),
                       ("free-text/delete", {"answer": "x", "reason": "Not allowed"})]:
        response = post(client, f"/surveys/manage/{wave.id}/{path}", data, token_from="/login" if not role else "/")
        assert response.status_code == (302 if role is None else 403)
        if role is None:
            assert "/login" in response.headers["Location"]
    with app.app_context():
        assert logic.response_count(wave.id) == 3


def test_a_submit_never_makes_a_release(app, client, demo_users, wave):
    """Releases are made on staff views, never in a young person's submit request."""
    add_responses(app, wave, many(45, age="young"))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyRelease.id))) == 0
    sign_in(client, roles.STAFF)
    _figures(client, wave)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyRelease.id))) == 1


def _cubes_counted(monkeypatch) -> list:
    """Spy on the GROUP BY: the (after, upto) id ranges each release counted."""
    counted, cube = [], releases._cube
    monkeypatch.setattr(releases, "_cube", lambda wave_id, after, upto: counted.append((after, upto)) or cube(
        wave_id, after, upto))
    return counted


def test_the_next_release_counts_only_the_new_responses_and_a_deletion_means_a_recount(
        app, client, demo_users, wave, monkeypatch):
    counted = _cubes_counted(monkeypatch)
    add_responses(app, wave, many(20, age="young"))
    with app.app_context():
        first = releases.current(db.session.get(SurveyWave, wave.id))
        first_last = first.last_response_id
    add_responses(app, wave, many(20, age="old"))
    _later(monkeypatch, 1)
    with app.app_context():
        second = releases.current(db.session.get(SurveyWave, wave.id))
        assert counted == [(0, first_last), (first_last, second.last_response_id)]  # only the new ones
        assert second.responses == 40
        junk = db.session.scalar(sa.select(sa.func.min(SurveyResponse.id)))
        answer = db.session.scalar(sa.select(sa.func.min(SurveyAnswer.id)).where(SurveyAnswer.response_id == junk))
        from livesafe.surveys import cleaning
        cleaning.delete_response_of_answer(db.session.get(SurveyWave, wave.id), answer, "junk", staff_user())
        db.session.commit()
    add_responses(app, wave, many(20, age="old"))
    _later(monkeypatch, 2)
    with app.app_context():
        third = releases.current(db.session.get(SurveyWave, wave.id))
        assert counted[-1] == (0, third.last_response_id) and third.responses == 59  # counted again, without the junk


@pytest.mark.parametrize("round_", [1, 2])
def test_two_staff_views_at_once_make_one_release_counted_once(app, wave, monkeypatch, round_):
    """Two (here eight) requests that find a release due at the same moment: one release per number,
    and its totals equal a fresh count (nobody counted twice)."""
    import threading

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite locks the whole file); CI runs this on PostgreSQL")
    add_responses(app, wave, many(25, age="young", adults=1))
    if round_ == 2:
        with app.app_context():
            releases.current(db.session.get(SurveyWave, wave.id))
        add_responses(app, wave, many(30, age="old", adults=2))
        _later(monkeypatch, 1)
    barrier, made, errors = threading.Barrier(8), [], []

    def view():
        try:
            with app.app_context():
                stored = db.session.get(SurveyWave, wave.id)
                barrier.wait()
                made.append(releases.current(stored).number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=view) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and made == [round_] * 8
    with app.app_context():
        stored = db.session.scalars(sa.select(SurveyRelease).order_by(SurveyRelease.number)).all()
        assert [r.number for r in stored] == list(range(1, round_ + 1))
        last = stored[-1]
        assert last.responses == (25 if round_ == 1 else 55)
        fresh = releases._tables(releases._cube(wave.id, 0, last.last_response_id))
        for dimension in releases.DIMENSIONS:
            assert releases.tables(last, dimension) == {k: tuple(v) for k, v in fresh[dimension].items()}
