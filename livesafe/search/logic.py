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
from whoosh.qparser import AndGroup, OrGroup, PhrasePlugin, QueryParser
from whoosh.query import And, AndMaybe, FuzzyTerm, Or, Term

from livesafe.hub.content import AUDIENCES
from livesafe.search.index import CURRENT

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
# Longer "words" are not words: they are not corrected or matched fuzzily (that would only cost time).
MAX_WORD_LENGTH = 30
PER_PAGE = 10
MAX_PAGE = 100
TERM_CACHE_SIZE = 128
KIND_LABELS = {"article": "Article", "service": "Service", "event": "Event", "campaign": "Campaign"}


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

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
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
            return run_search(opened, raw_query, **kwargs)
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


def _parser(schema, fieldname: str, group):
    # Only words and "quoted phrases": no fields, wildcards, ranges, groups, operators or boosts,
    # so nothing a person types can make the parser fail or run an expensive query.
    return QueryParser(fieldname, schema, group=group, plugins=[PhrasePlugin()])


def _limit_words(text: str) -> str:
    return " ".join(text.split()[:MAX_WORDS])


def _fuzzy(query, reader):
    """Words the index has never seen also match words one or two edits away."""
    if isinstance(query, Term) and not isinstance(query, FuzzyTerm) and isinstance(query.text, str):
        if 4 <= len(query.text) <= MAX_WORD_LENGTH and (query.fieldname, query.text) not in reader:
            return FuzzyTerm(query.fieldname, query.text, boost=query.boost * 0.5,
                             maxdist=2 if len(query.text) >= 8 else 1, prefixlength=1)
        return query
    return query.apply(lambda child: _fuzzy(child, reader))


def _known(reader, schema, word: str) -> bool:
    """In the index as typed, or as another form of the same word ("webinar" for "webinars")."""
    if reader.doc_frequency("spell", word):
        return True
    stems = [token.text for token in schema["body"].analyzer(word, mode="query")]
    return bool(stems) and all(reader.doc_frequency("body", stem) for stem in stems)


def suggest(searcher, text: str) -> str | None:
    """The query with each unknown word replaced by the closest known word, or None if all are known."""
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    analyzer = searcher.schema["spell"].analyzer
    pieces, last, changed = [], 0, False
    for token in analyzer(text, chars=True, mode="query"):
        word = token.text
        if not 4 <= len(word) <= MAX_WORD_LENGTH or word.isdigit() or _known(reader, searcher.schema, word):
            continue
        # Sharing the first letter: most typos keep it, and it makes suggesting ten times faster.
        found = corrector.suggest(word, limit=1, maxdist=2, prefix=1)
        if found:
            pieces += [text[last:token.startchar], found[0]]
            last, changed = token.endchar, True
    if not changed:
        return None
    return "".join(pieces + [text[last:]]).lower()


def _docs(query, opened: OpenIndex) -> set[int]:
    """Every document the query matches. The parser only makes ANDs and ORs of terms and phrases, so this
    is set algebra on posting lists (much faster than stepping a matcher through every document)."""
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


def _choose_query(opened: OpenIndex, words: str, suggestion: str | None, now: datetime):
    """(query, matched documents, corrected?) for what was typed.

    Pages with all the words come first; if none has them all, pages with any of them. If nothing
    matches the words as typed but the suggestion does ("knif crme" -> "knife crime"), search that.
    Matching is on `body` (which holds the title too); a match in the title adds to the score.
    """
    schema, reader = opened.searcher.schema, opened.searcher.reader()
    any_word, all_words = _parser(schema, "body", OrGroup.factory(0.9)), _parser(schema, "body", AndGroup)
    corrected = False
    if suggestion and not _matched(opened, any_word.parse(words), now):
        corrected = bool(_matched(opened, _fuzzy(any_word.parse(suggestion), reader), now))
        words = suggestion if corrected else words
    for parser in (all_words, any_word):
        query = _fuzzy(parser.parse(words), reader)
        matched = _matched(opened, query, now)
        if matched:
            break
    in_title = _fuzzy(_parser(schema, "title", OrGroup).parse(words), reader)
    return AndMaybe(query, in_title), matched, corrected


def _counts(matched: set[int], facets: dict[str, frozenset], other: frozenset | None) -> dict[str, int]:
    base = matched if other is None else matched & other
    return {value: len(base & docs) for value, docs in facets.items()}


def run_search(opened: OpenIndex, raw_query: str, audience: str | None = None, topic: str | None = None,
               page: int = 1, now: datetime | None = None, per_page: int = PER_PAGE) -> SearchResults:
    now = now or datetime.now(timezone.utc)
    text = clean_query(raw_query)
    results = SearchResults(query=text)
    words = _limit_words(text)
    if not re.search(r"\w", words):
        return results
    searcher = opened.searcher
    results.suggestion = suggest(searcher, words)
    query, matched, results.corrected = _choose_query(opened, words, results.suggestion, now)

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

    found = searcher.search(query, limit=results.page * per_page, filter=allowed, terms=True)
    found.fragmenter = highlight.PinpointFragmenter(maxchars=160, surround=60, autotrim=True)
    found.formatter = _MarkFormatter()
    for hit in found[(results.page - 1) * per_page:results.page * per_page]:
        snippet = hit.highlights("body", text=hit["content"], top=2)
        results.hits.append(Hit(
            path=hit["path"],
            kind=hit["kind"],
            title=hit["title"],
            snippet=Markup(snippet) if snippet else escape(hit["summary"]),
            audience=[value for value in hit.get("audience", "").split(",") if value],
        ))
    return results
