"""Ranking, highlighting, did-you-mean, fuzzy matching, facets, paging, events and hostile input."""
from datetime import datetime, timezone

import pytest

from livesafe.search.logic import MAX_QUERY_CHARS, clean_query
from tests.hub.conftest import NOW
from tests.hub.factory import event, page

HOSTILE = [
    '"', '""', '"knife', "*", "knife*", "AND(", "AND", "OR NOT", "(((", ")", "~", "knife~2", "title:", "title:knife",
    "knife^99", "[a TO z]", "{x", "\\", "'", "%", "<script>alert(1)</script>", "\x00", "knife\x00crime",
    "\x01\x02\x1b[31m", "\u202e\u200b", "😀🔪", "k" * 5000, "knife " * 1000, "ÿ" * 300, "\ud800",
]


def test_a_title_match_outranks_a_body_match(make_index):
    searches, _ = make_index(pages=[
        page("body", "Road safety", "The zebra crossing is near. A zebra crossing helps. Use the zebra crossing."),
        page("title", "Zebra crossings", "Cross the road carefully with an adult."),
        page("other", "Bus travel", "Sit near the driver."),
    ])
    assert [hit.path for hit in searches.search("zebra").hits] == ["/articles/title", "/articles/body"]


def test_snippets_mark_the_matched_words_and_escape_everything_else(make_index):
    searches, _ = make_index(pages=[page("a", "Rules", "The zebra rule: 3 < 4 & 5 > 2, said <b>nobody</b>.")])
    snippet = str(searches.search("zebra").hits[0].snippet)
    assert "<mark>zebra</mark>" in snippet
    assert "3 &lt; 4 &amp; 5 &gt; 2" in snippet
    assert "<b>" not in snippet


def test_plural_and_stemmed_forms_match(make_index):
    searches, _ = make_index(pages=[page("a", "Blades", "Carrying knives is dangerous.")])
    assert searches.search("knife carried").hits[0].path == "/articles/a"


def test_did_you_mean_corrects_knif_crme_and_finds_knife_crime_pages(shipped, library):
    results = shipped.search("knif crme")
    assert results.suggestion == "knife crime"
    assert results.corrected
    knife_crime_pages = {f"/articles/{item.slug}" for item in library.pages_for(topic="knife-crime")}
    assert results.hits[0].path in knife_crime_pages
    assert "/articles/knives-and-the-law" in [hit.path for hit in results.hits]


def test_no_suggestion_when_every_word_is_known(shipped):
    assert shipped.search("knife law").suggestion is None
    assert shipped.search("webinars").suggestion is None  # "webinar" is in the index as another form


def test_fuzzy_matching_finds_a_misspelt_word_beside_a_correct_one(make_index):
    searches, _ = make_index(pages=[
        page("zebra", "Zebra", "Stripes."), page("giraffe", "Giraffe", "A long neck."), page("lion", "Lion", "Mane."),
    ])
    results = searches.search("zebra girafe")
    assert results.suggestion == "zebra giraffe" and not results.corrected
    assert {hit.path for hit in results.hits} == {"/articles/zebra", "/articles/giraffe"}


def _facet_corpus(make_index):
    return make_index(pages=[
        page("y1", "One", "zebra", topics=["knife-crime"]),
        page("y2", "Two", "zebra", topics=["knife-crime"]),
        page("y3", "Three", "zebra", topics=["knife-crime", "bullying"]),
        page("p1", "Four", "zebra", audience="parents-carers", topics=["bullying"]),
        page("p2", "Five", "zebra", audience="parents-carers", topics=["bullying"]),
        page("x1", "Six", "lion", audience="professionals", topics=["bullying"]),
    ])


def test_facet_counts_by_audience_and_topic(make_index):
    searches, _ = _facet_corpus(make_index)
    results = searches.search("zebra")
    assert results.total == 5
    assert results.audience_counts == [("young-people", "Young people", 3), ("parents-carers", "Parents and carers", 2),
                                       ("professionals", "Professionals", 0)]
    assert results.topic_counts == [("bullying", 3), ("knife-crime", 3)]


def test_filtering_by_audience_narrows_results_and_the_topic_counts(make_index):
    searches, _ = _facet_corpus(make_index)
    results = searches.search("zebra", audience="parents-carers")
    assert {hit.path for hit in results.hits} == {"/articles/p1", "/articles/p2"}
    assert results.topic_counts == [("bullying", 2)]
    # Audience counts stay those of the whole query, so other audiences can still be chosen.
    assert [count for _, _, count in results.audience_counts] == [3, 2, 0]


def test_filtering_by_topic_and_audience_together(make_index):
    searches, _ = _facet_corpus(make_index)
    results = searches.search("zebra", audience="young-people", topic="bullying")
    assert [hit.path for hit in results.hits] == ["/articles/y3"]
    assert [count for _, _, count in results.audience_counts] == [1, 2, 0]


def test_paging_through_results(make_index):
    searches, _ = make_index(pages=[page(f"p{n:02d}", f"Page {n}", "zebra " * (n % 5 + 1)) for n in range(25)])
    pages = [searches.search("zebra", page=number) for number in (1, 2, 3)]
    assert [(found.page, found.pages, len(found.hits)) for found in pages] == [(1, 3, 10), (2, 3, 10), (3, 3, 5)]
    paths = [hit.path for found in pages for hit in found.hits]
    assert len(set(paths)) == 25
    assert searches.search("zebra", page=99).page == 3
    assert searches.search("zebra", page=0).page == 1


def test_finished_events_are_not_found(make_index):
    searches, _ = make_index(events=[event("zebra-talk", "Zebra talk", "2026-10-15T18:30", "2026-10-15T19:30")])
    before = datetime(2026, 10, 1, tzinfo=timezone.utc)
    assert [hit.path for hit in searches.search("zebra", now=before).hits] == ["/events/zebra-talk/book"]
    assert searches.search("zebra", now=NOW).total == 0


def test_services_events_and_campaigns_are_searchable(shipped):
    assert shipped.search("Childline", now=NOW).hits[0].path == "/services#childline"
    webinars = shipped.search("webinar", now=NOW)
    # The events listing is a page people look for too.
    assert webinars.hits and all(hit.kind == "event" or hit.path == "/events" for hit in webinars.hits[:3])
    assert "/campaigns/lives-not-knives" in [hit.path for hit in shipped.search("lives not knives", now=NOW).hits]


def test_knife_law_finds_the_law_page_first(shipped):
    assert shipped.search("knife law").hits[0].path == "/articles/knives-and-the-law"


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(shipped, query):
    results = shipped.search(query)
    assert results.page == 1 and len(results.query) <= MAX_QUERY_CHARS


def test_clean_query_keeps_printable_text_only():
    assert clean_query("  knife\x00\x01  crime\n\t ") == "knife crime"
    assert clean_query("a" * 5000) == "a" * MAX_QUERY_CHARS
    assert clean_query(None) == ""
