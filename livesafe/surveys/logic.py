"""The rules of surveys: waves and their states, answering, storing a response, results.

Logic adds and flushes; the request commits once (livesafe/kernel/transactions.py).
"""
import re
import secrets
from datetime import date

import sqlalchemy as sa
from flask import current_app

from livesafe.audit.logic import record
from livesafe import clock
from livesafe.extensions import db
from livesafe.kernel import Conflict, RuleError, Transition, Workflow, require
from livesafe.surveys import definitions as defs
from livesafe.kernel.workflow import lock
from livesafe.surveys import drafts, translations, versions
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveySetting, SurveyVersion, SurveyWave
from livesafe.throttle import logic as throttle

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
FLOOD_SCOPE = "survey-submit"


def _ready_to_open(step) -> None:
    """A wave opens only with a sound definition, every language of it fully translated."""
    found = versions.opening_problems(step.obj.definition)
    if found:
        raise RuleError("This wave cannot open yet: " + "; ".join(found))


# The wave lifecycle, the one table: states, buttons, audit names ("survey_wave.open") and tests come from it.
WAVES = Workflow(
    name="survey_wave",
    model=SurveyWave,
    noun="wave",
    labels={DRAFT: "Draft", OPEN: "Open", CLOSED: "Closed"},
    transitions=(
        Transition("open", (DRAFT,), OPEN, "surveys.manage_wave", "Open the wave", guard=_ready_to_open),
        Transition("close", (OPEN,), CLOSED, "surveys.manage_wave", "Close the wave"),
        Transition("reopen", (CLOSED,), OPEN, "surveys.manage_wave", "Reopen the wave"),
    ),
    field="status",
)


# Waves -----------------------------------------------------------------------

def slugify(text: str) -> str:
    text = re.sub(r"['\u2019]", "", text.lower())  # "people's" -> "peoples"
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:70] or "survey"


def create_wave(definition: dict | None, title: str, opens_on: date, closes_on: date, actor,
                version_id: int | None = None) -> SurveyWave:
    """A draft wave of a version (version_id), or of a definition (its matching version, made if need be).
    The version row is locked while its definition is copied, so an edit cannot slip in between."""
    require("surveys.manage_wave", actor)
    if version_id is None:
        assert definition is not None
        version_id = versions.version_for(definition, actor).id
    version = lock(SurveyVersion, version_id)
    if version is None:
        raise RuleError("Choose a survey version", field="survey")
    definition = versions.ready_for_wave(version)
    unfinished = translations.incomplete(definition)
    if unfinished:
        names = ", ".join(translations.LANGUAGES[lang].name for lang in unfinished)
        raise RuleError(f"Finish the {names} translation of version {version.number} first (the builder lists "
                        "what is untranslated)", field="survey")
    base = slugify(title)
    slug, n = base, 2
    while slug == "manage" or db.session.scalar(sa.select(SurveyWave.id).where(SurveyWave.slug == slug)):
        slug, n = f"{base}-{n}", n + 1
    wave = SurveyWave(
        slug=slug, title=title.strip(), survey_slug=definition["slug"], definition=definition,
        status=DRAFT, opens_on=opens_on, closes_on=closes_on, created_by_id=getattr(actor, "id", None),
        version_id=version.id,
    )
    db.session.add(wave)
    db.session.flush()
    record(actor, "survey_wave.create", wave, after={"title": wave.title, "survey": wave.survey_slug,
                                                     "version": version.number})
    return wave


def change_version(wave: SurveyWave, version_id: int, actor) -> None:
    """Tie a draft wave with no responses (not even test ones) to another version of its survey. One
    checked UPDATE, so a wave that opened or got a response meanwhile keeps its version (409)."""
    require("surveys.manage_wave", actor, wave)
    version = lock(SurveyVersion, version_id)
    if version is None or version.survey_slug != wave.survey_slug:
        raise RuleError("Choose a version of this wave's survey", field="version")
    definition = versions.ready_for_wave(version)
    if translations.incomplete(definition):
        raise RuleError(f"Finish the translations of version {version.number} first", field="version")
    answered = sa.exists().where(SurveyResponse.wave_id == wave.id)
    changed = db.session.execute(
        sa.update(SurveyWave).where(SurveyWave.id == wave.id, SurveyWave.status == DRAFT, ~answered)
        .values(version_id=version.id, definition=definition).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise Conflict("This wave is open or has responses, so its version cannot change: make a new wave instead.")
    db.session.refresh(wave)
    record(actor, "survey_wave.change_version", wave, after={"version": version.number})


def start_test(wave: SurveyWave, actor) -> drafts.Draft:
    """A staff test response: goes through every page like a real one and never counts."""
    require("surveys.manage_wave", actor, wave)
    if wave.status == CLOSED:
        raise Conflict("A closed wave cannot take a test response.")
    return drafts.start(wave, test=True)


def accepting(wave: SurveyWave, on: date | None = None) -> bool:
    on = on or clock.today()
    return wave.status == OPEN and wave.opens_on <= on <= wave.closes_on


def open_waves() -> list[SurveyWave]:
    on = clock.today()
    waves = db.session.scalars(
        sa.select(SurveyWave).where(SurveyWave.status == OPEN).order_by(SurveyWave.closes_on)
    ).all()
    return [wave for wave in waves if accepting(wave, on)]


def setting_named(code: str | None) -> SurveySetting | None:
    if not code:
        return None
    return db.session.scalar(sa.select(SurveySetting).where(SurveySetting.code == code.strip().upper()))


def create_setting(name: str, actor) -> SurveySetting:
    require("surveys.manage_settings", actor)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out over the phone
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(6))
        if setting_named(code) is None:
            break
    setting = SurveySetting(code=code, name=name.strip())
    db.session.add(setting)
    db.session.flush()
    record(actor, "survey_setting.create", setting, after={"name": setting.name, "code": code})
    return setting


# Answering -------------------------------------------------------------------

def exclusive_clash(question: dict, chosen: list[str], lang: str | None = None) -> str | None:
    """An error if an 'on its own' option (like 'None of these') is chosen with others."""
    lonely = [o for o in question.get("options", []) if o.get("exclusive") and o["value"] in chosen]
    if lonely and len(chosen) > 1:
        return translations.say(lang, "Choose '{label}' on its own, or the other answers without it",
                                label=lonely[0]["label"])
    return None


def ranking_problem(ranks: dict[str, int], lang: str | None = None) -> str | None:
    """An error unless the ranks given are 1, 2, 3... each once (options left unranked are fine)."""
    given = sorted(ranks.values())
    for rank in given:
        if given.count(rank) > 1:
            return translations.say(lang, "Give each rank only once: {rank} is used more than once", rank=rank)
    if given != list(range(1, len(given) + 1)):
        return translations.say(lang, "Use the ranks 1, 2, 3 and so on without leaving a gap")
    return None


def flood_limit_reached(wave: SurveyWave) -> bool:
    """A per-wave limit on submissions per minute, shared in the database across workers.

    Keyed on the wave only, never on anything about the person: a scripted flood slows
    everyone's submissions for a minute, and a person who hits it keeps their answers.
    """
    limit = current_app.config.get("SURVEY_MAX_SUBMISSIONS_PER_MINUTE", 120)
    return not throttle.allow(FLOOD_SCOPE, str(wave.id), limit, 60)


def answer_rows(definition: dict, answers: dict) -> list[dict]:
    """The answer rows to store: one per chosen option, number or text.

    A multiple-choice answer also gets one row with no option and the number of options chosen,
    so "how many people answered" is a plain count, like every other question's.
    """
    kinds = {q["code"]: q["type"] for q in defs.questions(definition)}
    rows = []
    for code, value in defs.kept_answers(definition, answers).items():
        kind = kinds[code]
        if kind == "multiple":
            rows += [{"question": code, "option": str(v)} for v in value]
            rows.append({"question": code, "number": len(value)})
        elif kind == "grid":  # one row per statement answered, keyed "grid.statement"
            rows += [{"question": f"{code}.{statement}", "option": str(v)} for statement, v in value.items()]
        elif kind == "ranking":  # one row per ranked option, its rank in number (1 = top)
            rows += [{"question": code, "option": str(v), "number": int(rank)} for v, rank in value.items()]
        elif kind in defs.OPTION_TYPES:
            rows.append({"question": code, "option": str(value)})
        elif kind == "number":
            rows.append({"question": code, "number": int(value)})
        else:
            rows.append({"question": code, "text": str(value)})
    return rows


def breakdown_values(definition: dict, answers: dict) -> dict:
    """The response's district, age band and gender, from the questions the definition names."""
    kept = defs.kept_answers(definition, answers)
    return {dimension: kept.get(code) for dimension, code in definition.get("breakdowns", {}).items()}


def submit(wave: SurveyWave, state: dict) -> bool:
    """Store one response: state has "answers", "setting" (a code or None), "test", and "draft" (the
    id of the draft the answers came from, deleted in the same transaction).

    False, storing nothing, if that draft is already gone (sent by a parallel or replayed request, or
    expired). A response with no answers at all is not stored (True: the person is thanked).
    The response gets its own id and the date only: nothing links it to the draft it came from.
    Flushed, not committed: the request commits it with the draft's deletion, or neither.
    """
    rows = answer_rows(wave.definition, state["answers"])
    if state.get("draft") and not drafts.delete(state["draft"]):  # nothing added yet: nothing to undo
        return False
    if rows:
        setting = setting_named(state.get("setting"))
        response = SurveyResponse(wave_id=wave.id, submitted_on=clock.today(), setting_code=setting.code if setting else None,
                                  is_test=bool(state.get("test")), **breakdown_values(wave.definition, state["answers"]))
        db.session.add(response)
        db.session.flush()
        db.session.execute(sa.insert(SurveyAnswer), [
            {"option": None, "number": None, "text": None, **row, "wave_id": wave.id, "response_id": response.id}
            for row in rows
        ])
    db.session.flush()
    return True


# Results ---------------------------------------------------------------------

def real_answers(wave_id: int):
    """Answers of real responses only: staff test responses never count."""
    tests = sa.select(SurveyResponse.id).where(SurveyResponse.wave_id == wave_id, SurveyResponse.is_test.is_(True))
    return sa.and_(SurveyAnswer.wave_id == wave_id, SurveyAnswer.response_id.not_in(tests))


def response_count(wave_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)).where(
        SurveyResponse.wave_id == wave_id, SurveyResponse.is_test.is_(False)))
