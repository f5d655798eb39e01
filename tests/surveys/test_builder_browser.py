"""Real Chromium: staff build a survey with every question type and a condition, translate it into Urdu and
open a wave; a young person answers it in Urdu on a phone; the wave's results include that answer."""
from datetime import timedelta

import pytest

from livesafe import clock
from tests.helpers import Browser

pytestmark = pytest.mark.browser

QUESTIONS = [
    (1, {"code": "year", "type": "single", "text": "Which year are you in?", "options": "y7 = Year 7\ny8 = Year 8",
         "required": True}),
    (1, {"code": "clubs", "type": "number", "text": "How many clubs do you go to?", "min": "0", "max": "10"}),
    (2, {"code": "worries", "type": "multiple", "text": "What worries you?",
         "options": "knives = Knives\ngangs = Gangs\nnone = None of these", "exclusive": "none"}),
    (2, {"code": "safe", "type": "rating", "text": "How safe is school?", "scale": "Unsafe\nSafe"}),
    (2, {"code": "feel", "type": "grid", "text": "How do you feel here?", "scale": "Bad\nGood",
         "statements": "yard = In the yard\nbus = On the bus"}),
    (2, {"code": "helps", "type": "ranking", "text": "What helps most?", "options": "teachers = Teachers\nfriends = Friends"}),
    (2, {"code": "more", "type": "text", "long": True, "text": "Anything else?", "show_if": "clubs from 1 to 10"}),
    (2, {"code": "nick", "type": "text", "text": "A word for your school"}),
]


def _submit(page, text):
    with page.expect_navigation():
        page.click(f"button:has-text('{text}')")


def _add_question(browser, page_number, fields):
    page = browser.page
    page.click(f"text=Add a question to page {page_number}")
    for name, value in fields.items():
        if name == "type":
            page.select_option("#type", value)
        elif value is True:
            page.check(f"#{name}")
        else:
            page.fill(f"#{name}", value)
    _submit(page, "Save the question")
    assert f"Question {fields['code']} saved." in page.inner_text("main"), page.inner_text("main")[:1500]


def test_staff_build_translate_and_open_a_wave_a_young_person_answers_in_urdu(app, chromium, live_server, demo_users):
    staff = Browser(chromium, live_server, viewport={"width": 1280, "height": 900})
    try:
        staff.sign_in("staff")
        page = staff.page
        staff.goto("/surveys/manage")
        page.click("text=Survey builder")
        staff.assert_accessible()
        page.fill("#slug", "school-check")
        page.fill("#title", "School check")
        page.fill("#audience", "pupils at Riverside Academy")
        _submit(page, "Start the survey")
        for title in ("About you", "School"):
            page.fill("#page-title", title)
            _submit(page, "Add the page")
        for number, fields in QUESTIONS:
            _add_question(staff, number, fields)
        assert "No problems found." in page.inner_text("main")
        staff.assert_accessible()
        version_url = page.url.split("#")[0]

        # The question form's live preview (htmx) shows the question as a young person sees it.
        page.click("a[href$='/questions/helps']")
        page.wait_for_load_state("load")  # htmx (deferred) has started on the page
        # htmx has processed the form (not merely loaded), so the typing below is heard.
        page.wait_for_function("() => document.querySelector('form[hx-post]')?.['htmx-internal-data'] !== undefined")
        page.fill("#text", "What helps you most?")
        page.wait_for_selector("#question-preview >> text=What helps you most?")
        staff.assert_accessible()
        staff.goto(version_url.replace(live_server, "") + "/preview/2")
        assert page.locator(".builder-preview select").count() == 2
        staff.assert_accessible()

        # Urdu, side by side with the English.
        staff.goto(version_url.replace(live_server, ""))
        page.select_option("#language-languages", "ur")
        _submit(page, "Add the language")
        page.click("text=Translate into Urdu")
        assert "still need a translation" in page.inner_text("main")
        staff.assert_accessible()
        boxes = page.locator("textarea[name^=t]")
        for index in range(boxes.count()):
            boxes.nth(index).fill(f"اردو متن {index}")
        _submit(page, "Save the translation")
        assert "Everything is translated." in page.inner_text("main")

        # A wave from this version, opened.
        staff.goto(version_url.replace(live_server, ""))
        page.click("text=Make a wave from this version")
        page.fill("#title", "School check 2026")
        today = clock.today()
        page.fill("#opens_on", (today - timedelta(days=1)).isoformat())
        page.fill("#closes_on", (today + timedelta(days=30)).isoformat())
        _submit(page, "Create the wave")
        assert "Urdu" in page.inner_text("main")
        _submit(page, "Open the wave")
        wave_url = page.url.replace(live_server, "")
        public = page.locator("dt:text('Public link') + dd a").get_attribute("href")
    finally:
        staff.close()

    young = Browser(chromium, live_server)  # phone-sized
    try:
        page = young.page
        young.goto(public)
        page.select_option("#lang", "ur")
        _submit(page, "Use this language")
        assert page.locator("h1[lang=ur][dir=rtl]").count() == 1
        young.assert_accessible()
        page.click("a.button")  # "Start the survey", in Urdu
        assert page.locator("div.narrow[lang=ur][dir=rtl]").count() == 1
        assert "اردو متن" in page.inner_text("h1")
        page.check("input[name=year][value=y8]")
        page.fill("input[name=clubs]", "2")
        young.assert_accessible()
        _submit(page, "جاری رکھیں")  # Continue
        page.check("input[name=worries][value=knives]")
        page.check("input[name=safe][value='2']")
        page.check("input[name=feel-yard][value='1']")
        page.select_option("select[name=helps-1]", "1")
        page.select_option("select[name=helps-2]", "1")  # the same rank twice: refused
        page.fill("textarea[name=more]", "زیادہ روشنی چاہیے")
        young.assert_accessible()
        _submit(page, "میرے جوابات بھیجیں")  # Send my answers
        assert "ہر درجہ صرف ایک بار دیں" in page.inner_text("main")
        young.assert_accessible()
        page.select_option("select[name=helps-2]", "2")
        _submit(page, "میرے جوابات بھیجیں")
        assert page.inner_text("h1") == "شکریہ"  # Thank you, in Urdu like the rest of the pages
    finally:
        young.close()

    staff = Browser(chromium, live_server, viewport={"width": 1280, "height": 900})
    try:
        staff.sign_in("staff")
        page = staff.page
        staff.goto(wave_url)
        _submit(page, "Close the wave")  # a closed wave releases its results
        page.click("text=Results, breakdowns and comparison")
        main = page.inner_text("main")
        assert "Which year are you in?" in main and "<10 people answered" in main
        staff.assert_accessible()
        staff.goto(wave_url + "/free-text")
        assert "زیادہ روشنی چاہیے" in page.inner_text("main")  # the Urdu answer is in this wave's results
    finally:
        staff.close()


def test_preview_and_urdu_answering_work_without_javascript(app, chromium, live_server, demo_users, make_wave):
    from livesafe.surveys import definitions as defs, demo_translated

    wave = make_wave(defs.validate(demo_translated.definition(), "quick-check"))  # (axe needs JS: see above)
    session = Browser(chromium, live_server, javascript=False)
    try:
        session.sign_in("staff")
        page = session.page
        session.goto(f"/surveys/manage/builder/{wave.version_id}/questions/helps")
        page.fill("#text", "Which helps you most?")
        _submit(page, "Preview")  # no JavaScript: the button shows the preview, nothing is saved
        assert "Which helps you most?" in page.inner_text("#question-preview")
        assert page.locator("#question-preview select").count() == 3
        session.goto(f"/surveys/manage/builder/{wave.version_id}/preview/2?lang=ur")
        assert page.locator(".builder-preview[lang=ur][dir=rtl]").count() == 1
    finally:
        session.close()
    young = Browser(chromium, live_server, javascript=False)
    try:
        page = young.page
        young.goto(f"/surveys/{wave.slug}?lang=ur")
        page.click("a.button")
        page.check("input[name=age_band][value='11-15']")
        _submit(page, "جاری رکھیں")
        page.check("input[name=feel-dark][value='1']")
        page.select_option("select[name=helps-3]", "1")
        _submit(page, "جاری رکھیں")
        assert "کس سے بات کریں گے" in page.inner_text("main")  # shown: unsafe after dark (OR)
        page.check("input[name=talk_to][value=friends]")
        _submit(page, "میرے جوابات بھیجیں")
        assert page.inner_text("h1") == "شکریہ"  # Thank you, in Urdu like the rest of the pages
    finally:
        young.close()
