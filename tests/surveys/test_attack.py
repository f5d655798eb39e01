"""An attacker with a staff account tries to work out small counts (people) from everything staff can reach:
the results CSV (every table in both directions, with totals and "not answered" groups), the results and
breakdown pages (checked to show the same figures), responses per setting on the wave page and the free-text
count. It knows the true counts, so it scores itself: across every small cell it derives, fewer than 1 in 4
derived values may equal the truth, and none may be certain. It knows the method and the largest noise (both
are documented on the page) and that a "<10" was at most 9 plus that noise; it does not know record keys,
which are fresh from `secrets` on every draw (the promise is checked on several draws, and on 25 in the slow
test). The attack is sound (the truth always lies in the range it works out, which is checked): differencing
within a column only for questions with one answer per person.

Switched off (DISCLOSURE_CELL_KEY=false) the same attacker succeeds: proof that the cell key step is what protects.
The attacker is general: it derives by differencing every pair of related figures it finds, not by knowing
where the rare combinations were planted.
"""
import csv
import html
import io
import random
import re
from collections import defaultdict
from statistics import median

import pytest
import sqlalchemy as sa

from livesafe import clock
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.surveys import logic
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveySetting, SurveyWave
from tests.helpers import sign_in
from tests.surveys.conftest import add_responses, many

PEOPLE = 2500
T = 10


def _person(rng: random.Random) -> dict:
    answers = {
        "age": rng.choices(["young", "old", "prefer_not_to_say", None], [60, 35, 3, 2])[0],
        "district": rng.choices(["leicester", "rutland", "prefer_not_to_say", None], [55, 42, 2, 1])[0],
        "gender": rng.choices(["girl", "boy", "prefer_not_to_say", None], [48, 48, 3, 1])[0],
        "safe": rng.choices(["1", "2", "3", "4", "5", None], [5, 10, 25, 40, 18, 2])[0],
        "carried": rng.choices(["no", "yes", "prefer_not_to_say", None], [90, 3, 5, 2])[0],
        "adults": rng.randint(0, 6) if rng.random() < 0.9 else None,
    }
    worries = [w for w in ("knives", "gangs") if rng.random() < 0.4]
    answers["worries"] = worries or (["none"] if rng.random() < 0.9 else None)
    if answers["carried"] == "yes":
        answers["why"] = rng.choice([["protection"], ["other"], ["protection", "other"], ["prefer_not_to_say"]])
    return {k: v for k, v in answers.items() if v is not None}


def _planted() -> list[dict]:
    """Rare combinations: a handful of people who stand out (the attack does not know these)."""
    rare = {"age": "old", "district": "rutland", "gender": "prefer_not_to_say", "carried": "yes", "why": ["other"],
            "safe": "1", "worries": ["knives", "gangs"]}
    return many(3, **rare) + many(1, district="prefer_not_to_say", age="prefer_not_to_say", carried="yes",
                                  why=["protection"]) + many(2, gender="boy", worries=["gangs"])


def _store(app, wave, people, settings):
    """Bulk insert (a few thousand people), each with a fresh record key from secrets, as live responses get."""
    from livesafe.disclosure import new_record_key

    with app.app_context():
        definition = db.session.get(SurveyWave, wave.id).definition
        ids = db.session.scalars(
            sa.insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
            [{"wave_id": wave.id, "submitted_on": clock.today(), "setting_code": setting, "is_test": False,
              "record_key": new_record_key(), **logic.breakdown_values(definition, answers)}
             for answers, setting in zip(people, settings)]).all()
        rows = [{"option": None, "number": None, "text": None, **row, "wave_id": wave.id, "response_id": rid}
                for rid, answers in zip(ids, people) for row in logic.answer_rows(definition, answers)]
        db.session.execute(sa.insert(SurveyAnswer), rows)
        db.session.commit()


@pytest.fixture
def target(app, make_wave):
    wave = make_wave(title="Attacked wave", status=logic.CLOSED)
    with app.app_context():
        db.session.add_all([SurveySetting(code="SCHL01", name="School one"), SurveySetting(code="SCHL02", name="School two"),
                            SurveySetting(code="EMPTY1", name="A setting nobody used")])
        db.session.commit()
    rng = random.Random(20261)  # a fixed wave; the record keys are drawn afresh on every run (secrets)
    people = [_person(rng) for _ in range(PEOPLE)] + _planted()
    settings = [rng.choice(["SCHL01", "SCHL02", None, None]) for _ in people]
    settings[-6:] = ["SCHL02"] * 6
    _store(app, wave, people, settings)
    return wave, people, settings


# What the attacker reads -------------------------------------------------------------------------------

def _number(label: str) -> int | None:
    return int(label) if label.isdigit() else None


def _published(client, wave) -> dict:
    """Every published figure, keyed by what it counts: ("cell", dim, q, option, group), ("base", dim, q, group),
    ("responses", setting) ... "all" is the overall results."""
    rows = list(csv.DictReader(io.StringIO(client.get(f"/surveys/manage/{wave.id}/export/results.csv")
                                           .get_data(as_text=True))))
    figures = {}
    for r in rows:
        dim, group = r["breakdown"], r["group"]
        if r["answer_code"]:
            figures[("cell", dim, r["question_code"], r["answer_code"], group)] = r["count"]
        figures[("base", dim, r["question_code"], group)] = r["base"]
        if r["percent"]:  # what a percentage and its interval give away about the count behind it
            figures[("percent", dim, r["question_code"], r["answer_code"], group)] = (
                r["percent"], r["ci95_low"], r["ci95_high"], r["base"])
    page = client.get(f"/surveys/manage/{wave.id}").get_data(as_text=True)
    for label, count in re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td></tr>', page):
        figures[("responses", html.unescape(label))] = html.unescape(count)
    return figures


def _pages_agree_with_the_csv(client, wave, figures):
    """The pages show exactly the figures of the file, so attacking the file attacks the pages too."""
    page = client.get(f"/surveys/manage/{wave.id}/results").get_data(as_text=True)
    for code in ("age", "district", "carried", "worries", "why"):
        table = re.search(rf'data-table="{code}">(.*?)</table>', page, re.S).group(1)
        shown = [html.unescape(c) for c in re.findall(r'<th scope="row">[^<]*</th>\s*<td class="num">([^<]+)</td>', table)]
        in_file = [v for k, v in figures.items() if k[:3] == ("cell", "all", code)]
        assert sorted(shown) == sorted(in_file)
    for dim in ("district", "age_band", "gender", "setting"):
        page = client.get(f"/surveys/manage/{wave.id}/results?breakdown={dim}").get_data(as_text=True)
        section = page.split('id="q-carried"', 1)[1].split("</table>", 1)[0]
        cells = [html.unescape(c).split(" ")[0] for c in re.findall(r'<td class="num">(.*?)</td>', section, re.S)]
        in_file = [v for k, v in figures.items() if k[:3] == ("cell", dim, "carried")]
        assert set(in_file) <= set(cells)


def _truth(people, settings, definition) -> dict:
    """The true counts, keyed like the published figures."""
    labels = {"district": "district", "age_band": "age", "gender": "gender"}
    choices = {q["code"]: dict((v, l) for v, l in _choices(q)) for q in _questions(definition)}
    truth = defaultdict(int)
    names = {"SCHL01": "School one (SCHL01)", "SCHL02": "School two (SCHL02)", "EMPTY1": "A setting nobody used (EMPTY1)"}
    for answers, setting in zip(people, settings):
        groups = {"all": "all", "setting": names[setting] if setting else "No setting code"}
        for dim, code in labels.items():
            value = answers.get(code)
            groups[dim] = choices[code][value] if value else "Not answered"
        truth[("responses", groups["setting"])] += 1
        truth[("responses", "All responses")] += 1
        for q in _questions(definition):
            value = answers.get(q["code"])
            for dim, group in groups.items():
                if value is None:
                    continue
                truth[("base", dim, q["code"], group)] += 1
                for chosen in (value if isinstance(value, list) else [value]):
                    truth[("cell", dim, q["code"], str(chosen), group)] += 1
    return truth


def _questions(definition):
    from livesafe.surveys import definitions as defs
    return defs.questions(definition)


def _choices(q):
    from livesafe.surveys import definitions as defs
    return defs.choices(q) if q["type"] in defs.OPTION_TYPES else []


# The attack ----------------------------------------------------------------------------------------------

class Attack:
    def __init__(self, figures, noise, multiple=()):
        self.figures, self.noise, self.multiple = figures, noise, set(multiple)
        self.derived = defaultdict(list)  # target -> [(value, low, high)]

    def value(self, key):
        """(estimate, low, high) of a published figure's true count."""
        label = self.figures.get(key)
        if label is None:
            return None
        number = _number(label)
        if number is None:  # "<10": the published value was 0..9
            return None, 0, T - 1 + self.noise
        return number, max(0, number - self.noise), number + self.noise

    def derive(self, target, plus, minus):
        """target = sum(plus) - sum(minus), every term a shown figure."""
        terms = [(self.value(k), 1) for k in plus] + [(self.value(k), -1) for k in minus]
        if any(t is None or t[0] is None for t, _ in terms):
            return
        estimate = sum(sign * t[0] for t, sign in terms)
        low = sum(t[1] if sign > 0 else -t[2] for t, sign in terms)
        high = sum(t[2] if sign > 0 else -t[1] for t, sign in terms)
        self.derived[target].append((estimate, max(0, low), high))

    def run(self):
        f = self.figures
        dims = {k[1] for k in f if k[0] == "cell" and k[1] != "all"}
        questions = {k[2] for k in f if k[0] == "base"}
        for dim in dims:
            for q in questions:
                groups = sorted({k[3] for k in f if k[0] == "base" and k[1] == dim and k[2] == q})
                options = sorted({k[3] for k in f if k[0] == "cell" and k[1] == dim and k[2] == q})
                for o in options:  # a row: the overall count minus the other groups
                    for g in groups:
                        others = [("cell", dim, q, o, h) for h in groups if h != g]
                        self.derive(("cell", dim, q, o, g), [("cell", "all", q, o, "all")], others)
                for g in groups:  # a column: the group's total minus the other answers (adds up: single choice)
                    for o in options:
                        others = [("cell", dim, q, p, g) for p in options if p != o]
                        if q not in self.multiple:
                            self.derive(("cell", dim, q, o, g), [("base", dim, q, g)], others)
                        # group-size bounds (multiple choice): who in the group did not choose o
                        self.derive(("notchose", dim, q, o, g), [("base", dim, q, g)], [("cell", dim, q, o, g)])
                    # the "people who answered" in a group against the group's size elsewhere: who skipped q
                    group_size = [k for k in f if k[0] == "cell" and k[1] == "all" and k[4] == "all"
                                  and dim != "setting" and _label_matches(k, dim, g)]
                    for size in group_size:
                        self.derive(("skipped", dim, q, g), [size], [("base", dim, q, g)])
                    if dim == "setting":
                        self.derive(("skipped", dim, q, g), [("responses", g)], [("base", dim, q, g)])
                if groups:
                    self.derive(("base", dim, q, "all-groups"), [("base", "all", q, "all")],
                                [("base", dim, q, g) for g in groups])
        for q in questions:
            self.derive(("skipped", "all", q, "all"), [("responses", "All responses")], [("base", "all", q, "all")])
        for key in [k for k in f if k[0] in ("cell", "base", "responses")]:
            self.derive(key, [key], [])
            if _number(f[key]) is None:  # "<10": the published value was 0..9, so the truth is at most 9 + noise
                self.derived[key].append((None, 0, T - 1 + self.noise))
        for key, (percent, low, high, base) in [(k, v) for k, v in f.items() if k[0] == "percent"]:
            # percentages and intervals come from published counts: they must not pin anything finer
            count = f.get(("cell",) + key[1:])
            assert round(100 * min(int(count), int(base)) / int(base)) == int(percent), key
        return self


def _label_matches(key, dim, group):
    """Is this overall cell (district question = Leicester, say) the size of breakdown group `group`?"""
    code = {"district": "district", "age_band": "age", "gender": "gender"}.get(dim)
    return key[2] == code and key[3] != "" and _labels.get((code, key[3])) == group


_labels: dict = {}


def _score(attack: Attack, truth: dict) -> tuple[int, int, int]:
    """(small cells derived, derived values equal to the truth, certain derivations) over small true cells."""
    derivations = hits = certain = 0
    for target, found in attack.derived.items():
        true = _true_of(target, truth)
        if true is None or true >= T:
            continue
        for _, low, high in found:  # the attack is sound: the truth is always within what it worked out
            assert low <= true <= high, (target, true, found)
        estimates = [e for e, _, _ in found if e is not None]
        if not estimates:
            continue
        found = [f for f in found if f[0] is not None]
        found.append((round(median(estimates)), max(l for _, l, _ in attack.derived[target]),
                      min(h for _, _, h in attack.derived[target])))
        for estimate, low, high in found:
            derivations += 1
            hits += estimate == true
            certain += low == high
    return derivations, hits, certain


def _true_of(target, truth):
    kind = target[0]
    if kind in ("cell", "base", "responses"):
        if target[-1] == "all-groups":
            return 0  # the groups always add up to everyone
        return truth.get(target, 0)
    if kind == "notchose":
        _, dim, q, o, g = target
        return truth.get(("base", dim, q, g), 0) - truth.get(("cell", dim, q, o, g), 0)
    if kind == "skipped":
        _, dim, q, g = target
        size = truth.get(("responses", "All responses")) if dim == "all" else _group_size(truth, dim, g)
        return size - truth.get(("base", dim, q, g), 0)
    return None


def _group_size(truth, dim, group):
    if dim == "setting":
        return truth.get(("responses", group), 0)
    code = {"district": "district", "age_band": "age", "gender": "gender"}[dim]
    return truth.get(("base", dim, "_people", group), 0)


def _attack(app, client, target, cell_key: bool):
    from livesafe import disclosure

    wave, people, settings = target
    app.config["DISCLOSURE_CELL_KEY"] = cell_key
    with app.app_context():
        definition = db.session.get(SurveyWave, wave.id).definition
        noise = disclosure.describe()["largest_noise"] if cell_key else 0
    for q in _questions(definition):
        for value, label in _choices(q):
            _labels[(q["code"], value)] = label
    figures = _published(client, wave)
    _pages_agree_with_the_csv(client, wave, figures)
    truth = _truth(people, settings, definition)
    multiple = [q["code"] for q in _questions(definition) if q["type"] == "multiple"]
    attack = Attack(figures, noise, multiple).run()
    return _score(attack, _truth_with_sizes(truth, people, definition)), figures, truth


def _truth_with_sizes(truth, people, definition):
    """Add each breakdown group's size (people in it, whatever they answered)."""
    labels = {"district": "district", "age_band": "age", "gender": "gender"}
    sized = dict(truth)
    for dim, code in labels.items():
        sizes = defaultdict(int)
        for answers in people:
            value = answers.get(code)
            sizes[_labels[(code, value)] if value else "Not answered"] += 1
        for group, n in sizes.items():
            sized[("base", dim, "_people", group)] = n
    return sized


def _rekey(app, wave):
    """Fresh record keys from secrets (as live responses get) and no release yet: a new draw of the same wave."""
    from livesafe import disclosure
    from livesafe.surveys.models import SurveyRelease

    with app.app_context():
        ids = db.session.scalars(sa.select(SurveyResponse.id).where(SurveyResponse.wave_id == wave.id)).all()
        db.session.execute(sa.update(SurveyResponse), [{"id": i, "record_key": disclosure.new_record_key()} for i in ids])
        db.session.execute(sa.delete(SurveyRelease).where(SurveyRelease.wave_id == wave.id))
        db.session.commit()
    app.extensions.pop("survey_results", None)  # computed tables are cached by release id, which SQLite reuses


def _attack_many_draws(app, client, target, draws: int):
    """The attack on `draws` independent draws of record keys (fresh from secrets each time): the promise
    must hold whatever keys the responses got, not for one lucky draw."""
    sign_in(client, roles.STAFF)
    totals = [0, 0, 0]
    for draw in range(draws):
        if draw:
            _rekey(app, target[0])
        (derived, hits, certain), figures, _ = _attack(app, client, target, cell_key=True)
        print(f"draw {draw}: {derived} small values derived, {hits} equal the truth ({hits / derived:.1%}), "
              f"{certain} certain")
        assert derived > 100  # the attack found plenty to work on
        assert hits / derived < 0.25 and certain == 0
        # every setting is listed, the empty one too, and zeros look like any other small count
        assert figures[("responses", "A setting nobody used (EMPTY1)")] == "<10"
        totals = [t + x for t, x in zip(totals, (derived, hits, certain))]
    print(f"all draws: {totals[0]} derived, {totals[1]} equal the truth ({totals[1] / totals[0]:.1%}), {totals[2]} certain")
    assert totals[1] / totals[0] < 0.2  # with a margin: the average is well under 1 in 4


def test_the_attacker_fails_against_the_published_figures(app, client, demo_users, target):
    _attack_many_draws(app, client, target, draws=4)


@pytest.mark.slow
def test_the_attacker_fails_for_every_one_of_many_key_draws(app, client, demo_users, target):
    _attack_many_draws(app, client, target, draws=25)


def test_without_the_cell_key_step_the_same_attacker_succeeds(app, client, demo_users, target):
    sign_in(client, roles.STAFF)
    (derived, hits, certain), _, _ = _attack(app, client, target, cell_key=False)
    print(f"cell key off: {derived} small values derived, {hits} equal the truth ({hits / derived:.1%}), {certain} certain")
    assert hits / derived > 0.5 and certain > 100


def test_two_views_one_response_apart_are_identical(app, client, demo_users, wave):
    """An open wave: the attacker looks, one person answers, the attacker looks again."""
    add_responses(app, wave, [_person(random.Random(n)) for n in range(40)])
    sign_in(client, roles.STAFF)
    before = client.get(f"/surveys/manage/{wave.id}/export/results.csv").get_data(as_text=True)
    pages = [client.get(f"/surveys/manage/{wave.id}/results?breakdown={d}").get_data(as_text=True)
             for d in ("", "district", "age_band", "gender", "setting")]
    add_responses(app, wave, _planted()[:1])
    assert client.get(f"/surveys/manage/{wave.id}/export/results.csv").get_data(as_text=True) == before
    after = [client.get(f"/surveys/manage/{wave.id}/results?breakdown={d}").get_data(as_text=True)
             for d in ("", "district", "age_band", "gender", "setting")]
    strip = lambda page: re.sub(r'name="csrf_token"[^>]*>', "", page)  # noqa: E731
    assert [strip(p) for p in after] == [strip(p) for p in pages]

