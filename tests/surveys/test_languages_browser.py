"""Real Chromium: a young person on a phone chooses Arabic; the pages lay out right to left and pass axe."""
import pytest

from livesafe.surveys import translations
from tests.helpers import Browser
from tests.surveys.test_languages import all_languages

pytestmark = pytest.mark.browser


def test_a_young_person_answers_in_arabic_right_to_left(app, chromium, live_server, make_wave):
    wave = make_wave(all_languages())
    young = Browser(chromium, live_server)  # phone-sized, with JavaScript (axe needs it)
    try:
        page = young.page
        young.goto(f"/surveys/{wave.slug}")
        page.select_option("#lang", "ar")
        with page.expect_navigation():
            page.click("button:has-text('Use this language')")
        assert page.locator("h1[lang=ar][dir=rtl]").count() == 1
        notes = page.locator("div[lang=ar][dir=rtl]").first
        assert translations.say("ar", "Before you start") in notes.inner_text()
        # Laid out right to left, not only marked: a short heading's words sit against the right edge.
        gaps = notes.locator("h2").evaluate("""e => { const r = document.createRange(); r.selectNodeContents(e);
            const words = r.getBoundingClientRect(), box = e.getBoundingClientRect();
            return {right: box.right - words.right, left: words.left - box.left}; }""")
        assert gaps["right"] < 2 < 100 < gaps["left"], gaps
        young.assert_accessible()
        with page.expect_navigation():
            page.click("a.button")  # Start the survey, in Arabic
        assert page.locator("div.narrow[lang=ar][dir=rtl]").count() == 1
        page.check("input[name=age_band][value='11-15']")
        young.assert_accessible()
        while page.locator("h1").inner_text() != translations.say("ar", "Thank you"):
            button = "Send my answers" if page.locator(f"button:has-text('{translations.say('ar', 'Send my answers')}')").count() else "Continue"
            with page.expect_navigation():
                page.click(f"button:has-text('{translations.say('ar', button)}')")
        assert page.locator("div.prose[lang=ar][dir=rtl]").count() == 1
        young.assert_accessible()
    finally:
        young.close()
