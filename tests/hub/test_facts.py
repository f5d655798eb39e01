"""The law and the help numbers, stated exactly (issue 10, item 5), and every page reviewed and reachable.

Each corrected statement is looked for where it belongs, and each wrong form it replaced is looked for
everywhere a visitor can read: pages, campaigns and service descriptions.
"""
import re

import pytest

NEW_PAGES = [
    "weapons-other-than-knives", "abuse-at-home", "controlling-partners-and-exes", "after-rape-or-sexual-assault",
    "running-away-or-nowhere-to-stay", "self-harm", "self-harm-for-parents", "drugs-by-name",
    "fight-videos-and-violence-online", "bullying-in-person", "child-sexual-exploitation-signs-for-parents",
    "remand-and-youth-custody", "criminal-records-jobs-and-training", "grief-after-violence",
    "criminal-injuries-compensation", "when-a-pupil-carries-a-knife", "volunteering-and-mentoring",
    "things-we-dont-cover-here",
]


def everything(library):
    """Every text a visitor reads, by where it is shown."""
    texts = {f"/articles/{slug}": page.title + "\n" + page.text for slug, page in library.pages.items()}
    texts |= {f"/campaigns/{slug}": item.title + "\n" + item.text for slug, item in library.campaigns.items()}
    texts |= {f"/services#{service.slug}": " ".join([service.summary, service.offers, service.how_to_contact])
              for service in library.services}
    return texts


def flat(text):
    return " ".join(text.split())


@pytest.mark.parametrize("slug, facts", [
    ("knives-and-the-law", [
        "Threatening someone with a knife or other weapon. The minimum applies the first time you are convicted.",
        "Carrying a knife or weapon. The minimum applies the second time you are convicted.",
        "aged 18 or over: at least 6 months in custody",
        "aged 16 or 17: at least a 4-month detention and training order",
        "under 16: there is no set minimum",
        "The court can only give less than the minimum if there are exceptional circumstances.",
        "Sentencing Act 2020 (sections 312 and 315)",
        "What can happen if you are convicted",
        "This includes a small pocket knife that would otherwise be legal.",
        "section 1 of the Prevention of Crime Act 1953",
        "zombie-style knives and zombie-style machetes (banned since 24 September 2024)",
        "ninja swords (banned since 1 August 2025)",
        "Other machetes are not banned.",
        "section 139A",
        "It has its own good reasons.",
        "Just being there is not enough by itself",
        "The age of criminal responsibility in England and Wales is 10.",
    ]),
    ("sharing-images-and-online-safety", [
        "a nude or sexual picture or video of anyone under 18 is an indecent image of a child",
        "There is one very narrow exception for 16 and 17 year olds.",
        "married, in a civil partnership, or living together as a couple in a lasting relationship",
        "It does not cover most boyfriends and girlfriends.",
        "outcome 21",
        "Outcome 21 is not a conviction or a caution.",
    ]),
    ("online-safety-at-home", ["section 160A of the Criminal Justice Act 1988", "outcome 21"]),
    ("reporting-a-crime-anonymously", [
        "Calls to 999 are free, but they are not anonymous.", "Calls to 101 cost 15p."]),
    ("weapons-other-than-knives", [
        "Pepper spray and CS gas are banned weapons.", "section 5 of the Firearms Act 1968",
        "even keeping one at home is a crime", "section 19 of the Firearms Act 1968"]),
    ("feeling-low-who-to-talk-to", ["choose the mental health option", "Childline is for anyone under 19."]),
])
def test_corrected_statements_are_present(library, slug, facts):
    text = flat(library.pages[slug].text)
    for fact in facts:
        assert fact in text, (slug, fact)


WRONG = [
    r"unless that would be unjust", r"particular circumstances", r"\bif you are caught\b", r"caught a second time",
    r"zombie-style knives and machetes", r"machetes are banned", r"101[^.]*\bfree\b", r"\bfree\b[^.]*\b101\b",
    r"999[^.]*anonymous(?! ?\.)(?<!not anonymous)", r"You don't have to give your name to get help in an emergency",
    r"if the people involved are in a relationship", r"prison (just )?for (just )?being there",
    r"Childline[^.]*any age", r"All of these are free",
]


def test_wrong_forms_are_absent_everywhere(library):
    for where, text in everything(library).items():
        for block in text.splitlines():  # one paragraph, heading or list item at a time
            for wrong in WRONG:
                found = re.search(wrong, block, re.I)
                assert not found, (where, found.group(0))


def test_999_is_never_called_anonymous(library):
    for where, text in everything(library).items():
        for sentence in re.split(r"(?<=[.!?])\s|\n", text):
            if "999" in sentence and "anonymous" in sentence.lower():
                assert "not anonymous" in sentence, (where, sentence)


def test_101_always_says_what_it_costs_when_called_by_cost(library):
    services = {service.slug: service for service in library.services}
    assert "Calls cost 15p." in services["police-101"].how_to_contact
    assert "not anonymous" in services["emergency-999"].how_to_contact


def test_helplines_say_who_they_are_for_and_when_they_are_open(library):
    services = {service.slug: service for service in library.services}
    for slug, phone, ages in [
        ("childline", "0800 1111", (0, 18)), ("samaritans", "116 123", (0, 99)), ("shout", "85258", (0, 99)),
        ("national-domestic-abuse-helpline", "0808 2000 247", (16, 99)), ("runaway-helpline", "116 000", (0, 17)),
        ("rape-crisis", "0808 500 2222", (16, 99)), ("frank", "0300 123 6600", (0, 99)),
        ("shelter", "0808 800 4444", (16, 99)), ("nhs-111", "111", (0, 99)),
    ]:
        service = services[slug]
        assert service.phone == phone and (service.age_min, service.age_max) == ages, slug
        assert service.hours or "opening times" in service.how_to_contact, slug


def test_every_local_service_says_how_to_get_a_place(library):
    for service in library.services:
        if not service.national:
            text = service.how_to_contact.lower()
            assert "refer" in text or "apply" in text or "ask" in text, service.slug


def test_every_page_and_campaign_has_a_reviewed_date_and_a_later_review_date(library):
    for item in [*library.pages.values(), *library.campaigns.values()]:
        assert item.last_reviewed and item.next_review and item.last_reviewed < item.next_review, item.slug


def test_every_article_shows_when_it_was_reviewed(client, library):
    for slug in NEW_PAGES:
        page = client.get(f"/articles/{slug}").get_data(as_text=True)
        assert "reviewed" in page.lower(), slug


@pytest.mark.parametrize("slug", NEW_PAGES)
def test_every_new_page_is_reachable_from_its_audience_and_a_topic_page(client, library, slug):
    page = library.pages[slug]
    link = f'href="/articles/{slug}"'
    assert link in client.get(f"/{page.audience}").get_data(as_text=True)
    assert any(link in client.get(f"/topics/{topic}").get_data(as_text=True) for topic in page.topics)


@pytest.mark.parametrize("slug", NEW_PAGES)
def test_every_new_page_ends_with_help_and_has_related_pages(library, slug):
    page = library.pages[slug]
    assert len(page.related) >= 3
    assert re.search(r"999|0800 1111|116 123|0808 800 5000", page.text), slug
