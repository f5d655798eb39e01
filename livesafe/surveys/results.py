"""Results as staff see and export them: counts, percentages with 95% intervals, breakdowns, comparison
with an earlier wave, responses per setting, free-text counts and the CSV.

Every count shown comes from livesafe.disclosure.publish (the cell key method plus the threshold), and
percentages, intervals and tests are worked out from those published counts only, so nothing on a page
or in a file is finer than what is shown. Figures are those of the wave's current release
(livesafe.surveys.releases); a release never changes, so computed tables are cached by release.
"""
import csv
import io
import re
import secrets
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from livesafe import disclosure, places
from livesafe.disclosure import Published, Tally
from livesafe.extensions import db
from livesafe.surveys import definitions as defs
from livesafe.surveys import logic, releases, stats
from livesafe.surveys.models import SurveyAnswer, SurveyRelease, SurveyResponse, SurveySetting, SurveyWave
from livesafe.surveys.releases import RESPONSES

DIMENSION_LABELS = {"district": "District", "age_band": "Age band", "gender": "Gender", "setting": "Setting code"}
NOT_ANSWERED = "Not answered"
NO_SETTING = "No setting code"
NO_BASE = Published(None, "")  # a ranking's options have no base: each person ranks several
CACHE_SIZE = 256


def threshold() -> int:
    return disclosure.threshold()


def _cached(key: tuple, compute):
    """Computed tables by (what, wave, release, ...): a release never changes. Per app, bounded."""
    cache = current_app.extensions.setdefault("survey_results", {})
    key = key + (current_app.config.get("DISCLOSURE_CELL_KEY", True), threshold())
    if key not in cache:
        if len(cache) >= CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = compute()
    return cache[key]


@dataclass
class Cell:
    """A published count and the published count it is a share of (for percentages)."""

    published: Published
    base: Published

    @property
    def count(self) -> int | None:
        return self.published.count

    @property
    def shown(self) -> bool:
        return self.published.shown

    @property
    def text(self) -> str:
        return self.published.label

    @property
    def has_percent(self) -> bool:
        """Only from published counts; none for a count or base below the threshold."""
        return self.shown and self.base.shown and self.base.count > 0

    @property
    def share(self) -> int | None:
        # Noise can lift a count a little above its base: a share is never over 100%.
        return min(self.count, self.base.count) if self.has_percent else None

    @property
    def percent(self) -> float | None:
        return stats.percent(self.share, self.base.count) if self.has_percent else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.has_percent:
            return None
        low, high = stats.wilson(self.share, self.base.count)
        return 100 * low, 100 * high

    @property
    def interval_text(self) -> str:
        return stats.format_interval(*self.interval) if self.has_percent else ""


def _base_cell(published: Published) -> Cell:
    return Cell(published, published)


@dataclass
class OptionResult:
    value: str
    label: str
    cell: Cell
    earlier: Cell | None = None
    comparison: stats.Comparison | None = None


@dataclass
class QuestionResult:
    question: dict
    base: Cell
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    earlier_base: Cell | None = None
    # Compared with an earlier wave whose wording differs: {"text": its wording or None, "options": [(then, now)]}
    changed: dict | None = None
    # A ranking: each option's average rank (1 = top) among the people who ranked it, parallel to options.
    mean_ranks: list[float | None] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.question["code"]

    @property
    def kind(self) -> str:
        return self.question["type"]

    @property
    def small(self) -> bool:
        return self.base.shown and self.base.count < stats.SMALL_BASE


# Figures of a release ------------------------------------------------------------

def release_of(wave: SurveyWave) -> SurveyRelease | None:
    return releases.current(wave)


def result_questions(definition: dict) -> list[dict]:
    """The questions results show, in order: a grid as one single-choice question per statement (its
    answers are stored under "grid.statement"); a ranking as its options' average ranks."""
    from livesafe.surveys import analysis  # analysis builds on this module

    by_code = defs.question_map(definition)
    return [variable.as_question() if variable.kind == "grid" else by_code[variable.key]
            for variable in analysis.variables(definition)]


def _figures(wave: SurveyWave, release: SurveyRelease, dimension: str | None):
    """(counts, bases, means) of one breakdown of a release: counts[(question, option, group)] and
    bases[(question, group)] (people who answered; RESPONSES for responses) as Tallies."""
    kinds = {q["code"]: q["type"] for q in result_questions(wave.definition)}
    counts, bases, means = {}, {}, {}
    for (question, option, group), (n, keys, numbers) in releases.tables(release, dimension).items():
        if question == RESPONSES:
            bases[(RESPONSES, group)] = Tally(n, keys)
        elif question not in kinds or not n:
            continue
        elif kinds[question] == "ranking":  # one row per ranked option: people who ranked it, sum of ranks
            counts[(question, option, group)] = Tally(n, keys)
            means[(question, option, group)] = numbers / n
        elif option is None:  # a number, a text, or the "answered" row of a multiple choice
            bases[(question, group)] = Tally(n, keys)
            if kinds[question] == "number":
                means[(question, group)] = numbers / n
        else:
            counts[(question, option, group)] = Tally(n, keys)
            if kinds[question] != "multiple":  # one option per person: the options add up to the base
                bases.setdefault((question, group), Tally()).add(n, keys)
    return counts, bases, means


def _publish(tallies: dict, key) -> Published:
    """A cell nobody is in is published like any other (so "<10" never reveals a true zero)."""
    return tallies.get(key, Tally()).publish()


def _overall(wave: SurveyWave, release: SurveyRelease) -> list[QuestionResult]:
    counts, bases, means = _figures(wave, release, None)
    results = []
    for q in result_questions(wave.definition):
        code = q["code"]
        if q["type"] == "ranking":  # no base: people rank several options
            cells = [Cell(_publish(counts, (code, value, None)), NO_BASE) for value, _ in defs.choices(q)]
            results.append(QuestionResult(q, Cell(NO_BASE, NO_BASE), [
                OptionResult(value, label, cell) for (value, label), cell in zip(defs.choices(q), cells)],
                mean_ranks=[means.get((code, value, None)) if cell.shown else None
                            for (value, _), cell in zip(defs.choices(q), cells)]))
            continue
        base = _base_cell(_publish(bases, (code, None)))
        if q["type"] not in defs.OPTION_TYPES:
            mean = means.get((code, None)) if base.shown else None
            results.append(QuestionResult(q, base, mean=mean))
            continue
        results.append(QuestionResult(q, base, [
            OptionResult(value, label, Cell(_publish(counts, (code, value, None)), base.published))
            for value, label in defs.choices(q)
        ]))
    return results


def overall(wave: SurveyWave, earlier: SurveyWave | None = None, adjust: bool = False) -> list[QuestionResult]:
    """The wave's results at its current release ([] before the first release); with an earlier wave,
    each option compared with it (two-proportion z-test on published counts; Holm-adjusted if asked)."""
    release = release_of(wave)
    if release is None:
        return []
    results = _cached(("overall", wave.id, release.id), lambda: _overall(wave, release))
    if earlier is None:
        return results
    from livesafe.surveys.codebook import wording_changes  # the codebook builds on analysis, which builds on this

    before = {r.code: r for r in overall(earlier)}
    changes = wording_changes(wave, earlier)
    compared = []
    for result in results:
        old = before.get(result.code)
        if old is None or old.kind != result.kind or result.kind == "ranking":
            compared.append(result)
            continue
        old_options = {o.value: o.cell for o in old.options}
        options = []
        for option in result.options:
            then = old_options.get(option.value)
            test = None
            if then is not None and option.cell.has_percent and then.has_percent:
                test = stats.compare(option.cell.share, option.cell.base.count, then.share, then.base.count)
            options.append(replace(option, earlier=then, comparison=test))
        compared.append(replace(result, options=options, earlier_base=old.base, changed=changes.get(result.code)))
    if adjust:
        _holm(compared)
    return compared


def _holm(results: list[QuestionResult]) -> None:
    tested = [o for r in results for o in r.options if o.comparison is not None]
    for option, p in zip(tested, stats.holm([o.comparison.p_value for o in tested])):
        option.comparison = replace(option.comparison, adjusted_p=p, significant=p < stats.SIGNIFICANCE)


def responses_total(wave: SurveyWave) -> Published | None:
    """The published number of responses at the current release (None before the first)."""
    release = release_of(wave)
    if release is None:
        return None
    _, bases, _ = _figures(wave, release, None)
    return _publish(bases, (RESPONSES, None))


def latest_totals(waves: list[SurveyWave]) -> dict[int, Published]:
    """As responses_total for each wave, without making a release (for lists of waves): {wave id: published
    responses at its newest release}, waves never released left out. Two queries however many waves: the
    newest releases, then the tables of those not worked out before (a release never changes)."""
    newest = (sa.select(SurveyRelease.wave_id, sa.func.max(SurveyRelease.number).label("number"))
              .where(SurveyRelease.wave_id.in_([w.id for w in waves])).group_by(SurveyRelease.wave_id).subquery())
    latest = db.session.execute(sa.select(SurveyRelease.id, SurveyRelease.wave_id).join(newest, sa.and_(
        SurveyRelease.wave_id == newest.c.wave_id, SurveyRelease.number == newest.c.number))).all()
    cache = current_app.extensions.setdefault("survey_results", {})
    key = lambda release_id: ("total", release_id, current_app.config.get("DISCLOSURE_CELL_KEY", True), threshold())  # noqa: E731
    found = {release_id: cache.get(key(release_id)) for release_id, _ in latest}
    missing = [release_id for release_id, total in found.items() if total is None]
    if missing:
        for release_id, stored in db.session.execute(
                sa.select(SurveyRelease.id, SurveyRelease.tables).where(SurveyRelease.id.in_(missing))):
            people = [Tally(n, keys) for q, _, _, n, keys, _ in stored[""] if q == RESPONSES]
            found[release_id] = _cached(("total", release_id),
                                        lambda people=people: (people[0] if people else Tally()).publish())
    return {wave_id: found[release_id] for release_id, wave_id in latest}


# Breakdowns --------------------------------------------------------------------

@dataclass
class CrossResult:
    question: dict
    groups: list[tuple]  # (key, label)
    rows: list[tuple]  # (value, label, [Cell per group], overall Cell)
    totals: list[Cell]  # people answering, per group
    grand: Cell
    means: list[float | None] = field(default_factory=list)


def dimensions(wave: SurveyWave) -> list[tuple[str, str]]:
    return [(d, DIMENSION_LABELS[d]) for d in wave.definition.get("breakdowns", {})] + [("setting", DIMENSION_LABELS["setting"])]


def _groups(wave: SurveyWave, dimension: str, bases: dict) -> list[tuple]:
    """Every group is listed, with responses or not: leaving one out would tell a true zero."""
    if dimension == "setting":
        names = dict(db.session.execute(sa.select(SurveySetting.code, SurveySetting.name)).all())
        codes = sorted(set(names) | {key for (_, key) in bases if key is not None})
        return [(code, f"{names.get(code, 'Unknown setting')} ({code})") for code in codes] + [(None, NO_SETTING)]
    question = defs.question_map(wave.definition)[wave.definition["breakdowns"][dimension]]
    return defs.choices(question) + [(None, NOT_ANSWERED)]


def _breakdown(wave: SurveyWave, release: SurveyRelease, dimension: str) -> list[CrossResult]:
    counts, bases, means = _figures(wave, release, dimension)
    groups = _groups(wave, dimension, bases)
    keys = [key for key, _ in groups]
    own = wave.definition["breakdowns"].get(dimension)
    crosses = []
    for result in _cached(("overall", wave.id, release.id), lambda: _overall(wave, release)):
        q, code = result.question, result.code
        if code == own or result.kind == "ranking":  # a ranking is not broken down (average ranks only)
            continue
        totals = [_base_cell(_publish(bases, (code, k))) for k in keys]
        if q["type"] not in defs.OPTION_TYPES:  # number and text: how many people answered, per group
            group_means = [means.get((code, k)) if total.shown else None for k, total in zip(keys, totals)]
            crosses.append(CrossResult(q, groups, [], totals, result.base, group_means))
            continue
        rows = [
            (o.value, o.label,
             [Cell(_publish(counts, (code, o.value, k)), total.published) for k, total in zip(keys, totals)],
             o.cell)
            for o in result.options
        ]
        crosses.append(CrossResult(q, groups, rows, totals, result.base))
    return crosses


def breakdown(wave: SurveyWave, dimension: str) -> list[CrossResult]:
    release = release_of(wave)
    if release is None:
        return []
    return _cached(("breakdown", wave.id, release.id, dimension), lambda: _breakdown(wave, release, dimension))


# Setting counts ----------------------------------------------------------------

def setting_counts(wave: SurveyWave) -> tuple[list[tuple[str, Cell]], Cell] | None:
    """Responses per setting code (every setting listed, and responses without one), published."""
    release = release_of(wave)
    if release is None:
        return None
    _, bases, _ = _figures(wave, release, "setting")
    total = _base_cell(responses_total(wave))
    rows = [(label, Cell(_publish(bases, (RESPONSES, code)), total.published))
            for code, label in _groups(wave, "setting", bases)]
    return rows, total


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


def _answer_tokens() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="survey-free-text-answer")


def answer_token(answer_id: int) -> str:
    """An opaque name for a free-text answer (for the delete button): no order, nothing to join."""
    return _answer_tokens().dumps(answer_id)


def answer_from_token(token: str) -> int | None:
    try:
        value = _answer_tokens().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


@dataclass
class FreeTextAnswer:
    pieces: list[tuple[str, bool]]
    token: str

    @property
    def flagged(self) -> bool:
        return any(flag for _, flag in self.pieces)


@dataclass
class FreeTextQuestion:
    question: dict
    answers: list[FreeTextAnswer]
    answered: Published | None  # people who answered it, as published on the results (current release)


def free_text(wave: SurveyWave, flagged_only: bool = False) -> list[FreeTextQuestion]:
    """Every free-text answer by question, flagged words marked, in a fresh random order on every view
    (never the order they arrived in). No date, setting or other answer beside it. Safeguarding comes
    first, so answers since the last release are listed too; the count given is the published one."""
    pattern = term_pattern(defs.safeguarding_terms())
    texts = db.session.execute(
        sa.select(SurveyAnswer.id, SurveyAnswer.question, SurveyAnswer.text)
        .where(logic.real_answers(wave.id), SurveyAnswer.text.is_not(None))
    ).all()
    by_question: dict[str, list[FreeTextAnswer]] = {}
    for answer_id, question, text in texts:
        answer = FreeTextAnswer(highlight(text, pattern), answer_token(answer_id))
        if answer.flagged or not flagged_only:
            by_question.setdefault(question, []).append(answer)
    shuffle = secrets.SystemRandom().shuffle
    published = {r.code: r.base.published for r in overall(wave)}
    listed = []
    for q in defs.questions(wave.definition):
        if q["type"] == "text":
            answers = by_question.get(q["code"], [])
            shuffle(answers)
            listed.append(FreeTextQuestion(q, answers, published.get(q["code"])))
    return listed


# Exports -----------------------------------------------------------------------

def _safe(value) -> str:
    """Stop a spreadsheet from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def ons_code(value) -> str:
    """The ONS area code of a district key (livesafe.places), "" for anything else: partners' data is
    keyed on these codes."""
    place = places.BY_KEY.get(value) if isinstance(value, str) else None
    return place.code if place else ""


def _whole(value: float | None) -> str:
    return "" if value is None else str(round(value))


def results_csv(wave: SurveyWave) -> str:
    """The published results: the same counts as the pages ("<10" below the threshold), and percentages
    and intervals worked out from those published counts, to whole numbers. A district (a group of the
    district breakdown, or an answer to the district question) carries its ONS code beside it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_code", "question", "breakdown", "group", "group_ons_code", "answer_code",
                     "answer_ons_code", "answer", "count", "percent", "ci95_low", "ci95_high", "base", "mean"])
    results = overall(wave)
    district_question = defs.district_code(wave.definition)

    def line(q, dimension, group, value, label, cell, base, mean=None, group_key=None):
        interval = cell.interval if cell else None
        writer.writerow([_safe(v) for v in [
            q["code"], q["text"], dimension, group, ons_code(group_key) if dimension == "district" else "",
            value, ons_code(value) if q["code"] == district_question else "", label,
            cell.text if cell else "", _whole(cell.percent) if cell else "",
            _whole(interval[0]) if interval else "", _whole(interval[1]) if interval else "",
            base.text, "" if mean is None else f"{mean:.1f}",
        ]])

    for r in results:
        if r.kind == "ranking":  # people who ranked each option, and its average rank in the mean column
            for o, rank in zip(r.options, r.mean_ranks):
                line(r.question, "all", "all", o.value, o.label, o.cell, r.base, rank)
        elif r.options:
            for o in r.options:
                line(r.question, "all", "all", o.value, o.label, o.cell, r.base)
        else:
            line(r.question, "all", "all", "", "", None, r.base, r.mean)
    if not results:
        return out.getvalue()
    for dimension, _ in dimensions(wave):
        for cross in breakdown(wave, dimension):
            for index, (group_key, group_label) in enumerate(cross.groups):
                if cross.rows:
                    for value, answer_label, cells, _ in cross.rows:
                        line(cross.question, dimension, group_label, value, answer_label, cells[index],
                             cross.totals[index], group_key=group_key)
                else:
                    line(cross.question, dimension, group_label, "", "", None, cross.totals[index],
                         cross.means[index], group_key=group_key)
    return out.getvalue()


def responses_csv(wave: SurveyWave) -> str:
    """The raw anonymised responses (admins only): date, setting code and answers; no row ids. The district
    answer is followed by its ONS code (`<question>_ons_code`)."""
    qs = defs.questions(wave.definition)
    district_question = defs.district_code(wave.definition)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["submitted_on", "setting_code"] + [
        name for q in qs for name in ([q["code"], f"{q['code']}_ons_code"] if q["code"] == district_question
                                      else [q["code"]])])
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
        values = []
        for q in qs:
            values.append(";".join(given.get(q["code"], [])))
            if q["code"] == district_question:
                values.append(ons_code(values[-1]))
        lines.append([submitted_on.isoformat(), setting_code or ""] + values)
    # Sorted by content, not by arrival, so the order within a day says nothing about who answered when.
    for line in sorted(lines):
        writer.writerow([_safe(v) for v in line])
    return out.getvalue()
