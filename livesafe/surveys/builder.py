"""The survey builder's rules: questions from the builder's form, their checks, and changes to a definition.

Staff write options one per line as `value = label` (or just the label: its value is made from it),
statements as `code = text`, and show-if rules one per line:

    gender is girl, non_binary        any of these answers
    age from 14 to 17                 a number range (bounds included); also "at least 3", "at most 9"
    feel.at_school is 1, 2            one statement of a grid
    {any: [{question: a, any_of: [x]}, {question: b, min: 3}]}   anything else, as YAML

joined by "all" (AND) or "any" (OR). Every change is made on a copy through versions.edit.
"""
import re
from copy import deepcopy

import yaml

from livesafe.surveys import definitions as defs

TYPE_LABELS = {
    "single": "Single choice (one answer)",
    "multiple": "Multiple choice (any number of answers)",
    "rating": "Rating on a labelled scale",
    "number": "Whole number",
    "text": "Text (short, or long with several lines)",
    "grid": "Grid: several statements on one scale",
    "ranking": "Ranking: put options in order",
}
RULE_IS = re.compile(r"^\s*([a-z][a-z0-9_.]*)\s+is\s+(.+)$")
RULE_RANGE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s+from\s+(-?\d+)\s+to\s+(-?\d+)\s*$")
RULE_BOUND = re.compile(r"^\s*([a-z][a-z0-9_]*)\s+at\s+(least|most)\s+(-?\d+)\s*$")


class FormProblem(ValueError):
    """What is wrong with one field of the builder's question form."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def value_from(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:60] or "option"


def _pairs(text: str, field: str, make_key) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, label = line.partition("=")
        key, label = (key.strip(), label.strip()) if sep else (make_key(line.strip()), line.strip())
        if not key or not label:
            raise FormProblem(field, f"Line {number}: write it as 'value = words people see'")
        pairs.append((key, label))
    return pairs


def options_from(text: str, exclusive: str) -> list[dict]:
    alone = {v.strip() for v in (exclusive or "").split(",") if v.strip()}
    options = [{"value": value, "label": label} for value, label in _pairs(text, "options", value_from)]
    unknown = alone - {o["value"] for o in options}
    if unknown:
        raise FormProblem("exclusive", f"There is no option {', '.join(sorted(unknown))} to choose on its own")
    for option in options:
        if option["value"] in alone:
            option["exclusive"] = True
    return options


def options_text(q: dict) -> tuple[str, str]:
    options = q.get("options", [])
    return ("\n".join(f"{o['value']} = {o.get('label', '')}" for o in options),
            ", ".join(o["value"] for o in options if o.get("exclusive")))


def rule_from(line: str, number: int) -> dict:
    if line.lstrip().startswith("{"):
        try:
            condition = yaml.safe_load(line)
        except yaml.YAMLError:
            condition = None
        if isinstance(condition, dict):
            return condition
    elif match := RULE_IS.match(line):
        return {"question": match[1], "any_of": [v.strip() for v in match[2].split(",") if v.strip()]}
    elif match := RULE_RANGE.match(line):
        return {"question": match[1], "min": int(match[2]), "max": int(match[3])}
    elif match := RULE_BOUND.match(line):
        return {"question": match[1], "min" if match[2] == "least" else "max": int(match[3])}
    raise FormProblem("show_if", f"Line {number}: write a rule like 'gender is girl, boy' or 'age from 14 to 17'")


def condition_from(text: str, combine: str) -> dict | None:
    rules = [rule_from(line, n) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]
    if not rules:
        return None
    return rules[0] if len(rules) == 1 else {"any" if combine == "any" else "all": rules}


def _rule_text(condition: dict) -> str | None:
    if "any_of" in condition and set(condition) == {"question", "any_of"}:
        return f"{condition['question']} is {', '.join(condition['any_of'])}"
    if set(condition) == {"question", "min", "max"}:
        return f"{condition['question']} from {condition['min']} to {condition['max']}"
    if set(condition) == {"question", "min"}:
        return f"{condition['question']} at least {condition['min']}"
    if set(condition) == {"question", "max"}:
        return f"{condition['question']} at most {condition['max']}"
    return None


def condition_text(condition: dict | None) -> tuple[str, str]:
    """(rules, "all" or "any") for the form: simple rules one per line, anything deeper as YAML."""
    if not condition:
        return "", "all"
    combine = "any" if "any" in condition else "all"
    parts = condition.get(combine) if set(condition) <= {"all", "any"} else [condition]
    try:  # an imported condition may be malformed: then it is shown as it is, as YAML
        lines = [_rule_text(part) if isinstance(part, dict) else None for part in parts]
    except TypeError:
        lines = [None]
    if lines and all(lines):
        return "\n".join(lines), combine  # type: ignore[arg-type]
    return yaml.safe_dump(condition, default_flow_style=True, sort_keys=False, width=10_000).strip(), "all"


def question_from(data: dict) -> dict:
    """The question the builder's form describes (only the keys its type uses)."""
    kind = data["type"]
    q: dict = {"code": data["code"].strip(), "type": kind, "text": data["text"].strip()}
    if (data.get("hint") or "").strip():
        q["hint"] = data["hint"].strip()
    if data.get("required"):
        q["required"] = True
    if kind in ("single", "multiple", "ranking"):
        q["options"] = options_from(data.get("options", ""), data.get("exclusive", "") if kind == "multiple" else "")
    if kind in ("rating", "grid"):
        q["scale"] = [line.strip() for line in (data.get("scale") or "").splitlines() if line.strip()]
    if kind == "grid":
        q["statements"] = [{"code": code, "text": text}
                           for code, text in _pairs(data.get("statements", ""), "statements", value_from)]
    if kind == "number":
        q["min"], q["max"] = data.get("min"), data.get("max")
        if q["min"] is None or q["max"] is None:
            raise FormProblem("min", "Enter the smallest and largest number people can give")
    if kind == "text":
        q["max_length"] = data.get("max_length") or 500
        if data.get("long"):
            q["long"] = True
    condition = condition_from(data.get("show_if", ""), data.get("combine", "all"))
    if condition:
        q["show_if"] = condition
    return q


FIELD_WORDS = (("show_if", ("condition", "'any_of'", "range", "'all'")), ("statements", ("statement",)),
               ("scale", ("scale",)), ("exclusive", ("on its own",)), ("options", ("option", "prefer_not_to_say")),
               ("min", ("min", "max")), ("max_length", ("max_length",)), ("type", ("type",)),
               ("code", ("code",)), ("long", ("long",)))


def field_of(message: str) -> str:
    """Which form field a definition check's message is about."""
    for field, words in FIELD_WORDS:
        if any(word in message for word in words):
            return field
    return "text"


def check_question(definition: dict, page_index: int, q: dict, old_code: str | None) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with q placed on page page_index (0-based)."""
    earlier = {e["code"]: e for page in definition["pages"][:page_index] for e in page["questions"]
               if isinstance(e, dict) and "code" in e}
    others = {e["code"] for e in defs.questions(definition) if e.get("code") != old_code}
    found = []
    q = deepcopy(q)
    district = q["code"] == definition.get("breakdowns", {}).get("district")
    for check, field in ((lambda: defs.check_question(q, "", district), None),
                         (lambda: defs.check_condition(q["show_if"], earlier, "", "question") if "show_if" in q
                          else None, "show_if")):
        try:
            check()
        except defs.DefinitionError as error:
            message = str(error).removeprefix(": ").removeprefix(f"question '{q['code']}': ").removeprefix("question: ")
            found.append((field or field_of(message), message[:1].upper() + message[1:]))
            break
        except (TypeError, KeyError, AttributeError):  # an earlier question is malformed (imported)
            found.append(("show_if", "An earlier question has problems: put those right first"))
            break
    if q["code"] in others:
        found.append(("code", f"Another question already has the code '{q['code']}'"))
    return found


# Changes to a definition (each applied to a copy by versions.edit) ------------------------------------

def locate(definition: dict, code: str) -> tuple[int, int] | None:
    for p, page in enumerate(definition["pages"]):
        for i, q in enumerate(page["questions"]):
            if q.get("code") == code:
                return p, i
    return None


def put_question(definition: dict, page_index: int, q: dict, old_code: str | None) -> None:
    """Add q at the end of the page, or put it where the question old_code was (renaming it everywhere
    it is named in the translations)."""
    place = locate(definition, old_code) if old_code else None
    if place is None:
        definition["pages"][page_index]["questions"].append(q)
        return
    definition["pages"][place[0]]["questions"][place[1]] = q
    if old_code != q["code"]:
        for words in (definition.get("translations") or {}).values():
            moved = (words.get("questions") or {}).pop(old_code, None)
            if moved is not None:
                words["questions"][q["code"]] = moved


def remove_question(definition: dict, code: str) -> None:
    place = locate(definition, code)
    if place is not None:
        del definition["pages"][place[0]]["questions"][place[1]]
    for words in (definition.get("translations") or {}).values():
        (words.get("questions") or {}).pop(code, None)


def move_question(definition: dict, code: str, step: int) -> None:
    """Up or down one place, across into the next page at a page's end (conditions are checked after)."""
    place = locate(definition, code)
    if place is None:
        return
    p, i = place
    questions = definition["pages"][p]["questions"]
    j = i + step
    if 0 <= j < len(questions):
        questions[i], questions[j] = questions[j], questions[i]
    elif 0 <= p + step < len(definition["pages"]):
        q = questions.pop(i)
        target = definition["pages"][p + step]["questions"]
        target.insert(len(target) if step < 0 else 0, q)


def add_page(definition: dict, title: str, intro: str) -> None:
    page: dict = {"title": title.strip(), "questions": []}
    if intro.strip():
        page["intro"] = intro.strip()
    definition["pages"].append(page)


def edit_page(definition: dict, index: int, title: str, intro: str) -> None:
    page = definition["pages"][index]
    page["title"] = title.strip()
    if intro.strip():
        page["intro"] = intro.strip()
    else:
        page.pop("intro", None)


def remove_page(definition: dict, index: int) -> None:
    """Only an empty page can go (its questions would be lost otherwise)."""
    if not definition["pages"][index]["questions"]:
        del definition["pages"][index]
        for words in (definition.get("translations") or {}).values():
            if index < len(words.get("pages") or []):
                del words["pages"][index]


def set_languages(definition: dict, langs: list[str]) -> None:
    definition["languages"] = ["en"] + [lang for lang in langs if lang != "en"]
    kept = {lang: words for lang, words in (definition.get("translations") or {}).items() if lang in langs}
    definition["translations"] = kept
    if definition["languages"] == ["en"]:
        definition.pop("languages")
        definition.pop("translations")
