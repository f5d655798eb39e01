"""The dashboard's figures: every count is published through livesafe.disclosure (the cell key method and
the threshold), and rates, averages and changes are worked out from published counts only. Pages, exports
and the public local picture all take their numbers from here.

Each table is one GROUP BY over the summary table (livesafe/partners/cube.py, rebuilt with every upload) giving,
per cell, the number of records and the sum of their record keys: the same as counting the records themselves.
Figures only change when a file is uploaded, so they are also cached by the latest upload.
"""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from livesafe import disclosure, places
from livesafe.disclosure import Published
from livesafe.extensions import db
from livesafe.partners import cube, sources
from livesafe.partners.models import DatasetUpload, SummaryCell as C

LATEST = "latest"
ROLLING = 3  # months in the rolling average
CACHE_SIZE = 128
# The Home Office success measures: (key, title, source, the cube dimension and conditions that count them).
MEASURES = (
    ("admissions_sharp", "Hospital admissions for assault with a knife or sharp object", "admissions",
     "weapon", (C.weapon == "knife_or_sharp",)),
    ("knife_violence", "Knife-enabled serious violence (police recorded)", "police",
     "weapon", (C.weapon == "knife_or_sharp",)),
    ("homicide", "Non-domestic homicides (police recorded)", "police", "non_domestic_homicide", ()),
)
BREAKDOWNS = (("age_band", "age_band", "Age band"), ("sex", "sex", "Sex"), ("weapon", "weapon", "Weapon"),
              ("location", "location_type", "Type of place"))


@dataclass(frozen=True)
class Filters:
    source: str = "police"
    period: str = LATEST  # LATEST (the 12 months to the latest month of data) or a calendar year "YYYY"
    district: str | None = None  # a places key, or None for all nine

    def as_dict(self) -> dict:
        return {"source": self.source, "period": self.period, "district": self.district}


@dataclass
class Measure:
    key: str
    title: str
    now: Published
    baseline: Published

    @property
    def change(self) -> float | None:
        if self.now.shown and self.baseline.shown and self.baseline.count:
            return round(100 * (self.now.count - self.baseline.count) / self.baseline.count, 1)
        return None


@dataclass
class DistrictRow:
    key: str
    name: str
    all_ages: Published
    young: Published
    population: int

    @property
    def rate(self) -> float | None:
        """Per 1,000 young people (aged 10 to 24), from the published count."""
        return round(1000 * self.young.count / self.population, 1) if self.young.shown else None


# How a priority area's figures were found (the page and exports say which).
DISTRICT, NEIGHBOURHOOD, CITY = "district", "neighbourhood", "city"


@dataclass
class PriorityRow:
    """A priority area's figures: a whole district (Charnwood) shows its district's figures; a neighbourhood
    area (the four Leicester neighbourhood policing areas) shows the records that name it in their optional area
    column, or, when no record of its district in the period names an area, the whole city's figures (`level`
    CITY: an approximation, and the page says so)."""

    name: str  # as in livesafe.places.PRIORITY_AREAS
    district: DistrictRow  # the district it is, or lies in
    level: str  # DISTRICT, NEIGHBOURHOOD or CITY
    all_ages: Published
    young: Published

    @property
    def exact(self) -> bool:
        return self.level != CITY

    @property
    def rate(self) -> float | None:
        """Only for a whole district: there are no population figures for neighbourhood areas."""
        return self.district.rate if self.level == DISTRICT else None

    @property
    def described(self) -> str:
        """Where the figures come from, in words (page and exports)."""
        if self.level == DISTRICT:
            return f"{self.district.name} (the whole district: exact)"
        if self.level == NEIGHBOURHOOD:
            return f"{self.name} (records naming this area: exact)"
        return f"{self.district.name} (the whole city: approximate, as no record in this period names an area)"


@dataclass
class Uncoded:
    """Records of a district that uses area codes but whose records name no area, in the period."""

    district: DistrictRow
    all_ages: Published
    young: Published


@dataclass
class MonthRow:
    month: date
    count: Published
    rolling: float | None = None


@dataclass
class Dashboard:
    filters: Filters
    source: sources.Source
    first: date | None
    last: date | None
    baseline: tuple[date, date] | None
    total: Published | None = None
    measures: list[Measure] = field(default_factory=list)
    districts: list[DistrictRow] = field(default_factory=list)
    priority: list[PriorityRow] = field(default_factory=list)
    uncoded: list[Uncoded] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    heat: dict = field(default_factory=dict)  # (weekday, hour) -> Published
    time_not_recorded: Published | None = None
    breakdowns: list[tuple[str, list[tuple[str, Published]]]] = field(default_factory=list)
    synthetic: bool = False

    @property
    def empty(self) -> bool:
        return self.first is None

    @property
    def district_map(self):
        """The district rates as a choropleth (templates/partners/_charts.html draws it)."""
        from livesafe.partners import boundaries

        return boundaries.choropleth({d.key: (d.rate, "not shown" if d.rate is None else f"{d.rate:g}")
                                      for d in self.districts})

    @property
    def heat_max(self) -> int:
        return max((p.count for p in self.heat.values() if p.shown), default=0)


# --- Periods ----------------------------------------------------------------------------------------

def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_span(first: date, last: date) -> list[date]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def data_range(source: str | None = None) -> tuple[date | None, date | None]:
    query = sa.select(sa.func.min(C.month), sa.func.max(C.month)).where(C.dimension == "total")
    if source:
        query = query.where(C.source == source)
    return tuple(db.session.execute(query).one())


def years(source: str | None = None) -> list[str]:
    first, last = data_range(source)
    return [str(y) for y in range(last.year, first.year - 1, -1)] if first else []


def period_of(filters: Filters) -> tuple[date, date] | None:
    if filters.period == LATEST:
        _, last = data_range(filters.source)
        return (add_months(last, -11), last) if last else None
    year = int(filters.period)
    return date(year, 1, 1), date(year, 12, 1)


# --- Counting ---------------------------------------------------------------------------------------

def _pub(cells: dict, key) -> Published:
    n, keys = cells.get(key, (0, 0))
    return disclosure.publish(n, keys)


def _where(source: str, first: date, last: date, district: str | None) -> list:
    where = [C.source == source, C.month >= first, C.month <= last]
    if district:
        where.append(C.district == district)
    return where


def version() -> tuple:
    return tuple(db.session.execute(sa.select(sa.func.max(DatasetUpload.id), sa.func.count(DatasetUpload.id))).one())


def dashboard(filters: Filters) -> Dashboard:
    cache = current_app.extensions.setdefault("partner_figures", {})
    key = (filters, version(), current_app.config.get("DISCLOSURE_CELL_KEY", True), disclosure.threshold())
    if key not in cache:
        if len(cache) >= CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = _compute(filters)
    return cache[key]


def _compute(filters: Filters) -> Dashboard:
    source = sources.get(filters.source)
    period = period_of(filters)
    if period is None:
        return Dashboard(filters, source, None, None, None)
    first, last = period
    length = len(month_span(first, last))
    baseline = (add_months(first, -length), add_months(first, -1))
    where = _where(source.key, first, last, filters.district)
    board = Dashboard(filters, source, first, last, baseline)
    board.synthetic = bool(db.session.scalar(sa.select(sa.func.count()).select_from(DatasetUpload).where(
        DatasetUpload.synthetic, DatasetUpload.source == source.key)))

    board.total = _pub(cube.cells("total", where), ())
    for key, title, measure_source, dimension, conditions in MEASURES:
        now = cube.cells(dimension, _where(measure_source, first, last, filters.district) + list(conditions))
        before = cube.cells(dimension, _where(measure_source, *baseline, filters.district) + list(conditions))
        board.measures.append(Measure(key, title, _pub(now, ()), _pub(before, ())))

    young = C.age_band.in_(sources.YOUNG_BANDS)
    by_district = cube.cells("total", _where(source.key, first, last, None), "district")
    young_by_district = cube.cells("age_band", _where(source.key, first, last, None) + [young], "district")
    board.districts = [DistrictRow(d.key, d.name, _pub(by_district, (d.key,)), _pub(young_by_district, (d.key,)),
                                   sources.young_people(d.key)) for d in places.DISTRICTS]
    board.priority, board.uncoded = _priority(source.key, first, last, {row.key: row for row in board.districts})

    by_month = cube.cells("total", where, "month")
    board.months = [MonthRow(m, _pub(by_month, (m,))) for m in month_span(first, last)]
    for i, row in enumerate(board.months):
        window = board.months[max(0, i - ROLLING + 1): i + 1]
        if len(window) == ROLLING and all(w.count.shown for w in window):
            row.rolling = round(sum(w.count.count for w in window) / ROLLING, 1)

    if source.has("hour") and source.has("day_of_week"):
        heat = cube.cells("heat", where, "weekday", "hour")
        board.heat = {(d, h): _pub(heat, (d, h)) for d in range(7) for h in range(24)}
        unrecorded = {cell: v for cell, v in heat.items() if None in cell}
        board.time_not_recorded = _pub({(): tuple(map(sum, zip(*unrecorded.values())))} if unrecorded else {}, ())

    for attribute, column, title in BREAKDOWNS:
        if not source.has(column):
            continue
        spec = next(f for f in source.fields if f["name"] == column)
        counted = cube.cells(attribute, where, attribute)
        code_list = spec.get("codes", column)
        board.breakdowns.append((title, [(sources.label(code_list, code), _pub(counted, (code,)))
                                         for code in sources.allowed(spec)]))
    return board


def _priority(source: str, first: date, last: date, districts: dict[str, DistrictRow]):
    """The priority areas' rows and, for each district whose records name areas, its records that name none."""
    where = _where(source, first, last, None)
    areas = cube.cells("area", where, "district", "area")
    young = cube.cells("area_young", where, "district", "area")
    # Whether any record of a district names an area is about the data's coding, not about people: it decides
    # which figures are shown, and every figure shown is still a published count.
    coded = {district for district, area in areas if area is not None}
    rows = []
    for name in places.PRIORITY_AREAS:
        whole = places.district(name)
        if whole is not None:
            row = districts[whole.key]
            rows.append(PriorityRow(name, row, DISTRICT, row.all_ages, row.young))
            continue
        key, area = next((k, a) for k, a in sources.areas().items() if a["name"] == name)
        row = districts[area["district"]]
        if area["district"] in coded:
            rows.append(PriorityRow(name, row, NEIGHBOURHOOD, _pub(areas, (row.key, key)), _pub(young, (row.key, key))))
        else:
            rows.append(PriorityRow(name, row, CITY, row.all_ages, row.young))
    uncoded = [Uncoded(districts[d], _pub(areas, (d, None)), _pub(young, (d, None)))
               for d in places.KEYS if d in coded]
    return rows, uncoded


# --- The same figures as tables (exports) ---------------------------------------------------------------

def tables(board: Dashboard) -> list[tuple[str, list[str], list[list]]]:
    """[(title, header, rows)]: every figure of the view, published values only ("<10" for a hidden count)."""
    if board.empty:
        return []
    out = [("Success measures", ["Measure", "This period", "Baseline period", "Change %"],
            [[m.title, m.now.label, m.baseline.label, "" if m.change is None else m.change] for m in board.measures]),
           ("By district", ["District", f"All ages ({board.source.unit})", "Aged 10 to 24",
                            "Young people aged 10 to 24" + ("" if sources.population().get("verified") else " (approximate)"),
                            "Rate per 1,000 young people"],
            [[d.name, d.all_ages.label, d.young.label, d.population, "" if d.rate is None else d.rate]
             for d in board.districts]),
           ("Priority areas", ["Priority area", "Figures of", f"All ages ({board.source.unit})", "Aged 10 to 24",
                               "Rate per 1,000 young people"],
            [[p.name, p.described, p.all_ages.label, p.young.label, "" if p.rate is None else p.rate]
             for p in board.priority]
            + [[f"{u.district.name}: records naming no area", "Records of the district with the area left empty",
                u.all_ages.label, u.young.label, ""] for u in board.uncoded]),
           ("By month", ["Month", board.source.unit.capitalize(), f"{ROLLING}-month rolling average"],
            [[f"{m.month:%Y-%m}", m.count.label, "" if m.rolling is None else m.rolling] for m in board.months])]
    if board.heat:
        out.append(("Day of week by hour", ["Day"] + [f"{h:02d}:00" for h in range(24)],
                    [[sources.label("day_of_week", sources.WEEKDAYS[d])] + [board.heat[(d, h)].label for h in range(24)]
                     for d in range(7)]))
    for title, rows in board.breakdowns:
        out.append((f"By {title.lower()}", [title, board.source.unit.capitalize()], [[label, p.label] for label, p in rows]))
    return out


def describe_filters(board: Dashboard) -> list[tuple[str, str]]:
    district = places.BY_KEY[board.filters.district].name if board.filters.district else "All nine districts"
    rows = [("Source", board.source.title), ("Provider", board.source.provider), ("District", district)]
    if not board.empty:
        rows += [("Period", f"{board.first:%B %Y} to {board.last:%B %Y}"),
                 ("Baseline period", f"{board.baseline[0]:%B %Y} to {board.baseline[1]:%B %Y}")]
    return rows


# --- The public local picture ------------------------------------------------------------------------------

def local_picture() -> dict | None:
    """The figures the public page shows: the latest 12 months of police recorded violence, with the success
    measures, as published values only (so storing them keeps nothing finer than what is shown)."""
    board = _compute(Filters("police", LATEST, None))
    if board.empty:
        return None
    return {
        "first": f"{board.first:%Y-%m}", "last": f"{board.last:%Y-%m}",
        "total": board.total.label,
        "measures": [{"title": m.title, "now": m.now.label, "baseline": m.baseline.label, "change": m.change}
                     for m in board.measures],
        "districts": [{"name": d.name, "count": d.all_ages.label, "rate": d.rate} for d in board.districts],
        "population_source": sources.population()["source"],
        "population_verified": bool(sources.population().get("verified")),
        "threshold": disclosure.threshold(),
    }
