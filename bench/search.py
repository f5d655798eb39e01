"""Search quality on the evaluation set (content/search/evaluation*.yaml) beside latency in-process: median and
p95 over the shipped content (evaluation queries included) and over 5,000 generated pages.

Run alone with `python bench/search.py`; bench/run.py calls run().
"""
import gc
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from markupsafe import Markup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from livesafe.hub.content import AUDIENCES, Library, Page, load_library  # noqa: E402
from livesafe.search import index  # noqa: E402
from livesafe.search.evaluation import evaluate, load_cases  # noqa: E402
from livesafe.search.logic import SearchIndex  # noqa: E402
from livesafe.search.vocabulary import load_search_data  # noqa: E402

QUERIES = [
    "knife law", "knife crime", "knif crme", "county lines", "exploitaton", "online bullying", "stop and search",
    "mentor", "childline", "what to do if my friend carries a knife", "sharing nudes", "gangs", "feeling low",
    "A&E", "\"joint enterprise\"", "webinar", "parents exploitation signs", "youth worker", "revenge", "zzzqqq",
]
FILTERED = [("knife", "parents-carers", None), ("help", None, "getting-help"), ("law", "young-people", "the-law")]
GENERATED_PAGES = int(__import__("os").environ.get("BENCH_SEARCH_PAGES", 5000))
WORDS_PER_PAGE = 400


def _latencies(searches: SearchIndex, queries, repeats: int) -> list[float]:
    gc.collect()  # not to time the clean-up after building an index
    for query, audience, topic in queries:  # warm up: open the searcher, fill the OS cache
        searches.search(query, audience=audience, topic=topic)
    times = []
    for _ in range(repeats):
        for query, audience, topic in queries:
            start = time.perf_counter()
            searches.search(query, audience=audience, topic=topic)
            times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[94]


def _generated_library(source: Library, pages: int, words: int, seed: int = 7) -> Library:
    """Pages written from the shipped pages' own words: each generated page takes most of its words from one
    shipped page (its subject) and the rest from all of them, so, as in real content, a subject word such as
    "knife" is common in some pages and rare in others."""
    rng = random.Random(seed)
    subjects = []
    everything: list[str] = []
    for page in source.pages.values():
        found = [word.lower() for word in re.findall(r"[A-Za-z']+", page.text)]
        subjects.append((page, found))
        everything += found
    topics = list(source.topics)
    generated = {}
    for number in range(pages):
        subject, own = rng.choice(subjects)
        body = [rng.choice(own) if rng.random() < 0.7 else rng.choice(everything) for _ in range(words)]
        sentences = [" ".join(body[i:i + 12]).capitalize() + "." for i in range(0, words, 12)]
        text = "\n".join(sentences)
        title = f"{subject.title} {number}"
        slug = f"generated-{number}"
        generated[slug] = Page(
            slug=slug, title=title, summary=sentences[0], audience=rng.choice(list(AUDIENCES)),
            topics=tuple(rng.sample(topics, 2)), last_reviewed=date(2026, 1, 1), next_review=date(2027, 1, 1),
            related=(), source=text, html=Markup(""), text=text,
        )
    return Library(topics=source.topics, pages=generated, campaigns={}, services=(), events=(),
                   content_hash=f"generated-{pages}-{words}-{seed}")


def run() -> list[dict]:
    shipped = load_library(ROOT / "content")
    data = load_search_data(ROOT / "content")
    cases = load_cases(ROOT / "content")
    queries = [(query, None, None) for query in QUERIES] + FILTERED + [(case.query, None, None) for case in cases]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        index.build(Path(scratch) / "shipped", shipped, data)
        searches = SearchIndex(Path(scratch) / "shipped", data)
        report = evaluate(searches, cases)
        rows += [
            {"name": f"search quality, {report.cases} evaluation queries, hit@1", "value": round(report.hit1, 3),
             "unit": "", "target": ">= 0.85", "ok": report.hit1 >= 0.85},
            {"name": "search quality, hit@3", "value": round(report.hit3, 3), "unit": "", "target": ">= 0.95",
             "ok": report.hit3 >= 0.95},
            {"name": "search quality, MRR", "value": round(report.mrr, 3), "unit": "", "target": None},
            {"name": "search quality, zero-result rate", "value": round(report.zero_rate, 3), "unit": "",
             "target": "<= 0.02", "ok": report.zero_rate <= 0.02},
            {"name": f"search quality, crisis-first rate ({report.crisis_cases} crisis queries)",
             "value": round(report.crisis_first, 3), "unit": "", "target": "1.0", "ok": report.crisis_first == 1.0},
            {"name": "search quality, real words rewritten", "value": len(report.rewritten), "unit": "",
             "target": "0", "ok": not report.rewritten},
        ]
        times = _latencies(searches, queries, repeats=5)
        rows += [
            {"name": "search latency, shipped content, median", "value": round(statistics.median(times), 2),
             "unit": "ms", "target": None},
            {"name": "search latency, shipped content, p95", "value": round(_p95(times), 2), "unit": "ms",
             "target": "< 20", "ok": _p95(times) < 20},
        ]
        generated = _generated_library(shipped, GENERATED_PAGES, WORDS_PER_PAGE)
        start = time.perf_counter()
        index.build(Path(scratch) / "generated", generated, data)
        rows.append({"name": f"index build, {GENERATED_PAGES} generated pages of {WORDS_PER_PAGE} words",
                     "value": round(time.perf_counter() - start, 1), "unit": "s", "target": None})
        times = _latencies(SearchIndex(Path(scratch) / "generated", data), queries[:len(QUERIES) + len(FILTERED)],
                           repeats=5)
        rows += [
            {"name": f"search latency, {GENERATED_PAGES} pages, median", "value": round(statistics.median(times), 2),
             "unit": "ms", "target": None},
            {"name": f"search latency, {GENERATED_PAGES} pages, p95", "value": round(_p95(times), 2), "unit": "ms",
             "target": "< 50", "ok": _p95(times) < 50},
        ]
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:60} {row['value']:>10} {row['unit']:4} target {row['target']}")
