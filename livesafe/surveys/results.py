"""Results as staff see and export them: counts, percentages with 95% intervals, breakdowns,
comparison with an earlier wave, all with small numbers suppressed. The counting is done by
SQL in logic.aggregate; this module only shapes the few aggregated rows."""
import csv
import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from livesafe.extensions import db
from livesafe.surveys import definitions as defs
from livesafe.surveys import logic, stats
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveySetting, SurveyWave
from livesafe.surveys.stats import PRIMARY, SHOWN

DIMENSION_LABELS = {"district": "District", "age_band": "Age band", "gender": "Gender", "setting": "Setting code"}
NOT_ANSWERED = "Not answered"
NO_SETTING = "No setting code"


def threshold() -> int:
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


@dataclass
class Cell:
    count: int
    state: str
    base: int
    base_state: str
    t: int

    @property
    def shown(self) -> bool:
        return self.state == SHOWN

    @property
    def text(self) -> str:
        return stats.shown_as(self.state, self.count, self.t)

    @property
    def has_percent(self) -> bool:
        """A percentage of a hidden base or of a hidden count would give the hidden number away."""
        return self.shown and self.base_state == SHOWN and self.base > 0

    @property
    def percent(self) -> float | None:
        return stats.percent(self.count, self.base) if self.has_percent else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.has_percent:
            return None
        low, high = stats.wilson(self.count, self.base)
        return 100 * low, 100 * high


@dataclass
class OptionResult:
    value: str
    label: str
    cell: Cell
    earlier: Cell | None = None

    @property
    def comparison(self) -> stats.Comparison | None:
        if self.earlier is None or not (self.cell.has_percent and self.earlier.has_percent):
            return None
        return stats.compare(self.cell.count, self.cell.base, self.earlier.count, self.earlier.base)


@dataclass
class QuestionResult:
    question: dict
    base: Cell
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    earlier_base: Cell | None = None

    @property
    def code(self) -> str:
        return self.question["code"]

    @property
    def kind(self) -> str:
        return self.question["type"]

    @property
    def small(self) -> bool:
        return self.base.base_state == SHOWN and self.base.count < stats.SMALL_BASE


def _base_cell(n: int, state: str, t: int) -> Cell:
    return Cell(n, state, n, state, t)


def overall(wave: SurveyWave, earlier: SurveyWave | None = None) -> list[QuestionResult]:
    t = threshold()
    counts, bases, means = logic.aggregate(wave)
    results = [_question_result(q, counts, bases, means, t) for q in defs.questions(wave.definition)]
    if earlier is not None:
        before = {r.code: r for r in overall(earlier)}
        for result in results:
            old = before.get(result.code)
            if old is None or old.kind != result.kind:
                continue
            result.earlier_base = old.base
            old_options = {o.value: o.cell for o in old.options}
            for option in result.options:
                option.earlier = old_options.get(option.value)
    return results


def _question_result(q, counts, bases, means, t) -> QuestionResult:
    code = q["code"]
    base = bases.get((code, None), 0)
    if q["type"] not in defs.OPTION_TYPES:
        state = PRIMARY if base < t else SHOWN
        mean = means.get((code, None)) if state == SHOWN else None
        return QuestionResult(q, _base_cell(base, state, t), mean=mean)
    values = defs.choices(q)
    option_counts = {value: counts.get((code, value, None), 0) for value, _ in values}
    states, base_state = stats.one_way(option_counts, base, t, additive=q["type"] != "multiple")
    return QuestionResult(q, _base_cell(base, base_state, t), [
        OptionResult(value, label, Cell(option_counts[value], states[value], base, base_state, t))
        for value, label in values
    ])


# Breakdowns --------------------------------------------------------------------

@dataclass
class CrossResult:
    question: dict
    groups: list[tuple]  # (key, label)
    rows: list[tuple]  # (value, label, [Cell per group], overall Cell)
    totals: list[Cell]  # people answering, per group
    grand: Cell
    means: list[float | None] = field(default_factory=list)
    withheld: bool = False  # too few people to show any of it safely


def dimensions(wave: SurveyWave) -> list[tuple[str, str]]:
    return [(d, DIMENSION_LABELS[d]) for d in wave.definition.get("breakdowns", {})] + [("setting", DIMENSION_LABELS["setting"])]


def _groups(wave: SurveyWave, dimension: str, counts: dict, bases: dict) -> list[tuple]:
    if dimension == "setting":
        used = sorted({key for (_, key) in bases if key is not None})
        names = dict(db.session.execute(sa.select(SurveySetting.code, SurveySetting.name)).all())
        return [(code, f"{names.get(code, 'Unknown setting')} ({code})") for code in used] + [(None, NO_SETTING)]
    question = defs.question_map(wave.definition)[wave.definition["breakdowns"][dimension]]
    return defs.choices(question) + [(None, NOT_ANSWERED)]


def breakdown(wave: SurveyWave, dimension: str, overall_results: list[QuestionResult]) -> list[CrossResult]:
    t = threshold()
    counts, bases, means = logic.aggregate(wave, dimension)
    groups = _groups(wave, dimension, counts, bases)
    keys = [key for key, _ in groups]
    own = wave.definition["breakdowns"].get(dimension)
    crosses = []
    for result in overall_results:
        q, code = result.question, result.code
        if code == own:
            continue
        group_bases = {key: bases.get((code, key), 0) for key in keys}
        if q["type"] not in defs.OPTION_TYPES:  # number and text: how many people answered, per group
            _, _, states, _, withheld = stats.cross(
                {("n", k): n for k, n in group_bases.items()}, {"n": result.base.count}, group_bases,
                result.base.count, t, forced_rows={"n": result.base.state}, forced_grand=result.base.state)
            totals = [_base_cell(group_bases[k], states[k], t) for k in keys]
            group_means = [means.get((code, k)) if states[k] == SHOWN else None for k in keys]
            crosses.append(CrossResult(q, groups, [], totals, result.base, group_means, withheld=withheld))
            continue
        cells = {(o.value, k): counts.get((code, o.value, k), 0) for o in result.options for k in keys}
        cell_states, _, total_states, _, withheld = stats.cross(
            cells, {o.value: o.cell.count for o in result.options}, group_bases, result.base.count, t,
            additive=q["type"] != "multiple",
            forced_rows={o.value: o.cell.state for o in result.options}, forced_grand=result.base.state,
        )
        rows = [
            (o.value, o.label,
             [Cell(cells[(o.value, k)], cell_states[(o.value, k)], group_bases[k], total_states[k], t) for k in keys],
             o.cell)
            for o in result.options
        ]
        totals = [_base_cell(group_bases[k], total_states[k], t) for k in keys]
        crosses.append(CrossResult(q, groups, [] if withheld else rows, totals, result.base, withheld=withheld))
    return crosses


# Setting counts ----------------------------------------------------------------

def setting_counts(wave: SurveyWave) -> tuple[list[tuple[str, Cell]], Cell]:
    """Responses per setting code (and without one), suppressed like any other result."""
    t = threshold()
    counts = logic.counts_by_setting(wave.id)
    names = dict(db.session.execute(sa.select(SurveySetting.code, SurveySetting.name)).all())
    total = sum(counts.values())
    keyed = {code or "": n for code, n in counts.items()}
    states, total_state = stats.one_way(keyed, total, t)
    rows = [(f"{names.get(code, 'Unknown setting')} ({code})" if code else NO_SETTING,
             Cell(n, states[code], total, total_state, t)) for code, n in sorted(keyed.items())]
    return rows, _base_cell(total, total_state, t)


# Free text ---------------------------------------------------------------------

def term_pattern(terms: list[str]) -> re.Pattern | None:
    parts = []
    for term in terms:
        stem = term.endswith("*")
        words = [re.escape(w) for w in term.rstrip("*").split()]
        if words:
            parts.append(r"\b" + r"[\s-]+".join(words) + (r"\w*" if stem else r"\b"))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def highlight(text: str, pattern: re.Pattern | None) -> list[tuple[str, bool]]:
    """The text as (piece, is_a_flagged_word) pairs; the template escapes every piece."""
    if pattern is None:
        return [(text, False)]
    pieces, last = [], 0
    for match in pattern.finditer(text):
        if match.start() > last:
            pieces.append((text[last:match.start()], False))
        pieces.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


@dataclass
class FreeTextAnswer:
    pieces: list[tuple[str, bool]]

    @property
    def flagged(self) -> bool:
        return any(flag for _, flag in self.pieces)


def free_text(wave: SurveyWave, flagged_only: bool = False) -> list[tuple[dict, list[FreeTextAnswer]]]:
    """Every free-text answer by question, flagged words marked. No date, setting or other answer beside it."""
    pattern = term_pattern(defs.safeguarding_terms())
    texts = db.session.execute(
        sa.select(SurveyAnswer.question, SurveyAnswer.text)
        .where(logic.real_answers(wave.id), SurveyAnswer.text.is_not(None))
        .order_by(SurveyAnswer.question, SurveyAnswer.id)
    ).all()
    by_question: dict[str, list[FreeTextAnswer]] = {}
    for question, text in texts:
        answer = FreeTextAnswer(highlight(text, pattern))
        if answer.flagged or not flagged_only:
            by_question.setdefault(question, []).append(answer)
    return [(q, by_question.get(q["code"], [])) for q in defs.questions(wave.definition) if q["type"] == "text"]


# Exports -----------------------------------------------------------------------

def _safe(value) -> str:
    """Stop a spreadsheet from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _export_count(cell: Cell) -> str:
    return str(stats.round5(cell.count)) if cell.shown else cell.text


def _whole(value: float | None) -> str:
    return "" if value is None else str(round(value))


def results_csv(wave: SurveyWave) -> str:
    """Aggregated results, suppressed; visible counts rounded to the nearest 5. Percentages and
    intervals are worked out from the unrounded counts and given to the nearest whole number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_code", "question", "breakdown", "group", "answer_code", "answer",
                     "count", "percent", "ci95_low", "ci95_high", "base", "mean"])
    results = overall(wave)

    def line(q, dimension, group, value, label, cell, base, mean=None):
        interval = cell.interval if cell else None
        writer.writerow([_safe(v) for v in [
            q["code"], q["text"], dimension, group, value, label,
            _export_count(cell) if cell else "", _whole(cell.percent) if cell else "",
            _whole(interval[0]) if interval else "", _whole(interval[1]) if interval else "",
            _export_count(base), "" if mean is None else f"{mean:.1f}",
        ]])

    for r in results:
        if r.options:
            for o in r.options:
                line(r.question, "all", "all", o.value, o.label, o.cell, r.base)
        else:
            line(r.question, "all", "all", "", "", None, r.base, r.mean)
    for dimension, label in dimensions(wave):
        for cross in breakdown(wave, dimension, results):
            if cross.withheld:
                continue
            for index, (key, group_label) in enumerate(cross.groups):
                if cross.rows:
                    for value, answer_label, cells, _ in cross.rows:
                        line(cross.question, dimension, group_label, value, answer_label, cells[index], cross.totals[index])
                else:
                    line(cross.question, dimension, group_label, "", "", None, cross.totals[index], cross.means[index])
    return out.getvalue()


def responses_csv(wave: SurveyWave) -> str:
    """The raw anonymised responses (admins only): date, setting code and answers; no row ids."""
    qs = defs.questions(wave.definition)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["submitted_on", "setting_code"] + [q["code"] for q in qs])
    answers: dict[int, dict[str, list[str]]] = {}
    rows = db.session.execute(
        sa.select(SurveyAnswer.response_id, SurveyAnswer.question, SurveyAnswer.option, SurveyAnswer.number,
                  SurveyAnswer.text).where(logic.real_answers(wave.id)).order_by(SurveyAnswer.id)
    )
    multiple = {q["code"] for q in qs if q["type"] == "multiple"}
    for response_id, question, option, number, text in rows:
        if question in multiple and option is None:
            continue  # the "how many chosen" row
        value = option if option is not None else (str(number) if number is not None else text)
        answers.setdefault(response_id, {}).setdefault(question, []).append(value)
    responses = db.session.execute(
        sa.select(SurveyResponse.id, SurveyResponse.submitted_on, SurveyResponse.setting_code)
        .where(SurveyResponse.wave_id == wave.id, SurveyResponse.is_test.is_(False))
    )
    lines = []
    for response_id, submitted_on, setting_code in responses:
        given = answers.get(response_id, {})
        lines.append([submitted_on.isoformat(), setting_code or ""] + [";".join(given.get(q["code"], [])) for q in qs])
    # Sorted by content, not by arrival, so the order within a day says nothing about who answered when.
    for line in sorted(lines):
        writer.writerow([_safe(v) for v in line])
    return out.getvalue()
