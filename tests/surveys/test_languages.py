"""The answering pages' own words in every language offered (issue 16: Leicester's languages)."""
import re
import string
from pathlib import Path

import pytest
from markupsafe import Markup, escape

from livesafe.surveys import definitions as defs
from livesafe.surveys import demo_translated, translations
from tests.surveys.conftest import token_of

ROOT = Path(__file__).resolve().parents[2]
NEW = ["gu", "pa", "pl", "so", "ar"]
SAID = re.compile(r"""(?:say(?:_with_links)?\((?:lang, )?|else )(["'])(.+?)\1""")


def english_words() -> set[str]:
    """Every English phrase the answering pages pass to say(), found in the code and templates."""
    found = set()
    for path in [*(ROOT / "livesafe/surveys").glob("*.py"), *(ROOT / "templates/surveys").rglob("*.html")]:
        for line in path.read_text().splitlines():
            if "say(" in line or "say_with_links(" in line:  # a conditional phrase's "else" part is on the same line
                found |= {match.group(2) for match in SAID.finditer(line)}
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_search_for_english_words_finds_them():
    words = english_words()
    assert {"Continue", "Send my answers", "Start the survey", "Enter a number from {low} to {high}", "Thank you",
            "More detail is in our {link}.", "You can skip any question."} <= words
    assert any(w.startswith("the Violence Reduction Network adds everyone's answers") for w in words)


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
    # The privacy notes are in the language too, with their numbers and links filled in.
    assert str(escape(translations.say(lang, "Before you start"))) in intro
    assert str(escape(translations.say(lang, "It is anonymous."))) in intro
    assert '<a href="tel:08001111">0800&nbsp;1111</a>' in intro
    assert '<a href="/privacy">' + str(escape(translations.say(lang, "privacy notice"))) + "</a>" in intro
    assert "We do not ask your name" not in intro


@pytest.mark.parametrize("lang", NEW)
def test_the_thank_you_page_is_in_the_chosen_language(client, make_wave, lang):
    wave = make_wave(all_languages())
    page = client.get(f"/surveys/{wave.slug}/page/1?lang={lang}")
    client.post(f"/surveys/{wave.slug}/page/1", data={"csrf_token": token_of(page), "action": "next",
                                                        "age_band": "11-15"})
    number = 2
    while (sent := client.post(f"/surveys/{wave.slug}/page/{number}",
                               data={"csrf_token": token_of(page), "action": "next"})).status_code == 302:
        number = int(sent.headers["Location"].rsplit("/", 1)[1])  # skip the rest of the pages
    text = sent.get_data(as_text=True)
    assert sent.status_code == 200, text
    direction = translations.direction(lang)
    assert f'<div class="prose" lang="{lang}" dir="{direction}">' in text
    assert f"<h1>{escape(translations.say(lang, 'Thank you'))}</h1>" in text
    assert str(escape(translations.say(lang, "Help is always there"))) in text
    assert '<a href="tel:999" dir="ltr">999</a>' in text and '<a href="sms:85258" dir="ltr">85258</a>' in text
    assert "Your answers have been sent" not in text
    plain = client.get(f"/surveys/{wave.slug}/thanks?lang={lang}").get_data(as_text=True)
    assert f"<h1>{escape(translations.say(lang, 'Thank you'))}</h1>" in plain


def test_in_english_the_pages_read_as_before(client, make_wave):
    wave = make_wave(all_languages())
    intro = client.get(f"/surveys/{wave.slug}").get_data(as_text=True)
    assert '<a href="/privacy">privacy notice</a>' in intro and "<strong>It is anonymous.</strong>" in intro
    thanks = client.get(f"/surveys/{wave.slug}/thanks?lang=xx").get_data(as_text=True)  # unknown: English
    assert "<h1>Thank you</h1>" in thanks and 'call <a href="tel:999" dir="ltr">999</a>.' in thanks


def test_words_with_links_are_escaped_but_the_links_are_kept():
    said = translations.say_with_links("pl", "You are answering as part of {setting}.", setting="<b>x</b>")
    assert str(said) == "Odpowiadasz w ramach: &lt;b&gt;x&lt;/b&gt;."
    said = translations.say_with_links("pl", "You are answering as part of {setting}.", setting=Markup("<b>x</b>"))
    assert str(said) == "Odpowiadasz w ramach: <b>x</b>."
