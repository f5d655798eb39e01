"""Staff clean a wave's data: delete junk or flood responses, with a reason, audited.

Results follow at the next release (livesafe.surveys.releases): the current release never changes.
The audit keeps the reason and how many went, never the answers. Flushed; the request commits.
"""
from datetime import date

import sqlalchemy as sa

from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.kernel import require
from livesafe.surveys import releases
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveyWave


def _delete(wave: SurveyWave, ids: list[int], reason: str, actor, how: dict) -> int:
    require("surveys.clean", actor, wave)
    if ids:
        db.session.execute(sa.delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids)))
        db.session.execute(sa.delete(SurveyResponse).where(SurveyResponse.id.in_(ids)))
    releases.recount_next(wave)
    record(actor, "survey_wave.delete_responses", wave, after={"reason": reason.strip(), "deleted": len(ids), **how})
    return len(ids)


def delete_response_of_answer(wave: SurveyWave, answer_id: int, reason: str, actor) -> int:
    """Delete the response that gave this answer (0 if it is not one of this wave's)."""
    response_id = db.session.scalar(sa.select(SurveyAnswer.response_id).where(
        SurveyAnswer.id == answer_id, SurveyAnswer.wave_id == wave.id))
    if response_id is None:
        return 0
    return _delete(wave, [response_id], reason, actor, {"by": "free-text answer"})


def delete_day(wave: SurveyWave, day: date, setting: str | None, reason: str, actor) -> int:
    """Delete every response of one day (a flood), from one setting code if given."""
    query = sa.select(SurveyResponse.id).where(SurveyResponse.wave_id == wave.id, SurveyResponse.submitted_on == day)
    if setting:
        query = query.where(SurveyResponse.setting_code == setting.strip().upper())
    ids = list(db.session.scalars(query))
    return _delete(wave, ids, reason, actor, {"by": "day", "day": day.isoformat(), "setting": setting or None})
