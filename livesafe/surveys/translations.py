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
    "gu": Language("Gujarati", "ગુજરાતી", "ltr"),
    "pa": Language("Punjabi (Gurmukhi)", "ਪੰਜਾਬੀ", "ltr"),
    "pl": Language("Polish", "Polski", "ltr"),
    "so": Language("Somali", "Soomaali", "ltr"),
    "ar": Language("Arabic", "العربية", "rtl"),
}

# The words of the answering pages, by language. Keys are the English. Written by the team, not by a
# professional translator: have each language checked before a real wave (see the README).
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
    "gu": {
        "Continue": "આગળ વધો",
        "Back": "પાછળ",
        "Send my answers": "મારા જવાબો મોકલો",
        "{title}: part {position} of {total}": "{title}: {total} માંથી ભાગ {position}",
        "You can skip any question.": "તમે કોઈ પણ પ્રશ્ન છોડી શકો છો.",
        "You can skip any question not marked as required.": "જે પ્રશ્ન પર જરૂરી લખેલું ન હોય તે તમે છોડી શકો છો.",
        "required": "જરૂરી",
        "There is a problem": "એક સમસ્યા છે",
        "Error:": "ભૂલ:",
        "Answer this question": "આ પ્રશ્નનો જવાબ આપો",
        "Enter a whole number, like 3": "પૂર્ણ સંખ્યા લખો, જેમ કે 3",
        "Enter a number from {low} to {high}": "{low} થી {high} સુધીની સંખ્યા લખો",
        "Your answer must be {n} characters or fewer": "તમારો જવાબ {n} અક્ષર કે તેથી ઓછો હોવો જોઈએ",
        "Not ranked": "ક્રમ આપ્યો નથી",
        "Rank for {label}": "{label} માટે ક્રમ",
        "Give each rank only once: {rank} is used more than once": "દરેક ક્રમ ફક્ત એક જ વાર આપો: {rank} એક કરતાં વધુ વાર વપરાયો છે",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "ક્રમ 1, 2, 3 એમ વચ્ચે કોઈ ક્રમ છોડ્યા વગર આપો",
        "Choose '{label}' on its own, or the other answers without it": "'{label}' એકલું પસંદ કરો, અથવા તેના વગર બાકીના જવાબો",
        "Choose a rank for each one you want to rank: 1 is the most important.": "તમે જેને ક્રમ આપવા માંગો છો તે દરેક માટે ક્રમ પસંદ કરો: 1 સૌથી મહત્વનું છે.",
        "Language": "ભાષા",
        "Start the survey": "સર્વે શરૂ કરો",
        "Choose your language": "તમારી ભાષા પસંદ કરો",
        "Use this language": "આ ભાષા વાપરો",
    },
    "pa": {
        "Continue": "ਅੱਗੇ ਵਧੋ",
        "Back": "ਪਿੱਛੇ",
        "Send my answers": "ਮੇਰੇ ਜਵਾਬ ਭੇਜੋ",
        "{title}: part {position} of {total}": "{title}: {total} ਵਿੱਚੋਂ ਭਾਗ {position}",
        "You can skip any question.": "ਤੁਸੀਂ ਕੋਈ ਵੀ ਸਵਾਲ ਛੱਡ ਸਕਦੇ ਹੋ।",
        "You can skip any question not marked as required.": "ਜਿਸ ਸਵਾਲ 'ਤੇ ਜ਼ਰੂਰੀ ਨਹੀਂ ਲਿਖਿਆ, ਉਹ ਤੁਸੀਂ ਛੱਡ ਸਕਦੇ ਹੋ।",
        "required": "ਜ਼ਰੂਰੀ",
        "There is a problem": "ਇੱਕ ਸਮੱਸਿਆ ਹੈ",
        "Error:": "ਗਲਤੀ:",
        "Answer this question": "ਇਸ ਸਵਾਲ ਦਾ ਜਵਾਬ ਦਿਓ",
        "Enter a whole number, like 3": "ਪੂਰੀ ਸੰਖਿਆ ਲਿਖੋ, ਜਿਵੇਂ 3",
        "Enter a number from {low} to {high}": "{low} ਤੋਂ {high} ਤੱਕ ਕੋਈ ਸੰਖਿਆ ਲਿਖੋ",
        "Your answer must be {n} characters or fewer": "ਤੁਹਾਡਾ ਜਵਾਬ {n} ਅੱਖਰਾਂ ਜਾਂ ਉਸ ਤੋਂ ਘੱਟ ਹੋਣਾ ਚਾਹੀਦਾ ਹੈ",
        "Not ranked": "ਦਰਜਾ ਨਹੀਂ ਦਿੱਤਾ",
        "Rank for {label}": "{label} ਲਈ ਦਰਜਾ",
        "Give each rank only once: {rank} is used more than once": "ਹਰ ਦਰਜਾ ਸਿਰਫ਼ ਇੱਕ ਵਾਰ ਦਿਓ: {rank} ਇੱਕ ਤੋਂ ਵੱਧ ਵਾਰ ਵਰਤਿਆ ਗਿਆ ਹੈ",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "ਦਰਜੇ 1, 2, 3 ਲੜੀਵਾਰ ਦਿਓ, ਵਿਚਕਾਰ ਕੋਈ ਦਰਜਾ ਨਾ ਛੱਡੋ",
        "Choose '{label}' on its own, or the other answers without it": "'{label}' ਇਕੱਲਾ ਚੁਣੋ, ਜਾਂ ਇਸ ਤੋਂ ਬਿਨਾਂ ਬਾਕੀ ਜਵਾਬ",
        "Choose a rank for each one you want to rank: 1 is the most important.": "ਜਿਨ੍ਹਾਂ ਨੂੰ ਤੁਸੀਂ ਦਰਜਾ ਦੇਣਾ ਚਾਹੁੰਦੇ ਹੋ, ਹਰ ਇੱਕ ਲਈ ਦਰਜਾ ਚੁਣੋ: 1 ਸਭ ਤੋਂ ਅਹਿਮ ਹੈ।",
        "Language": "ਭਾਸ਼ਾ",
        "Start the survey": "ਸਰਵੇਖਣ ਸ਼ੁਰੂ ਕਰੋ",
        "Choose your language": "ਆਪਣੀ ਭਾਸ਼ਾ ਚੁਣੋ",
        "Use this language": "ਇਹ ਭਾਸ਼ਾ ਵਰਤੋ",
    },
    "pl": {
        "Continue": "Dalej",
        "Back": "Wstecz",
        "Send my answers": "Wyślij moje odpowiedzi",
        "{title}: part {position} of {total}": "{title}: część {position} z {total}",
        "You can skip any question.": "Możesz pominąć każde pytanie.",
        "You can skip any question not marked as required.": "Możesz pominąć każde pytanie, które nie jest oznaczone jako wymagane.",
        "required": "wymagane",
        "There is a problem": "Wystąpił problem",
        "Error:": "Błąd:",
        "Answer this question": "Odpowiedz na to pytanie",
        "Enter a whole number, like 3": "Wpisz liczbę całkowitą, np. 3",
        "Enter a number from {low} to {high}": "Wpisz liczbę od {low} do {high}",
        "Your answer must be {n} characters or fewer": "Twoja odpowiedź może mieć najwyżej {n} znaków",
        "Not ranked": "Bez miejsca",
        "Rank for {label}": "Miejsce dla: {label}",
        "Give each rank only once: {rank} is used more than once": "Każde miejsce wybierz tylko raz: {rank} jest użyte więcej niż raz",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "Użyj miejsc 1, 2, 3 i tak dalej, bez pomijania żadnego",
        "Choose '{label}' on its own, or the other answers without it": "Wybierz tylko '{label}' albo pozostałe odpowiedzi bez niej",
        "Choose a rank for each one you want to rank: 1 is the most important.": "Wybierz miejsce dla każdej rzeczy, którą chcesz ustawić w kolejności: 1 jest najważniejsze.",
        "Language": "Język",
        "Start the survey": "Rozpocznij ankietę",
        "Choose your language": "Wybierz język",
        "Use this language": "Użyj tego języka",
    },
    "so": {
        "Continue": "Sii wad",
        "Back": "Dib u noqo",
        "Send my answers": "Dir jawaabahayga",
        "{title}: part {position} of {total}": "{title}: qaybta {position} ee {total}",
        "You can skip any question.": "Su'aal kasta waad ka boodi kartaa.",
        "You can skip any question not marked as required.": "Su'aal kasta oo aan lagu calaamadin khasab waad ka boodi kartaa.",
        "required": "khasab",
        "There is a problem": "Dhib baa jira",
        "Error:": "Khalad:",
        "Answer this question": "Ka jawaab su'aashan",
        "Enter a whole number, like 3": "Qor tiro dhan, sida 3",
        "Enter a number from {low} to {high}": "Qor tiro u dhaxaysa {low} iyo {high}",
        "Your answer must be {n} characters or fewer": "Jawaabtaadu waa inay ahaataa {n} xaraf ama ka yar",
        "Not ranked": "Lama kala horraysiin",
        "Rank for {label}": "Darajada {label}",
        "Give each rank only once: {rank} is used more than once": "Darajo kasta hal mar keliya bixi: {rank} in ka badan hal mar ayaa la isticmaalay",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "Isticmaal darajooyinka 1, 2, 3 iyo wixii ka dambeeya adigoon mid ka boodin",
        "Choose '{label}' on its own, or the other answers without it": "Dooro '{label}' keligeed, ama jawaabaha kale iyada la'aanteed",
        "Choose a rank for each one you want to rank: 1 is the most important.": "Dooro daraja mid kasta oo aad rabto inaad kala horraysiiso: 1 waa midka ugu muhiimsan.",
        "Language": "Luqadda",
        "Start the survey": "Bilow sahanka",
        "Choose your language": "Dooro luqaddaada",
        "Use this language": "Isticmaal luqaddan",
    },
    "ar": {
        "Continue": "متابعة",
        "Back": "رجوع",
        "Send my answers": "أرسل إجاباتي",
        "{title}: part {position} of {total}": "{title}: الجزء {position} من {total}",
        "You can skip any question.": "يمكنك تخطي أي سؤال.",
        "You can skip any question not marked as required.": "يمكنك تخطي أي سؤال غير مكتوب بجانبه أنه مطلوب.",
        "required": "مطلوب",
        "There is a problem": "توجد مشكلة",
        "Error:": "خطأ:",
        "Answer this question": "أجب عن هذا السؤال",
        "Enter a whole number, like 3": "اكتب عددًا صحيحًا، مثل 3",
        "Enter a number from {low} to {high}": "اكتب عددًا من {low} إلى {high}",
        "Your answer must be {n} characters or fewer": "يجب ألا تزيد إجابتك عن {n} حرفًا",
        "Not ranked": "بلا ترتيب",
        "Rank for {label}": "ترتيب {label}",
        "Give each rank only once: {rank} is used more than once": "استخدم كل رقم ترتيب مرة واحدة فقط: الرقم {rank} مستخدم أكثر من مرة",
        "Use the ranks 1, 2, 3 and so on without leaving a gap": "استخدم أرقام الترتيب 1، 2، 3 وهكذا دون ترك أي رقم",
        "Choose '{label}' on its own, or the other answers without it": "اختر '{label}' وحدها، أو الإجابات الأخرى من دونها",
        "Choose a rank for each one you want to rank: 1 is the most important.": "اختر رقم ترتيب لكل ما تريد ترتيبه: 1 هو الأهم.",
        "Language": "اللغة",
        "Start the survey": "ابدأ الاستبيان",
        "Choose your language": "اختر لغتك",
        "Use this language": "استخدم هذه اللغة",
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
