"""Searching the index: safe parsing, fuzzy terms, "did you mean", facets, paging and highlighted snippets.

Requests only read. Opened searchers are pooled and reused; each is dropped for a new one as soon
as the `current` build changes, so a rebuilt index is picked up without a restart.
"""
import math
import queue
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from markupsafe import Markup, escape
from whoosh import highlight, index as whoosh_index
from whoosh.analysis import Token

from livesafe.hub.content import AUDIENCES
from livesafe.search.index import CURRENT, KIND_BOOSTS
from livesafe.clock import utcnow
from livesafe.search.vocabulary import CrisisMatch, SearchData, is_english_word, words_of

EMPTY = SearchData()

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
# Longer "words" are not words: they are not corrected or matched fuzzily (that would only cost time).
MAX_WORD_LENGTH = 30
PER_PAGE = 10
MAX_PAGE = 100
POSTINGS_CACHE_SIZE = 20_000
KIND_LABELS = {"article": "Article", "service": "Service", "event": "Event", "campaign": "Campaign",
               "topic": "Topic", "help": "Help now", "listing": "Page", "audience": "Page",
               "place": "Local place", "panel_item": "Panel recommendation"}


def clean_query(raw: str | None) -> str:
    """Printable text only (no control characters or NUL), spaces collapsed, length capped."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(" " if unicodedata.category(char).startswith("C") else char for char in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


class _MarkFormatter(highlight.Formatter):
    """Matched words in <mark>; every other character escaped."""

    between = " … "

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


@dataclass
class OpenIndex:
    """A searcher on one build, with what every query needs precomputed once."""

    target: str
    searcher: object
    facets: dict[str, dict[str, frozenset]]  # field -> value -> docnums
    event_ends: dict[int, datetime]
    doc_count: int = 0
    lengths: dict[str, dict[int, int]] = field(default_factory=dict)  # field -> docnum -> words
    average: dict[str, float] = field(default_factory=dict)  # field -> average words
    boosts: dict[int, float] = field(default_factory=dict)  # docnum -> weight of its kind (index.KIND_BOOSTS)
    # (field, stem) -> docnum -> positions (or (start, end) characters for ("chars", stem)). Reading
    # posting lists is the slow part of searching, and the index never changes under an OpenIndex,
    # so each is read once (the cache is emptied if it grows past POSTINGS_CACHE_SIZE).
    postings: dict = field(default_factory=dict)
    paths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # path -> docnums (crisis pages)
    path_of: dict[int, str] = field(default_factory=dict)  # docnum -> path (ties in ranking go by path)

    def _read(self, fieldname: str, stem: str) -> dict:
        key = (fieldname, stem)
        found = self.postings.get(key)
        if found is None:
            reader = self.searcher.reader()
            source = "body" if fieldname == "chars" else fieldname
            found = {}
            if (source, stem) in reader:
                postings = reader.postings(source, stem)
                if fieldname == "chars":
                    found = {docnum: tuple((start, end) for _, start, end in value)
                             for docnum, value in postings.items_as("characters")}
                else:
                    found = {docnum: tuple(value) for docnum, value in postings.items_as("positions")}
            if len(self.postings) >= POSTINGS_CACHE_SIZE:
                self.postings.clear()
            self.postings[key] = found
        return found

    def positions(self, fieldname: str, stem: str) -> dict[int, tuple[int, ...]]:
        return self._read(fieldname, stem)

    def characters(self, stem: str) -> dict[int, tuple[tuple[int, int], ...]]:
        """Where the stem is in each document's stored text, for snippets."""
        return self._read("chars", stem)

    def occurrences(self, fieldname: str, stems: tuple[str, ...]) -> dict[int, int]:
        """docnum -> how many times the word, or the phrase (its words one after another), is in the field."""
        first = self.positions(fieldname, stems[0])
        if len(stems) == 1:
            return {docnum: len(places) for docnum, places in first.items()}
        rest = [self.positions(fieldname, stem) for stem in stems[1:]]
        found = {}
        for docnum in first.keys() & set.intersection(*(set(other) for other in rest)):
            later = [set(other[docnum]) for other in rest]
            count = sum(1 for start in first[docnum]
                        if all(start + step in places for step, places in enumerate(later, 1)))
            if count:
                found[docnum] = count
        return found

    def body_df(self, stems: tuple[str, ...]) -> int:
        return len(self.occurrences("body", stems))

    @classmethod
    def open(cls, index_dir: Path, target: str) -> "OpenIndex":
        searcher = whoosh_index.open_dir(str(index_dir / target)).searcher()
        reader = searcher.reader()
        facets = {
            name: {value.decode() if isinstance(value, bytes) else value:
                   frozenset(reader.postings(name, value).all_ids())
                   for value in reader.lexicon(name)}
            for name in ("audience", "topics")
        }
        event_ends = {}
        if ("kind", "event") in reader:
            for docnum in reader.postings("kind", "event").all_ids():
                event_ends[docnum] = reader.stored_fields(docnum)["ends"].replace(tzinfo=timezone.utc)
        docnums = list(reader.all_doc_ids())
        lengths = {name: {docnum: reader.doc_field_length(docnum, name, 0) or 0 for docnum in docnums}
                   for name, _ in FIELD_WEIGHTS}
        average = {name: (sum(values.values()) / len(values) if values else 0.0) for name, values in lengths.items()}
        boosts = {docnum: KIND_BOOSTS.get(reader.stored_fields(docnum)["kind"], 1.0) for docnum in docnums}
        path_of = {docnum: reader.stored_fields(docnum)["path"] for docnum in docnums}
        paths: dict[str, tuple[int, ...]] = {}
        for docnum, path in path_of.items():
            paths[path] = paths.get(path, ()) + (docnum,)
        return cls(target, searcher, facets, event_ends, len(docnums), lengths, average, boosts, paths=paths,
                   path_of=path_of)


class SearchIndex:
    """Hands out searchers on the current build; one per app, shared by its threads."""

    def __init__(self, index_dir: str | Path, data: SearchData | None = None):
        self.index_dir = Path(index_dir)
        self.data = data or EMPTY
        self._pool: queue.SimpleQueue = queue.SimpleQueue()

    def target(self) -> str:
        """The build now current (it changes when the index is rebuilt)."""
        return Path(self.index_dir / CURRENT).readlink().name

    def acquire(self) -> OpenIndex:
        target = self.target()
        while True:
            try:
                opened = self._pool.get_nowait()
            except queue.Empty:
                return OpenIndex.open(self.index_dir, target)
            if opened.target == target:
                return opened
            opened.searcher.close()  # the index was rebuilt: drop searchers on the old build

    def release(self, opened: OpenIndex) -> None:
        self._pool.put(opened)

    def search(self, raw_query: str, **kwargs) -> "SearchResults":
        opened = self.acquire()
        try:
            return run_search(opened, raw_query, data=self.data, **kwargs)
        finally:
            self.release(opened)


@dataclass
class Hit:
    path: str
    kind: str
    title: str
    snippet: Markup
    audience: list[str]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "Page")


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    suggestion: str | None = None  # "did you mean"
    corrected: bool = False  # True when the hits are for the suggestion (the query itself found nothing)
    audience_counts: list[tuple[str, str, int]] = field(default_factory=list)
    topic_counts: list[tuple[str, int]] = field(default_factory=list)
    crisis: CrisisMatch | None = None  # the search touched the crisis vocabulary: the crisis panel comes first
    crisis_pages: list[tuple[str, str]] = field(default_factory=list)  # (path, title) shown in the panel


def _limit_words(text: str) -> str:
    return " ".join(text.split()[:MAX_WORDS])


Concept = tuple[str, tuple[tuple[str, ...], ...]]  # (what was typed, every way of saying it, as words)


def _concepts(data: SearchData, text: str) -> list[Concept]:
    """The search as concepts: "quoted phrases" stay whole; other words go through the synonym table."""
    concepts = []
    for number, piece in enumerate(re.split(r'"([^"]*)"', text)):
        if number % 2:
            if words_of(piece):
                concepts.append((piece, (words_of(piece),)))
        else:
            concepts += data.concepts(piece)
    return concepts


def _fuzzy_allowed(data: SearchData, word: str) -> bool:
    """Only a word that is no word at all may match other words nearby: never a real English word or
    known slang ("trapping" must not find "training")."""
    return (4 <= len(word) <= MAX_WORD_LENGTH and not word.isdigit() and not data.protected(word)
            and not is_english_word(word))


def _known(reader, schema, word: str) -> bool:
    """In the index as typed, or as another form of the same word ("webinar" for "webinars")."""
    if reader.doc_frequency("spell", word):
        return True
    stems = [token.text for token in schema["body"].analyzer(word, mode="query")]
    return bool(stems) and all(reader.doc_frequency("body", stem) for stem in stems)


def suggest(searcher, text: str, data: SearchData | None = None, crisis: CrisisMatch | None = None) -> str | None:
    """The query with each misspelt word replaced by the closest word the site knows, or None.

    Only a word that is no word at all is corrected: never a real English word, a word on the site,
    slang from the synonym table, or a crisis word (nor anything one letter from one).
    """
    data = data or EMPTY
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    analyzer = searcher.schema["spell"].analyzer
    untouchable = crisis.words if crisis else frozenset()
    pieces, last, changed = [], 0, False
    for token in analyzer(text, chars=True, mode="query"):
        word = token.text
        if (not 4 <= len(word) <= MAX_WORD_LENGTH or word.isdigit() or word in untouchable or data.protected(word)
                or is_english_word(word) or _known(reader, searcher.schema, word)):
            continue
        # One letter wrong anywhere ("nife"), else two, sharing the first letter: most typos keep it,
        # and it makes suggesting ten times faster.
        found = (corrector.suggest(word, limit=1, maxdist=1, prefix=0)
                 or corrector.suggest(word, limit=1, maxdist=2, prefix=1)
                 or data.slang_corrector().suggest(word, limit=1, maxdist=2, prefix=1))
        if found and found[0] != word:
            pieces += [text[last:token.startchar], found[0]]
            last, changed = token.endchar, True
    if not changed:
        return None
    return "".join(pieces + [text[last:]]).lower()


# Ranking. The index is small (a few hundred documents), so matching and scoring are done here in
# plain Python on posting lists read once per OpenIndex, not by Whoosh's matchers: a synonym-expanded
# search is an OR of dozens of terms and phrases, which Whoosh scored in 50-150 ms; this takes 1-3 ms,
# and it lets a concept count once however many of its synonyms a page uses.
FIELD_WEIGHTS = (("title", 3.0), ("summary", 2.0), ("headings", 1.5), ("body", 1.0))
K1, B = 1.2, 0.75
FUZZY_WEIGHT = 0.5  # a word near a misspelt one
CRISIS_WORDS_WEIGHT = 0.4  # the words a crisis kind adds, so results are about the same thing
CRISIS_PAGE_BONUS = 0.6  # share of the best score added to the pages crisis.yaml lists for the kinds touched
CRISIS_ORDER_DECAY = 0.85  # ...less for each page further down the list
PROXIMITY_WEIGHT = 2.0  # words typed side by side, found side by side (within PROXIMITY words)
PROXIMITY = 3
COVERAGE = 1.0
AUDIENCE_BOOST = 1.3  # pages for the audience the words point to ("my son ..." is a parent asking)  # a page with half the typed concepts scores (1/2) ** COVERAGE of what it would with all

Alternative = tuple[tuple[str, ...], float]  # (stems, weight)


def _alternatives(opened: "OpenIndex", concept: Concept, data: SearchData, fuzzy: bool) -> list[Alternative]:
    """The concept's ways of saying it as stems; a misspelt word also as the words near it in the index."""
    analyzer = opened.searcher.schema["body"].analyzer
    found: dict[tuple[str, ...], float] = {}
    for words in concept[1]:
        stems = tuple(token.text for token in analyzer(" ".join(words), mode="query"))
        if not stems or (len(words) > 1 and len(stems) < 2):
            continue  # a phrase of stop words and one word ("on me") would match far too much
        found[stems] = 1.0  # every way of saying it counts the same ("excluded" finds what "exclusion" does)
        if (fuzzy and len(stems) == 1 and len(concept[1]) == 1 and not opened.body_df(stems)
                and _fuzzy_allowed(data, words[0])):
            reader = opened.searcher.reader()
            maxdist = 2 if len(stems[0]) >= 8 else 1
            for near in reader.terms_within("body", stems[0], maxdist, prefix=1):
                found.setdefault((near,), FUZZY_WEIGHT)
    return list(found.items())


def _bm25f(opened: "OpenIndex", stems: tuple[str, ...]) -> dict[int, float]:
    """BM25 in each of title, summary and body, weighted by field and summed (as Whoosh's BM25F does), so
    a word in the title counts for much more than one more mention deep in the text."""
    body = opened.occurrences("body", stems)
    if not body:
        return {}
    n = opened.doc_count
    idf = math.log(1 + (n - len(body) + 0.5) / (len(body) + 0.5))
    scores: dict[int, float] = {}
    for fieldname, weight in FIELD_WEIGHTS:
        counts = body if fieldname == "body" else opened.occurrences(fieldname, stems)
        lengths, average = opened.lengths[fieldname], opened.average[fieldname] or 1.0
        for docnum, count in counts.items():
            norm = 1 - B + B * lengths.get(docnum, 0) / average
            scores[docnum] = scores.get(docnum, 0.0) + weight * idf * count * (K1 + 1) / (count + K1 * norm)
    return scores


@dataclass
class Ranking:
    scores: dict[int, float]  # every matched document -> score
    terms: dict[int, set[str]]  # document -> the body stems that matched (for snippets)


def _rank(opened: "OpenIndex", data: SearchData, concepts: list[Concept], extra: list[Concept] = (),
          fuzzy: bool = True) -> Ranking:
    """Score every document that has at least one concept.

    Each concept scores by its best alternative in the document; a document with more of the typed
    concepts scores more (coverage), and so does one with words typed side by side found side by side.
    """
    parts = [(concept, 1.0, True) for concept in concepts] + [(concept, CRISIS_WORDS_WEIGHT, False)
                                                                for concept in extra]
    total: dict[int, float] = {}
    covered: dict[int, int] = {}
    terms: dict[int, set[str]] = {}
    typed_count = 0
    for concept, concept_weight, typed in parts:
        alternatives = _alternatives(opened, concept, data, fuzzy)
        if typed and alternatives:
            typed_count += 1
        best: dict[int, float] = {}
        for stems, weight in alternatives:
            for docnum, score in _bm25f(opened, stems).items():
                best[docnum] = max(best.get(docnum, 0.0), weight * score)
                terms.setdefault(docnum, set()).update(stems)
        for docnum, score in best.items():
            total[docnum] = total.get(docnum, 0.0) + concept_weight * score
            if typed:
                covered[docnum] = covered.get(docnum, 0) + 1
    if typed_count > 1:
        for docnum in total:
            total[docnum] *= (covered.get(docnum, 0) / typed_count) ** COVERAGE
    analyzer = opened.searcher.schema["body"].analyzer
    typed_stems = [token.text for concept in concepts for token in analyzer(concept[0], mode="query")]
    for first, second in zip(typed_stems, typed_stems[1:]):
        if first == second:
            continue
        left, right = opened.positions("body", first), opened.positions("body", second)
        for docnum in left.keys() & right.keys() & total.keys():
            near = set(right[docnum])
            count = sum(1 for position in left[docnum]
                        if any(position + step in near for step in range(-PROXIMITY, PROXIMITY + 1)))
            if count:
                total[docnum] += PROXIMITY_WEIGHT * min(count, 3)
    for docnum in total:
        total[docnum] *= opened.boosts.get(docnum, 1.0)
    for audience in data.audiences(" ".join(concept[0] for concept in concepts)):
        for docnum in opened.facets["audience"].get(audience, frozenset()) & total.keys():
            total[docnum] *= AUDIENCE_BOOST
    return Ranking(total, terms)


def _finished(opened: "OpenIndex", now: datetime) -> set[int]:
    return {docnum for docnum, ends in opened.event_ends.items() if ends <= now}


def _choose(opened: "OpenIndex", data: SearchData, words: str, suggestion: str | None,
            crisis: CrisisMatch | None, now: datetime) -> tuple[Ranking, bool]:
    """(ranking, corrected?) for what was typed.

    If nothing matches the words as typed but the suggestion does ("knif crme" -> "knife crime"),
    rank the suggestion. A crisis search also looks for the words of its crisis kinds ("feeling low",
    "unsafe"), and the pages crisis.yaml lists for those kinds score more.
    """
    finished = _finished(opened, now)
    concepts = _concepts(data, words)
    corrected = False
    if suggestion and not (_rank(opened, data, concepts, fuzzy=False).scores.keys() - finished):
        suggested = _concepts(data, suggestion)
        corrected = bool(_rank(opened, data, suggested).scores.keys() - finished)
        concepts = suggested if corrected else concepts
    extra = [concept for kind in crisis.kinds for concept in data.concepts(kind.search)] if crisis else []
    ranking = _rank(opened, data, concepts, extra)
    for docnum in finished:
        ranking.scores.pop(docnum, None)
    return ranking, corrected


def _snippet(opened: "OpenIndex", docnum: int, text: str, stems: set[str]) -> str:
    """The best two passages with the matched words in <mark>, from character positions in the index."""
    tokens = sorted((Token(startchar=start, endchar=end, matched=True)
                     for stem in stems for start, end in opened.characters(stem).get(docnum, ())),
                    key=lambda token: token.startchar)
    if not tokens:
        return ""
    fragments = highlight.PinpointFragmenter(maxchars=160, surround=60, autotrim=True).fragment_tokens(text, tokens)
    best = highlight.top_fragments(fragments, 2, highlight.BasicFragmentScorer(), highlight.FIRST)
    return _MarkFormatter()(text, best)


def _counts(matched: set[int], facets: dict[str, frozenset], other: frozenset | None) -> dict[str, int]:
    base = matched if other is None else matched & other
    return {value: len(base & docs) for value, docs in facets.items()}


def run_search(opened: OpenIndex, raw_query: str, audience: str | None = None, topic: str | None = None,
               page: int = 1, now: datetime | None = None, per_page: int = PER_PAGE,
               data: SearchData | None = None) -> SearchResults:
    now = now or utcnow()
    data = data or EMPTY
    text = clean_query(raw_query)
    results = SearchResults(query=text)
    words = _limit_words(text)
    if not re.search(r"\w", words):
        return results
    searcher = opened.searcher
    reader = searcher.reader()
    results.crisis = data.crisis(words, site_knows=lambda word: bool(reader.doc_frequency("spell", word)))
    results.suggestion = suggest(searcher, words, data, results.crisis)
    ranking, results.corrected = _choose(opened, data, words, results.suggestion, results.crisis, now)
    scores = ranking.scores
    # A crisis search shows its kinds' pages in the panel, and they rise among the results: each gets a
    # share of the best score (more for pages crisis.yaml lists first), so a page that answers the words
    # typed ("national domestic abuse helpline") can still come first.
    if results.crisis:
        finished = _finished(opened, now)
        best = max(scores.values(), default=0.0) or 1.0
        for order, path in enumerate(results.crisis.pages):
            for docnum in opened.paths.get(path, ()):
                if docnum in finished:
                    continue
                scores[docnum] = scores.get(docnum, 0.0) + CRISIS_PAGE_BONUS * best * CRISIS_ORDER_DECAY ** order
                results.crisis_pages.append((path, searcher.stored_fields(docnum)["title"]))
    matched = set(scores)

    audience_docs = opened.facets["audience"].get(audience, frozenset()) if audience else None
    topic_docs = opened.facets["topics"].get(topic, frozenset()) if topic else None
    allowed = set(matched)
    for docs in (audience_docs, topic_docs):
        if docs is not None:
            allowed &= docs

    by_audience = _counts(matched, opened.facets["audience"], topic_docs)
    results.audience_counts = [(key, label, by_audience.get(key, 0)) for key, label in AUDIENCES.items()]
    by_topic = _counts(matched, opened.facets["topics"], audience_docs)
    results.topic_counts = sorted(((value, count) for value, count in by_topic.items() if count),
                                  key=lambda pair: (-pair[1], pair[0]))
    results.total = len(allowed)
    results.pages = math.ceil(results.total / per_page)
    results.page = min(max(page, 1), max(results.pages, 1))
    if not allowed:
        return results

    stored = searcher.stored_fields
    ranked = sorted(allowed, key=lambda docnum: (-scores[docnum], opened.path_of[docnum]))
    for docnum in ranked[(results.page - 1) * per_page:results.page * per_page]:
        hit = stored(docnum)
        snippet = _snippet(opened, docnum, hit["content"], ranking.terms.get(docnum, set()))
        results.hits.append(Hit(
            path=hit["path"],
            kind=hit["kind"],
            title=hit["title"],
            snippet=Markup(snippet) if snippet else escape(hit["summary"]),
            audience=[value for value in hit.get("audience", "").split(",") if value],
        ))
    return results
