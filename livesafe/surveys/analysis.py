"""Analysis staff run themselves: results filtered by answers, and two-way tables of any two questions.

Both are counted from the people a wave's current release includes (real responses with an id up to the
release's last one), never live, so two views cannot be one response apart. Every count goes through
livesafe.disclosure (the cell key method plus the threshold), and percentages are worked out from published
counts only (results.Cell).

Differencing: a filter picks a set of people, and a cell's noise comes from the sum of its people's record
keys, so a filtered figure and the unfiltered one (or two filters' figures) count different sets of people
and get unrelated noise; subtracting one from the other gives noise, not the people left out. The same
people always get the same figure, so asking again (or with a filter that picks the same people) gives
nothing new to average away. But that same rule means a cell with the same people with and without the
filter gets the same figure in both, so the difference would show an exact zero for the people left out;
hence `guard`: a filter is shown only when every filter one step broader keeps the same people or at least
the threshold more. A filter whose group is below the threshold (as published) shows no figures at all, and
at most MAX_FILTERS questions can be combined.

Variables: every question, with a grid split into one variable per statement (key "grid.statement", as its
answers are stored). Keys are stable across waves.
"""
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from livesafe.disclosure import Published, Tally
from livesafe.extensions import db
from livesafe.kernel import RuleError
from livesafe.surveys import definitions as defs
from livesafe.surveys import results
from livesafe.surveys.models import SurveyAnswer, SurveyRelease, SurveyResponse, SurveyWave
from livesafe.surveys.results import Cell, OptionResult, QuestionResult

CHOICE_KINDS = ("single", "multiple", "rating", "grid")  # answers stored as an option value
MAX_FILTERS = 3
NOT_ANSWERED = results.NOT_ANSWERED


@dataclass(frozen=True)
class Variable:
    key: str  # the stable key: a question code, or "grid.statement"
    text: str  # English wording
    kind: str  # single, multiple, rating, grid (one statement), ranking, number, text
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, English label)
    question: str = ""  # the question code (the grid's, for a statement)

    @property
    def crossable(self) -> bool:
        return self.kind in CHOICE_KINDS

    def as_question(self) -> dict:
        """A question dict the results templates can show (a grid statement shows as a single choice)."""
        kind = "single" if self.kind == "grid" else self.kind
        return {"code": self.key, "type": kind, "text": self.text,
                "options": [{"value": v, "label": label} for v, label in self.choices]}


def scale_choices(question: dict) -> list[tuple[str, str]]:
    """A grid's one scale: explicit options ({value, label}), or a list of labels stored as 1..n (like a
    rating), or a list of {value, label}."""
    if question.get("options"):
        return [(str(o["value"]), str(o["label"])) for o in question["options"]]
    found = []
    for number, item in enumerate(question.get("scale") or [], start=1):
        if isinstance(item, dict):
            found.append((str(item["value"]), str(item["label"])))
        else:
            found.append((str(number), str(item)))
    return found


def _choices(question: dict) -> list[tuple[str, str]]:
    if question["type"] == "grid":
        return scale_choices(question)
    if question["type"] == "rating":
        return [(str(n), str(label)) for n, label in enumerate(question.get("scale") or [], start=1)]
    return [(str(o["value"]), str(o["label"])) for o in question.get("options") or []]


def variables(definition: dict) -> list[Variable]:
    """Every variable of a definition, in question order."""
    found = []
    for q in defs.questions(definition):
        if q["type"] == "grid":
            scale = tuple(scale_choices(q))
            for statement in q.get("statements") or []:
                wording = statement.get("text") or statement.get("label") or statement["code"]
                found.append(Variable(f"{q['code']}.{statement['code']}", f"{q['text']}: {wording}", "grid",
                                      scale, q["code"]))
        else:
            found.append(Variable(q["code"], q["text"], q["type"], tuple(_choices(q)), q["code"]))
    return found


def variable_map(definition: dict) -> dict[str, Variable]:
    return {v.key: v for v in variables(definition)}


def crossable(definition: dict) -> list[Variable]:
    """The variables a filter or a two-way table can use: answers with a fixed set of values."""
    return [v for v in variables(definition) if v.crossable]


# The people of a release ----------------------------------------------------------

@dataclass
class People:
    """The real responses of a release: record keys, and the chosen values of some variables."""

    keys: dict[int, int]
    chosen: dict[str, dict[int, set[str]]] = field(default_factory=dict)


def _people(wave: SurveyWave, release: SurveyRelease, wanted: set[str]) -> People:
    """The release's people and their answers to the wanted choice variables (filters and two-way tables)."""
    r, a = SurveyResponse, SurveyAnswer
    upto = release.last_response_id
    keys = dict(db.session.execute(sa.select(r.id, r.record_key).where(
        r.wave_id == wave.id, r.is_test.is_(False), r.id <= upto)).all())
    people = People(keys)
    if not wanted:
        return people
    rows = db.session.execute(sa.select(a.response_id, a.question, a.option).where(
        a.wave_id == wave.id, a.question.in_(sorted(wanted)), a.option.is_not(None), a.response_id <= upto))
    for response_id, question, option in rows:
        if response_id not in keys:  # a staff test response
            continue
        people.chosen.setdefault(question, {}).setdefault(response_id, set()).add(option)
    return people


def _tally(ids, keys: dict[int, int]) -> Tally:
    return Tally(len(ids), sum(keys[i] for i in ids))


# Filters ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    """Answers to keep: {variable key: chosen values}; a person is kept if, for every variable, they chose
    at least one of its values (AND between questions, "any of" within one)."""

    conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def keys(self) -> set[str]:
        return {key for key, _ in self.conditions}

    def params(self) -> list[str]:
        return [f"{key}:{value}" for key, values in self.conditions for value in values]

    def matches(self, people: People, person: int) -> bool:
        return all(people.chosen.get(key, {}).get(person, set()) & set(values) for key, values in self.conditions)

    def describe(self, definition: dict) -> list[tuple[str, list[str]]]:
        """(question wording, [answer labels]) for each condition, for the page."""
        known = variable_map(definition)
        return [(known[key].text, [dict(known[key].choices)[v] for v in values]) for key, values in self.conditions]


def parse_filter(definition: dict, given: list[str]) -> Filter:
    """A filter from "key:value" strings (a query string's `where`). RuleError (422) when one names a question
    or answer the wave does not have, or combines more than MAX_FILTERS questions."""
    known = {v.key: v for v in crossable(definition)}
    conditions: dict[str, set[str]] = {}
    for item in given:
        key, _, value = str(item).partition(":")
        variable = known.get(key)
        if variable is None or value not in dict(variable.choices):
            raise RuleError("The filter names an answer this wave does not have. Choose answers from the list.",
                            field="where")
        conditions.setdefault(key, set()).add(value)
    if len(conditions) > MAX_FILTERS:
        raise RuleError(f"Filter on at most {MAX_FILTERS} questions at once.", field="where")
    order = [v.key for v in crossable(definition)]
    return Filter(tuple(
        (key, tuple(v for v, _ in known[key].choices if v in conditions[key]))
        for key in sorted(conditions, key=order.index)))


@dataclass
class Filtered:
    """Results for the people a filter keeps: the group's published size, and the results when it is shown.
    close: a filter one step broader keeps fewer than the threshold more people (see guard), so none are shown."""

    group: Published
    results: list[QuestionResult]
    close: bool = False

    @property
    def shown(self) -> bool:
        return self.group.shown and not self.close


def _group(people: People, where: Filter) -> list[int]:
    return [person for person in people.keys if where.matches(people, person)]


def _group_ids(wave: SurveyWave, release: SurveyRelease, where: Filter):
    """The ids of the release's real responses the filter keeps, as a query (one EXISTS per question)."""
    r, a = SurveyResponse, SurveyAnswer
    query = sa.select(r.id).where(r.wave_id == wave.id, r.is_test.is_(False), r.id <= release.last_response_id)
    for key, values in where.conditions:
        query = query.where(sa.exists().where(a.response_id == r.id, a.wave_id == wave.id, a.question == key,
                                              a.option.in_(values)))
    return query


def broader(definition: dict, where: Filter) -> list[Filter]:
    """The filters one step broader than `where`: one question's condition dropped, or one more answer allowed
    under one question. Every filter broader than `where` contains one of these (or is one)."""
    known = variable_map(definition)
    found = []
    for index, (key, values) in enumerate(where.conditions):
        before, after = where.conditions[:index], where.conditions[index + 1:]
        found.append(Filter(before + after))
        for extra, _ in known[key].choices:
            if extra not in values:
                widened = tuple(v for v, _ in known[key].choices if v in values or v == extra)
                found.append(Filter(before + ((key, widened),) + after))
    return found


def _size(wave: SurveyWave, release: SurveyRelease, where: Filter) -> Tally:
    r = SurveyResponse
    ids = _group_ids(wave, release, where).scalar_subquery()
    n, keys = db.session.execute(sa.select(sa.func.count(), sa.func.sum(r.record_key)).where(r.id.in_(ids))).one()
    return Tally(n, int(keys or 0))


def guard(wave: SurveyWave, release: SurveyRelease, where: Filter) -> tuple[Published, bool]:
    """(the group's published size, whether it is too close to a broader filter). The second guards against
    differencing: a filter's figures subtracted from those of a filter one step broader would describe the
    people between them, and where a cell has the same people in both, the cell key method gives both the same
    figure, so an exact zero would show. So a filter is shown only when every filter one step broader keeps
    either the same people or at least the threshold more (as published, like every count): what differencing
    could then reveal is about a group at least as large as any published figure."""
    size = _size(wave, release, where)
    close = False
    for wider in broader(wave.definition, where):
        more = _size(wave, release, wider)
        between = Tally(more.count - size.count, more.key_sum - size.key_sum)
        # Nobody between: the same people, so the same figures; subtracting them shows nothing new.
        if between.count and not between.publish().shown:
            close = True
            break
    return size.publish(), close


def filtered(wave: SurveyWave, where: Filter) -> Filtered | None:
    """Every question's results for the people the filter keeps (None before the first release). A group
    below the threshold (as published) shows no figures."""
    release = results.release_of(wave)
    if release is None:
        return None
    return results._cached(("filtered", wave.id, release.id, where), lambda: _filtered(wave, release, where))


def _filtered(wave: SurveyWave, release: SurveyRelease, where: Filter) -> Filtered:
    """One GROUP BY over the group's answers (counts, sums of record keys and of numbers), as a release's."""
    r, a = SurveyResponse, SurveyAnswer
    size, close = guard(wave, release, where)
    if close or not size.shown:
        return Filtered(size, [], close)
    group = _group_ids(wave, release, where).scalar_subquery()
    every = [v for v in variables(wave.definition) if v.kind != "text"]  # free text is read on its own page
    cells: dict[tuple, Tally] = defaultdict(Tally)
    numbers: dict[tuple, int] = defaultdict(int)
    for question, option, count, key_sum, number_sum in db.session.execute(
            sa.select(a.question, a.option, sa.func.count(), sa.func.sum(r.record_key), sa.func.sum(a.number))
            .join(r, r.id == a.response_id)
            .where(a.wave_id == wave.id, a.response_id.in_(group))
            .group_by(a.question, a.option)):
        cells[(question, option)].add(count, int(key_sum or 0))
        numbers[(question, option)] += int(number_sum or 0)
    found = []
    for variable in every:
        q = variable.as_question()
        if variable.kind == "ranking":  # as on the results page: people who ranked each option, average rank
            ranked = [(value, label, cells[(variable.key, value)]) for value, label in variable.choices]
            options = [OptionResult(value, label, Cell(tally.publish(), results.NO_BASE))
                       for value, label, tally in ranked]
            found.append(QuestionResult(q, Cell(results.NO_BASE, results.NO_BASE), options, mean_ranks=[
                numbers[(variable.key, value)] / tally.count if option.cell.shown else None
                for (value, _, tally), option in zip(ranked, options)]))
            continue
        if variable.kind in ("number", "multiple"):  # the row without an option: people who answered
            answered = cells[(variable.key, None)]
        else:  # one option per person: the options add up to the people who answered
            answered = Tally()
            for value, _ in variable.choices:
                answered.add(cells[(variable.key, value)].count, cells[(variable.key, value)].key_sum)
        base = answered.publish()
        if variable.kind == "number":
            mean = numbers[(variable.key, None)] / answered.count if base.shown and answered.count else None
            found.append(QuestionResult(q, Cell(base, base), mean=mean))
            continue
        found.append(QuestionResult(q, Cell(base, base), [
            OptionResult(value, label, Cell(cells[(variable.key, value)].publish(), base))
            for value, label in variable.choices]))
    return Filtered(size, found)


# Two-way tables ----------------------------------------------------------------------

@dataclass
class TwoWay:
    rows_variable: Variable
    columns_variable: Variable
    group: Published
    rows: list[tuple[str | None, str]]  # (value, label), "not answered" last
    columns: list[tuple[str | None, str]]
    cells: list[list[Cell]]  # [row][column]: count, as a share of its row's total
    row_totals: list[Cell]
    column_totals: list[Cell]
    grand: Cell
    close: bool = False  # the filter is too close to a broader one (see guard): nothing shown

    @property
    def shown(self) -> bool:
        return self.group.shown and not self.close

    @property
    def several_per_row(self) -> bool:
        """With a multiple-choice column question a row's percentages can add up to more than 100."""
        return self.columns_variable.kind == "multiple"


def check_pair(definition: dict, rows: str, columns: str) -> tuple[Variable, Variable]:
    known = {v.key: v for v in crossable(definition)}
    if rows not in known or columns not in known:
        raise RuleError("Choose two questions from the lists.", field="rows" if rows not in known else "columns")
    if rows == columns:
        raise RuleError("Choose two different questions.", field="columns")
    return known[rows], known[columns]


def two_way(wave: SurveyWave, rows: str, columns: str, where: Filter = Filter()) -> TwoWay | None:
    """Counts of people by their answers to two questions (among those the filter keeps), with row
    percentages. None before the first release; RuleError for a bad pair of questions."""
    pair = check_pair(wave.definition, rows, columns)
    release = results.release_of(wave)
    if release is None:
        return None
    return results._cached(("two_way", wave.id, release.id, rows, columns, where),
                           lambda: _two_way(wave, release, *pair, where))


def _two_way(wave, release, row_var: Variable, column_var: Variable, where: Filter) -> TwoWay:
    row_choices = list(row_var.choices) + [(None, NOT_ANSWERED)]
    column_choices = list(column_var.choices) + [(None, NOT_ANSWERED)]
    size, close = guard(wave, release, where)
    if close or not size.shown:
        return TwoWay(row_var, column_var, size, row_choices, column_choices, [], [], [], Cell(size, size), close)
    people = _people(wave, release, {row_var.key, column_var.key} | where.keys)
    group = _group(people, where)
    cells: dict = defaultdict(Tally)
    row_tallies: dict = defaultdict(Tally)
    column_tallies: dict = defaultdict(Tally)
    row_chosen = people.chosen.get(row_var.key, {})
    column_chosen = people.chosen.get(column_var.key, {})
    for person in group:
        key = people.keys[person]
        mine_rows = row_chosen.get(person) or {None}
        mine_columns = column_chosen.get(person) or {None}
        for r in mine_rows:
            row_tallies[r].add(1, key)
            for c in mine_columns:
                cells[(r, c)].add(1, key)
        for c in mine_columns:
            column_tallies[c].add(1, key)
    grand = Cell(size, size)
    row_totals = [Cell(row_tallies[r].publish(), size) for r, _ in row_choices]
    column_totals = [Cell(column_tallies[c].publish(), size) for c, _ in column_choices]
    table = [[Cell(cells[(r, c)].publish(), total.published) for c, _ in column_choices]
             for (r, _), total in zip(row_choices, row_totals)]
    return TwoWay(row_var, column_var, size, row_choices, column_choices, table, row_totals, column_totals, grand)
