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
from whoosh.query import And, AndMaybe, FuzzyTerm, Or, Phrase, Term
from whoosh.searching import Hit as WhooshHit

from livesafe.hub.content import AUDIENCES
from livesafe.search.index import CURRENT
from livesafe.search.vocabulary import CrisisMatch, SearchData, is_english_word, words_of

EMPTY = SearchData()

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
# Longer "words" are not words: they are not corrected or matched fuzzily (that would only cost time).
MAX_WORD_LENGTH = 30
PER_PAGE = 10
MAX_PAGE = 100
TERM_CACHE_SIZE = 128
KIND_LABELS = {"article": "Article", "service": "Service", "event": "Event", "campaign": "Campaign",
               "topic": "Topic", "help": "Help now", "listing": "Page", "audience": "Page"}


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
    # (field, term) -> docnums: reading a long posting list is the slow part of matching, and the
    # index never changes under an OpenIndex, so popular words are read once.
    term_docs: dict = field(default_factory=dict)

    def docs_for_term(self, fieldname: str, text) -> frozenset:
        key = (fieldname, text)
        docs = self.term_docs.get(key)
        if docs is None:
            reader = self.searcher.reader()
            docs = frozenset(reader.postings(fieldname, text).all_ids()) if key in reader else frozenset()
            if len(self.term_docs) >= TERM_CACHE_SIZE:
                self.term_docs.clear()
            self.term_docs[key] = docs
        return docs

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
        return cls(target, searcher, facets, event_ends)


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


def _concept_query(concept: Concept, fieldname: str, schema, reader, data: SearchData, fuzzy: bool = True):
    """Any of the concept's alternatives in the field, or None if all are stop words."""
    analyzer = schema[fieldname].analyzer
    parts = {}
    for words in concept[1]:
        stems = tuple(token.text for token in analyzer(" ".join(words), mode="query"))
        if len(words) > 1 and len(stems) < 2:
            continue  # a phrase of stop words and one word ("on me") would match far too much
        if len(stems) == 1:
            query = Term(fieldname, stems[0])
            if (fuzzy and (fieldname, stems[0]) not in reader and len(concept[1]) == 1
                    and _fuzzy_allowed(data, words[0])):
                query = FuzzyTerm(fieldname, stems[0], boost=0.5, maxdist=2 if len(stems[0]) >= 8 else 1,
                                  prefixlength=1)
            parts[stems] = query
        elif stems:
            parts[stems] = Phrase(fieldname, list(stems))
    if not parts:
        return None
    return next(iter(parts.values())) if len(parts) == 1 else Or(list(parts.values()))


def _combine(queries, group):
    queries = [query for query in queries if query is not None]
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else group(queries)


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


def _docs(query, opened: OpenIndex) -> set[int]:
    """Every document the query matches. Queries here are ANDs and ORs of terms and phrases, so this
    is set algebra on posting lists (much faster than stepping a matcher through every document)."""
    if query is None:
        return set()
    if isinstance(query, Or):
        return set().union(*(_docs(child, opened) for child in query.subqueries))
    if isinstance(query, And):
        return set.intersection(*(_docs(child, opened) for child in query.subqueries))
    if isinstance(query, FuzzyTerm):
        reader = opened.searcher.reader()
        return set().union(*(opened.docs_for_term(query.fieldname, text) for text in query._btexts(reader)))
    if isinstance(query, Term):
        return set(opened.docs_for_term(query.fieldname, query.text))
    return set(opened.searcher.docs_for_query(query))


def _matched(opened: OpenIndex, query, now: datetime) -> set[int]:
    finished = {docnum for docnum, ends in opened.event_ends.items() if ends <= now}
    return _docs(query, opened) - finished


def _queries(opened: OpenIndex, data: SearchData, concepts: list[Concept], fuzzy: bool = True):
    """(query on the body that decides what matches, query that adds to the score).

    A page matches with any concept; pages with every concept, with them in the title or summary, or
    with the typed words side by side, score more.
    """
    schema, reader = opened.searcher.schema, opened.searcher.reader()
    each = [_concept_query(concept, "body", schema, reader, data, fuzzy) for concept in concepts]
    body = _combine(each, Or)
    extra = [_concept_query(concept, name, schema, reader, data)
             for concept in concepts for name in ("title", "summary")]
    every = [query for query in each if query is not None]
    if len(every) > 1:
        extra.append(And(every, boost=2.0))
    # Words typed side by side ("lock knife") score more where the page has them side by side too.
    typed = [stem for concept in concepts
             for stem in (token.text for token in schema["body"].analyzer(concept[0], mode="query"))]
    extra += [Phrase("body", [first, second], slop=2, boost=2.0) for first, second in zip(typed, typed[1:])]
    return body, _combine(extra, Or)


def _choose_query(opened: OpenIndex, data: SearchData, words: str, suggestion: str | None,
                  crisis: CrisisMatch | None, now: datetime):
    """(query, matched documents, corrected?) for what was typed.

    Pages with any concept match; those with all of them score more (see `_queries`). If nothing
    matches the words as typed but the suggestion does ("knif crme" -> "knife crime"), search that.
    A crisis search also looks for the words of its crisis kinds ("feeling low", "unsafe"), so the
    results under the crisis panel are about the same thing.
    """
    concepts = _concepts(data, words)
    corrected = False
    if suggestion and not _matched(opened, _queries(opened, data, concepts, fuzzy=False)[0], now):
        suggested = _concepts(data, suggestion)
        corrected = bool(_matched(opened, _queries(opened, data, suggested)[0], now))
        concepts = suggested if corrected else concepts
    if crisis:
        concepts = concepts + [concept for kind in crisis.kinds for concept in data.concepts(kind.search)]
    query, extra = _queries(opened, data, concepts)
    if query is None:
        return None, set(), corrected
    matched = _matched(opened, query, now)
    return (AndMaybe(query, extra) if extra is not None else query), matched, corrected


def _counts(matched: set[int], facets: dict[str, frozenset], other: frozenset | None) -> dict[str, int]:
    base = matched if other is None else matched & other
    return {value: len(base & docs) for value, docs in facets.items()}


def run_search(opened: OpenIndex, raw_query: str, audience: str | None = None, topic: str | None = None,
               page: int = 1, now: datetime | None = None, per_page: int = PER_PAGE,
               data: SearchData | None = None) -> SearchResults:
    now = now or datetime.now(timezone.utc)
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
    query, matched, results.corrected = _choose_query(opened, data, words, results.suggestion, results.crisis, now)
    # A crisis search puts the pages of its crisis kinds first, in the order crisis.yaml gives.
    pinned = []
    if results.crisis:
        for path in results.crisis.pages:
            pinned += sorted(opened.docs_for_term("path", path))
        matched |= set(pinned)
        results.crisis_pages = [(searcher.stored_fields(docnum)["path"], searcher.stored_fields(docnum)["title"])
                                for docnum in pinned]

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

    pinned = [docnum for docnum in pinned if docnum in allowed]
    ranked: list = [searcher.stored_fields(docnum) for docnum in pinned]
    rest = allowed - set(pinned)
    if rest and query is not None:
        found = searcher.search(query, limit=results.page * per_page, filter=rest, terms=True)
        found.fragmenter = highlight.PinpointFragmenter(maxchars=160, surround=60, autotrim=True)
        found.formatter = _MarkFormatter()
        ranked += list(found[:results.page * per_page])
    for hit in ranked[(results.page - 1) * per_page:results.page * per_page]:
        snippet = hit.highlights("body", text=hit["content"], top=2) if isinstance(hit, WhooshHit) else None
        results.hits.append(Hit(
            path=hit["path"],
            kind=hit["kind"],
            title=hit["title"],
            snippet=Markup(snippet) if snippet else escape(hit["summary"]),
            audience=[value for value in hit.get("audience", "").split(",") if value],
        ))
    return results
