"""Building the index into a fresh directory, swapping it in atomically, and rebuilding when content changes."""
import os
import threading
from pathlib import Path

from livesafe import create_app
from livesafe.hub.content import load_library
from livesafe.search import index
from livesafe.search.logic import SearchIndex
from tests.hub.factory import page, write_content


def _builds(index_dir: Path) -> set[str]:
    return {path.name for path in index_dir.glob("build-*")}


def test_build_writes_a_new_directory_and_points_current_at_it(tmp_path):
    loaded = load_library(write_content(tmp_path / "content", pages=[page("a", "Zebra", "Stripes.")]))
    first = index.build(tmp_path / "index", loaded)
    assert os.readlink(tmp_path / "index" / "current") == first.name
    assert index.current_hash(tmp_path / "index") == index.index_hash(loaded)
    second = index.build(tmp_path / "index", loaded)
    assert second != first and os.readlink(tmp_path / "index" / "current") == second.name
    assert _builds(tmp_path / "index") == {first.name, second.name}  # the previous build is kept for readers
    third = index.build(tmp_path / "index", loaded)
    assert _builds(tmp_path / "index") == {second.name, third.name}  # older ones are removed


def test_a_search_started_on_the_old_build_finishes_and_the_next_one_uses_the_new(tmp_path):
    root = write_content(tmp_path / "content", pages=[page("a", "Zebra", "Stripes.")])
    index.build(tmp_path / "index", load_library(root))
    searches = SearchIndex(tmp_path / "index")
    opened = searches.acquire()
    write_content(root, pages=[page("a", "Zebra", "Stripes."), page("b", "Giraffe", "A long neck.")])
    index.build(tmp_path / "index", load_library(root))
    assert len(opened.searcher.search(searches_query("zebra"))) == 1  # old build still readable
    searches.release(opened)
    assert [hit.path for hit in searches.search("giraffe").hits] == ["/articles/b"]
    assert searches.acquire().target == os.readlink(tmp_path / "index" / "current")


def searches_query(word):
    from whoosh.query import Term

    return Term("title", word)


def test_ensure_current_rebuilds_only_when_the_content_changed(tmp_path):
    root = write_content(tmp_path / "content", pages=[page("a", "Zebra", "Stripes.")])
    assert index.ensure_current(tmp_path / "index", load_library(root)) is True
    target = os.readlink(tmp_path / "index" / "current")
    assert index.ensure_current(tmp_path / "index", load_library(root)) is False
    assert os.readlink(tmp_path / "index" / "current") == target
    write_content(root, pages=[page("a", "Zebra", "Stripes and a tail.")])
    assert index.ensure_current(tmp_path / "index", load_library(root)) is True
    assert os.readlink(tmp_path / "index" / "current") != target


def test_workers_starting_together_build_the_index_once(tmp_path):
    loaded = load_library(write_content(tmp_path / "content", pages=[page("a", "Zebra", "Stripes.")]))
    results, barrier = [], threading.Barrier(4)

    def start():
        barrier.wait()
        results.append(index.ensure_current(tmp_path / "index", loaded))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert len(_builds(tmp_path / "index")) == 1


def test_start_up_rebuilds_a_stale_index(base_config, tmp_path):
    root = write_content(tmp_path / "content", pages=[page("a", "Zebra", "Stripes.")])
    config = dict(base_config, CONTENT_DIR=str(root), SEARCH_INDEX_DIR=str(tmp_path / "index"))
    first = create_app(config)
    target = os.readlink(tmp_path / "index" / "current")
    assert first.extensions["search_index"].search("okapi").total == 0

    create_app(config)  # same content: the index is reused
    assert os.readlink(tmp_path / "index" / "current") == target

    write_content(root, pages=[page("a", "Zebra", "Stripes."), page("b", "Okapi", "A forest animal.")])
    second = create_app(config)
    assert os.readlink(tmp_path / "index" / "current") != target
    assert [hit.path for hit in second.extensions["search_index"].search("okapi").hits] == ["/articles/b"]
    # The first app's searcher follows the swap too: it reads whatever `current` points at.
    assert first.extensions["search_index"].search("okapi").total == 1


def test_flask_index_command_builds_and_swaps(base_config, tmp_path):
    root = write_content(tmp_path / "content", pages=[page("a", "Zebra", "Stripes.")])
    app = create_app(dict(base_config, CONTENT_DIR=str(root), SEARCH_INDEX_DIR=str(tmp_path / "index")))
    before = os.readlink(tmp_path / "index" / "current")
    result = app.test_cli_runner().invoke(args=["index"])
    assert result.exit_code == 0 and "swapped in" in result.output
    after = os.readlink(tmp_path / "index" / "current")
    assert after != before and (tmp_path / "index" / after / index.HASH_FILE).exists()


def test_requests_never_write_the_index(app, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the index was written while serving")

    monkeypatch.setattr(index, "_build_locked", refuse)
    for query in ["knife", "knif crme", "zzzz"]:
        assert client.get("/search", query_string={"q": query}).status_code == 200
