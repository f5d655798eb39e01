"""Survey perception figures beside the recorded figures: what young people in each district said in the
latest closed wave of the young people's safety survey, next to the recorded violence for that district.

Nothing is counted again here. The figures are the survey's own published results (livesafe.surveys.results,
at the wave's current release, so the same numbers as the survey's results pages): a measure of one answer is
the breakdown's own cell; a measure of several answers ("Safe" or "Very safe") adds up the release's stored
totals for those answers and publishes the sum through livesafe.disclosure, the same cell key and threshold.
Percentages are worked out from published counts only (results.Cell), and none is given for a count or base
below the threshold.
"""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from livesafe import disclosure, places
from livesafe.disclosure import Published, Tally
from livesafe.extensions import db
from livesafe.surveys import releases, results
from livesafe.surveys.models import SurveyRelease, SurveyWave

SURVEY = "young-people"
CLOSED = "closed"


@dataclass(frozen=True)
class Measure:
    key: str
    title: str  # what the figure is, in words
    short: str  # the same, for a column heading
    question: str  # the survey question's code
    answers: tuple[str, ...]  # the answers counted


MEASURES = (
    Measure("safe_day", "Feel safe in their area during the day", "Safe by day", "safe_area_day", ("4", "5")),
    Measure("safe_dark", "Feel safe in their area after dark", "Safe after dark", "safe_area_dark", ("4", "5")),
    Measure("know_carrier", "Know someone who carries a knife", "Know a knife carrier", "know_carrier", ("yes",)),
    Measure("hurt", "Hurt or threatened on purpose in the last 12 months", "Hurt or threatened", "experienced_violence",
            ("yes",)),
)


@dataclass
class Shown:
    """A measure as it stands in this wave: the question's text and the answers counted, in the wave's words."""

    measure: Measure
    question_text: str
    answer_labels: list[str]

    @property
    def explained(self) -> str:
        return (f"{self.measure.title}: the share of those in the district who answered “{self.question_text}” "
                f"with {' or '.join(f'“{a}”' for a in self.answer_labels)}.")


@dataclass
class DistrictPerception:
    key: str
    name: str
    responses: Published
    cells: list[results.Cell]  # one per shown measure

    @property
    def texts(self) -> list[str]:
        """Each measure as the page shows it: a whole percentage, or the count's label when it is suppressed."""
        return [f"{whole_percent(c)}%" if c.has_percent else (c.text if not c.shown else "–") for c in self.cells]


def whole_percent(cell: results.Cell) -> int | None:
    """The percentage from published counts, to a whole number (page and exports alike)."""
    return None if cell.percent is None else round(cell.percent)


@dataclass
class Perceptions:
    wave_title: str
    opens_on: date
    closes_on: date
    released_on: date
    measures: list[Shown] = field(default_factory=list)
    districts: list[DistrictPerception] = field(default_factory=list)

    def by_key(self) -> dict[str, DistrictPerception]:
        return {d.key: d for d in self.districts}

    @property
    def description(self) -> str:
        """Which wave the figures are from, in words (page and exports)."""
        return (f"{self.wave_title}: answers given from {_day(self.opens_on)} to {_day(self.closes_on)}, results as "
                f"released on {_day(self.released_on)}. Young people chose the district they live in.")


def latest_wave(until: date | None) -> tuple[SurveyWave, SurveyRelease] | None:
    """The latest closed wave of the survey that closed by `until` (the end of the period shown) and has
    results to show, with its current release; None if there is none."""
    query = sa.select(SurveyWave).where(SurveyWave.survey_slug == SURVEY, SurveyWave.status == CLOSED)
    if until is not None:
        query = query.where(SurveyWave.closes_on <= until)
    for wave in db.session.scalars(query.order_by(SurveyWave.closes_on.desc(), SurveyWave.id.desc())):
        release = results.release_of(wave)
        if release is not None:
            return wave, release
    return None


def beside(until: date | None) -> Perceptions | None:
    """The perception figures by district of the latest closed wave up to `until`, or None."""
    found = latest_wave(until)
    if found is None:
        return None
    wave, release = found
    cache = current_app.extensions.setdefault("partner_perceptions", {})
    key = (wave.id, release.id, current_app.config.get("DISCLOSURE_CELL_KEY", True), disclosure.threshold())
    if key not in cache:
        if len(cache) >= results.CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = _compute(wave, release)
    return cache[key]


def _compute(wave: SurveyWave, release: SurveyRelease) -> Perceptions:
    crosses = {cross.question["code"]: cross for cross in results.breakdown(wave, "district")}
    stored = releases.tables(release, "district")
    out = Perceptions(wave.title, wave.opens_on, wave.closes_on, release.released_on)
    shown = []
    for measure in MEASURES:
        cross = crosses.get(measure.question)
        labels = {value: label for value, label, _, _ in cross.rows} if cross else {}
        if not labels or not set(measure.answers) <= set(labels):
            continue  # this wave did not ask it (a wave keeps the questions it was made with)
        shown.append((measure, cross))
        out.measures.append(Shown(measure, cross.question["text"], [labels[a] for a in measure.answers]))
    for district in places.DISTRICTS:
        people = stored.get((releases.RESPONSES, None, district.key), (0, 0, 0))
        cells = []
        for measure, cross in shown:
            column = [k for k, _ in cross.groups].index(district.key)
            base = cross.totals[column]
            if len(measure.answers) == 1:
                cells.append(next(row[2][column] for row in cross.rows if row[0] == measure.answers[0]))
                continue
            tally = Tally()
            for answer in measure.answers:
                n, keys, _ = stored.get((measure.question, answer, district.key), (0, 0, 0))
                tally.add(n, keys)
            cells.append(results.Cell(tally.publish(), base.published))
        out.districts.append(DistrictPerception(district.key, district.name, Tally(people[0], people[1]).publish(), cells))
    return out


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def tables(survey: Perceptions | None, districts: list) -> list[tuple[str, list[str], list[list]]]:
    """The perception figures beside the recorded ones, as an export table (published values only)."""
    if survey is None or not survey.measures:
        return []
    by_key = survey.by_key()
    header = ["District", "Recorded, aged 10 to 24", "Rate per 1,000 young people", "Survey responses"]
    for shown in survey.measures:
        header += [f"{shown.measure.title} (%)", f"{shown.measure.title} (count)", f"{shown.measure.title} (answered)"]
    rows = []
    for d in districts:
        found = by_key[d.key]
        row = [d.name, d.young.label, "" if d.rate is None else d.rate, found.responses.label]
        for cell in found.cells:
            row += ["" if cell.percent is None else whole_percent(cell), cell.text, cell.base.label]
        rows.append(row)
    return [("Survey beside recorded", header, rows)]


def notes(survey: Perceptions | None) -> list[tuple[str, str]]:
    """The export's metadata lines about the survey figures."""
    if survey is None:
        return [("Survey figures", "None: no closed wave of the young people's safety survey by the end of this period.")]
    return [("Survey figures", survey.description)] + [(s.measure.title, s.explained) for s in survey.measures]
