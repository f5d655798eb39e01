"""The district map (boundaries shipped as data), the priority areas shown through their districts, and the
population figures behind the rates said for what they are."""
import csv
import io
import json
import re

from livesafe import places
from livesafe.partners import boundaries, figures, sources
from livesafe.partners.figures import Filters
from tests.helpers import post, sign_in
from tests.partners.conftest import YEAR

# --- The boundaries file ---------------------------------------------------------------------------------

def test_the_boundaries_file_is_the_nine_districts_small_with_its_licence():
    data = json.loads(boundaries.FILE.read_text())
    assert [f["properties"]["code"] for f in data["features"]] == [d.code for d in places.DISTRICTS]
    assert "Open Government Licence" in data["attribution"] and "Crown copyright" in data["attribution"]
    assert boundaries.FILE.stat().st_size < 30_000
    for feature in data["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(-1.7 < x < -0.4 and 52.3 < y < 53.0 for x, y in ring)  # within LLR


def test_neighbours_still_meet_after_simplifying():
    """Leicester is enclosed by its neighbours: every corner of its simplified boundary is a corner of one of
    theirs, so the shared borders were simplified once and no gap or overlap opened between districts."""
    data = json.loads(boundaries.FILE.read_text())
    corners = {f["properties"]["code"]: {tuple(p) for poly in f["geometry"]["coordinates"] for r in poly for p in r}
               for f in data["features"]}
    city = corners.pop(places.BY_KEY["leicester"].code)
    assert city <= set().union(*corners.values())


def test_simplifying_keeps_the_ends_and_drops_what_is_within_tolerance():
    line = [(0, 0), (1, 0.0001), (2, 0), (3, 1), (4, 0)]
    assert boundaries._simplify(line, 0.01) == [(0, 0), (2, 0), (3, 1), (4, 0)]


# --- The map on the dashboard ----------------------------------------------------------------------------------

def _map_labels(html):
    """{district key: the text of its label on the map}."""
    found = re.findall(r'data-map-figure="([^"]+)">(.*?)</text>', html, re.DOTALL)
    return {key: " ".join(re.sub(r"<[^>]+>", " ", body).split()) for key, body in found}


def test_the_map_labels_every_district_with_its_published_rate(client, two_years):
    sign_in(client, "partner")
    query = f"?source=admissions&period={YEAR}"
    board = figures.dashboard(Filters("admissions", str(YEAR), None))
    html = client.get("/partners" + query).get_data(as_text=True)
    assert html.count('data-district="') == 9
    labels = _map_labels(html)
    drawn = board.district_map
    for d in board.districts:
        text = "not shown" if d.rate is None else f"{d.rate:g}"
        assert labels[d.key] == f"{d.name} {text}"  # name and figure on the map: colour is not the only cue
        assert re.search(rf'data-rate="{d.key}">{re.escape(str(d.rate) if d.rate is not None else "–")}<', html)
        region = next(r for r in drawn.regions if r.shape.key == d.key)
        if d.rate is None:  # a hidden count: no rate, hatched, never a colour
            assert not d.young.shown and region.colour is None
        else:
            assert d.young.shown and region.colour == boundaries.SHADES[region.shade]
            low = float(drawn.legend[region.shade][1].split(" ")[0])
            assert low <= d.rate
    assert any(r.colour is None for r in drawn.regions), "the generated admissions leave some district too small"
    assert "Open Government Licence" in html and 'aria-labelledby="map-districts-title map-districts-desc"' in html


def test_map_classes_are_equal_steps_from_zero_to_a_round_number():
    map = boundaries.choropleth({d.key: (value, "") for d, value in zip(places.DISTRICTS, (7.2, 0.4, 3.9, None, 1, 2, 3, 4, 5))})
    assert [band for _, band in map.legend] == ["0 to under 2.5", "2.5 to under 5", "5 to under 7.5", "7.5 and over"]
    shades = {r.shape.key: r.shade for r in map.regions}
    assert shades["leicester"] == 2 and shades["blaby"] == 0 and shades["harborough"] is None
    assert boundaries.choropleth({d.key: (None, "") for d in places.DISTRICTS}).legend == []


# --- Priority areas ------------------------------------------------------------------------------------------------

def test_priority_areas_without_area_codes_are_shown_through_the_city_and_say_so(client, two_years):
    board = figures.dashboard(Filters("police", str(YEAR), "rutland"))
    by_key = {d.key: d for d in board.districts}
    assert [p.name for p in board.priority] == list(places.PRIORITY_AREAS)
    assert [(p.district, p.level, p.exact) for p in board.priority] == (
        [(by_key["leicester"], figures.CITY, False)] * 4 + [(by_key["charnwood"], figures.DISTRICT, True)])
    assert [p.all_ages for p in board.priority[:4]] == [by_key["leicester"].all_ages] * 4
    assert board.uncoded == []
    sign_in(client, "partner")
    html = client.get(f"/partners?period={YEAR}&district=rutland").get_data(as_text=True)
    assert html.count("the whole city: approximate") == 4 and "Charnwood (the whole district: exact)" in html
    assert f'data-figure="priority-west-leicester">{by_key["leicester"].all_ages.label}<' in html
    rows = list(csv.reader(io.StringIO(client.get(f"/partners/export.csv?period={YEAR}").get_data().decode("utf-8-sig"))))
    start = rows.index(["Priority areas"])
    assert rows[start + 2][:3] == ["West Leicester", "Leicester (the whole city: approximate, as no record in this "
                                   "period names an area)", by_key["leicester"].all_ages.label]
    assert rows[start + 6][:2] == ["Charnwood", "Charnwood (the whole district: exact)"]


# --- Population figures -----------------------------------------------------------------------------------------------

def test_the_population_file_says_what_its_figures_are():
    population = sources.population()
    assert set(population["young_people"]) == set(places.KEYS)
    if not population["verified"]:
        # Approximations are kept round, so they never look like an official estimate.
        assert all(n % 1000 == 0 for n in population["young_people"].values())
        assert "Approximate" in population["source"] and "not checked" in population["source"]


def test_unverified_population_rates_are_flagged_and_kept_off_the_public_page(client, two_years, monkeypatch):
    assert not sources.population()["verified"]
    sign_in(client, "staff")
    html = client.get(f"/partners?period={YEAR}").get_data(as_text=True)
    assert "Indicative rates:" in html and "approximate" in html
    rows = list(csv.reader(io.StringIO(client.get("/partners/export.csv").get_data().decode("utf-8-sig"))))
    assert "Indicative only" in {r[1]: r[2] for r in rows if r and r[0] == "#"}["Rates"]
    assert post(client, "/partners/local-picture/publish", {}, token_from="/local-picture").status_code == 302
    public = client.get("/local-picture").get_data(as_text=True)
    assert "Per 1,000 young people" not in public

    checked = dict(sources.population(), verified=True, source="ONS mid-year estimates (MYE2)", as_of="mid-2024")
    monkeypatch.setattr(sources, "population", lambda: checked)
    html = client.get(f"/partners?period={YEAR}").get_data(as_text=True)
    assert "Indicative rates:" not in html and "ONS mid-year estimates (MYE2) (mid-2024)" in html
    assert post(client, "/partners/local-picture/publish", {}, token_from="/local-picture").status_code == 302
    assert "Per 1,000 young people" in client.get("/local-picture").get_data(as_text=True)
