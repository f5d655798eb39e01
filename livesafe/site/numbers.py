"""Whole numbers and sums of money read from people and from addresses: one parser, so no
number can crash a page.

Why not int() and str.isdigit(): they accept far more than a person means by a number.
"²".isdigit() is True but int("²") raises; int() turns "٣" and "１２" into 3 and 12, takes "+5",
"1_000" and spaces; it refuses more than 4,300 digits with a ValueError of its own; and
WTForms' NumberRange raises OverflowError on any integer too big for a float. Numbers too big
for a PostgreSQL integer column fail only in SQL. So every number the site reads comes through
here.

What is a number (parse_int): ASCII digits 0-9 only; commas between groups of three where the
use allows them (grouping=True, "1,500"); a leading "-" only where the use allows negatives
(minimum < 0); spaces around it are forgiven (phone keyboards add them). Nothing else: not "+5",
"1e3", "1.5", "0x10", "1_000", superscripts or other scripts' digits. Its length is checked
before int() runs, so a 5,000-digit number costs nothing, and every use has a minimum and a
maximum (never above MAX_INT, the largest PostgreSQL integer).

Money (parse_pence): pounds in ASCII digits, an optional "£", commas between groups of three,
and an optional point followed by one or two digits of pence ("1500", "£1,500.50", "1500.5");
never more than the use's maximum (MAX_PENCE, £10 million, unless the use says less).

The rule for each kind of input:
- A number a person types into a form (POST forms, and GET filter forms such as the services
  directory's age): WholeNumberField (or the WholeNumber validator where a feature keeps answers
  as typed). A bad value answers 422, with the message by the field and what was typed still in
  the box.
- A number the site itself writes into links (page=, ids in query strings): query_int() or
  query_page(). Nobody types these, so a mangled one is ignored: the page shows as if it were
  absent; a page number beyond the last page shows the last. A public page never answers an
  error for a bad link.
- An id in a path (/grants/applications/<int:id>): IdConverter, the app's `int` converter,
  takes ASCII digits up to MAX_INT only; anything else is 404, like a record that does not exist.
"""
import re

from flask import request
from werkzeug.routing import IntegerConverter
from wtforms import Field
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

MAX_INT = 2_147_483_647  # the largest value of a PostgreSQL integer column
MAX_PENCE = 1_000_000_000  # £10 million: well above any grant, and within MAX_INT

_INT = re.compile(r"-?[0-9]+", re.ASCII)
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+", re.ASCII)
_MONEY = re.compile(r"£?([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.([0-9]{1,2}))?", re.ASCII)


class NumberError(ValueError):
    """What was typed is not a number the use accepts. `problem` is "missing", "invalid" or "range"."""

    def __init__(self, problem: str, message: str):
        super().__init__(message)
        self.problem = problem


def _digits_fit(digits: str, limit: int) -> bool:
    """True if the digits (no sign) could be at most `limit`: counted before int() ever sees them."""
    return len(digits.lstrip("0")) <= len(str(limit))


def parse_int(text, minimum: int = 0, maximum: int = MAX_INT, *, grouping: bool = False) -> int:
    """A whole number from minimum to maximum, or NumberError with a message for the person typing."""
    if not -MAX_INT <= minimum <= maximum <= MAX_INT:
        raise ValueError("a use's range must lie within ±MAX_INT")
    typed = (text or "").strip() if isinstance(text, str) else ""
    if not typed:
        raise NumberError("missing", "Enter a number")
    if not (_INT.fullmatch(typed) or (grouping and _GROUPED.fullmatch(typed))):
        raise NumberError("invalid", "Enter a whole number, like 12")
    if typed.startswith("-") and minimum >= 0:
        raise NumberError("range", _range_message(minimum, maximum))
    digits = typed.lstrip("-").replace(",", "").lstrip("0") or "0"  # int() refuses 4,300 digits, even zeros
    if not _digits_fit(digits, MAX_INT):
        raise NumberError("range", _range_message(minimum, maximum))
    value = -int(digits) if typed.startswith("-") else int(digits)
    if not minimum <= value <= maximum:
        raise NumberError("range", _range_message(minimum, maximum))
    return value


def _range_message(minimum: int, maximum: int) -> str:
    return f"Enter a number between {minimum:,} and {maximum:,}"


def int_or_none(text, minimum: int = 0, maximum: int = MAX_INT, *, grouping: bool = False) -> int | None:
    """The number, or None when there is none or it is not one the use accepts."""
    try:
        return parse_int(text, minimum, maximum, grouping=grouping)
    except NumberError:
        return None


def parse_pence(text, maximum: int = MAX_PENCE) -> int:
    """'£1,234.5' -> 123450 pence, from 0 to `maximum` pence; NumberError otherwise."""
    if not 0 <= maximum <= MAX_PENCE:
        raise ValueError("a money maximum must lie within MAX_PENCE")
    typed = (text or "").strip() if isinstance(text, str) else ""
    match = _MONEY.fullmatch(typed)
    if not match:
        raise NumberError("missing" if not typed else "invalid", "Enter an amount in pounds, like 1500 or 1500.50")
    pounds, pence = match.group(1).replace(",", "").lstrip("0") or "0", (match.group(2) or "0").ljust(2, "0")
    too_much = f"Enter an amount of £{maximum // 100:,}{'.' + format(maximum % 100, '02d') if maximum % 100 else ''} or less"
    if not _digits_fit(pounds, maximum // 100):
        raise NumberError("range", too_much)
    value = int(pounds) * 100 + int(pence)
    if value > maximum:
        raise NumberError("range", too_much)
    return value


# ---------------------------------------------------------------- forms

class WholeNumberField(Field):
    """A whole number typed into a form: a text box (GOV.UK: type=number mangles typing and
    scroll-wheel values; templates add inputmode=numeric). `data` is an int, or None when left
    empty; a bad value re-renders exactly as typed.

    required: the message when left empty, or None when it may be left empty.
    invalid / out_of_range: the messages for what is not a whole number / is outside the range.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, minimum: int = 0, maximum: int = MAX_INT,
                 required: str | None = None, invalid: str | None = None, out_of_range: str | None = None,
                 grouping: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.grouping = minimum, maximum, grouping
        self.messages = {"missing": required, "invalid": invalid, "range": out_of_range}
        if required:
            self.flags.required = True

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return  # an empty box: pre_validate says whether that is allowed
        try:
            self.data = parse_int(valuelist[0], self.minimum, self.maximum, grouping=self.grouping)
        except NumberError as error:
            raise ValueError(self.messages[error.problem] or str(error)) from None

    def pre_validate(self, form):
        if self.data is None and not self.process_errors and self.messages["missing"]:
            raise ValidationError(self.messages["missing"])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class WholeNumber:
    """The same rule as a validator, for a text field a feature keeps exactly as typed
    (grant application answers are saved as strings)."""

    def __init__(self, minimum: int = 0, maximum: int = MAX_INT, message: str | None = None, grouping: bool = True):
        self.minimum, self.maximum, self.message, self.grouping = minimum, maximum, message, grouping

    def __call__(self, form, field):
        try:
            parse_int(field.data, self.minimum, self.maximum, grouping=self.grouping)
        except NumberError as error:
            raise ValidationError(self.message or str(error)) from None


# ---------------------------------------------------------------- addresses

def query_int(name: str, default: int | None = None, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """A number the site put in a link's query string; `default` when absent or mangled."""
    found = int_or_none(request.args.get(name), minimum, maximum)
    return default if found is None else found


def query_page(last: int, name: str = "page") -> int:
    """The page number asked for, from 1 to `last`: 1 when absent or mangled, `last` when beyond it."""
    return max(1, min(query_int(name, 1, 1, MAX_INT), last))


class IdConverter(IntegerConverter):
    """The app's `int` path converter: ASCII digits up to MAX_INT (Werkzeug's matches any Unicode
    digit and any size, which then fails in SQL), so anything else is simply not found."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)
