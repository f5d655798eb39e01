"""Scoring search against the evaluation set in content/search/evaluation*.yaml.

Figures: hit@1 and hit@3 (an expected page first, or in the first three), mean reciprocal rank,
zero-result rate, crisis-first rate (every crisis search shows the crisis panel; a search marked
not crisis is not counted against) and real words rewritten (a "did you mean" that changes a real
English word, a slang or crisis word: must be none).
"""
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from livesafe.search.vocabulary import SearchData, is_english_word, words_of


@dataclass(frozen=True)
class Case:
    query: str
    audience: str
    expect: tuple[str, ...]
    crisis: bool


@dataclass
class Report:
    cases: int = 0
    hit1: float = 0.0
    hit3: float = 0.0
    mrr: float = 0.0
    zero_rate: float = 0.0
    crisis_cases: int = 0
    crisis_first: float = 1.0
    rewritten: list[tuple[str, str]] = field(default_factory=list)  # (query, suggestion) that changed a real word
    misses: list[tuple[str, list[str], tuple[str, ...]]] = field(default_factory=list)  # not in the first 3


def load_cases(content_dir: str | Path) -> list[Case]:
    cases = []
    for path in sorted((Path(content_dir) / "search").glob("evaluation*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append(Case(str(item["query"]), item.get("audience", "young-people"), tuple(item["expect"]),
                              bool(item.get("crisis"))))
    return cases


def rewrites_real_word(query: str, suggestion: str | None, data: SearchData) -> bool:
    """True if the suggestion changes a word that is a real word, slang or a crisis word."""
    if not suggestion:
        return False
    typed, suggested = words_of(query), words_of(suggestion)
    if len(typed) != len(suggested):
        return True
    return any(old != new and (is_english_word(old) or data.protected(old) or data.crisis(old))
               for old, new in zip(typed, suggested))


def evaluate(searches, cases: list[Case], now=None) -> Report:
    """Run every case through `searches` (a SearchIndex) and score it."""
    report = Report(cases=len(cases))
    if not cases:
        return report
    hits1 = hits3 = zero = crisis_ok = 0
    reciprocal = 0.0
    for case in cases:
        results = searches.search(case.query, now=now)
        paths = [hit.path for hit in results.hits]
        rank = next((number for number, path in enumerate(paths, 1) if path in case.expect), None)
        hits1 += rank == 1
        hits3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0
        zero += not results.total
        if rank is None or rank > 3:
            report.misses.append((case.query, paths[:3], case.expect))
        if case.crisis:
            report.crisis_cases += 1
            crisis_ok += results.crisis is not None
        if rewrites_real_word(case.query, results.suggestion, searches.data):
            report.rewritten.append((case.query, results.suggestion))
    report.hit1, report.hit3 = hits1 / len(cases), hits3 / len(cases)
    report.mrr, report.zero_rate = reciprocal / len(cases), zero / len(cases)
    report.crisis_first = crisis_ok / report.crisis_cases if report.crisis_cases else 1.0
    return report
