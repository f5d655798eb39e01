"""The Whoosh index: schema, documents from the hub's content, build into a fresh directory, atomic swap.

Layout under SEARCH_INDEX_DIR:
    current -> build-<hash>-<random>   a symlink, replaced atomically (rename of a new symlink over it)
    build-.../                          one complete index each, with INDEX_HASH naming the content it holds
    .lock                               held while building, so start-up builders in several workers queue

Only `build()` writes (the `flask index` command, or start-up when the content changed);
requests only open readers.
"""
import fcntl
import hashlib
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS, Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from livesafe.hub.content import AUDIENCES, EVENT_KINDS, SERVICE_KINDS, Library
from livesafe.search.vocabulary import SearchData

# Bump when the schema or the documents change shape: a new version means a rebuild.
SCHEMA_VERSION = "7"
CURRENT = "current"
HASH_FILE = "INDEX_HASH"


class IrregularPlurals(Filter):
    """The Porter stemmer leaves "knives" as "knive": map the plurals that matter here to their singular."""

    WORDS = {"knives": "knife", "lives": "life", "wives": "wife", "children": "child", "women": "woman",
             "men": "man", "people": "person", "thieves": "thief", "selves": "self",
             # Past forms of irregular verbs the stemmer leaves alone: "found a knife" finds "find a knife",
             # "ran away" finds "run away".
             "found": "find", "caught": "catch", "ran": "run", "took": "take", "taken": "take",
             "gave": "give", "given": "give", "stole": "steal", "stolen": "steal", "fought": "fight",
             "beaten": "beat", "threw": "throw", "thrown": "throw", "bought": "buy", "brought": "bring",
             "kept": "keep", "lost": "lose", "sent": "send", "felt": "feel", "made": "make", "said": "say",
             "saw": "see", "seen": "see", "went": "go", "gone": "go", "knew": "know", "known": "know",
             "spoke": "speak", "spoken": "speak", "chose": "choose", "chosen": "choose", "forgot": "forget",
             "forgotten": "forget", "thought": "think", "sold": "sell", "paid": "pay", "owed": "owe",
             "woke": "wake", "broke": "break", "broken": "break", "hid": "hide", "hidden": "hide"}

    def __call__(self, tokens):
        for token in tokens:
            token.text = self.WORDS.get(token.text, token.text)
            yield token


# Words like "A&E" stay whole; otherwise words are runs of letters and digits.
TOKENS = r"\w+(?:[.&]\w+)*"
# Whoosh's stop words plus the little words of questions ("what do I do if my..."), which are in
# nearly every page and would only slow searches down.
STOP_WORDS = STOP_WORDS | {
    "about", "all", "am", "any", "been", "but", "could", "did", "do", "does", "get", "got", "had", "has", "he",
    "her", "him", "his", "how", "i", "into", "its", "just", "me", "my", "our", "she", "so", "some", "than",
    "then", "them", "their", "there", "they", "was", "were", "what", "where", "which", "who", "why", "would",
}
STEMMING = (RegexTokenizer(TOKENS) | LowercaseFilter() | StopFilter(STOP_WORDS) | IrregularPlurals()
            | StemFilter(ignore={"a&e"}))
PLAIN = RegexTokenizer(TOKENS) | LowercaseFilter() | StopFilter(STOP_WORDS)

SCHEMA = Schema(
    path=ID(unique=True, stored=True),
    kind=ID(stored=True),
    title=TEXT(analyzer=STEMMING, field_boost=3.0, stored=True),
    # The snippet when no words of the text can be highlighted. It is in body too (for matching);
    # here it weighs a match in the summary above one deep in the text.
    summary=TEXT(analyzer=STEMMING, field_boost=2.0, stored=True),
    # Section headings ("If you find a knife", "Is it snitching?"): a page with a section on the question
    # weighs more than one that mentions the words in passing.
    headings=TEXT(analyzer=STEMMING),
    # Character positions let snippets be cut without analysing the text again.
    body=TEXT(analyzer=STEMMING, chars=True),
    # Unstemmed words for "did you mean": corrections from stemmed terms come out as stems.
    spell=TEXT(analyzer=PLAIN, spelling=True),
    audience=KEYWORD(commas=True, stored=True),
    topics=KEYWORD(commas=True, stored=True),
    ends=DATETIME(stored=True),  # events only: finished events are left out at query time
    content=STORED(),  # plain text for highlighted snippets
)


def index_hash(library: Library, data: SearchData | None = None) -> str:
    extra = data.digest if data else ""
    return hashlib.sha256(f"{SCHEMA_VERSION}:{library.content_hash}:{extra}".encode()).hexdigest()


def _service_audiences(service) -> str:
    # Parents, carers and professionals look services up for others; young people (11-25) for themselves.
    audiences = ["parents-carers", "professionals"]
    if service.age_min <= 25 and service.age_max >= 11:
        audiences.insert(0, "young-people")
    return ",".join(audiences)


def _service_text(service) -> str:
    return "\n".join(filter(None, [
        service.offers, service.how_to_contact, f"Ages: {service.ages_label}.", f"Areas: {service.areas_label}.",
        f"Kind of help: {SERVICE_KINDS[service.kind]}.",
        f"Phone: {service.phone}." if service.phone else "", f"Open: {service.hours}." if service.hours else "",
    ]))


def documents(library: Library, data: SearchData | None = None):
    """One dict per searchable thing: articles, services, events, campaigns, topics and the template pages
    listed in content/search/pages.yaml (get help, the directory, audience pages).

    `body` is the title, the summary and the text; it is also stored as `content`, for snippets.
    """
    for page in library.pages.values():
        yield _doc(f"/articles/{page.slug}", "article", page.title, page.summary, page.text, page.audience,
                   page.topics, headings=_headings(page.html))
    for service in library.services:
        yield _doc(f"/services#{service.slug}", "service", service.name, service.summary, _service_text(service),
                   _service_audiences(service), service.topics)
    for event in library.events:
        text = (f"{EVENT_KINDS[event.kind]}. Where: {event.where}. When: {event.starts.strftime('%d %B %Y')}. "
                f"For {AUDIENCES[event.audience].lower()}.")
        yield _doc(event.booking_url, "event", event.title, event.summary, text, event.audience, event.topics,
                   ends=event.ends.replace(tzinfo=None))
    for campaign in library.campaigns.values():
        text = "\n".join([campaign.text] + [label for label, _ in campaign.call_to_action])
        yield _doc(f"/campaigns/{campaign.slug}", "campaign", campaign.title, campaign.summary, text,
                   "young-people", ())
    for topic in library.topics.values():
        yield _doc(f"/topics/{topic.slug}", "topic", topic.name, topic.description, "", ",".join(AUDIENCES),
                   (topic.slug,))
    services = {service.slug: service for service in library.services}
    for extra in (data.extra_pages if data else ()):
        listed = [services[slug] for slug in extra.get("services", ()) if slug in services]
        text = "\n".join([extra.get("text", "")] + [
            f"{service.name}. {service.summary} {service.phone or ''}" for service in listed])
        yield _doc(extra["path"], extra.get("kind", "page"), extra["title"], extra["summary"], text,
                   extra.get("audience", ",".join(AUDIENCES)), ())


# Short pages that list or lead to others (a topic, an event, a listing) would otherwise outrank the
# page that answers the question, because a word in a short text weighs more; they count for less.
KIND_BOOSTS = {"topic": 0.4, "event": 0.5, "listing": 0.5, "audience": 0.5}


HEADING = re.compile(r"<h[2-4][^>]*>(.*?)</h[2-4]>", re.S)


def _headings(html: str) -> str:
    return "\n".join(re.sub(r"<[^>]+>", "", heading) for heading in HEADING.findall(str(html)))


def _doc(path, kind, title, summary, text, audience, topics, **extra) -> dict:
    # The title is in the body too, so matching needs only the body; a title match adds to the score.
    body = f"{title}\n{summary}\n{text}"
    return dict(path=path, kind=kind, title=title, summary=summary, body=body, content=body, spell=body,
                audience=audience, topics=",".join(topics), _boost=KIND_BOOSTS.get(kind, 1.0), **extra)


def current_dir(index_dir: str | Path) -> Path | None:
    """The build now being served, or None."""
    link = Path(index_dir) / CURRENT
    try:
        return Path(index_dir) / os.readlink(link)
    except OSError:
        return None


def current_hash(index_dir: str | Path) -> str | None:
    target = current_dir(index_dir)
    try:
        return (target / HASH_FILE).read_text().strip() if target else None
    except OSError:
        return None


@contextmanager
def _build_lock(index_dir: Path):
    with open(index_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _swap(index_dir: Path, target: Path) -> None:
    """Point `current` at the new build in one atomic rename."""
    temporary = index_dir / f".current-{uuid.uuid4().hex}"
    os.symlink(target.name, temporary)
    os.replace(temporary, index_dir / CURRENT)


def _prune(index_dir: Path, keep: set[str]) -> None:
    for old in index_dir.glob("build-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _build_locked(index_dir: Path, library: Library, data: SearchData | None) -> Path:
    expected = index_hash(library, data)
    previous = current_dir(index_dir)
    target = index_dir / f"build-{expected[:16]}-{uuid.uuid4().hex[:8]}"
    target.mkdir()
    ix = whoosh_index.create_in(str(target), SCHEMA)
    with ix.writer() as writer:
        for doc in documents(library, data):
            writer.add_document(**doc)
    ix.close()
    (target / HASH_FILE).write_text(expected)
    _swap(index_dir, target)
    # Keep the build before this one: searches that started a moment ago may still be reading it.
    _prune(index_dir, keep={target.name} | ({previous.name} if previous else set()))
    return target


def build(index_dir: str | Path, library: Library, data: SearchData | None = None) -> Path:
    """Write a complete new index beside the old one, then swap it in. Returns the new build's directory."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_dir):
        return _build_locked(index_dir, library, data)


def ensure_current(index_dir: str | Path, library: Library, data: SearchData | None = None) -> bool:
    """Rebuild if the index is missing or was built from other content. True if it rebuilt."""
    if current_hash(index_dir) == index_hash(library, data):
        return False
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_dir):
        # Another worker may have built it while this one waited for the lock.
        if current_hash(index_dir) == index_hash(library, data):
            return False
        _build_locked(index_dir, library, data)
    return True
