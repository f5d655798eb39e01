"""Translations of a survey, kept inside its definition.

    languages: [en, ur]          # English first; each a key of LANGUAGES
    translations:
      ur:
        title: ...
        audience: ...
        pages: [{title: ..., intro: ...}, ...]      # in page order (intro only where the page has one)
        questions:
          <code>: {text: ..., hint: ..., options: {<value>: <label>}, scale: [...], statements: {<code>: ...}}
        signposts: {<key>: {title: ..., text: ...}}

Answers are stored by option value, never by label, so every language counts in the same results.
The words of the answering pages themselves (buttons, progress, error messages) are in UI below: a
language can be offered only once its UI words are written here.
"""
from copy import deepcopy
from typing import NamedTuple


class Language(NamedTuple):
    name: str  # in English, for staff
    own_name: str  # in the language itself, for the person choosing
    direction: str  # "ltr" or "rtl"


ENGLISH = "en"
LANGUAGES = {
    "en": Language("English", "English", "ltr"),
    "ur": Language("Urdu", "اردو", "rtl"),
}

# The words of the answering pages, by language. Keys are the English.
UI: dict[str, dict[str, str]] = {
    "ur": {
        "Continue": "جاری رکھیں",
        "Back": "واپس",
        "Send my answers": "میرے جوابات بھیجیں",
        "{title}: part {position} of {total}": "{title}: حصہ {position} از {total}",
        "You can skip any question.": "آپ کوئی بھی سوال چھوڑ سکتے ہیں۔",
        "You can skip any question not marked as required.": "آپ ہر وہ سوال چھوڑ سکتے ہیں جس پر ضروری نہ لکھا ہو۔",
        "required": "ضروری",
        "There is a problem": "ایک مسئلہ ہے",
        "Error:": "غلطی:",
        "Answer this question": "اس سوال کا جواب دیں",
        "Enter a whole number, like 3": "پورا عدد لکھیں، جیسے 3",
        "Enter a number from {low} to {high}": "{low} سے {high} تک کوئی عدد لکھیں",
        "Your answer must be {n} characters or fewer": "آپ کا جواب {n} حروف یا اس سے کم ہونا چاہیے",
        "Not ranked": "درجہ نہیں دیا",
        "Rank for {label}": "{label} کا درجہ",
        "Give each rank only once: {rank} is used more than once": "ہر درجہ صرف ایک بار دیں: {rank} ایک سے زیادہ بار دیا گیا ہے",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "درجے 1، 2، 3 ترتیب سے دیں، بیچ میں کوئی درجہ نہ چھوڑیں",
        "Choose '{label}' on its own, or the other answers without it": "'{label}' اکیلا چنیں، یا اس کے بغیر باقی جوابات",
        "Choose a rank for each one you want to rank: 1 is the most important.": "جن کو آپ درجہ دینا چاہیں ان کے لیے درجہ چنیں: 1 سب سے اہم ہے۔",
        "Language": "زبان",
        "Start the survey": "سروے شروع کریں",
        "Choose your language": "اپنی زبان چنیں",
        "Use this language": "یہ زبان استعمال کریں",
    },
}


def say(lang: str | None, english: str, **values) -> str:
    """The answering pages' words in lang (English when lang is English or the words are missing)."""
    return UI.get(lang or ENGLISH, {}).get(english, english).format(**values)


def languages(definition: dict) -> list[str]:
    return list(definition.get("languages") or [ENGLISH])


def direction(lang: str | None) -> str:
    return LANGUAGES.get(lang or ENGLISH, LANGUAGES[ENGLISH]).direction


def _fail(source: str, message: str):
    from livesafe.surveys.definitions import DefinitionError

    raise DefinitionError(f"{source}: {message}")


def check(data: dict, source: str) -> None:
    """The shape of languages and translations (completeness is `missing`): unknown languages, codes
    and values are refused, since they would be typos that never show."""
    from livesafe.surveys import definitions as defs

    langs = data.get("languages")
    if langs is None:
        if data.get("translations"):
            _fail(source, "translations need a 'languages' list, English first")
        return
    if not isinstance(langs, list) or not langs or langs[0] != ENGLISH or len(set(langs)) != len(langs):
        _fail(source, "languages must be a list of different languages with English (en) first")
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown:
        _fail(source, f"unknown languages {unknown} (offered: {', '.join(LANGUAGES)})")
    translations = data.setdefault("translations", {})
    if not isinstance(translations, dict) or not set(translations) <= set(langs[1:]):
        _fail(source, "translations must be keyed by the languages listed after English")
    questions = defs.question_map(data)
    signposts = {s["key"] for s in data.get("signposts", [])}
    for lang, words in translations.items():
        where = f"translation '{lang}'"
        if not isinstance(words, dict) or not set(words) <= {"title", "audience", "pages", "questions", "signposts"}:
            _fail(source, f"{where}: only title, audience, pages, questions and signposts can be translated")
        pages = words.get("pages", [])
        if not isinstance(pages, list) or len(pages) > len(data["pages"]) or any(
                not isinstance(p, dict) or not set(p) <= {"title", "intro"} for p in pages):
            _fail(source, f"{where}: pages must be a list, in page order, of title and intro")
        for code, texts in (words.get("questions") or {}).items():
            q = questions.get(code)
            if q is None or not isinstance(texts, dict):
                _fail(source, f"{where}: there is no question '{code}'")
            if not set(texts) <= {"text", "hint", "options", "scale", "statements"}:
                _fail(source, f"{where}: question '{code}' has unknown keys {sorted(set(texts) - {'text', 'hint', 'options', 'scale', 'statements'})}")
            values = {v for v, _ in defs.choices(q)} if "options" in q else set()
            if not set(texts.get("options") or {}) <= values:
                _fail(source, f"{where}: question '{code}' has no option {sorted(set(texts['options']) - values)}")
            statements = {s["code"] for s in q.get("statements", [])}
            if not set(texts.get("statements") or {}) <= statements:
                _fail(source, f"{where}: question '{code}' has no statement {sorted(set(texts['statements']) - statements)}")
            if "scale" in texts and len(texts["scale"] or []) != len(q.get("scale") or []):
                _fail(source, f"{where}: question '{code}' needs one translated label for each point of its scale")
        if not set(words.get("signposts") or {}) <= signposts:
            _fail(source, f"{where}: unknown signposts {sorted(set(words['signposts']) - signposts)}")


def _blank(text) -> bool:
    return not str(text or "").strip()


def pieces(definition: dict):
    """Every piece of English to translate, in order, as (path, English): the path names where its
    translation sits in translations[lang], e.g. ("questions", "age", "options", "11-13")."""
    from livesafe.surveys import definitions as defs

    yield ("title",), definition["title"]
    yield ("audience",), definition["audience"]
    for index, page in enumerate(definition["pages"]):
        yield ("pages", index, "title"), page["title"]
        if page.get("intro"):
            yield ("pages", index, "intro"), page["intro"]
    for q in defs.questions(definition):
        code = q["code"]
        yield ("questions", code, "text"), q["text"]
        if q.get("hint"):
            yield ("questions", code, "hint"), q["hint"]
        if "options" in q:
            for value, label in defs.choices(q):
                yield ("questions", code, "options", value), label
        elif "scale" in q:
            for index, label in enumerate(q["scale"]):
                yield ("questions", code, "scale", index), label
        for statement in q.get("statements", []):
            yield ("questions", code, "statements", statement["code"]), statement["text"]
    for signpost in definition.get("signposts", []):
        yield ("signposts", signpost["key"], "title"), signpost["title"]
        if signpost.get("text"):
            yield ("signposts", signpost["key"], "text"), signpost["text"]


def lookup(words: dict, path: tuple):
    """The translation at path in one language's translations, or None."""
    here = words
    for step in path:
        if isinstance(here, dict):
            here = here.get(step)
        elif isinstance(here, list) and isinstance(step, int) and step < len(here):
            here = here[step]
        else:
            return None
    return here if isinstance(here, str) else None


def put(words: dict, path: tuple, text: str | None) -> None:
    """Set (or, with None, clear) the translation at path."""
    here = words
    for step, following in zip(path, path[1:]):
        if isinstance(here, list):
            while len(here) <= step:
                here.append({})
            here = here[step]
        else:
            here = here.setdefault(step, [] if isinstance(following, int) and step in ("pages", "scale") else {})
    last = path[-1]
    if isinstance(here, list):
        while len(here) <= last:
            here.append("")
        here[last] = text or ""
    elif text:
        here[last] = text
    else:
        here.pop(last, None)


def missing(definition: dict, lang: str) -> list[str]:
    """The English of every piece not yet translated into lang (empty when complete)."""
    if lang == ENGLISH:
        return []
    words = (definition.get("translations") or {}).get(lang) or {}
    return [english for path, english in pieces(definition) if _blank(lookup(words, path))]


def incomplete(definition: dict) -> dict[str, int]:
    """Languages of the definition with something untranslated, and how many pieces."""
    return {lang: len(gaps) for lang in languages(definition)[1:] if (gaps := missing(definition, lang))}


def localise(definition: dict, lang: str | None) -> dict:
    """A copy of the definition with its words in lang (option values unchanged); English as it is."""
    if not lang or lang == ENGLISH:
        return definition
    words = (definition.get("translations") or {}).get(lang) or {}
    copy = deepcopy(definition)
    from livesafe.surveys import definitions as defs

    questions = defs.question_map(copy)
    for path, _english in pieces(definition):
        text = lookup(words, path)
        if _blank(text):
            continue
        if path[0] in ("title", "audience"):
            copy[path[0]] = text
        elif path[0] == "pages":
            copy["pages"][path[1]][path[2]] = text
        elif path[0] == "questions":
            q = questions[path[1]]
            if path[2] in ("text", "hint"):
                q[path[2]] = text
            elif path[2] == "options":
                next(o for o in q["options"] if o["value"] == path[3])["label"] = text
            elif path[2] == "scale":
                q["scale"][path[3]] = text
            else:
                next(s for s in q["statements"] if s["code"] == path[3])["text"] = text
        else:
            next(s for s in copy["signposts"] if s["key"] == path[1])[path[2]] = text
    return copy
