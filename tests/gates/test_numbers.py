"""Gate: numbers that never crash (issue 12, item 6).

The parser of livesafe/site/numbers.py is tested directly (with hypothesis), then a hostile set
(superscripts, other scripts' digits, fullwidth digits, 309- and 5000-digit numbers, signs, floats,
hex, NUL) goes through the HTTP client into every numeric form field (found by walking the forms,
so a new one without a case here fails `test_every_numeric_field_has_a_case`) and every numeric
query parameter and path id (one table, QUERY_PARAMS and PATH_IDS). Form fields answer 422 with
the message by the field and what was typed still in the box; numbers in links are ignored
(the page is the same as without them); ids in paths that are not ids are 404. Never a 500.
"""
import importlib
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st
from wtforms import Form

from livesafe.extensions import db
from livesafe.site.numbers import (
    MAX_INT, MAX_PENCE, NumberError, WholeNumber, WholeNumberField, int_or_none, parse_int, parse_pence, query_page,
)
from tests.gates.conftest import client_for
from tests.gates.crawl import parse

HOSTILE = [
    "²", "³", "¹", "1²", "٣", "৪", "١٢", "１２", "⑫", "Ⅻ",
    "9" * 309, "9" * 5000, "2147483648", "-1", "+5", "1e3", "1.5", "0x10", "1_000", "12abc", "NUL\x00",
]
MONEY_TOO = {"1.5"}  # £1.50: hostile to a whole-number field, fine in a money field
# What the site sees of a value: NUL characters are dropped from every request (livesafe/site/request.py).
def _seen(value: str) -> str:
    return value.replace("\x00", "")


# ---------------------------------------------------------------- the parser

@pytest.mark.parametrize("typed,expected", [
    ("0", 0), ("12", 12), (" 12 ", 12), ("\t7\n", 7), ("007", 7), ("120", 120), ("2147483647", MAX_INT),
])
def test_parse_int_takes_plain_ascii_numbers(typed, expected):
    assert parse_int(typed, 0, MAX_INT) == expected


@pytest.mark.parametrize("typed", HOSTILE + ["1 000", "1,000", "\x00", "12\x00", "--1", "-", "1-", "½", "١", "𝟙𝟚"])
def test_parse_int_refuses_what_is_not_a_plain_number(typed):
    with pytest.raises(NumberError) as raised:
        parse_int(typed, 0, 100_000)
    assert raised.value.problem in ("invalid", "range")
    assert str(raised.value) in ("Enter a whole number, like 12", "Enter a number between 0 and 100,000")


@pytest.mark.parametrize("typed", ["", "   ", None, 12, b"12"])
def test_parse_int_says_a_number_is_missing(typed):
    with pytest.raises(NumberError, match="Enter a number") as raised:
        parse_int(typed)
    assert raised.value.problem == "missing"


def test_ranges_signs_and_grouping():
    assert parse_int("-5", -10, 10) == -5
    with pytest.raises(NumberError, match="between -10 and 10"):
        parse_int("-11", -10, 10)
    with pytest.raises(NumberError, match="between 0 and 120"):
        parse_int("-1", 0, 120)
    with pytest.raises(NumberError, match="between 0 and 120"):
        parse_int("121", 0, 120)
    assert parse_int("1,500", grouping=True) == 1500
    assert parse_int("-1,234,567", -MAX_INT, 0, grouping=True) == -1234567
    for badly_grouped in ("1,5", "1,50", "15,00", ",100", "1,000,", "1,,000", "1000,000"):
        with pytest.raises(NumberError, match="whole number"):
            parse_int(badly_grouped, grouping=True)
    with pytest.raises(NumberError):
        parse_int("1,500")  # commas only where the use allows them
    with pytest.raises(ValueError):
        parse_int("1", 0, MAX_INT + 1)  # a use's range must fit a PostgreSQL integer


def test_a_huge_number_is_refused_without_being_converted(monkeypatch):
    from livesafe.site import numbers

    def guarded_int(value, *args):
        assert not (isinstance(value, str) and len(value.lstrip("0")) > 20), "int() was given a huge string"
        return int(value, *args)

    monkeypatch.setattr(numbers, "int", guarded_int, raising=False)  # what the module's int() calls
    for typed in ("9" * 5000, "0" * 4000 + "9" * 4000, "-" + "9" * 5000):
        with pytest.raises(NumberError):
            parse_int(typed, -100, 100)
    assert parse_int("0" * 5000 + "12", 0, 100) == 12  # leading zeros are only zeros
    assert parse_pence("0" * 5000 + "12.50") == 1250


@pytest.mark.parametrize("typed,pence", [
    ("1500", 150000), ("1500.5", 150050), ("1500.50", 150050), ("£1,500.05", 150005), (" 0.01 ", 1), ("0", 0),
    ("10000000", MAX_PENCE), ("£10,000,000.00", MAX_PENCE),
])
def test_parse_pence(typed, pence):
    assert parse_pence(typed) == pence


@pytest.mark.parametrize("typed", [
    "", "abc", "1.234", "-5", "+5", "12.3.4", "£", "1e5", "½", "²", "٣", "١٢٣", "１２", "0x10", "1_000", "1,5", "1 500",
    ".50", "1.", "£-1", "NUL\x00",
])
def test_parse_pence_refuses_what_is_not_money(typed):
    with pytest.raises(NumberError, match="Enter an amount in pounds, like 1500 or 1500.50"):
        parse_pence(typed)


@pytest.mark.parametrize("typed", ["10000000.01", "9" * 309, "9" * 5000, "2147483648"])
def test_parse_pence_refuses_too_much(typed):
    with pytest.raises(NumberError, match=r"Enter an amount of £10,000,000 or less") as raised:
        parse_pence(typed)
    assert raised.value.problem == "range"
    with pytest.raises(NumberError, match=r"£1,000,000 or less"):
        parse_pence("1000000.01", maximum=100_000_000)


def test_int_or_none():
    assert int_or_none("5", 0, 5) == 5
    assert [int_or_none(v, 0, 5) for v in ("6", "²", "", None, "9" * 5000)] == [None] * 5


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40) | st.from_regex(r"\A\s*-?[0-9,]{1,30}\s*\Z"))
def test_parse_int_on_any_text_gives_an_int_in_range_or_a_number_error(typed):
    try:
        value = parse_int(typed, -1000, 10**6, grouping=True)
    except NumberError as error:
        assert error.problem in ("missing", "invalid", "range")
        return
    assert -1000 <= value <= 10**6
    assert re.fullmatch(r"-?[0-9,]+", typed.strip(), re.ASCII)
    assert value == int(typed.strip().replace(",", ""))


@settings(max_examples=300, deadline=None)
@given(st.integers(-MAX_INT, MAX_INT))
def test_every_int_in_range_round_trips_plain_and_grouped(number):
    assert parse_int(str(number), -MAX_INT, MAX_INT) == number
    assert parse_int(f"{number:,}", -MAX_INT, MAX_INT, grouping=True) == number


@settings(max_examples=300, deadline=None)
@given(st.integers(0, MAX_PENCE), st.text(max_size=30))
def test_money_round_trips_and_any_text_is_money_or_a_number_error(pence, typed):
    assert parse_pence(f"{pence // 100}.{pence % 100:02d}") == pence
    assert parse_pence(f"£{pence // 100:,}.{pence % 100:02d}") == pence
    try:
        assert 0 <= parse_pence(typed) <= MAX_PENCE
    except NumberError:
        pass


def _field_form(**kwargs):
    class F(Form):
        n = WholeNumberField("N", minimum=0, maximum=20, **kwargs)
    return F


def test_the_field_keeps_what_was_typed_and_explains():
    from werkzeug.datastructures import MultiDict

    form = _field_form(invalid="Enter a whole number, like 3", out_of_range="Enter a number from 0 to 20")(MultiDict({"n": "²"}))
    assert not form.validate() and form.n.errors == ["Enter a whole number, like 3"]
    assert form.n.data is None and 'value="²"' in form.n()
    form = _field_form()(MultiDict({"n": "9" * 309}))
    assert not form.validate() and form.n.errors == ["Enter a number between 0 and 20"]
    assert form.n._value() == "9" * 309
    form = _field_form()(MultiDict({"n": " 7 "}))
    assert form.validate() and form.n.data == 7
    optional = _field_form()(MultiDict({"n": ""}))
    assert optional.validate() and optional.n.data is None
    required = _field_form(required="Enter how many")(MultiDict({"n": "  "}))
    assert not required.validate() and required.n.errors == ["Enter how many"]
    assert 'value="12"' in _field_form()(data={"n": 12}).n()


def test_query_page_is_clamped_and_ignores_mangled_values(app):
    cases = {"": 1, "3": 3, "0": 1, "-2": 1, "²": 1, "１２": 1, "1.5": 1, "50": 10, "2147483647": 10, "9" * 309: 1,
             "9" * 5000: 1}
    for typed, expected in cases.items():
        with app.test_request_context("/", query_string={"page": typed}):
            assert query_page(10) == expected, typed


# ---------------------------------------------------------------- every numeric form field, found by walking the forms

FORM_MODULES = ("livesafe.hub.forms", "livesafe.panels.forms", "livesafe.grants.forms", "livesafe.surveys.forms",
                "livesafe.auth.forms")


def _kind(field) -> str | None:
    """"whole" or "money" for a field that takes a number, else None."""
    from livesafe.grants.forms import Pounds

    if isinstance(field, WholeNumberField) or any(isinstance(v, WholeNumber) for v in field.validators):
        return "whole"
    if any(isinstance(v, Pounds) for v in field.validators) or "in pounds" in field.label.text:
        return "money"
    return None


def _all_forms():
    """An instance of every form the site has: each form class, and each form built at run time."""
    from livesafe.grants import forms as grants_forms, logic as grants_logic, return_forms
    from livesafe.surveys import definitions as defs, forms as survey_forms

    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Form) and value.__module__ == name:
                yield value(meta={"csrf": False})
    yield return_forms.return_form()
    yield grants_forms.score_form(grants_logic.DEFAULT_CRITERIA)
    yield grants_forms.eligibility_form(grants_logic.DEFAULT_ELIGIBILITY)
    for definition in defs.available().values():
        for page in definition["pages"]:
            yield survey_forms.page_form(page["questions"], {})


def numeric_fields(app) -> dict[tuple[str, str], str]:
    """{(form class name, field name): "whole" or "money"} for every field that takes a number."""
    with app.test_request_context():
        return {(type(form).__name__, field.name): _kind(field) for form in _all_forms() for field in form if _kind(field)}


class _Inputs(HTMLParser):
    """Each input's value and each field's error message, by field name."""

    def __init__(self, body):
        super().__init__(convert_charrefs=True)
        self.values, self.ids, self.errors, self._error = {}, {}, {}, None
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value", ""))
            self.ids[attrs.get("id")] = attrs["name"]
        if tag == "p" and (attrs.get("id") or "").endswith("-error"):
            self._error = attrs["id"][: -len("-error")]
            self.errors[self._error] = ""

    def handle_data(self, data):
        if self._error:
            self.errors[self._error] += data

    def handle_endtag(self, tag):
        if tag == "p":
            self._error = None


def _baseline(body: str, field: str) -> dict:
    """Plausible values for every field of the page's form that has `field`."""
    forms = [form for form in parse(body)[1] if field in form.fields and form.method == "post"]
    assert forms, f"no form with {field}"
    data = {}
    for name, values in forms[0].fields.items():
        if forms[0].kinds.get(name) == "submit":
            continue
        chosen = next((v for v in values if v), "")
        data[name] = chosen or ("2026-12-01" if "date" in name else "Plain words")
    return data


# The forms with numbers, how to reach each, and the fields the person must fill in for the rest of
# the form to be valid. {ids} are filled from the demo data.
FORM_CASES = {
    "OrganisationSection": ("applicant", "/grants/applications/{draft}/organisation", {"action": "complete"}),
    "BeneficiariesSection": ("applicant", "/grants/applications/{draft}/beneficiaries", {"action": "complete"}),
    "BudgetSection": ("applicant", "/grants/applications/{draft}/budget",
                      {"action": "complete", **{f"item_{n}": f"Item {n}" for n in range(1, 9)}}),
    "RoundForm": ("staff", "/grants/rounds/{round}/edit", {}),
    "AssessorsForm": ("staff", "/grants/rounds/{round}", {}),
    "AutoAssignForm": ("staff", "/grants/rounds/{round}/assignments", {}),
    "DecisionForm": ("staff", "/grants/applications/{assessed}", {"outcome": "award", "reason": "Agreed by the panel"}),
    "ReturnForm": ("applicant", "/grants/applications/{funded}/returns/{due}", {"what_changed": "More came along"}),
    "AssetForm": ("staff", "/panels/assets/new", {"name": "Youth club", "district": "leicester"}),
    "PageForm": (None, "survey", {"website": "", "action": "next"}),  # website: the honeypot, left empty
}
GET_FORM_CASES = {"ServiceFilterForm": "/services", "AssetFilterForm": "/local-places"}
ACTIONS = {"DecisionForm": "/grants/applications/{assessed}/decision",
           "AssessorsForm": "/grants/rounds/{round}/assessors", "AutoAssignForm": "/grants/rounds/{round}/assignments/auto"}


def test_every_numeric_field_has_a_case(demo_app):
    forms = {form for form, _ in numeric_fields(demo_app)}
    assert forms == set(FORM_CASES) | set(GET_FORM_CASES), "a form with numbers has no hostile-input case here"
    fields = numeric_fields(demo_app)
    assert ("PageForm", "trusted_adults") in fields and ("ReturnForm", "sessions_delivered") in fields
    assert {("BudgetSection", f"amount_{n}") for n in range(1, 9)} <= set(fields)


@pytest.fixture(scope="module")
def ids(demo_app):
    from livesafe.grants.models import GrantApplication, GrantRound, MonitoringReturn

    with demo_app.app_context():
        applications = db.session.scalars(sa.select(GrantApplication).order_by(GrantApplication.id)).all()
        due = db.session.scalars(sa.select(MonitoringReturn).where(MonitoringReturn.submitted_at.is_(None))
                                 .order_by(MonitoringReturn.id)).first()
        return {
            "draft": next(a.id for a in applications if a.state == "draft"),
            "assessed": next(a.id for a in applications if a.state == "in_assessment"),
            "funded": due.application_id, "due": due.id,
            "round": db.session.scalars(sa.select(GrantRound).order_by(GrantRound.id)).first().id,
        }


def _survey_number_page(client, demo_app):
    """Walk the open survey as a young person would, to the page with the number question."""
    from livesafe.surveys.models import SurveyWave

    with demo_app.app_context():
        waves = db.session.scalars(sa.select(SurveyWave).where(SurveyWave.status == "open")).all()
        wave = next(w for w in waves if any(q["type"] == "number" for p in w.definition["pages"] for q in p["questions"]))
        codes = {i + 1: [q["code"] for q in p["questions"]] for i, p in enumerate(wave.definition["pages"])}
    location = f"/surveys/{wave.slug}/page/1"
    for _ in range(len(codes)):
        page = client.get(location)
        assert page.status_code == 200, location
        if any(f'name="{code}"' in page.get_data(as_text=True) for code in ("trusted_adults",)):
            return location, page.get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
        response = client.post(location, data={"csrf_token": token, "action": "next"})
        assert response.status_code == 302, (location, response.status_code)
        location = response.headers["Location"]
    raise AssertionError("no survey page with a number question")


def _assert_kept_and_explained(response, fields, typed, where):
    assert response.status_code == 422, f"{response.status_code} from {where} with {typed[:12]!r}"
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and "<title>Error: " in body, where
    inputs = _Inputs(body)
    for name in fields:
        assert inputs.values.get(name) == _seen(typed), f"{where}: {name} did not keep {typed[:12]!r}"
        field_id = next((i for i, n in inputs.ids.items() if n == name), name)
        message = inputs.errors.get(field_id, "").replace("Error:", "").strip()
        assert message, f"{where}: no message by {name} for {typed[:12]!r}"
        assert not re.search(r"invalid literal|Not a valid|integer value|Traceback|Number must be", message), message


@pytest.mark.parametrize("form_name", sorted(FORM_CASES))
def test_every_numeric_form_field_survives_the_hostile_set(demo_app, ids, form_name):
    role, url, extra = FORM_CASES[form_name]
    kinds = {name: kind for (form, name), kind in numeric_fields(demo_app).items() if form == form_name}
    fields = sorted(kinds)
    client = client_for(demo_app, role)
    if url == "survey":
        url, body = _survey_number_page(client, demo_app)
    else:
        url = url.format(**ids)
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.get_data(as_text=True)
    action = ACTIONS.get(form_name, url).format(**ids)
    if form_name == "DecisionForm" and 'name="amount"' not in body:
        # The decision form shows once assessment is done; the route validates what is posted before that.
        body += '<form method="post"><input name="amount" value="1500"></form>'
    baseline = {**_baseline(body, fields[0]), **extra}
    for typed in HOSTILE:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
        refused = [name for name in fields if not (kinds[name] == "money" and typed in MONEY_TOO)]
        if not refused:
            continue  # a value every field here accepts would only change the record
        data = {**baseline, **{name: typed for name in fields}, "csrf_token": token}
        _assert_kept_and_explained(client.post(action, data=data), refused, typed, action)


@pytest.mark.parametrize("path", sorted(GET_FORM_CASES.values()))
def test_numbers_in_public_filter_forms_answer_422_and_keep_what_was_typed(demo_app, path):
    client = demo_app.test_client()
    for typed in HOSTILE:
        response = client.get(path, query_string={"age": typed})
        _assert_kept_and_explained(response, ["age"], typed, path)
    assert client.get(path, query_string={"age": " 12 "}).status_code == 200
    assert client.get(path, query_string={"age": ""}).status_code == 200


def test_the_issues_examples(demo_app):
    client = demo_app.test_client()
    assert client.get("/search?page=%C2%B2").status_code == 200
    response = client.get("/services?age=" + "9" * 309)
    assert response.status_code == 422 and "Enter an age between 0 and 120, like 15" in response.get_data(as_text=True)
    url, _ = _survey_number_page(client, demo_app)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    response = client.post(url, data={"csrf_token": token, "action": "next", "trusted_adults": "9" * 5000})
    assert response.status_code == 422 and "Enter a number from 0 to 20" in response.get_data(as_text=True)


def test_a_required_number_left_empty_is_asked_for(demo_app):
    client = client_for(demo_app, "staff")
    body = client.get("/panels/assets/new").get_data(as_text=True)
    data = {**_baseline(body, "min_age"), "name": "Youth club", "district": "leicester",
            "min_age": "\x00", "max_age": ""}
    response = client.post("/panels/assets/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the youngest age served, as a number" in page and "Enter the oldest age served, as a number" in page


def test_the_largest_budget_fits_the_database(demo_app, ids):
    """Eight lines at the most a line may ask for still add up within a PostgreSQL integer."""
    from livesafe.grants.logic import BUDGET_LINE_MAX_PENCE
    from livesafe.grants.models import GrantApplication

    client = client_for(demo_app, "applicant")
    url = f"/grants/applications/{ids['draft']}/budget"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    lines = {**{f"item_{n}": f"Item {n}" for n in range(1, 9)}, **{f"amount_{n}": "£1,000,000.00" for n in range(1, 9)}}
    assert client.post(url + "/autosave", data={**lines, "csrf_token": token}).status_code == 200
    with demo_app.app_context():
        assert db.session.get(GrantApplication, ids["draft"]).requested_pence == 8 * BUDGET_LINE_MAX_PENCE
    response = client.post(url, data={**lines, "amount_1": "1000000.01", "action": "complete", "csrf_token": token})
    assert response.status_code == 422 and "Row 1: Enter an amount of £1,000,000 or less" in response.get_data(as_text=True)


# ---------------------------------------------------------------- numbers in addresses

# Numbers the site writes into its own links: a mangled one is ignored (the same page as without it).
QUERY_PARAMS = [
    (None, "/search?q=help", "page"),
    (None, "/you-said-we-did", "page"),
    ("admin", "/admin/audit", "page"),
]
# Ids chosen from a list in a GET form: the form's rule, 422 with "Not a valid choice".
QUERY_CHOICES = [
    ("staff", "/panels/triage", "panel"),
    ("staff", "/surveys/manage/{wave}/results", "compare"),
]
# Ids in paths: anything but an id is not found.
PATH_IDS = [
    (None, "/local-places/{}"),
    ("applicant", "/grants/applications/{}"),
    ("staff", "/grants/rounds/{}"),
    ("staff", "/surveys/manage/{}"),
    ("staff", "/surveys/manage/{}/results"),
    (None, "/surveys/young-peoples-safety-survey-2026/page/{}"),  # a page number in a path
]
TOKEN_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def _same_page(response):
    return TOKEN_VALUE.sub(r'\1"', response.get_data(as_text=True))


@pytest.mark.parametrize("role,path,name", QUERY_PARAMS)
def test_numbers_in_links_that_are_mangled_are_ignored(demo_app, role, path, name):
    client = client_for(demo_app, role)
    joiner = "&" if "?" in path else "?"
    plain = client.get(path)
    assert plain.status_code == 200
    for typed in HOSTILE + ["", "0"]:
        response = client.get(f"{path}{joiner}{name}={quote(typed)}")
        assert response.status_code == 200, f"{response.status_code} from {path} with {name}={typed[:12]!r}"
        assert _same_page(response) == _same_page(plain), f"{path} with {name}={typed[:12]!r} is not the first page"


@pytest.mark.parametrize("role,path,name", QUERY_CHOICES)
def test_ids_chosen_in_filter_forms_answer_422(demo_app, role, path, name):
    from livesafe.surveys.models import SurveyWave

    with demo_app.app_context():
        wave = db.session.scalars(sa.select(SurveyWave).order_by(SurveyWave.id)).first().id
    client = client_for(demo_app, role)
    url = path.format(wave=wave)
    for typed in HOSTILE:
        response = client.get(url, query_string={name: typed})
        assert response.status_code == 422, f"{response.status_code} from {url} with {name}={typed[:12]!r}"
        assert "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize("role,path", PATH_IDS)
def test_ids_in_paths_that_are_not_ids_are_not_found(demo_app, role, path):
    client = client_for(demo_app, role)
    for typed in HOSTILE + ["99999999999999999999"]:
        response = client.get(path.format(quote(typed, safe="")))
        assert response.status_code == 404, f"{response.status_code} from {path} with {typed[:12]!r}"


def test_the_int_converter_still_reads_ordinary_ids(demo_app):
    adapter = demo_app.url_map.bind("localhost")
    assert adapter.match("/local-places/42") == ("panels.local_place", {"asset_id": 42})
    assert adapter.match("/local-places/007") == ("panels.local_place", {"asset_id": 7})


# Property-based: any text into each numeric query parameter and public filter.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(st.characters(blacklist_categories=("Cs",)), max_size=400) | st.from_regex(r"\A[0-9]{300,2000}\Z"))
def test_any_text_in_a_numeric_parameter_is_never_a_server_error(demo_app, typed):
    client = demo_app.test_client()
    for url in ("/search", "/you-said-we-did", "/services", "/local-places"):
        response = client.get(url, query_string={"page": typed, "age": typed})
        assert response.status_code in (200, 422), url
