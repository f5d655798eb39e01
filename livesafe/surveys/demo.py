"""Demo data: two closed waves of the young people's survey with generated answers, an open wave of
each survey, and two settings with codes. Safe to run twice (skips when the waves exist)."""
import random
from datetime import date, timedelta

import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe import clock
from livesafe.extensions import db
from livesafe.kernel import apply
from livesafe.surveys import definitions as defs
from livesafe.surveys import demo_translated, logic, versions
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveySetting, SurveyWave

SETTINGS = [("DEMO01", "Riverside Academy (demo)"), ("DEMO02", "Northfield Youth Centre (demo)")]

# Answer weights for the generated responses, loosely following DOMAIN.md (about 8% carried a knife,
# about 25% know someone who did, 60-70% know the law). Options not listed get weight 1.
WEIGHTS = {
    "age_band": {"11-13": 5, "14-15": 6, "16-17": 5, "18-21": 3, "22-24": 2, "prefer_not_to_say": 0.3},
    "district": {"leicester": 10, "charnwood": 4, "blaby": 2, "harborough": 2, "hinckley-and-bosworth": 2, "melton": 1,
                 "north-west-leicestershire": 2, "oadby-and-wigston": 1.5, "rutland": 0.7, "not_sure": 0.3,
                 "prefer_not_to_say": 0.3},
    "gender": {"girl": 10, "boy": 10, "non_binary": 0.6, "self_describe": 0.3, "prefer_not_to_say": 0.6},
    "know_carrier": {"yes": 25, "no": 60, "not_sure": 12, "prefer_not_to_say": 3},
    "carried_knife": {"yes": 8, "no": 89, "prefer_not_to_say": 3},
    "know_law": {"well": 30, "a_little": 35, "no": 35},
    "seen_violence": {"yes": 35, "no": 62, "prefer_not_to_say": 3},
    "experienced_violence": {"yes": 20, "no": 77, "prefer_not_to_say": 3},
    "safe_area_day": {"1": 2, "2": 5, "3": 15, "4": 45, "5": 33},
    "safe_area_dark": {"1": 10, "2": 22, "3": 30, "4": 28, "5": 10},
    "safe_school": {"1": 3, "2": 7, "3": 15, "4": 45, "5": 30},
    "safe_online": {"1": 5, "2": 12, "3": 33, "4": 35, "5": 15},
    "safe_way_home": {"1": 5, "2": 13, "3": 25, "4": 40, "5": 17},
}
# Chance of ticking each option of a multiple-choice question.
TICKS = {
    "worries": {"knives": .45, "gangs": .3, "fights": .35, "robbery": .25, "drugs": .3, "groups": .35,
                "harassment": .25, "online": .2, "exploitation": .1, "places": .3},
    "carry_reasons": {"protection": .7, "threatened": .25, "friends": .2, "respect": .15, "asked": .08, "other": .1},
    "trust": {"police": .35, "teacher": .45, "youth_worker": .2, "family": .75, "friends": .6, "helpline": .15},
    "help_from": {"police": .45, "teacher": .4, "youth_worker": .15, "family": .7, "friends": .5, "helpline": .15},
    "campaigns_known": {"lives_not_knives": .3, "make_a_stand": .15, "youre_right_thats_wrong": .12},
    "concerns": {"knives": .5, "gangs": .3, "drugs": .45, "antisocial": .5, "vawg": .3, "exploitation": .25},
}
TEXTS = [
    "More street lights on the way home from the park.",
    "Youth clubs open later, somewhere to go that is not the street.",
    "More police walking around, not just driving past.",
    "Teachers who actually listen when you tell them something.",
    "I got followed home from the bus stop and it scared me.",
    "People carry knives at my school and nobody does anything.",
    "Cameras at the bus station.",
    "Someone threatened to stab my friend, we are afraid to go out.",
    "Nothing really, I feel fine where I live.",
    "Older boys ask younger kids to hold drugs for them.",
]
SKIP = 0.04  # chance a question is skipped


def _answer(q: dict, rng: random.Random, shift: float):
    if rng.random() < SKIP:
        return None
    code, kind = q["code"], q["type"]
    if kind in ("single", "rating"):
        values = [value for value, _ in defs.choices(q)]
        weights = [WEIGHTS.get(code, {}).get(value, 1) for value in values]
        if kind == "rating" and shift:  # a later wave feels a little safer
            weights = [w * (1 + shift * (i - 2) / 2) for i, w in enumerate(weights)]
        return rng.choices(values, weights)[0]
    if kind == "multiple":
        ticks = TICKS.get(code, {})
        chosen = [o["value"] for o in q["options"]
                  if not o.get("exclusive") and rng.random() < ticks.get(o["value"], .2) * (1 + shift)]
        lonely = [o["value"] for o in q["options"] if o.get("exclusive")]
        return chosen or lonely[:1] or None
    if kind == "number":
        return min(q["max"], max(q["min"], int(rng.expovariate(1 / 3))))
    return rng.choice(TEXTS) if rng.random() < 0.12 else None


def generate(definition: dict, count: int, seed: int, shift: float = 0.0) -> list[dict]:
    """`count` made-up sets of answers that follow the survey's conditions."""
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        answers = {}
        for q in defs.questions(definition):
            if defs.shown(q, answers):
                value = _answer(q, rng, shift)
                if value is not None:
                    answers[q["code"]] = value
        sets.append(answers)
    return sets


def bulk_insert(wave: SurveyWave, answer_sets: list[dict], first_day: date, days: int, seed: int,
                settings: list[str | None] = (None,), chunk: int = 5000) -> None:
    """Store generated responses fast: one multi-row INSERT per chunk of responses and of answers."""
    rng = random.Random(seed)
    for start in range(0, len(answer_sets), chunk):
        part = answer_sets[start:start + chunk]
        ids = db.session.scalars(
            sa.insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
            [{"wave_id": wave.id, "submitted_on": first_day + timedelta(days=rng.randrange(days)),
              "setting_code": rng.choice(settings), "is_test": False,
              **logic.breakdown_values(wave.definition, answers)} for answers in part],
        ).all()
        rows = []
        for response_id, answers in zip(ids, part):
            for row in logic.answer_rows(wave.definition, answers):
                rows.append({"option": None, "number": None, "text": None, **row,
                             "wave_id": wave.id, "response_id": response_id})
        db.session.connection().execute(SurveyAnswer.__table__.insert(), rows)  # Core executemany: fast
    db.session.commit()


def _wave(definition, title, opens_on, closes_on, status, staff) -> SurveyWave:
    wave = logic.create_wave(definition, title, opens_on, closes_on, staff)
    if status in (logic.OPEN, logic.CLOSED):
        apply(logic.WAVES, wave, "open", staff)
    if status == logic.CLOSED:
        apply(logic.WAVES, wave, "close", staff)
    return wave


def load_versions(staff) -> None:
    """The shipped surveys as builder versions, and a short survey translated into Urdu with an open wave
    (skipped when it is there already)."""
    versions.load_shipped(staff)
    if versions.latest("quick-check") is None:
        version = versions.create(defs.validate(demo_translated.definition(), "quick-check"), staff)
        today = clock.today()
        wave = logic.create_wave(None, f"Quick check {today.year} (English and Urdu)", today - timedelta(days=3),
                                 today + timedelta(days=60), staff, version_id=version.id)
        apply(logic.WAVES, wave, "open", staff)
    db.session.commit()


def load():
    staff = account(roles.STAFF)
    if db.session.scalar(sa.select(sa.func.count(SurveyWave.id))):
        load_versions(staff)
        return
    for code, name in SETTINGS:
        if db.session.scalar(sa.select(SurveySetting.id).where(SurveySetting.code == code)) is None:
            db.session.add(SurveySetting(code=code, name=name))
    db.session.commit()
    codes = [None, None, None, "DEMO01", "DEMO02"]
    available = defs.available()
    young, community = available["young-people"], available["community"]
    today = clock.today()
    earlier = _wave(young, f"Young people's safety survey {today.year - 2}", date(today.year - 2, 2, 1),
                    date(today.year - 2, 3, 31), logic.CLOSED, staff)
    bulk_insert(earlier, generate(young, 1500, seed=1), earlier.opens_on, 59, seed=11, settings=codes)
    closed = _wave(young, f"Young people's safety survey {today.year - 1}", date(today.year - 1, 2, 1),
                   date(today.year - 1, 3, 31), logic.CLOSED, staff)
    bulk_insert(closed, generate(young, 3000, seed=2, shift=0.15), closed.opens_on, 59, seed=12, settings=codes)
    _wave(young, f"Young people's safety survey {today.year}", today - timedelta(days=7),
          today + timedelta(days=60), logic.OPEN, staff)
    _wave(community, f"Community safety survey {today.year}", today - timedelta(days=7),
          today + timedelta(days=60), logic.OPEN, staff)
    db.session.commit()
    load_versions(staff)
