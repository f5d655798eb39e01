"""General ranking rules found with the held-out evaluation set: who is asking, irregular verbs, headings."""
from pathlib import Path

import pytest

from livesafe.hub.content import load_library
from livesafe.search import index, logic
from livesafe.search.vocabulary import is_english_word, load_search_data

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def data():
    return load_search_data(CONTENT)


def _stems(text):
    return [token.text for token in index.STEMMING(text, mode="query")]


@pytest.mark.parametrize("typed, plain", [("didnt", "didn't"), ("whos", "who's"), ("youre", "you're"),
                                          ("isnt", "isn't"), ("theyll", "they'll")])
def test_contractions_without_the_apostrophe_are_real_words(typed, plain):
    assert is_english_word(typed)


@pytest.mark.parametrize("word", ["knif", "crme", "sucidal", "nt"])
def test_misspellings_are_not_taken_for_contractions(word):
    assert not is_english_word(word)


def test_the_words_typed_say_who_is_asking(data):
    assert data.audiences("found a knife in my sons room") == {"parents-carers"}
    assert data.audiences("a pupil told me he carries") == {"professionals"}
    assert data.audiences("found a knife") == set()
    assert data.audiences("my sonic game") == set()  # whole words only


def test_a_parent_asking_gets_the_page_for_parents_first(shipped, monkeypatch):
    query = "my son was arrested last night what happens now"
    assert shipped.search(query).hits[0].path == "/articles/if-your-child-is-arrested-or-hurt"
    monkeypatch.setattr(logic, "AUDIENCE_BOOST", 1.0)
    # without it, the young person's page on their own rights comes first
    assert shipped.search(query).hits[0].path == "/articles/stop-and-search-and-arrest-your-rights"


@pytest.mark.parametrize("past, present", [("found a knife", "find a knife"), ("ran away", "run away"),
                                           ("got caught", "get catch"), ("stolen bike", "steal bike")])
def test_irregular_past_forms_find_the_present(past, present):
    assert _stems(past) == _stems(present)


def test_section_headings_are_indexed_as_a_field():
    documents = {doc["path"]: doc for doc in index.documents(load_library(CONTENT))}
    headings = documents["/articles/talking-to-your-child-about-knives"]["headings"]
    assert "If you find a knife" in headings.splitlines()
    assert "<" not in headings


def test_a_page_with_a_section_on_the_question_comes_first(shipped):
    # "If you find a knife" is a heading of the parents' page; the law page only mentions finding knives
    assert shipped.search("found a knife in my sons room").hits[0].path == "/articles/talking-to-your-child-about-knives"
