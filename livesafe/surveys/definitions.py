"""Survey definitions: data files in content/surveys/, checked when loaded.

A definition is a dict: slug, title, audience, minutes, breakdowns (dimension ->
question code), pages (title, intro, questions), signposts, and optionally languages and
translations (see livesafe/surveys/translations.py). Question types: single, multiple, rating,
number, text (`long: true` for a multi-line answer), grid (statements on one scale) and ranking.
A question may be `required: true` (optional by default). A show-if condition (see `meets`) may
only refer to a question on an earlier page, so every page can be worked out on the server and
the survey works without JavaScript.
"""
import re
from pathlib import Path

import yaml
from flask import current_app

from livesafe import places
from livesafe.site.numbers import MAX_INT

TYPES = ("single", "multiple", "rating", "number", "text", "grid", "ranking")
CHOICE_TYPES = ("single", "multiple")
OPTION_TYPES = ("single", "multiple", "rating")  # answers stored in the option column
PREFER_NOT = "prefer_not_to_say"
NOT_SURE = "not_sure"
# Options the district question may offer besides the districts of livesafe.places.
NOT_A_PLACE = (NOT_SURE, PREFER_NOT)
DIMENSIONS = ("district", "age_band", "gender")
TERMS_FILE = "safeguarding_terms.yaml"
CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
SLUG = re.compile(r"^[a-z0-9-]{2,60}$")
VALUE = re.compile(r"^[A-Za-z0-9_+\-]{1,60}$")
TEXT_MAX = 1000
# Names a question code cannot take: they are fields or attributes of the page form.
RESERVED = {"csrf_token", "website", "action", "data", "errors", "meta", "validate", "process",
            "populate_obj", "hidden_tag", "is_submitted", "validate_on_submit", "form_errors"}


# Keys each part may have: anything else is a typo (like "show-if") and is refused.
TOP_KEYS = {"slug", "title", "audience", "minutes", "breakdowns", "pages", "signposts", "languages", "translations"}
PAGE_KEYS = {"title", "intro", "questions"}
QUESTION_KEYS = {"code", "type", "text", "hint", "personal", "options", "scale", "min", "max", "max_length", "show_if",
                 "required", "long", "statements"}
MAX_RANKED = 10
ANSWER_KEY_MAX = 60  # the width of survey_answers.question: a grid stores "grid_code.statement_code"


class DefinitionError(ValueError):
    """What is wrong with a definition; `problems` lists every problem found (the message joins them)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


def directory() -> Path:
    return Path(current_app.config["CONTENT_DIR"]) / "surveys"


def available() -> dict[str, dict]:
    """Every definition in content/surveys/, by slug, checked."""
    found = {}
    for path in sorted(directory().glob("*.yaml")):
        if path.name == TERMS_FILE:
            continue
        definition = parse(path.read_text(encoding="utf-8"), path.name)
        found[definition["slug"]] = definition
    return found


def parse(text: str, source: str = "definition") -> dict:
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as error:
        raise DefinitionError(f"{source}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise DefinitionError(f"{source}: expected a mapping at the top")
    return validate(data, source)


def _fail(source, message):
    raise DefinitionError(f"{source}: {message}")


def _option_values(question: dict) -> list[str]:
    return [value for value, _ in choices(question)]


def _targets(earlier: dict) -> dict[str, dict]:
    """What a condition may name: earlier questions, and each statement of an earlier grid as
    "grid_code.statement_code" (answered on the grid's scale)."""
    found = dict(earlier)
    for q in earlier.values():
        if q["type"] == "grid":
            for statement in q.get("statements", []):
                found[f"{q['code']}.{statement['code']}"] = {
                    "code": q["code"], "type": "single",
                    "options": [{"value": v, "label": label} for v, label in choices(q)]}
    return found


def _check_condition(condition, earlier: dict, source, where):
    """A condition is {question, any_of: [values]}, {question, min, max} (a number range, either bound
    may be left out), {all: [conditions]} (AND) or {any: [conditions]} (OR)."""
    if isinstance(condition, dict) and len(condition) == 1 and set(condition) <= {"all", "any"}:
        parts = next(iter(condition.values()))
        if not isinstance(parts, list) or not parts:
            _fail(source, f"{where}: 'all' and 'any' need a non-empty list of conditions")
        for part in parts:
            _check_condition(part, earlier, source, where)
        return
    if not isinstance(condition, dict) or "question" not in condition or not (
            set(condition) == {"question", "any_of"} or ({"min", "max"} & set(condition)
                                                          and set(condition) <= {"question", "min", "max"})):
        _fail(source, f"{where}: a condition needs 'question' with 'any_of' or a number range 'min'/'max', "
                      "or 'all'/'any' with a list of conditions")
    target = _targets(earlier).get(condition["question"])
    if target is None:
        _fail(source, f"{where}: condition refers to '{condition['question']}', which is not an earlier question "
                      "(a condition can only use answers from earlier pages)")
    if target["type"] == "text":
        _fail(source, f"{where}: a condition cannot depend on a free-text answer")
    if target["type"] in ("grid", "ranking"):
        _fail(source, f"{where}: a condition on a grid names one statement, like '{target['code']}.statement'; "
                      "a ranking cannot be used in a condition")
    if "any_of" not in condition:
        if target["type"] != "number":
            _fail(source, f"{where}: a number range ('min'/'max') needs a number question")
        for bound in ("min", "max"):
            if bound in condition and (not isinstance(condition[bound], int) or isinstance(condition[bound], bool)):
                _fail(source, f"{where}: '{bound}' must be a whole number")
        if condition.get("min", -MAX_INT) > condition.get("max", MAX_INT):
            _fail(source, f"{where}: the range's min must not be above its max")
        return
    values = condition["any_of"]
    if not isinstance(values, list) or not values:
        _fail(source, f"{where}: 'any_of' must be a non-empty list")
    condition["any_of"] = [str(v) for v in values]
    if target["type"] != "number":
        unknown = set(condition["any_of"]) - set(_option_values(target))
        if unknown:
            _fail(source, f"{where}: '{condition['question']}' has no option {sorted(unknown)}")


def _check_places(q: dict, source: str, where: str):
    """The district question speaks livesafe.places: every option is a places key (its label comes from
    places, so the YAML gives none) or one of NOT_A_PLACE. Stored answers, breakdowns and exports then
    use the same keys as every other feature, and exports can carry the ONS code."""
    for option in q["options"]:
        value = option.get("value")
        place = places.BY_KEY.get(str(value))
        if place is not None:
            if option.get("label") not in (None, place.name):
                _fail(source, f"{where}: the label of '{value}' comes from livesafe.places ({place.name}); "
                              "leave it out")
            option["label"] = place.name
        elif value not in NOT_A_PLACE:
            _fail(source, f"{where}: '{value}' is not a district key of livesafe.places "
                          f"(use {', '.join(places.KEYS)}, or {' or '.join(NOT_A_PLACE)})")


def _check_question(q: dict, source: str, district: bool = False):
    code = q.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        _fail(source, f"question code {code!r} must be lower case letters, digits and _")
    where = f"question '{code}'"
    if not set(q) <= QUESTION_KEYS:
        _fail(source, f"{where}: unknown keys {sorted(set(q) - QUESTION_KEYS)}")
    if code in RESERVED:
        _fail(source, f"{where}: that code is reserved, choose another")
    if q.get("type") not in TYPES:
        _fail(source, f"{where}: type must be one of {', '.join(TYPES)}")
    if not str(q.get("text") or "").strip():
        _fail(source, f"{where}: needs text")
    kind = q["type"]
    for flag in ("required", "long", "personal"):
        if flag in q and not isinstance(q[flag], bool):
            _fail(source, f"{where}: '{flag}' must be true or false")
    if q.get("long") and kind != "text":
        _fail(source, f"{where}: only a text question can be long")
    if "statements" in q and kind != "grid":
        _fail(source, f"{where}: only a grid has statements")
    if kind in CHOICE_TYPES or kind == "ranking" or (kind == "grid" and "options" in q):
        _check_options(q, source, where, district and kind == "single")
        if kind == "ranking" and len(q["options"]) > MAX_RANKED:
            _fail(source, f"{where}: a ranking can have at most {MAX_RANKED} options")
    elif "options" in q:
        _fail(source, f"{where}: a {kind} question has no options")
    if kind == "rating" or (kind == "grid" and "options" not in q):
        scale = q.get("scale")
        if not isinstance(scale, list) or not 2 <= len(scale) <= 11:
            _fail(source, f"{where}: a {kind} needs a scale of 2 to 11 labels (or, for a grid, options)")
        q["scale"] = [str(label) for label in scale]
    if kind == "grid":
        _check_statements(q, source, where)
    elif kind == "number":
        low, high = q.get("min"), q.get("max")
        if (not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool)
                or isinstance(high, bool) or not -MAX_INT <= low <= high <= MAX_INT):
            _fail(source, f"{where}: a number question needs whole-number min and max, min <= max, "
                          f"both within ±{MAX_INT:,} (what the database can store)")
    elif kind == "text":
        q["max_length"] = int(q.get("max_length") or 500)
        if not 1 <= q["max_length"] <= TEXT_MAX:
            _fail(source, f"{where}: max_length must be 1 to {TEXT_MAX}")


def _check_options(q: dict, source: str, where: str, district: bool):
    options = q.get("options")
    if not isinstance(options, list) or len(options) < 2:
        _fail(source, f"{where}: needs at least two options (the option list is empty or has one)")
    q["options"] = [dict(option) if isinstance(option, dict) else {"value": option} for option in options]  # anchors in YAML share objects: copy
    if district:  # otherwise the breakdown check says what is wrong
        _check_places(q, source, where)
    values = []
    for option in q["options"]:
        if not set(option) <= {"value", "label", "exclusive"}:  # e.g. an unquoted comma in a {flow: map}
            _fail(source, f"{where}: an option has unknown keys {sorted(set(option) - {'value', 'label', 'exclusive'})}")
        if option.get("exclusive") and q["type"] != "multiple":
            _fail(source, f"{where}: only a multiple-choice option can be 'on its own' (exclusive)")
        option["value"] = str(option.get("value", ""))
        if not VALUE.match(option["value"]) or not str(option.get("label") or "").strip():
            _fail(source, f"{where}: every option needs a value (letters, digits, _ + -) and a label")
        values.append(option["value"])
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        _fail(source, f"{where}: option values must be unique ({', '.join(twice)} used twice)")
    if q.get("personal") and q["type"] in CHOICE_TYPES and PREFER_NOT not in values:
        _fail(source, f"{where}: a personal question must offer '{PREFER_NOT}'")


def _check_statements(q: dict, source: str, where: str):
    statements = q.get("statements")
    if not isinstance(statements, list) or not statements:
        _fail(source, f"{where}: a grid needs at least one statement")
    q["statements"] = [dict(s) if isinstance(s, dict) else {} for s in statements]
    codes = []
    for statement in q["statements"]:
        code = statement.get("code")
        if set(statement) != {"code", "text"} or not isinstance(code, str) or not CODE.match(code) \
                or not str(statement.get("text") or "").strip():
            _fail(source, f"{where}: every statement needs exactly a code (lower case letters, digits and _) and text")
        if len(q["code"]) + 1 + len(code) > ANSWER_KEY_MAX:
            _fail(source, f"{where}: '{q['code']}.{code}' is longer than {ANSWER_KEY_MAX} characters")
        codes.append(code)
    if len(set(codes)) != len(codes):
        _fail(source, f"{where}: statement codes must be unique")


def validate(data: dict, source: str = "definition") -> dict:
    if not set(data) <= TOP_KEYS:
        _fail(source, f"unknown keys {sorted(set(data) - TOP_KEYS)}")
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        _fail(source, "slug must be 2-60 lower case letters, digits and -")
    for key in ("title", "audience"):
        if not str(data.get(key) or "").strip():
            _fail(source, f"needs a {key}")
    pages = data.get("pages")
    if not isinstance(pages, list) or not pages:
        _fail(source, "needs at least one page")
    seen: dict[str, dict] = {}
    found: list[str] = []
    breakdowns = data.setdefault("breakdowns", {})
    if not isinstance(breakdowns, dict):
        _fail(source, "breakdowns must map district, age_band or gender to a question code")
    for number, page in enumerate(pages, start=1):
        if not isinstance(page, dict) or not page.get("title") or not page.get("questions"):
            _fail(source, f"page {number} needs a title and questions")
        if not set(page) <= PAGE_KEYS:
            _fail(source, f"page {number}: unknown keys {sorted(set(page) - PAGE_KEYS)}")
        earlier = dict(seen)  # conditions may only look back to earlier pages
        for q in page["questions"]:
            try:  # every question is checked, so staff see all that is wrong at once
                if not isinstance(q, dict):
                    _fail(source, f"page {number}: every question must be a mapping")
                _check_question(q, source, district=q.get("code") == breakdowns.get("district"))
                if q["code"] in seen:
                    _fail(source, f"question code '{q['code']}' is used twice")
                if "show_if" in q:
                    _check_condition(q["show_if"], earlier, source, f"question '{q['code']}'")
                seen[q["code"]] = q  # only sound questions: conditions read their options
            except DefinitionError as error:
                found.extend(error.problems)
    if found:
        raise DefinitionError("; ".join(found), found)
    for dimension, code in breakdowns.items():
        if dimension not in DIMENSIONS:
            _fail(source, f"unknown breakdown '{dimension}' (use {', '.join(DIMENSIONS)})")
        if code not in seen or seen[code]["type"] != "single":
            _fail(source, f"breakdown '{dimension}' must name a single-choice question")
    for signpost in data.setdefault("signposts", []):
        if not signpost.get("key") or not signpost.get("title") or not signpost.get("when"):
            _fail(source, "every signpost needs a key, a title and when")
        if not set(signpost) <= {"key", "when", "title", "text", "links"}:
            _fail(source, f"signpost '{signpost['key']}': unknown keys")
        for condition in signpost["when"]:
            _check_condition(condition, seen, source, f"signpost '{signpost['key']}'")
        for link in signpost.get("links", []):
            if set(link) != {"href", "label"}:
                _fail(source, f"signpost '{signpost['key']}': a link needs exactly href and label")
            if not str(link.get("href", "")).startswith("/") or not link.get("label"):
                _fail(source, f"signpost '{signpost['key']}': links need a site path and a label")
    from livesafe.surveys import translations  # it reads definitions' helpers

    translations.check(data, source)
    return data


# Helpers over a (frozen) definition.

def questions(definition: dict) -> list[dict]:
    return [q for page in definition["pages"] for q in page["questions"]]


def question_map(definition: dict) -> dict[str, dict]:
    return {q["code"]: q for q in questions(definition)}


def district_code(definition: dict) -> str | None:
    """The code of the question whose answers are places keys (the district breakdown), if any."""
    return definition.get("breakdowns", {}).get("district")


def choices(question: dict) -> list[tuple[str, str]]:
    """(value, label) for single, multiple, rating and ranking questions, and a grid's scale."""
    if question["type"] in ("rating", "grid") and "options" not in question:
        return [(str(n), label) for n, label in enumerate(question["scale"], start=1)]
    return [(option["value"], option["label"]) for option in question.get("options", [])]


def answer_of(code: str, answers: dict):
    """The answer a condition names: a question's, or one grid statement's ("grid.statement")."""
    if "." in code:
        grid, statement = code.split(".", 1)
        given = answers.get(grid)
        return given.get(statement) if isinstance(given, dict) else None
    return answers.get(code)


def meets(condition: dict, answers: dict) -> bool:
    """Whether the answers meet a condition: {all: [...]} (AND), {any: [...]} (OR), {question, any_of}
    (any chosen value is listed) or {question, min, max} (a number within the range, bounds included).
    An unanswered question meets no condition."""
    if "all" in condition:
        return all(meets(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(meets(part, answers) for part in condition["any"])
    given = answer_of(condition["question"], answers)
    if given is None:
        return False
    if "any_of" not in condition:
        try:
            number = int(given)
        except (TypeError, ValueError):
            return False
        return condition.get("min", number) <= number <= condition.get("max", number)
    values = given if isinstance(given, list) else [given]
    return any(str(value) in condition["any_of"] for value in values)


def shown(question: dict, answers: dict) -> bool:
    condition = question.get("show_if")
    return condition is None or meets(condition, answers)


def visible_pages(definition: dict, answers: dict) -> list[int]:
    """1-based numbers of the pages with at least one question to show, given the answers so far."""
    return [
        number
        for number, page in enumerate(definition["pages"], start=1)
        if any(shown(q, answers) for q in page["questions"])
    ]


def kept_answers(definition: dict, answers: dict) -> dict:
    """Only answers to questions that are still shown (a changed answer can hide a later question)."""
    kept: dict = {}
    for q in questions(definition):  # in order: conditions only look back
        if q["code"] in answers and shown(q, kept):
            kept[q["code"]] = answers[q["code"]]
    return kept


def signposts(definition: dict, answers: dict) -> list[dict]:
    return [s for s in definition.get("signposts", []) if any(meets(c, answers) for c in s["when"])]


def safeguarding_terms() -> list[str]:
    path = directory() / TERMS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(term) for term in data.get("terms", [])]


def check_question(q: dict, source: str = "", district: bool = False) -> None:
    """Check one question on its own (the builder's form); raises DefinitionError."""
    _check_question(q, source, district)


def check_condition(condition, earlier: dict, source: str = "", where: str = "question") -> None:
    """Check a show-if condition against the questions before it; raises DefinitionError."""
    _check_condition(condition, earlier, source, where)
