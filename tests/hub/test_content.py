"""The shipped content: enough pages per audience, complete front matter, plain words, correct facts, no broken links."""
import re
from pathlib import Path

import pytest

from livesafe.hub import logic
from livesafe import places
from livesafe.hub.content import AUDIENCES, ContentError, load_library
from livesafe.hub.readability import TARGET_READING_AGE
from tests.hub.factory import event, page, write_content

SEEDS = Path("/work/shared/seeds")


def test_enough_pages_for_each_audience(library):
    counts = {audience: len(library.pages_for(audience=audience)) for audience in AUDIENCES}
    assert counts["young-people"] >= 14
    assert counts["parents-carers"] >= 5
    assert counts["professionals"] >= 4


def test_required_pages_exist(library):
    for slug in ["knives-and-the-law", "why-people-carry-knives", "after-you-have-been-hurt", "what-works-evidence"]:
        assert slug in library.pages


def test_every_page_has_complete_front_matter(library):
    for item in library.pages.values():
        assert item.title and item.topics and item.related
        assert item.last_reviewed < item.next_review, item.slug
        assert all(topic in library.topics for topic in item.topics)
        assert all(slug in library.pages and slug != item.slug for slug in item.related), item.slug


@pytest.mark.parametrize("kind", ["pages", "campaigns"])
def test_every_summary_is_one_sentence(library, kind):
    for item in getattr(library, kind).values():
        assert len(re.findall(r"[.!?](?:\s|$)", item.summary)) == 1 and item.summary.endswith("."), item.slug


def test_young_peoples_pages_services_and_campaigns_read_at_12_or_below(library):
    rows = logic.readability_report(library)
    targeted = {row.url for row in rows if row.has_target}
    assert {f"/articles/{item.slug}" for item in library.pages_for(audience="young-people")} <= targeted
    assert {f"/campaigns/{slug}" for slug in library.campaigns} <= targeted
    assert {f"/services#{service.slug}" for service in library.services} <= targeted
    too_hard = [(row.url, row.age) for row in rows if row.has_target and row.age > TARGET_READING_AGE]
    assert too_hard == []


def test_no_internal_link_is_broken(library):
    assert logic.broken_links(library, route_exists=lambda path: path in {"/privacy", "/accessibility", "/staying-private"}) == []


def test_knife_law_facts_are_stated_exactly(library):
    text = library.pages["knives-and-the-law"].text
    for fact in [
        "section 139 of the Criminal Justice Act 1988",
        "Wanting to protect yourself is not a good reason.",
        "3 inches (7.62 cm) or less",
        "A lock knife is not a folding pocket knife.",
        "Using any knife to threaten someone is a crime",
        "section 139A",
        "4 years in prison",
        "a fine with no upper limit",
        "aged 18 or over: at least 6 months in custody",
        "aged 16 or 17: at least a 4-month detention and training order",
        "under 16: there is no set minimum",
        "exceptional circumstances",
        "zombie-style knives and zombie-style machetes (banned since 24 September 2024)",
        "ninja swords (banned since 1 August 2025)",
        "R v Jogee",
        "Just being there is not enough by itself",
        "The age of criminal responsibility in England and Wales is 10.",
    ]:
        assert fact in text, fact


def test_no_page_says_you_go_to_prison_just_for_being_there(library):
    for item in [*library.pages.values(), *library.campaigns.values()]:
        assert not re.search(r"prison (just )?for (just )?being there", item.text, re.I), item.slug


def test_help_numbers_are_right_wherever_they_appear(library):
    text = " ".join(item.text for item in [*library.pages.values(), *library.campaigns.values()])
    assert "0800 1111" in text and "0800 555 111" in text and "116 123" in text and "85258" in text
    # A wrong digit in a help number is worse than no number: look for near-misses of each.
    for wrong in re.findall(r"0800 ?\d{3} ?\d{3,4}|0808 ?\d{3,4} ?\d{3,4}|116 ?\d{3}|0300 ?\d{3} ?\d{4}", text):
        assert wrong in {"0800 1111", "0800 555 111", "0808 800 5000", "116 123", "116 000", "0808 2000 247",
                         "0808 500 2222", "0808 800 4444", "0300 123 6600"}, wrong


def test_services_cover_every_funded_intervention_and_national_helpline(library):
    services = {service.name: service for service in library.services}
    for name, age_min, age_max in [
        ("Mentors in Violence Prevention (MVP)", 11, 16), ("The Reach Programme", 11, 16),
        ("Early Intervention Service", 10, 17), ("Community Mentoring Project", 15, 25),
        ("Unlocking Potential (UP)", 16, 25), ("Violence Intervention Project (VIP)", 11, 25),
        ("The Phoenix Programme", 10, 65),
    ]:
        assert (services[name].age_min, services[name].age_max) == (age_min, age_max), name
        assert not services[name].national and services[name].how_to_contact
    assert services["Early Intervention Service"].areas == ("Leicester",)
    assert set(services["Community Mentoring Project"].areas) == {"Leicester", "Charnwood"}
    phones = {service.phone for service in library.services if service.national}
    assert {"999", "101", "0800 1111", "0800 555 111", "0808 800 5000", "116 123", "85258", "111",
            "0808 2000 247", "116 000", "0808 500 2222", "0300 123 6600", "0808 800 4444"} <= phones
    assert "Fearless" in services
    for service in library.services:
        assert set(service.areas) <= set(places.NAMES) and service.summary and service.offers


def test_three_campaigns_with_calls_to_action_and_no_logos(library):
    titles = {campaign.title for campaign in library.campaigns.values()}
    assert titles == {"Lives Not Knives", "Make a Stand Against Violence", "You're Right, That's Wrong"}
    for campaign in library.campaigns.values():
        assert len(campaign.call_to_action) >= 2
        assert "<img" not in campaign.html and "logo" not in campaign.source.lower()


def test_events_have_what_a_listing_needs(library):
    assert len(library.events) >= 3
    for item in library.events:
        assert item.booking_url == f"/events/{item.slug}/book"
        assert item.online or item.place
        assert item.starts < item.ends


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
def test_no_name_or_contact_detail_from_the_seeds(library):
    seeds = " ".join(path.read_text(errors="ignore") for path in SEEDS.glob("*.txt"))
    emails = set(re.findall(r"[\w.+-]+@[\w.-]+\.\w+", seeds))
    phones = {re.sub(r"\s", "", number) for number in re.findall(r"\b07\d{3} ?\d{6}\b|\b01\d{2,3} ?\d{3} ?\d{3,4}\b", seeds)}
    names = {" ".join(part.title() for part in email.split("@")[0].split(".")) for email in emails if "." in email.split("@")[0]}
    assert emails and names
    content = " ".join(item.source for item in [*library.pages.values(), *library.campaigns.values()])
    content += " ".join(f"{service.how_to_contact} {service.phone}" for service in library.services)
    flat = re.sub(r"\s", "", content)
    for found in emails:
        assert found.lower() not in content.lower()
    for number in phones:
        assert number not in flat
    for name in names:
        assert name not in content


# The loader refuses broken content, so a mistake stops start-up instead of showing a broken page.

def test_a_page_without_a_summary_is_refused(tmp_path):
    item = page("a", "A page", "Text.")
    item["summary"] = ""
    with pytest.raises(ContentError, match="missing summary"):
        load_library(write_content(tmp_path, pages=[item]))


def test_an_unknown_topic_or_audience_is_refused(tmp_path):
    with pytest.raises(ContentError, match="unknown topic"):
        load_library(write_content(tmp_path / "one", pages=[page("a", "A", "Text.", topics=["nope"])]))
    with pytest.raises(ContentError, match="audience"):
        load_library(write_content(tmp_path / "two", pages=[page("a", "A", "Text.", audience="everyone")]))


def test_a_page_without_front_matter_is_refused(tmp_path):
    root = write_content(tmp_path)
    (root / "pages" / "bare.md").write_text("# Just text\n")
    with pytest.raises(ContentError, match="front matter"):
        load_library(root)


def test_an_event_in_a_place_needs_the_place_and_must_end_after_it_starts(tmp_path):
    with pytest.raises(ContentError, match="needs a place"):
        load_library(write_content(tmp_path / "one", events=[
            event("e", "E", "2026-11-01T10:00", "2026-11-01T11:00", online=False)]))
    with pytest.raises(ContentError, match="ends must be after starts"):
        load_library(write_content(tmp_path / "two", events=[
            event("e", "E", "2026-11-01T10:00", "2026-11-01T09:00")]))


def test_event_times_are_london_local_time_stored_as_utc(tmp_path):
    loaded = load_library(write_content(tmp_path, events=[
        event("summer", "S", "2026-07-01T18:30", "2026-07-01T19:30"),
        event("winter", "W", "2026-12-01T18:30", "2026-12-01T19:30"),
    ]))
    starts = {item.slug: item.starts for item in loaded.events}
    assert starts["summer"].isoformat() == "2026-07-01T17:30:00+00:00"  # BST is UTC+1
    assert starts["winter"].isoformat() == "2026-12-01T18:30:00+00:00"


def test_bare_web_addresses_become_links_without_the_full_stop(tmp_path):
    loaded = load_library(write_content(tmp_path, pages=[page("a", "A", "Go to https://www.example.org. Then rest.")]))
    assert '<a href="https://www.example.org">https://www.example.org</a>. Then rest.' in loaded.pages["a"].html


def test_the_content_hash_changes_when_any_file_changes(tmp_path):
    root = write_content(tmp_path, pages=[page("a", "A", "Text.")])
    before = load_library(root).content_hash
    (root / "pages" / "a.md").write_text((root / "pages" / "a.md").read_text().replace("Text.", "Other text."))
    assert load_library(root).content_hash != before


def test_search_data_for_the_new_subjects_is_well_formed(library):
    import yaml
    synonyms = yaml.safe_load((Path(__file__).resolve().parents[2] / "content/search/synonyms-more.yaml").read_text())
    assert all(isinstance(term, str) and isinstance(words, list) and words for term, words in synonyms.items())
    queries = yaml.safe_load((Path(__file__).resolve().parents[2] / "content/search/evaluation-more.yaml").read_text())
    assert len(queries) >= 60
    assert {query["audience"] for query in queries} == {"young-people", "parents-carers", "professionals"}
    for query in queries:
        assert query["query"] and isinstance(query["crisis"], bool)
        assert all(path.startswith("/articles/") and path.split("/")[-1] in library.pages for path in query["expect"])
