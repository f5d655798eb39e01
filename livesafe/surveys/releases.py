"""Releases: an open wave's results change only in steps, never one response at a time.

A new release is made when a results view finds at least SURVEY_RELEASE_EVERY (at least 20) real
responses since the last release and the last release is from an earlier day. A wave whose figures were
never released gets its first release once it has that many responses, or as soon as it is closed.
Every figure is then worked out from the responses the release includes, so two views can never be one
response apart, and a closed wave keeps its last release. A response deleted by staff leaves the figures
at the next release. Only the date of a release is kept.

Each release keeps its GROUP BY totals (one pass over the answers joined to their responses, with the
sum of record keys for the cell key method), so views never count answers again.
"""
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from livesafe import clock
from livesafe.extensions import db
from livesafe.surveys.models import SurveyAnswer, SurveyRelease, SurveyResponse, SurveyWave

MINIMUM_STEP = 20
RESPONSES = "_responses"  # the pseudo-question whose count is the number of responses
DIMENSIONS = ("", "district", "age_band", "gender", "setting")  # "" is no breakdown
_COLUMNS = {"district": 0, "age_band": 1, "gender": 2, "setting": 3}


def release_every() -> int:
    return max(MINIMUM_STEP, int(current_app.config.get("SURVEY_RELEASE_EVERY", MINIMUM_STEP)))


def latest(wave: SurveyWave) -> SurveyRelease | None:
    """The newest release; its (large) tables are loaded only when used, as most views find them cached."""
    return db.session.scalar(sa.select(SurveyRelease).where(SurveyRelease.wave_id == wave.id)
                             .options(sa.orm.defer(SurveyRelease.tables))
                             .order_by(SurveyRelease.number.desc()).limit(1))


def _real(wave_id: int):
    return sa.and_(SurveyResponse.wave_id == wave_id, SurveyResponse.is_test.is_(False))


def _count(wave_id: int, after: int = 0, upto: int | None = None) -> int:
    query = sa.select(sa.func.count(SurveyResponse.id)).where(_real(wave_id), SurveyResponse.id > after)
    if upto is not None:
        query = query.where(SurveyResponse.id <= upto)
    return db.session.scalar(query)


def _cube(wave_id: int, after: int, upto: int) -> list[tuple]:
    """Totals by (question, option, district, age band, gender, setting) for real responses with
    after < id <= upto: [(question, option, district, age_band, gender, setting, count, key sum, number sum)]."""
    r, a = SurveyResponse, SurveyAnswer
    groups = [r.district, r.age_band, r.gender, r.setting_code]
    keys = sa.func.sum(r.record_key)
    answers = (sa.select(a.question, a.option, *groups, sa.func.count(), keys, sa.func.sum(a.number))
               .join(r, r.id == a.response_id)
               .where(a.wave_id == wave_id, r.is_test.is_(False), a.response_id > after, a.response_id <= upto)
               .group_by(a.question, a.option, *groups))
    people = (sa.select(*groups, sa.func.count(), keys).where(_real(wave_id), r.id > after, r.id <= upto)
              .group_by(*groups))
    rows = [tuple(row) for row in db.session.execute(answers)]
    rows += [(RESPONSES, None, *row[:4], row[4], row[5], None) for row in db.session.execute(people)]
    return rows


def _tables(cube: list[tuple], into: dict | None = None) -> dict:
    """The cube added up for each breakdown: {dimension: {(question, option, group): [count, key sum, number sum]}}."""
    tables = into or {d: defaultdict(lambda: [0, 0, 0]) for d in DIMENSIONS}
    for question, option, *groups, n, keys, numbers in cube:
        for dimension in DIMENSIONS:
            group = groups[_COLUMNS[dimension]] if dimension else None
            cell = tables[dimension][(question, option, group)]
            cell[0] += n
            cell[1] += int(keys or 0)
            cell[2] += int(numbers or 0)
    return tables


def _stored(tables: dict) -> dict:
    return {d: [[q, o, g, *cell] for (q, o, g), cell in rows.items()] for d, rows in tables.items()}


def _loaded(stored: dict) -> dict:
    tables = {d: defaultdict(lambda: [0, 0, 0]) for d in DIMENSIONS}
    for d, rows in stored.items():
        for q, o, g, n, keys, numbers in rows:
            tables[d][(q, o, g)] = [n, keys, numbers]
    return tables


def due(wave: SurveyWave, last: SurveyRelease | None, today) -> bool:
    after = last.last_response_id if last else 0
    new = _count(wave.id, after)
    if last is None:
        return new >= release_every() or (wave.status == "closed" and new > 0)
    return last.released_on < today and new >= release_every()


def current(wave: SurveyWave) -> SurveyRelease | None:
    """The release every view shows; makes the next one first if it is due."""
    last = latest(wave)
    today = clock.today()
    if not due(wave, last, today):
        return last
    return make(wave, last, today) or latest(wave)


def make(wave: SurveyWave, last: SurveyRelease | None, on) -> SurveyRelease | None:
    """Store the next release. Adds only the new responses to the last release's totals when nothing it
    included has gone (deleted, or committed late with a lower id); otherwise counts everything again."""
    upto = db.session.scalar(sa.select(sa.func.max(SurveyResponse.id)).where(_real(wave.id))) or 0
    if last is not None and not last.recount and _count(wave.id, 0, last.last_response_id) == last.responses:
        tables = _tables(_cube(wave.id, last.last_response_id, upto), _loaded(last.tables))
    else:
        tables = _tables(_cube(wave.id, 0, upto))
    included = sum(n for (q, _, _), (n, _, _) in tables[""].items() if q == RESPONSES)
    release = SurveyRelease(wave_id=wave.id, number=(last.number if last else 0) + 1, last_response_id=upto,
                            responses=included, released_on=on, tables=_stored(tables))
    # Committed here on purpose: releases are made by results pages, which are GETs (the request would
    # roll them back), and a release must exist once made so every later view shows the same figures.
    try:
        db.session.add(release)
        db.session.commit()
    except IntegrityError:  # another view made it first
        db.session.rollback()
        return None
    return release


def recount_next(wave: SurveyWave) -> None:
    """After a deletion: the next release must count everything again, not add to this one."""
    db.session.execute(sa.update(SurveyRelease).where(SurveyRelease.wave_id == wave.id).values(recount=True))


def tables(release: SurveyRelease, dimension: str | None) -> dict:
    """{(question, option, group): [count, key sum, number sum]} of one breakdown of a release."""
    return {(q, o, g): (n, keys, numbers) for q, o, g, n, keys, numbers in release.tables[dimension or ""]}
