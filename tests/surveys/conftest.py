"""Survey fixtures: a small definition with every question type, waves, and a helper that answers."""
import html
import re
from datetime import timedelta

import pytest

from livesafe import clock
from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.kernel import apply
from livesafe.surveys import definitions as defs
from livesafe.surveys import logic
from livesafe.surveys.models import SurveyWave

SMALL = """
slug: test-survey
title: Test survey
audience: people testing the survey
minutes: 2
breakdowns: {district: district, age_band: age, gender: gender}
pages:
  - title: About you
    questions:
      - code: age
        type: single
        personal: true
        text: How old are you?
        options:
          - {value: young, label: Young}
          - {value: old, label: Old}
          - {value: prefer_not_to_say, label: I'd rather not say}
      - code: district
        type: single
        personal: true
        text: Where do you live?
        options:
          - {value: leicester, label: Leicester}
          - {value: rutland, label: Rutland}
          - {value: prefer_not_to_say, label: I'd rather not say}
      - code: gender
        type: single
        personal: true
        text: What is your gender?
        options:
          - {value: girl, label: Girl}
          - {value: boy, label: Boy}
          - {value: prefer_not_to_say, label: I'd rather not say}
  - title: Feelings
    questions:
      - code: safe
        type: rating
        text: How safe do you feel after dark?
        scale: [Very unsafe, Unsafe, Neither, Safe, Very safe]
      - code: worries
        type: multiple
        text: What worries you?
        options:
          - {value: knives, label: Knives}
          - {value: gangs, label: Gangs}
          - {value: none, label: None of these, exclusive: true}
  - title: Knives
    questions:
      - code: carried
        type: single
        personal: true
        text: Have you carried a knife?
        options:
          - {value: "yes", label: "Yes"}
          - {value: "no", label: "No"}
          - {value: prefer_not_to_say, label: I'd rather not say}
  - title: Why
    questions:
      - code: why
        type: multiple
        personal: true
        text: Why did you carry one?
        show_if: {question: carried, any_of: ["yes"]}
        options:
          - {value: protection, label: To protect myself}
          - {value: other, label: Another reason}
          - {value: prefer_not_to_say, label: I'd rather not say, exclusive: true}
  - title: More
    questions:
      - code: adults
        type: number
        min: 0
        max: 20
        text: How many adults could you talk to?
      - code: ideas
        type: text
        max_length: 50
        text: What would make you feel safer?
signposts:
  - key: unsafe
    when: [{question: safe, any_of: ["1", "2"]}]
    title: If you feel unsafe
    text: You said you feel unsafe.
    links: [{href: /articles/if-you-feel-unsafe-right-now, label: What to do if you feel unsafe right now}]
  - key: carried
    when: [{question: carried, any_of: ["yes"]}]
    title: About carrying a knife
    text: Carrying makes you less safe.
    links: [{href: /articles/knives-and-the-law, label: What the law says about knives}]
"""

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ACTION = re.compile(r'<form method="post" action="(/surveys/[^"]+/page/[^"]+)"')


def small_definition() -> dict:
    return defs.parse(SMALL, "test")


def staff_user() -> User:
    """The demo staff account (made here, without a password, if the test has no demo users)."""
    user = account(roles.STAFF)
    if user is None:
        user = User(email="staff@example.org", role=roles.STAFF, name="Demo Staff")
        db.session.add(user)
        db.session.flush()
    return user


@pytest.fixture
def make_wave(app):
    """Make a wave (open by default) and return its id and slug."""

    def make(definition=None, status=logic.OPEN, title="Test wave", opens_in=-1, closes_in=30):
        with app.app_context():
            today = clock.today()
            staff = staff_user()
            wave = logic.create_wave(definition or small_definition(), title, today + timedelta(days=opens_in),
                                     today + timedelta(days=closes_in), staff)
            if status in (logic.OPEN, logic.CLOSED):
                apply(logic.WAVES, wave, "open", staff)
            if status == logic.CLOSED:
                apply(logic.WAVES, wave, "close", staff)
            db.session.commit()
            db.session.refresh(wave)
            db.session.expunge(wave)
            return wave

    return make


@pytest.fixture
def wave(make_wave):
    return make_wave()


def token_of(response) -> str:
    match = TOKEN.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_codes(wave: SurveyWave, number: int) -> list[str]:
    return [q["code"] for q in wave.definition["pages"][number - 1]["questions"]]


def respond(client, wave: SurveyWave, answers: dict, setting: str | None = None, start: int = 1):
    """Answer the whole survey like a browser without JavaScript; returns the last response (the
    thank-you page, which is the answer to the final POST itself)."""
    first = f"/surveys/{wave.slug}/page/{start}" + (f"?setting={setting}" if setting else "")
    page = client.get(first)
    assert page.status_code == 200, page.status_code
    token = token_of(page)
    location = html.unescape(ACTION.search(page.get_data(as_text=True)).group(1))  # where the form posts
    while "/page/" in location:
        number = int(location.split("?")[0].rsplit("/", 1)[1])
        data = {code: answers[code] for code in page_codes(wave, number) if code in answers}
        response = client.post(location, data={**data, "csrf_token": token, "action": "next"})
        if response.status_code == 200 and "<h1>Thank you</h1>" in response.get_data(as_text=True):
            break
        assert response.status_code == 302, (location, response.status_code, response.get_data(as_text=True)[:2000])
        location = response.headers["Location"]
    return response


def add_responses(app, wave: SurveyWave, answer_sets: list[dict], setting: str | None = None, test: bool = False):
    """Store responses straight through logic.submit (what the last page does)."""
    import secrets

    with app.app_context():
        stored = db.session.get(SurveyWave, wave.id)
        for answers in answer_sets:
            state = {"wave": wave.id, "answers": answers, "setting": setting, "test": test,
                     "token": secrets.token_urlsafe(8)}
            assert logic.submit(stored, state)
        db.session.commit()


def many(count: int, **answers) -> list[dict]:
    return [dict(answers) for _ in range(count)]
