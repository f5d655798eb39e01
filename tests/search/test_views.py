"""The search page: live search with htmx over a plain GET form, escaping, zero results, paging links, facets."""
import pytest

from tests.search.test_search import HOSTILE


def _text(response):
    return response.get_data(as_text=True)


def test_search_page_is_a_get_form_with_live_search(client):
    response = client.get("/search")
    page = _text(response)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert '<form method="get" action="/search"' in page
    # Typing updates the results without touching the address; a deliberate submit replaces it (never pushes).
    assert 'hx-get="/search" hx-trigger="input changed delay:300ms" hx-target="#search-results"' in page
    assert 'hx-include="closest form" hx-replace-url="false"' in page
    assert 'hx-get="/search" hx-trigger="submit"\n      hx-target="#search-results" hx-replace-url="true"' in page
    assert "hx-push-url" not in page
    assert 'id="search-results"' in page and 'name="q"' in page


def test_results_page_without_javascript(client):
    page = _text(client.get("/search?q=knife+law"))
    assert '<a href="/articles/knives-and-the-law">Knives and the law</a>' in page
    assert "<mark>" in page and 'value="knife law"' in page
    assert "<title>Search results for “knife law” – Live Safe</title>" in page


def test_htmx_request_gets_only_the_results_region(client):
    response = client.get("/search?q=knife+law", headers={"HX-Request": "true"})
    page = _text(response)
    assert "<html" not in page and "<form" not in page
    assert "/articles/knives-and-the-law" in page
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
def test_boosted_and_history_restore_requests_get_the_full_page(client, header):
    page = _text(client.get("/search?q=knife", headers={"HX-Request": "true", header: "true"}))
    assert "<html" in page and 'id="search-results"' in page


def test_the_query_is_escaped_everywhere_it_is_shown(client):
    page = _text(client.get("/search", query_string={"q": '<script>alert("x")</script>'}))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_zero_results_page_still_offers_help(client):
    response = client.get("/search?q=qwzxv")
    page = _text(response)
    assert response.status_code == 200
    assert "Nothing matched" in page and "No results for “qwzxv”" in page
    assert 'href="tel:999"' in page and 'href="tel:08001111"' in page and 'href="/get-help"' in page


def test_did_you_mean_is_shown_with_a_link(client):
    page = _text(client.get("/search?q=knife+crme"))
    assert 'Did you mean <a href="/search?q=knife+crime"><strong>knife crime</strong></a>?' in page
    corrected = _text(client.get("/search?q=knif+crme"))
    assert "No results for “knif crme”. Showing results for" in corrected


def test_facet_links_keep_the_query_and_filter(client):
    page = _text(client.get("/search?q=knife"))
    assert 'href="/search?q=knife&amp;audience=parents-carers"' in page
    assert 'href="/search?q=knife&amp;topic=the-law"' in page
    filtered = _text(client.get("/search?q=knife&audience=professionals"))
    assert 'href="/search?q=knife&amp;audience=professionals" aria-current="true"' in filtered
    assert 'href="/search?q=knife&amp;audience=professionals&amp;topic=evidence"' in filtered
    assert "for professionals" in filtered


def test_paging_links(client):
    first = _text(client.get("/search?q=help"))
    assert 'href="/search?q=help&amp;page=2" rel="next"' in first and "Previous page" not in first
    second = _text(client.get("/search?q=help&page=2"))
    assert 'href="/search?q=help" rel="prev"' in second and "page 2 of" in second


# (A lone surrogate cannot be sent over HTTP; "%ED%A0%80" below is its closest form.)
@pytest.mark.parametrize("query", [query for query in HOSTILE if query != "\ud800"])
def test_hostile_queries_give_a_normal_page(client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert "Search Live Safe" in _text(response)


@pytest.mark.parametrize("params", [
    "q=knife&page=-1", "q=knife&page=abc", "q=knife&page=99999999999999999999", "q=knife&page=%00",
    "q=knife&audience=<x>", "q=knife&topic=nope", "q=%FF%FE", "q=%ED%A0%80", "q=a&q=b", "audience=young-people",
])
def test_hostile_parameters_give_a_normal_page(client, params):
    assert client.get(f"/search?{params}").status_code == 200


def test_no_local_place_without_a_matching_place(client):
    assert '<span class="tag">Local place</span>' not in _text(client.get("/search?q=knife"))


def test_a_rebuilt_index_is_searched_at_once_even_for_a_cached_address(base_config, tmp_path):
    from livesafe import create_app
    from livesafe.hub.content import load_library
    from livesafe.search import index
    from tests.hub.factory import page, write_content

    root = write_content(tmp_path / "content", pages=[page("a", "Zebra", "Stripes.")])
    app = create_app(dict(base_config, CONTENT_DIR=str(root), SEARCH_INDEX_DIR=str(tmp_path / "index")))
    client = app.test_client()
    assert "Nothing matched" in _text(client.get("/search?q=okapi"))
    write_content(root, pages=[page("a", "Zebra", "Stripes."), page("b", "Okapi", "A forest animal.")])
    index.build(tmp_path / "index", load_library(root))  # as `flask index` would, from another process
    assert '<a href="/articles/b">Okapi</a>' in _text(client.get("/search?q=okapi"))


def test_an_event_drops_out_of_cached_results_when_it_finishes(base_config, tmp_path, monkeypatch):
    from datetime import datetime, timezone

    from livesafe import create_app
    from livesafe.hub import logic
    from tests.hub.factory import event, write_content

    root = write_content(tmp_path / "content", events=[
        event("zebra-talk", "Zebra talk", "2026-10-15T18:30", "2026-10-15T19:30")])
    client = create_app(dict(base_config, CONTENT_DIR=str(root), SEARCH_INDEX_DIR=str(tmp_path / "index"))).test_client()
    monkeypatch.setattr(logic, "current_time", lambda: datetime(2026, 10, 1, tzinfo=timezone.utc))
    assert 'href="/events/zebra-talk/book"' in _text(client.get("/search?q=zebra"))
    monkeypatch.setattr(logic, "current_time", lambda: datetime(2026, 10, 16, tzinfo=timezone.utc))
    assert 'href="/events/zebra-talk/book"' not in _text(client.get("/search?q=zebra"))


def test_a_service_result_leads_to_its_entry_in_the_directory(client):
    assert 'href="/services#childline"' in _text(client.get("/search?q=childline"))
    assert '<li class="card" id="childline">' in _text(client.get("/services"))


def test_searching_from_an_audience_page_keeps_to_that_audience(client):
    page = _text(client.get("/parents-carers"))
    assert '<input type="hidden" name="audience" value="parents-carers">' in page
    results = _text(client.get("/search?q=knife&audience=parents-carers"))
    assert "For parents and carers" in results and "For young people" not in results


def test_a_crisis_search_shows_the_crisis_panel_before_any_result(client):
    page = _text(client.get("/search", query_string={"q": "i want to kill myself"}))
    panel = page.index('class="crisis-panel"')
    assert panel < page.index('class="results"')
    assert 'href="tel:999"' in page and 'href="tel:116123"' in page and 'href="sms:85258"' in page
    assert 'href="tel:08001111"' in page and 'aria-labelledby="crisis-title"' in page
    assert "Did you mean" not in page and "kind myself" not in page


def test_a_crisis_search_from_live_search_gets_the_panel_in_the_fragment(client):
    page = _text(client.get("/search?q=sucidal", headers={"HX-Request": "true"}))
    assert "<html" not in page and 'class="crisis-panel"' in page and "social" not in page.lower().split("crisis")[0]


def test_zero_results_show_the_crisis_routes(client):
    page = _text(client.get("/search?q=qwzxv"))
    assert 'id="crisis-routes-title"' in page and 'href="tel:116123"' in page and 'href="tel:111"' in page
