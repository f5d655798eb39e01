"""Search latency in-process: median and p95 over the shipped content and over 5,000 generated pages.

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
from livesafe.search.logic import SearchIndex  # noqa: E402

QUERIES = [
    "knife law", "knife crime", "knif crme", "county lines", "exploitaton", "online bullying", "stop and search",
    "mentor", "childline", "what to do if my friend carries a knife", "sharing nudes", "gangs", "feeling low",
    "A&E", "\"joint enterprise\"", "webinar", "parents exploitation signs", "youth worker", "revenge", "zzzqqq",
]
FILTERED = [("knife", "parents-carers", None), ("help", None, "getting-help"), ("law", "young-people", "the-law")]
GENERATED_PAGES = 5000
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
    queries = [(query, None, None) for query in QUERIES] + FILTERED
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        index.build(Path(scratch) / "shipped", shipped)
        times = _latencies(SearchIndex(Path(scratch) / "shipped"), queries, repeats=20)
        rows += [
            {"name": "search latency, shipped content, median", "value": round(statistics.median(times), 2),
             "unit": "ms", "target": None},
            {"name": "search latency, shipped content, p95", "value": round(_p95(times), 2), "unit": "ms",
             "target": "< 20", "ok": _p95(times) < 20},
        ]
        generated = _generated_library(shipped, GENERATED_PAGES, WORDS_PER_PAGE)
        start = time.perf_counter()
        index.build(Path(scratch) / "generated", generated)
        rows.append({"name": f"index build, {GENERATED_PAGES} generated pages of {WORDS_PER_PAGE} words",
                     "value": round(time.perf_counter() - start, 1), "unit": "s", "target": None})
        times = _latencies(SearchIndex(Path(scratch) / "generated"), queries, repeats=5)
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
