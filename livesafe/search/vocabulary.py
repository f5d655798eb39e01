"""Search vocabulary kept as data in content/search/: crisis words, synonyms and slang, extra pages to index.

Also which words are real words (never "corrected"): an English word list (pyspellchecker's) plus
every crisis and synonym term. Everything here is read once at start-up; matching is plain Python on
a few words, so it costs microseconds per search.
"""
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

# Apostrophes go ("don't" -> "dont"); any other non-word character splits words ("self-harm" -> "self harm").
APOSTROPHES = re.compile(r"['’‘`]")
WORD = re.compile(r"[a-z0-9&]+")
# A crisis word typed one letter wrong ("suicde") still counts, if it is this long and not a real word.
FUZZY_CRISIS_MIN = 5
GENERAL_KINDS = {"danger", "talk"}


def words_of(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(APOSTROPHES.sub("", text.lower())))


@lru_cache(maxsize=1)
def english():
    """pyspellchecker's English word frequency list (about 160,000 words), loaded once per process."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


# Contractions typed without the apostrophe ("didnt", "whos", "youre") are real words, never "corrected".
CONTRACTION_ENDINGS = ("nt", "s", "ll", "ve", "re", "d", "m")


def is_english_word(word: str) -> bool:
    words = english()
    if word in words:
        return True
    return any(word.endswith(ending) and len(word) > len(ending) + 1
               and f"{word[:-len(ending)]}'{word[-len(ending):]}" in words
               for ending in CONTRACTION_ENDINGS if ending != "nt") or (
        word.endswith("nt") and f"{word[:-2]}n't" in words)


@dataclass(frozen=True)
class Contact:
    slug: str
    name: str
    number: str
    href: str
    action: str
    note: str


@dataclass(frozen=True)
class CrisisKind:
    slug: str
    heading: str
    now: str
    contacts: tuple[Contact, ...]
    pages: tuple[str, ...]
    search: str


@dataclass(frozen=True)
class CrisisMatch:
    """What a search touched: the kinds of crisis, most specific first, and the words that matched."""

    kinds: tuple[CrisisKind, ...]
    words: frozenset[str]

    @property
    def kind(self) -> CrisisKind:
        return self.kinds[0]

    @property
    def contacts(self) -> list[Contact]:
        """Every kind's contacts, once each, in order: 999 always first."""
        seen, found = set(), []
        for kind in self.kinds:
            for contact in kind.contacts:
                if contact.slug not in seen:
                    seen.add(contact.slug)
                    found.append(contact)
        return sorted(found, key=lambda contact: contact.slug != "emergency-999")

    @property
    def pages(self) -> list[str]:
        return list(dict.fromkeys(path for kind in self.kinds for path in kind.pages))


@dataclass
class SearchData:
    crisis_kinds: dict[str, CrisisKind] = field(default_factory=dict)
    general_contacts: tuple[Contact, ...] = ()  # the crisis routes shown when a search finds nothing
    # first word -> [(the term's words, kind slug)], longest terms first
    crisis_terms: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    # a typo one letter away from a single-word crisis term -> kind slug
    crisis_typos: dict[str, str] = field(default_factory=dict)
    # first word -> [(the term's words, group number)], longest terms first
    synonym_terms: dict[str, list[tuple[tuple[str, ...], int]]] = field(default_factory=dict)
    synonym_groups: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    # words of every crisis and synonym term: known slang, never corrected
    known_words: frozenset[str] = frozenset()
    extra_pages: list[dict] = field(default_factory=list)
    # first word -> [(the term's words, audience)]: words that say who is asking ("my son" -> parents-carers)
    audience_terms: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    digest: str = ""
    _slang_corrector: object = None

    def crisis(self, text: str, site_knows=lambda word: False) -> CrisisMatch | None:
        """The crisis kinds a search touches, or None. `site_knows(word)` is True for words in the index."""
        words = words_of(text)
        found: dict[str, None] = {}
        matched: set[str] = set()
        position = 0
        while position < len(words):
            word = words[position]
            for term, kind in self.crisis_terms.get(word, ()):
                if words[position:position + len(term)] == term:
                    found.setdefault(kind)
                    matched.update(term)
                    break
            else:
                kind = self.crisis_typos.get(word)
                if kind and not is_english_word(word) and not site_knows(word):
                    found.setdefault(kind)
                    matched.add(word)
            position += 1
        if not found:
            return None
        # Specific kinds before the general ones ("help me" and "someone to talk to" are in many searches).
        ordered = sorted(found, key=lambda slug: slug in GENERAL_KINDS)
        return CrisisMatch(tuple(self.crisis_kinds[slug] for slug in ordered), frozenset(matched))

    def concepts(self, text: str) -> list[tuple[str, tuple[tuple[str, ...], ...]]]:
        """The search split into concepts: (what was typed, every way of saying it).

        A run of words that is a synonym term ("laughing gas") is one concept whose alternatives are
        every term of its group; any other word is a concept on its own.
        """
        words = words_of(text)
        concepts, position = [], 0
        while position < len(words):
            for term, group in self.synonym_terms.get(words[position], ()):
                if words[position:position + len(term)] == term:
                    concepts.append((" ".join(term), self.synonym_groups[group]))
                    position += len(term)
                    break
            else:
                concepts.append((words[position], ((words[position],),)))
                position += 1
        return concepts

    def audiences(self, text: str) -> set[str]:
        """The audiences the words of a search point to ("my daughter" is asked by a parent or carer)."""
        words = words_of(text)
        return {audience for position, word in enumerate(words)
                for term, audience in self.audience_terms.get(word, ())
                if words[position:position + len(term)] == term}

    def slang_corrector(self):
        """Corrects a typo of a slang or crisis word to that word ("cuckoing" -> "cuckooing")."""
        if self._slang_corrector is None:
            from whoosh.spelling import ListCorrector

            self._slang_corrector = ListCorrector(sorted(self.known_words))
        return self._slang_corrector

    def protected(self, word: str) -> bool:
        """Never corrected: a crisis or slang word, or a typo of a crisis word."""
        return word in self.known_words or word in self.crisis_typos


def _by_first_word(entries):
    table: dict[str, list] = {}
    for term, value in entries:
        if term:
            table.setdefault(term[0], []).append((term, value))
    for options in table.values():
        options.sort(key=lambda option: -len(option[0]))
    return table


def _read(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_search_data(content_dir: str | Path) -> SearchData:
    """Read content/search/ (crisis.yaml, synonyms*.yaml, slang.yaml, audiences.yaml, pages.yaml); missing files give empty data."""
    folder = Path(content_dir) / "search"
    digest = hashlib.sha256()
    data = SearchData()
    if not folder.is_dir():
        return data
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    data.digest = digest.hexdigest()

    crisis_entries, known = [], set()
    crisis_file = folder / "crisis.yaml"
    if crisis_file.exists():
        raw = _read(crisis_file) or {}
        contacts = {slug: Contact(slug=slug, **values) for slug, values in (raw.get("contacts") or {}).items()}
        data.general_contacts = tuple(contacts[name] for name in raw.get("general") or ())
        for slug, kind in (raw.get("kinds") or {}).items():
            data.crisis_kinds[slug] = CrisisKind(
                slug=slug, heading=kind["heading"], now=kind["now"],
                contacts=tuple(contacts[name] for name in kind["contacts"]),
                pages=tuple(kind.get("pages") or ()), search=kind.get("search", ""))
            for term in kind["terms"]:
                words = words_of(str(term))
                crisis_entries.append((words, slug))
                known.update(words)
                if len(words) == 1 and len(words[0]) >= FUZZY_CRISIS_MIN:
                    for typo in english().edit_distance_1(words[0]):
                        data.crisis_typos.setdefault(typo, slug)
    data.crisis_terms = _by_first_word(crisis_entries)

    synonym_entries = []
    for path in sorted(folder.glob("synonyms*.yaml")):
        raw = _read(path) or []
        # A list of groups, or a mapping of a term to its other forms (`term: [synonym, ...]`).
        groups = [[term, *(others or [])] for term, others in raw.items()] if isinstance(raw, dict) else raw
        for group in groups:
            terms = tuple(dict.fromkeys(words_of(str(term)) for term in group if words_of(str(term))))
            data.synonym_groups.append(terms)
            synonym_entries += [(term, len(data.synonym_groups) - 1) for term in terms]
            for term in terms:
                known.update(term)
    data.synonym_terms = _by_first_word(synonym_entries)
    slang_file = folder / "slang.yaml"
    if slang_file.exists():
        known.update(word for term in _read(slang_file) or [] for word in words_of(str(term)))
    data.known_words = frozenset(known)
    for word in known:  # a crisis or slang word is itself, never another's typo
        data.crisis_typos.pop(word, None)

    audiences_file = folder / "audiences.yaml"
    if audiences_file.exists():
        data.audience_terms = _by_first_word(
            (words_of(str(term)), audience)
            for audience, terms in (_read(audiences_file) or {}).items() for term in terms or ())

    pages_file = folder / "pages.yaml"
    if pages_file.exists():
        data.extra_pages = list(_read(pages_file) or [])
    return data
