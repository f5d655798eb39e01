"""Checking an uploaded extract before anything is stored.

In order: the file is UTF-8 CSV; no column or value looks like a direct identifier (names, dates of
birth, full postcodes, addresses, reference numbers, free text): such a file is refused outright,
whatever else is in it; then the source's published schema is checked with Frictionless (columns,
types, code lists, ONS district codes); then every row's month must fall in the period being replaced.
The result is either the rows, ready to store, or a row-by-row report.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from livesafe import places
from livesafe.partners import sources
from livesafe.partners.sources import Source

MAX_REPORTED = 200  # problems listed; the count says how many more
# Column names that carry a direct identifier or free text (compared without case, spaces or punctuation).
IDENTIFIER_WORDS = {
    "name": "a name", "forename": "a name", "surname": "a name", "firstname": "a name", "lastname": "a name",
    "dob": "a date of birth", "dateofbirth": "a date of birth", "birthdate": "a date of birth", "birth": "a date of birth",
    "postcode": "a postcode", "address": "an address", "street": "an address", "housenumber": "an address",
    "nhs": "an NHS number", "nhsnumber": "an NHS number", "nhsno": "an NHS number", "crimeref": "a reference number", "crimenumber": "a reference number",
    "urn": "a reference number", "reference": "a reference number", "email": "an e-mail address",
    "phone": "a phone number", "telephone": "a phone number", "mobile": "a phone number",
    "notes": "free text", "note": "free text", "comment": "free text", "comments": "free text",
    "description": "free text", "narrative": "free text", "details": "free text", "freetext": "free text",
    "circumstances": "free text", "summary": "free text",
}
FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
FULL_DATE = re.compile(r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
LONG_TEXT = 25  # no code in any list is this long (nor has spaces in it): a longer value, or words, is free text


@dataclass(frozen=True)
class Problem:
    row: int | None  # the file's line number (the header is line 1); None for the file as a whole
    column: str
    message: str


@dataclass
class Checked:
    problems: list[Problem] = field(default_factory=list)
    total_problems: int = 0
    identifiers: bool = False  # refused outright: a direct identifier or free text was found
    rows: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.total_problems == 0

    def add(self, row, column, message) -> None:
        self.total_problems += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(Problem(row, column, message))


def _word(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _identifier_in_header(header: str) -> str | None:
    word = _word(header)
    for token, what in IDENTIFIER_WORDS.items():
        if token == word or (len(token) > 3 and token in word):
            return what
    return None


def _identifier_in_value(value: str) -> str | None:
    if EMAIL.search(value):
        return "an e-mail address"
    if FULL_POSTCODE.search(value):
        return "a full postcode"
    if FULL_DATE.search(value):
        return "a full date (only the month is allowed)"
    if len(value) >= LONG_TEXT or len(value.split()) >= 3:
        return "free text"
    return None


def month_of(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def check(source: Source, data: bytes, first: date, last: date) -> Checked:
    result = Checked()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.add(None, "", "The file is not UTF-8 text. Save it as “CSV UTF-8 (comma delimited)” and upload it again.")
        return result
    table = list(csv.reader(io.StringIO(text)))
    if not table or not any(cell.strip() for cell in table[0]):
        result.add(None, "", "The file is empty. It needs a header row with the column names, then one row per record.")
        return result
    header = [cell.strip() for cell in table[0]]
    # 1. Direct identifiers and free text: refused outright, and the value is never repeated back.
    for name in header:
        what = _identifier_in_header(name)
        if what:
            result.add(1, name, f"The column “{name}” looks like {what}. Remove it: direct identifiers are never accepted.")
    for line, row in enumerate(table[1:], start=2):
        for name, value in zip(header, row):
            what = _identifier_in_value(value.strip())
            if what:
                result.add(line, name, f"This value looks like {what}. Direct identifiers are never accepted.")
    if result.total_problems:
        result.identifiers = True
        return result
    if len(table) < 2:
        result.add(None, "", "The file has a header row but no records.")
        return result
    # 2. The published schema, checked by Frictionless.
    _frictionless(source, text, result)
    if result.total_problems:
        return result
    # 3. The period: a file replaces one period, so every record must belong to it.
    index = {name: i for i, name in enumerate(header)}
    for line, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {name: row[i].strip() for name, i in index.items()}
        month = month_of(values["month"])
        area = sources.areas().get(values.get("area") or "")
        if area and places.district(values["district"]).key != area["district"]:
            result.add(line, "area", f"{area['name']} is in {places.BY_KEY[area['district']].name}, not in the row's "
                                     f"district ({places.district(values['district']).name}).")
            continue
        if not first <= month <= last:
            result.add(line, "month", f"{values['month']} is outside the period being replaced "
                                      f"({first:%Y-%m} to {last:%Y-%m}).")
            continue
        result.rows.append(_record(values, month))
    if not result.rows and not result.total_problems:
        result.add(None, "", "The file has a header row but no records.")
    return result


def _frictionless(source: Source, text: str, result: Checked) -> None:
    from frictionless import Resource, Schema  # imported when a file is checked: it takes a moment to load

    resource = Resource(data=text.encode("utf-8"), format="csv", encoding="utf-8",
                        schema=Schema.from_descriptor(source.descriptor(_header(text))))
    report = resource.validate(limit_errors=MAX_REPORTED + 1)
    for task in report.tasks:
        for error in task.errors:
            described = error.to_descriptor()
            column = described.get("fieldName") or described.get("label") or ""
            result.add(described.get("rowNumber") or (1 if "#header" in described.get("tags", []) else None), column,
                       _message(source, described["type"], column, described.get("note", "")))


def _header(text: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader(io.StringIO(text)), [])]


def _message(source: Source, kind: str, column: str | None, note: str) -> str:
    """Frictionless's error type, in words for whoever prepared the file."""
    spec = next((f for f in source.fields if f["name"] == column), None)
    if kind in ("extra-label", "extra-cell"):
        return (f"The column “{column}” is not in the {source.short} schema. Only these columns are accepted: "
                f"{', '.join(source.columns)}." if kind == "extra-label" else "This row has more cells than the header.")
    optional = [f["name"] for f in source.fields if f.get("optional")]
    order = f"{', '.join(source.required_columns)}, in that order" + (
        f", then optionally {' and '.join(optional)}" if optional else "")
    if kind == "missing-label":
        return f"The column “{column}” is missing."
    if kind in ("incorrect-label", "duplicate-label", "blank-label"):
        return f"The header does not match the schema here: the columns must be {order}."
    if kind == "missing-cell":
        return "This row has fewer cells than the header."
    if kind == "blank-row":
        return "This row is empty."
    if kind == "type-error":
        return f"Not a whole number: {spec.get('description', '') if spec else ''}".strip()
    if kind == "constraint-error" and spec is not None:
        if "required" in note:
            return f"{spec['title']} is required."
        codes = sources.allowed(spec)
        if codes and column == "district":
            return "Not a district of Leicester, Leicestershire or Rutland: use the ONS code, one of " + ", ".join(
                f"{d.code} ({d.name})" for d in places.DISTRICTS) + "."
        if codes:
            return f"Not an allowed code for {spec['title'].lower()}: use one of {', '.join(codes)}."
        if column == "month":
            return "The month must be written YYYY-MM, e.g. 2024-03."
        if column == "hour":
            return "The hour must be 0 to 23, or empty when not known."
    return note or kind


def _record(values: dict, month: date) -> dict:
    record = {attribute: None for attribute in sources.COLUMNS.values()}
    for column, value in values.items():
        attribute = sources.COLUMNS[column]
        if column == "month":
            record[attribute] = month
        elif column == "day_of_week":
            record[attribute] = sources.WEEKDAYS.index(value) if value else None
        elif column == "hour":
            record[attribute] = int(value) if value else None
        elif column == "district":
            record[attribute] = places.district(value).key
        else:
            record[attribute] = value or None
    return record
