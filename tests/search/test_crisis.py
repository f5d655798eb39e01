"""Crisis comes first: crisis searches (misspelt and slang too) show the crisis panel before any result and are
never rewritten; real words and slang are never "corrected"; the evaluation set meets its goal."""
from pathlib import Path

import pytest

from livesafe.search.evaluation import evaluate, load_cases, rewrites_real_word
from livesafe.search.vocabulary import load_search_data
from tests.hub.conftest import NOW

CONTENT = Path(__file__).resolve().parents[2] / "content"

CRISIS = [
    "i want to kill myself", "i want to die", "dont want to be here", "don't want to be here anymore", "sucidal",
    "suicidle", "suicde", "kms", "kys", "self harm", "selfharm", "self-harm", "Self Harm", "he hit me",
    "someone stabbed my friend", "i was raped", "sexual assault", "running away", "got kicked out", "help me",
    "unalive myself", "wanna die", "SUICIDAL!!!", "i keep cutting myself", "my mate got cheffed",
    "my bro got stabbed what do we do",
]
# Real English words and slang that once were "corrected" (kill->kind, self->see, sucidal->social, shank->share,
# trapping->training), or could be.
REAL_WORDS = [
    "kill myself", "self harm", "shank", "trapping", "opps", "plugging", "cuckooing", "jumped", "snitching",
    "grass", "nudes", "sextortion", "weed", "nos", "ket", "bora", "nank", "feds", "kind", "see", "social",
    "share", "training", "wanna", "gonna", "bruv", "peng", "innit", "excluded", "exclusion", "blade",
    # slang and contractions typed without the apostrophe, from the held-out set (sket->set, skeng->send,
    # some1->same, whos->whom, didnt->dont were offered before)
    "mate", "bare", "allow", "wagwan", "opp", "ends", "sket", "skeng", "cheffed", "nang", "neek", "some1", "ppl",
    "my friend whos being bullied", "when i didnt want them to", "youre", "isnt",
]


@pytest.fixture(scope="module")
def data():
    return load_search_data(CONTENT)


@pytest.mark.parametrize("query", CRISIS)
def test_crisis_queries_show_the_panel_and_are_never_rewritten(shipped, query):
    results = shipped.search(query, now=NOW)
    assert results.crisis is not None
    assert results.crisis.contacts[0].number == "999"
    assert results.suggestion is None and not results.corrected
    assert results.hits  # the most relevant pages follow the panel


@pytest.mark.parametrize("query", ["i want to kill myself", "sucidal", "kms"])
def test_suicide_searches_list_samaritans_shout_childline_and_nhs_111(shipped, query):
    numbers = [contact.number for contact in shipped.search(query).crisis.contacts]
    assert numbers[0] == "999" and {"116 123", "85258", "0800 1111", "111"} <= set(numbers)


def test_the_panel_is_tailored_by_kind(shipped):
    assert "0808 500 2222" in [c.number for c in shipped.search("i was raped").crisis.contacts]
    assert "116 000" in [c.number for c in shipped.search("i want to run away").crisis.contacts]
    assert "0808 800 5000" in [c.number for c in shipped.search("my dad hits me").crisis.contacts]


@pytest.mark.parametrize("query", ["knife law", "county lines", "mentor", "weed", "knif crme"])
def test_ordinary_searches_show_no_crisis_panel(shipped, query):
    assert shipped.search(query).crisis is None


@pytest.mark.parametrize("query", REAL_WORDS)
def test_real_words_and_slang_are_never_corrected(shipped, query):
    results = shipped.search(query)
    assert results.suggestion is None and not results.corrected


def test_misspellings_that_are_not_words_are_still_corrected(shipped):
    assert shipped.search("exploitaton").suggestion == "exploitation"
    assert shipped.search("knif crme").suggestion == "knife crime"


def test_the_rewrite_check_catches_a_real_word_rewritten(data):
    assert rewrites_real_word("i want to kill myself", "i want to kind myself", data)
    assert rewrites_real_word("sucidal", "social", data)
    assert not rewrites_real_word("knif crme", "knife crime", data)


def test_excluded_and_exclusion_find_the_same_pages(shipped):
    first = [hit.path for hit in shipped.search("excluded").hits[:3]]
    assert first == [hit.path for hit in shipped.search("exclusion").hits[:3]]
    assert first[0] == "/articles/exclusion-and-absence-from-school"


@pytest.mark.parametrize("query, path", [
    ("help me", "/get-help"), ("childline number", "/get-help"), ("shank", "/articles/knives-and-the-law"),
    ("laughing gas", "/articles/drugs-and-alcohol"), ("trapping", "/articles/criminal-exploitation-and-county-lines"),
])
def test_slang_and_help_searches_find_the_page(shipped, query, path):
    assert path in [hit.path for hit in shipped.search(query, now=NOW).hits[:3]]


def test_get_help_and_every_service_are_findable(shipped, library):
    assert shipped.search("get help now").hits[0].path == "/get-help"
    for service in library.services:
        paths = [hit.path for hit in shipped.search(service.name, now=NOW).hits[:3]]
        assert f"/services#{service.slug}" in paths, service.name


def test_topics_and_audience_pages_are_findable(shipped, library):
    for topic in library.topics.values():
        assert f"/topics/{topic.slug}" in [hit.path for hit in shipped.search(topic.name).hits], topic.name
    assert "/parents-carers" in [hit.path for hit in shipped.search("for parents and carers").hits[:5]]


def test_the_evaluation_set_meets_the_goal(shipped):
    cases = load_cases(CONTENT)
    assert len(cases) >= 120
    assert {case.audience for case in cases} == {"young-people", "parents-carers", "professionals"}
    report = evaluate(shipped, cases, now=NOW)
    assert report.hit3 >= 0.95, report.misses
    assert report.hit1 >= 0.85
    assert report.zero_rate <= 0.02
    assert report.crisis_first == 1.0
    assert report.rewritten == []


def test_every_evaluation_file_is_read(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "evaluation.yaml").write_text("- {query: a, audience: young-people, expect: [/x]}\n")
    (tmp_path / "search" / "evaluation-more.yaml").write_text(
        "- {query: b, audience: professionals, expect: [/y], crisis: true}\n")
    assert {(case.query, case.crisis) for case in load_cases(tmp_path)} == {("a", False), ("b", True)}


def test_every_synonyms_file_is_read(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "synonyms.yaml").write_text("- [zebra, stripy horse]\n")
    (tmp_path / "search" / "synonyms-more.yaml").write_text("- [okapi, forest giraffe]\n")
    data = load_search_data(tmp_path)
    assert [alternatives for _, alternatives in data.concepts("stripy horse okapi")] == [
        (("zebra",), ("stripy", "horse")), (("okapi",), ("forest", "giraffe"))]
