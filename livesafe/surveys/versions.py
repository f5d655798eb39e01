"""Versions of a survey definition: what the builder edits and waves are made from.

A version no wave uses yet is edited in place (compare-and-set on its `revision`, under a row lock).
Once a wave is made from a version it never changes: editing it makes the next version, so every wave
keeps exactly the questions its answers were given to. Question codes stay the same across versions
(results compare waves by code). The shipped YAML files in content/surveys/ become version 1 of their
survey (`load_shipped`), and any version can be exported and imported as YAML with no loss.
"""
import json
from collections.abc import Callable
from copy import deepcopy

import sqlalchemy as sa
import yaml
from sqlalchemy.exc import IntegrityError

from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.kernel import Conflict, RuleError, require
from livesafe.kernel.workflow import lock
from livesafe.surveys import definitions as defs
from livesafe.surveys import translations
from livesafe.surveys.models import SurveyVersion, SurveyWave

MAX_YAML = 200_000  # characters: a long survey is about 15,000


def get(version_id: int) -> SurveyVersion | None:
    return db.session.get(SurveyVersion, version_id)


def latest(slug: str) -> SurveyVersion | None:
    return db.session.scalar(sa.select(SurveyVersion).where(SurveyVersion.survey_slug == slug)
                             .order_by(SurveyVersion.number.desc()).limit(1))


def every() -> list[SurveyVersion]:
    """Every version, by survey then newest first."""
    return list(db.session.scalars(sa.select(SurveyVersion).order_by(SurveyVersion.survey_slug,
                                                                     SurveyVersion.number.desc())))


def in_use(version: SurveyVersion) -> bool:
    return db.session.scalar(sa.select(sa.func.count(SurveyWave.id)).where(SurveyWave.version_id == version.id)) > 0


def problems(definition: dict) -> list[str]:
    """Everything wrong with a definition, in plain words ([] when a wave can be made from it)."""
    try:
        defs.validate(deepcopy(definition), "")
    except defs.DefinitionError as error:
        return [p.removeprefix(": ") for p in error.problems]
    except (TypeError, AttributeError, KeyError, ValueError) as error:  # a part of the wrong kind
        return [f"part of the survey is not shaped as a survey should be ({type(error).__name__}: {error})"]
    return []


def _is_list_of_dicts(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def shape_problem(data: dict) -> str | None:
    """What the builder's pages rely on: pages and questions as lists of mappings, codes as text, and the
    parts of a question as lists. Anything else can be kept and listed as a problem; this cannot."""
    if not _is_list_of_dicts(data.get("pages")):
        return "'pages' must be a list of pages"
    for page in data["pages"]:
        if not _is_list_of_dicts(page.get("questions", [])):
            return "each page's 'questions' must be a list of questions"
        for q in page.get("questions", []):
            if not isinstance(q.get("code"), str) or not isinstance(q.get("type", ""), str):
                return "every question needs a code and a type written as text"
            for part in ("options", "statements"):
                if part in q and not (isinstance(q[part], list) and all(isinstance(o, (dict, str, int)) for o in q[part])):
                    return f"question '{q['code']}': '{part}' must be a list"
            if "scale" in q and not isinstance(q["scale"], list):
                return f"question '{q['code']}': 'scale' must be a list"
            if "show_if" in q and not isinstance(q["show_if"], dict):
                return f"question '{q['code']}': 'show_if' must be a condition"
    if not _is_list_of_dicts(data.get("signposts", [])):
        return "'signposts' must be a list"
    if not isinstance(data.get("translations", {}), dict) or not isinstance(data.get("languages", []), list):
        return "'languages' must be a list and 'translations' a mapping"
    if not isinstance(data.get("breakdowns", {}), dict):
        return "'breakdowns' must be a mapping"
    return None


def to_yaml(definition: dict) -> str:
    return yaml.safe_dump(definition, sort_keys=False, allow_unicode=True, width=100)


def create(definition: dict, actor) -> SurveyVersion:
    """The next version of definition's survey. Two made at the same moment: the unique (survey, number)
    lets one in and the other is told to try again (409), never a server error."""
    require("surveys.build", actor)
    slug = definition["slug"]
    number = (db.session.scalar(sa.select(sa.func.max(SurveyVersion.number))
                                .where(SurveyVersion.survey_slug == slug)) or 0) + 1
    version = SurveyVersion(survey_slug=slug, number=number, definition=definition, revision=1,
                            created_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(version)
            db.session.flush()
    except IntegrityError:
        raise Conflict("Someone else saved a version of this survey at the same moment. Try again.") from None
    record(actor, "survey_version.create", version, after={"survey": slug, "number": number})
    return version


def version_for(definition: dict, actor) -> SurveyVersion:
    """The newest version with exactly this definition, or a new one (a wave made from a file)."""
    found = latest(definition["slug"])
    return found if found is not None and found.definition == definition else create(definition, actor)


def load_shipped(actor) -> list[SurveyVersion]:
    """Each shipped survey (content/surveys/) with no version yet becomes its version 1."""
    made = []
    for slug, definition in defs.available().items():
        if latest(slug) is None:
            made.append(create(definition, actor))
    return made


def new_survey(slug: str, title: str, audience: str, actor) -> SurveyVersion:
    if latest(slug) is not None:
        raise RuleError("A survey with that short name already exists: open it from the list.", field="slug")
    return create({"slug": slug, "title": title.strip(), "audience": audience.strip(), "minutes": 5,
                   "breakdowns": {}, "pages": [], "signposts": []}, actor)


def import_yaml(text: str, actor) -> SurveyVersion:
    """A new version from YAML staff paste in. It must parse, and name its survey and title; anything
    else wrong is kept and listed in the builder (a wave cannot be made until it is put right)."""
    if len(text) > MAX_YAML:
        raise RuleError(f"That is too long to be a survey (at most {MAX_YAML:,} characters).", field="text")
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date that does not exist, like 2026-02-31
        raise RuleError(f"That is not valid YAML: {error}", field="text") from None
    if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
        raise RuleError("The YAML must be a survey: a mapping with slug, title, audience and pages.", field="text")
    shape = shape_problem(data)
    if shape:
        raise RuleError(f"That is not shaped like a survey: {shape}.", field="text")
    try:  # only plain data (JSON) can be stored: YAML dates and the like are refused
        json.dumps(data)
    except (TypeError, ValueError):
        raise RuleError("The YAML has values that are not plain text or numbers (like dates): put them in quotes.",
                        field="text") from None
    slug = data.get("slug")
    if not isinstance(slug, str) or not defs.SLUG.match(slug) or not str(data.get("title") or "").strip():
        raise RuleError("The survey needs a slug (2-60 lower case letters, digits and -) and a title.", field="text")
    try:  # stored as checked (labels from places filled in, and so on) when it is valid
        data = defs.validate(deepcopy(data), "import")
    except (defs.DefinitionError, TypeError, AttributeError, KeyError, ValueError):
        pass  # kept as it is: the builder lists what is wrong
    return create(data, actor)


def edit(version_id: int, seen_revision: int, change: Callable[[dict], None], actor) -> SurveyVersion:
    """Apply change to a copy of the version's definition. A version no wave uses is updated in place;
    one a wave uses stays as it is and the change becomes the next version (returned). The row is
    locked first, and a revision other than the one the person saw means someone else changed it: 409."""
    require("surveys.build", actor)
    version = lock(SurveyVersion, version_id)
    if version is None:
        raise RuleError("That version no longer exists.")
    if version.revision != seen_revision:
        raise Conflict("Someone else changed this version since you opened it. Here it is as it is now: make "
                       "your change again.")
    definition = deepcopy(version.definition)
    change(definition)
    version.revision += 1  # a used version is not changed, but an edit of what someone saw is now stale
    if in_use(version):
        db.session.flush()
        return create(definition, actor)
    version.definition = definition
    db.session.flush()
    record(actor, "survey_version.edit", version, after={"survey": version.survey_slug, "number": version.number,
                                                         "revision": version.revision})
    return version


def ready_for_wave(version: SurveyVersion) -> dict:
    """The checked definition a wave copies, or RuleError listing what to put right first."""
    found = problems(version.definition)
    if found:
        raise RuleError(f"Version {version.number} cannot be used yet: {'; '.join(found)}", field="survey")
    return defs.validate(deepcopy(version.definition), version.survey_slug)


def opening_problems(definition: dict) -> list[str]:
    """Why a wave cannot open: what is wrong with its definition, and any language not fully translated."""
    found = problems(definition)
    for lang, count in translations.incomplete(definition).items():
        found.append(f"the {translations.LANGUAGES[lang].name} translation is incomplete ({count} untranslated): "
                     "finish it in the builder, or remove the language")
    return found
