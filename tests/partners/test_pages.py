"""Disclosure on every view: the page, the htmx fragment, the CSV and XLSX exports and the public local
picture all show the same published figures, and none shows a hidden count."""
import csv
import io
import re
import zipfile

import pytest

from livesafe import disclosure
from livesafe.partners import figures
from livesafe.partners.figures import Filters
from tests.helpers import post, sign_in
from tests.partners.conftest import YEAR

FIGURE = re.compile(r'data-figure="([^"]+)">([^<]*)<')


def page_figures(html):
    from html import unescape

    return {key: unescape(value) for key, value in FIGURE.findall(html)}


def _true_small_cell_exists(board):
    return any(not p.shown for p in board.heat.values())


@pytest.mark.parametrize("query, chosen", [
    ("", Filters("police", "latest", None)),
    (f"?source=ae&period={YEAR}&district=leicester", Filters("ae", str(YEAR), "leicester")),
    (f"?source=admissions&period={YEAR - 1}&district=rutland", Filters("admissions", str(YEAR - 1), "rutland")),
    ("?source=ambulance", Filters("ambulance", "latest", None)),
])
def test_page_and_fragment_show_the_published_figures(client, two_years, query, chosen):
    sign_in(client, "partner")
    board = figures.dashboard(chosen)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/partners" + query, headers=headers)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert ("<!doctype html>" in html) == (not headers)
        shown = page_figures(html)
        assert shown["total"] == board.total.label
        for d in board.districts:
            assert shown[f"district-{d.key}"] == d.all_ages.label and shown[f"young-{d.key}"] == d.young.label
        for m in board.months:
            assert shown[f"month-{m.month:%Y-%m}"] == m.count.label
        for (d, h), p in board.heat.items():
            assert shown[f"heat-{d}-{h}"] == p.label
        for m in board.measures:
            assert shown[f"measure-{m.key}"] == m.now.label
        # Every figure on the page is a published one: "<10" or at least the threshold.
        for value in shown.values():
            assert value == "<10" or int(value) >= disclosure.threshold()
        assert '<svg class="partner-chart"' in html and 'role="img"' in html


def test_small_numbers_are_hidden_on_the_page(client, two_years):
    sign_in(client, "partner")
    board = figures.dashboard(Filters("admissions", str(YEAR), "rutland"))
    assert _true_small_cell_exists(board)
    html = client.get(f"/partners?source=admissions&period={YEAR}&district=rutland").get_data(as_text=True)
    assert "&lt;10" in html


def test_csv_export_has_metadata_and_the_same_figures(client, two_years):
    sign_in(client, "partner")
    response = client.get(f"/partners/export.csv?source=ae&period={YEAR}&district=leicester")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    meta = {r[1]: r[2] for r in rows if r and r[0] == "#"}
    assert meta["Source"].startswith("A&E") and meta["District"] == "Leicester" and "cell key" in meta["Method"]
    assert meta["Period"] == f"January {YEAR} to December {YEAR}"
    board = figures.dashboard(Filters("ae", str(YEAR), "leicester"))
    months = {r[0]: r[1] for r in rows if len(r) == 3 and re.fullmatch(r"\d{4}-\d{2}", r[0])}
    assert months == {f"{m.month:%Y-%m}": m.count.label for m in board.months}
    heat = next(i for i, r in enumerate(rows) if r == ["Day of week by hour"])
    assert rows[heat + 2][1:] == [board.heat[(0, h)].label for h in range(24)]


def test_xlsx_export_has_a_metadata_sheet_and_the_same_figures(client, two_years):
    sign_in(client, "staff")
    response = client.get(f"/partners/export.xlsx?source=police&period={YEAR}")
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(response.get_data()))
    workbook = book.read("xl/workbook.xml").decode()
    sheets = re.findall(r'<sheet name="([^"]+)"', workbook)
    assert sheets[:5] == ["About", "Success measures", "By district", "Priority areas", "By month"] and "By weapon" in sheets
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "cell key method" in strings and "Police recorded violence" in strings
    board = figures.dashboard(Filters("police", str(YEAR), None))
    hidden = [p for p in board.heat.values() if not p.shown]
    assert ("&lt;10" in strings) == bool(hidden)


def test_the_local_picture_is_published_safe_figures(client, two_years):
    assert "not been published yet" in client.get("/local-picture").get_data(as_text=True)
    sign_in(client, "staff")
    assert post(client, "/partners/local-picture/publish", {}, token_from="/local-picture").status_code == 302
    client.post("/logout", data={})
    public = client.get("/local-picture").get_data(as_text=True)
    board = figures.dashboard(Filters("police", "latest", None))
    assert f'data-figure="total">{board.total.label}<' in public
    for d in board.districts:
        assert f"<th scope=\"row\">{d.name}</th><td>{d.all_ages.label}</td>" in public
    assert "cannot tell you" in public and f"{YEAR}-12" in public


def test_cell_key_switched_off_still_hides_small_counts_and_warns(client, two_years, app):
    app.config["DISCLOSURE_CELL_KEY"] = False
    sign_in(client, "staff")
    html = client.get(f"/partners?source=admissions&period={YEAR}&district=rutland").get_data(as_text=True)
    assert "switched off" in html and "&lt;10" in html
