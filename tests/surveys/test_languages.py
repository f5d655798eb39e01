"""The answering pages' own words in every language offered (issue 16: Leicester's languages)."""
import re
import string
from pathlib import Path

import pytest
from markupsafe import escape

from livesafe.surveys import definitions as defs
from livesafe.surveys import demo_translated, translations
from tests.surveys.conftest import token_of

ROOT = Path(__file__).resolve().parents[2]
NEW = ["gu", "pa", "pl", "so", "ar"]
SAID = re.compile(r"""(?:say\((?:lang, )?|else )(["'])(.+?)\1""")


def english_words() -> set[str]:
    """Every English phrase the answering pages pass to say(), found in the code and templates."""
    found = set()
    for path in [*(ROOT / "livesafe/surveys").glob("*.py"), *(ROOT / "templates/surveys").rglob("*.html")]:
        for line in path.read_text().splitlines():
            if "say(" in line:  # a conditional phrase's "else" part is on the same line
                found |= {match.group(2) for match in SAID.finditer(line)}
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_search_for_english_words_finds_them():
    words = english_words()
    assert {"Continue", "Send my answers", "Start the survey", "Enter a number from {low} to {high}"} <= words


@pytest.mark.parametrize("lang", sorted(translations.UI))
def test_every_language_has_every_english_word_with_the_same_blanks(lang):
    words = translations.UI[lang]
    assert english_words() - set(words) == set()
    assert set(words) == set(translations.UI["ur"])  # Urdu was the first: every language has the same words
    for english, translated in words.items():
        assert fields(translated) == fields(english), (lang, english)
        assert translated.strip() and translated != english or english.isdigit(), (lang, english)


def test_every_language_offered_has_its_words_and_the_right_direction():
    assert set(translations.LANGUAGES) == {"en", *translations.UI}
    assert {code for code, language in translations.LANGUAGES.items() if language.direction == "rtl"} == {"ur", "ar"}


def all_languages() -> dict:
    """The quick survey with each new language added (its pieces marked, not really translated)."""
    data = demo_translated.definition()
    data["languages"] = ["en", "ur", *NEW]
    for lang in NEW:
        words = data["translations"].setdefault(lang, {})
        for path, english in translations.pieces(data):
            translations.put(words, path, f"{lang}: {english}")
    return defs.validate(data, "all-languages")


@pytest.mark.parametrize("lang", NEW)
def test_a_young_person_chooses_each_language_on_the_first_page(client, make_wave, lang):
    wave = make_wave(all_languages())
    choose = client.get(f"/surveys/{wave.slug}").get_data(as_text=True)
    own = translations.LANGUAGES[lang].own_name
    assert f'<option value="{lang}" lang="{lang}">{own}</option>' in choose
    direction = translations.direction(lang)
    intro = client.get(f"/surveys/{wave.slug}?lang={lang}").get_data(as_text=True)
    assert f'<h1 lang="{lang}" dir="{direction}">{lang}: ' in intro
    assert translations.say(lang, "Start the survey") in intro
    page = client.get(f"/surveys/{wave.slug}/page/1?lang={lang}")
    text = page.get_data(as_text=True)
    assert f'<div class="narrow" lang="{lang}" dir="{direction}">' in text
    assert translations.say(lang, "Continue") in text
    refused = client.post(f"/surveys/{wave.slug}/page/1", data={"csrf_token": token_of(page), "action": "next"})
    assert refused.status_code == 422
    assert str(escape(translations.say(lang, "Answer this question"))) in refused.get_data(as_text=True)
