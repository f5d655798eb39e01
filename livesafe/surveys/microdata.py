"""Microdata for analysts (admins only): one row per real response, as CSV, SPSS (.sav) or Stata (.dta),
numeric codes with value labels (written with pyreadstat), every download audited by the view.

Nothing that could point to a person:
- no dates or times at all (the wave is the finest time there is), no row ids, rows sorted by content;
- free-text answers and the setting code only when the admin ticks them;
- rare combinations are coarsened before export (COARSENING, shown to the admin on the export page).

Codes: a choice whose stored values are all whole numbers (a rating, a numbered scale) keeps them; any
other choice is numbered 1, 2, 3... in the order the wave's definition lists its options. A multiple-choice
question is one 0/1 column per option (empty when the question was not answered); a ranking is one column
per option holding its rank (1 = top). The codebook (codebook.py) lists every column, code and label.
"""
import csv
import io
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from livesafe import disclosure, places
from livesafe.extensions import db
from livesafe.surveys import analysis
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveyWave

FORMATS = {  # key: (label, mimetype, file extension)
    "csv": ("CSV (for R, Excel and most tools)", "text/csv", "csv"),
    "sav": ("SPSS (.sav)", "application/x-spss-sav", "sav"),
    "dta": ("Stata (.dta)", "application/x-stata-dta", "dta"),
}
NAME_MAX = 32  # Stata's limit on variable names (SPSS allows 64)
LABEL_MAX = 80  # Stata's limit on variable labels; the codebook has the whole wording
# Values that replace a rare district, age band or gender, with their fixed codes.
NOT_SHOWN = "not_shown"
NOT_SHOWN_CODE = 999
AREA_PREFIX = "area:"
AREA_CODES = {"Leicestershire": 901}
RULE = (
    "Before export, every combination of age band, district and gender (and the setting code, when it is "
    "included) is counted, a missing answer being a value like any other. Where a combination has fewer "
    "people than the threshold, in turn until none does: (1) a district in Leicestershire becomes "
    "\u201cLeicestershire (district not shown)\u201d, and Leicester or Rutland (each its own area) becomes "
    "\u201cNot shown\u201d; (2) any district left becomes \u201cNot shown\u201d; (3) the gender becomes "
    "\u201cNot shown\u201d; (4) the age band becomes \u201cNot shown\u201d. Only the rows in rare "
    "combinations change; everyone else keeps their answers."
)
NOT_SHOWN_LABEL = "Not shown (rare combination)"


@dataclass(frozen=True)
class Options:
    free_text: bool = False
    setting_code: bool = False


@dataclass
class Column:
    name: str
    label: str
    numeric: bool = True
    value_labels: dict[int, str] = field(default_factory=dict)
    key: str = ""  # the variable key it comes from ("" for the wave and setting columns)
    value: str | None = None  # the option, for a multiple-choice or ranking column
    codes: dict[str, int] = field(default_factory=dict)  # stored value -> code


def _name(text: str, taken: set[str]) -> str:
    """A variable name SPSS and Stata both accept: letters, digits and _, starting with a letter, at most
    NAME_MAX characters, unique in the file."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", text)
    if not base[:1].isalpha():
        base = "q_" + base
    base = base[:NAME_MAX]
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:NAME_MAX - len(str(n)) - 1]}_{n}"
    taken.add(name.lower())
    return name


def codes_of(choices) -> dict[str, int]:
    values = [value for value, _ in choices]
    if all(re.fullmatch(r"-?\d{1,6}", v) for v in values):
        return {v: int(v) for v in values}
    return {v: n for n, v in enumerate(values, start=1)}


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1] + "\u2026"


def dimensions(definition: dict) -> dict[str, str]:
    """question code -> dimension (district, age_band, gender) for the breakdown questions."""
    return {code: dimension for dimension, code in definition.get("breakdowns", {}).items()}


def columns(definition: dict, options: Options = Options()) -> list[Column]:
    """The file's columns, in order."""
    taken: set[str] = set()
    found = [Column(_name("wave", taken), "Survey wave", numeric=False)]
    if options.setting_code:
        found.append(Column(_name("setting_code", taken), "Setting code (school or group)", numeric=False))
    breakdown = dimensions(definition)
    for v in analysis.variables(definition):
        label = _label(v.text)
        if v.kind in ("single", "rating", "grid"):
            codes = codes_of(v.choices)
            value_labels = {codes[value]: text for value, text in v.choices}
            if v.key in breakdown:
                value_labels[NOT_SHOWN_CODE] = NOT_SHOWN_LABEL
                if breakdown[v.key] == "district":
                    for area, code in AREA_CODES.items():
                        codes[AREA_PREFIX + area] = code
                        value_labels[code] = f"{area} (district not shown)"
                codes[NOT_SHOWN] = NOT_SHOWN_CODE
            found.append(Column(_name(v.key, taken), label, value_labels=value_labels, key=v.key, codes=codes))
            if breakdown.get(v.key) == "district":
                found.append(Column(_name(f"{v.key}_ons_code", taken), "ONS code of the district", numeric=False,
                                    key=v.key, value="ons"))
        elif v.kind in ("multiple", "ranking"):
            for value, text in v.choices:
                value_labels = {0: "Not chosen", 1: "Chosen"} if v.kind == "multiple" else {}
                what = "ranked" if v.kind == "ranking" else "chosen"
                found.append(Column(_name(f"{v.key}_{value}", taken), _label(f"{text} ({what}): {v.text}"),
                                    value_labels=value_labels, key=v.key, value=value))
        elif v.kind == "number":
            found.append(Column(_name(v.key, taken), label, key=v.key))
        elif v.kind == "text" and options.free_text:
            found.append(Column(_name(v.key, taken), label, numeric=False, key=v.key))
    return found


# Coarsening --------------------------------------------------------------------------

def _broader(district: str | None) -> str:
    place = places.BY_KEY.get(district or "")
    if place is not None and place.county in AREA_CODES:
        return AREA_PREFIX + place.county
    return NOT_SHOWN


def coarsen(people: list[dict], keys: dict[str, str], limit: int, fixed: str | None = None) -> int:
    """Coarsen rare combinations in place (RULE). people: one dict of answers per person; keys: dimension
    (district, age_band, gender) -> the question key holding it; fixed: a key that is part of every
    combination but never changed (the setting code, when exported). Returns how many values changed."""
    dims = [keys[d] for d in ("district", "age_band", "gender") if d in keys]
    if not dims:
        return 0
    hidden = lambda _: NOT_SHOWN  # noqa: E731
    steps = []
    if "district" in keys:
        steps += [(keys["district"], lambda v: _broader(v) if v in places.BY_KEY else v), (keys["district"], hidden)]
    steps += [(keys[d], hidden) for d in ("gender", "age_band") if d in keys]

    def combination(person):
        return tuple(person.get(k) for k in dims) + ((person.get(fixed),) if fixed else ())

    changed = 0
    for key, replace in steps:
        sizes = Counter(combination(p) for p in people)
        for person in [p for p in people if sizes[combination(p)] < limit]:
            new = replace(person.get(key))
            if new != person.get(key):
                person[key] = new
                changed += 1
    return changed


# Building the file ---------------------------------------------------------------------

def people(wave: SurveyWave, options: Options) -> list[dict]:
    """The real responses as {variable key: value}: a choice's value, a set for multiple choice, {option:
    rank} for a ranking, a number or a text; "_setting" holds the setting code."""
    r, a = SurveyResponse, SurveyAnswer
    found: dict[int, dict] = {
        response_id: ({"_setting": setting} if options.setting_code else {})
        for response_id, setting in db.session.execute(
            sa.select(r.id, r.setting_code).where(r.wave_id == wave.id, r.is_test.is_(False)))}
    kinds = {v.key: v.kind for v in analysis.variables(wave.definition)}
    for response_id, question, option, number, text in db.session.execute(
            sa.select(a.response_id, a.question, a.option, a.number, a.text).where(a.wave_id == wave.id)):
        person, kind = found.get(response_id), kinds.get(question)
        if person is None or kind is None:
            continue
        if kind == "multiple":
            if option is not None:
                person.setdefault(question, set()).add(option)
            else:
                person.setdefault(question, set())  # answered (the "how many" row)
        elif kind == "ranking":
            if option is not None:
                person.setdefault(question, {})[option] = number
        elif kind == "number":
            person[question] = number
        elif kind == "text":
            if options.free_text:
                person[question] = text
        else:
            person[question] = option
    return list(found.values())


def table(wave: SurveyWave, options: Options = Options()) -> tuple[list[Column], list[list]]:
    """(columns, rows) of the microdata, coarsened, rows sorted by content."""
    cols = columns(wave.definition, options)
    everyone = people(wave, options)
    coarsen(everyone, wave.definition.get("breakdowns", {}), disclosure.threshold(),
            fixed="_setting" if options.setting_code else None)
    rows = []
    for person in everyone:
        row: list = []
        for column in cols:
            given = person.get(column.key) if column.key else None
            if not column.key:
                row.append(wave.slug if column.name == "wave" else person.get("_setting") or "")
            elif column.value == "ons":
                row.append(places.BY_KEY[given].code if given in places.BY_KEY else "")
            elif column.value is not None and isinstance(given, set):
                row.append(int(column.value in given))
            elif column.value is not None and isinstance(given, dict):
                row.append(given.get(column.value))
            elif column.value is not None:
                row.append(None)
            elif column.codes:
                row.append(column.codes.get(given) if given is not None else None)
            elif column.numeric:
                row.append(given)
            else:
                row.append(given or "")
        rows.append(row)
    rows.sort(key=lambda row: [("" if v is None else str(v)) for v in row])
    return cols, rows


def to_csv(cols: list[Column], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.name for c in cols])
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue().encode("utf-8")


def _safe(value) -> str:
    """Stop a spreadsheet from running a free-text cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"-\d+", text) else text


def _frame(cols: list[Column], rows: list[list]):
    import pandas as pd

    data = {}
    for index, column in enumerate(cols):
        values = [row[index] for row in rows]
        data[column.name] = (pd.array(values, dtype="float64") if column.numeric
                             else ["" if v is None else str(v) for v in values])
    return pd.DataFrame(data, columns=[c.name for c in cols])


def to_file(cols: list[Column], rows: list[list], file_format: str, wave: SurveyWave) -> bytes:
    """A .sav or .dta file with variable and value labels."""
    import pyreadstat

    frame = _frame(cols, rows)
    labels = {c.name: c.label for c in cols}
    value_labels = {c.name: {float(k) if file_format == "sav" else k: v for k, v in c.value_labels.items()}
                    for c in cols if c.value_labels}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data.{file_format}"
        if file_format == "sav":
            pyreadstat.write_sav(frame, str(path), file_label=_label(wave.title), column_labels=labels,
                                 variable_value_labels=value_labels)
        else:
            pyreadstat.write_dta(frame, str(path), file_label=_label(wave.title), column_labels=labels,
                                 variable_value_labels=value_labels)
        return path.read_bytes()


def export(wave: SurveyWave, file_format: str, options: Options) -> tuple[bytes, str, str]:
    """(file contents, mimetype, filename)."""
    _, mimetype, extension = FORMATS[file_format]
    cols, rows = table(wave, options)
    data = to_csv(cols, rows) if file_format == "csv" else to_file(cols, rows, file_format, wave)
    return data, mimetype, f"{wave.slug}-microdata.{extension}"
