"""Migration 0008_surveys: stored district answers move to the livesafe.places keys, and back on downgrade."""
from datetime import date

import pytest
import sqlalchemy as sa
import yaml
from flask_migrate import downgrade, upgrade

from livesafe.extensions import db
from livesafe.surveys.models import SurveyAnswer, SurveyDraft, SurveyRelease, SurveyResponse, SurveyWave
from livesafe.clock import utcnow
from tests.surveys.conftest import SMALL

OLD_OPTIONS = [{"value": "leicester", "label": "Leicester City"},
               {"value": "nw_leicestershire", "label": "North West Leicestershire"},
               {"value": "hinckley_bosworth", "label": "Hinckley and Bosworth"},
               {"value": "prefer_not_to_say", "label": "I'd rather not say"}]


def _old_definition() -> dict:
    """A wave's frozen definition as stored before 0008 (never validated again, as waves keep theirs)."""
    definition = yaml.safe_load(SMALL)
    for page in definition["pages"]:
        for question in page["questions"]:
            if question["code"] == "district":
                question["options"] = [dict(o) for o in OLD_OPTIONS]
    definition["signposts"].append({"key": "north_west", "title": "Near you", "text": "Help near you.",
                                    "when": [{"question": "district", "any_of": ["nw_leicestershire"]}]})
    return definition


def _stored():
    # Columns named one by one: later migrations add columns this old schema does not have yet.
    definition = db.session.scalar(sa.select(SurveyWave.definition))
    district = next(q for page in definition["pages"] for q in page["questions"] if q["code"] == "district")
    release = db.session.scalar(sa.select(SurveyRelease))
    return {
        "options": [(o["value"], o["label"]) for o in district["options"]],
        "signpost": definition["signposts"][-1]["when"][0]["any_of"],
        "answers": sorted(db.session.scalars(sa.select(SurveyAnswer.option).where(SurveyAnswer.question == "district"))),
        "other answers": sorted(db.session.scalars(sa.select(SurveyAnswer.option).where(SurveyAnswer.question != "district"))),
        "responses": sorted(db.session.scalars(sa.select(SurveyResponse.district))),
        "draft": db.session.scalar(sa.select(SurveyDraft.answers)),
        "release": release.tables,
    }


@pytest.mark.commits
def test_stored_district_keys_move_to_places_keys_and_back(app):
    with app.app_context():
        downgrade(revision="0007_members")
        try:
            wave_id = db.session.execute(sa.insert(SurveyWave.__table__).values(
                slug="old", title="Old", survey_slug="test-survey", definition=_old_definition(), status="closed",
                opens_on=date(2025, 2, 1), closes_on=date(2025, 3, 31))).inserted_primary_key[0]
            for district in ("nw_leicestershire", "hinckley_bosworth", "leicester"):
                response = SurveyResponse(wave_id=wave_id, submitted_on=date(2025, 2, 2), district=district)
                db.session.add(response)
                db.session.flush()
                db.session.add_all([SurveyAnswer(wave_id=wave_id, response_id=response.id, question="district",
                                                 option=district),
                                    SurveyAnswer(wave_id=wave_id, response_id=response.id, question="carried",
                                                 option="yes")])
            db.session.execute(sa.insert(SurveyDraft.__table__).values(
                id="d1", wave_id=wave_id, answers={"district": "oadby_wigston", "age": "old"}, expires_at=utcnow()))
            db.session.add(SurveyRelease(wave_id=wave_id, number=1, last_response_id=3, responses=3,
                                         released_on=date(2025, 4, 1), tables={
                                             "": [["district", "nw_leicestershire", None, 1, 7, 0]],
                                             "district": [["carried", "yes", "nw_leicestershire", 1, 7, 0]],
                                             "age_band": [["district", "hinckley_bosworth", None, 1, 9, 0]]}))
            db.session.commit()
            before = _stored()

            upgrade(revision="0008_surveys")
            db.session.expire_all()
            after = _stored()
            assert after["options"] == [("leicester", "Leicester"),
                                        ("north-west-leicestershire", "North West Leicestershire"),
                                        ("hinckley-and-bosworth", "Hinckley and Bosworth"),
                                        ("prefer_not_to_say", "I'd rather not say")]
            assert after["signpost"] == ["north-west-leicestershire"]
            assert after["answers"] == ["hinckley-and-bosworth", "leicester", "north-west-leicestershire"]
            assert after["responses"] == after["answers"]
            assert after["other answers"] == ["yes", "yes", "yes"]
            assert after["draft"] == {"district": "oadby-and-wigston", "age": "old"}
            assert after["release"] == {  # the same figures, under the new keys
                "": [["district", "north-west-leicestershire", None, 1, 7, 0]],
                "district": [["carried", "yes", "north-west-leicestershire", 1, 7, 0]],
                "age_band": [["district", "hinckley-and-bosworth", None, 1, 9, 0]]}

            downgrade(revision="0007_members")
            db.session.expire_all()
            assert _stored() == before
        finally:
            db.session.rollback()
            upgrade(revision="heads")
