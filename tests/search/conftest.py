import pytest

from livesafe.hub.content import load_library
from livesafe.search import index
from livesafe.search.logic import SearchIndex
from tests.hub.conftest import frozen_now, library  # noqa: F401  (shared fixtures)
from tests.hub.factory import write_content


@pytest.fixture
def make_index(tmp_path):
    """Build an index from a small content folder written for the test: returns (SearchIndex, Library)."""
    counter = iter(range(1000))

    def make(**content):
        root = write_content(tmp_path / f"content-{next(counter)}", **content)
        loaded = load_library(root)
        index.build(tmp_path / "index", loaded)
        return SearchIndex(tmp_path / "index"), loaded

    return make


@pytest.fixture
def shipped(app):
    """The index of the shipped content, as the app built it at start-up."""
    return app.extensions["search_index"]
