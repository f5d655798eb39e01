"""Pages kept in memory for cookieless visitors, and never for anyone with a session."""
from livesafe.hub.cache import PageCache, page_cache
from tests.helpers import post, sign_in


def test_a_cookieless_article_view_is_rendered_once(app, client, monkeypatch):
    import livesafe.hub.cache as cache_module

    calls = []
    real = cache_module.render_template
    monkeypatch.setattr(cache_module, "render_template", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    first = client.get("/articles/gangs-and-leaving-a-gang").get_data()
    second = client.get("/articles/gangs-and-leaving-a-gang").get_data()
    assert first == second and len(calls) == 1


def test_signed_in_people_never_get_the_cached_page(app, client, demo_users):
    anonymous = client.get("/articles/gangs-and-leaving-a-gang").get_data(as_text=True)
    assert "Sign out" not in anonymous
    sign_in(client, "staff")
    page = client.get("/articles/gangs-and-leaving-a-gang").get_data(as_text=True)
    assert "Sign out" in page and "Content health" in page


def test_a_flashed_message_is_not_lost_to_the_cache(app, client, demo_users):
    client.get("/articles/gangs-and-leaving-a-gang")  # now cached for cookieless visitors
    sign_in(client, "staff")
    post(client, "/logout", token_from="/dashboard")
    # The flash travels in the session cookie, so this visit is rendered afresh and shows it.
    assert "You have signed out." in client.get("/articles/gangs-and-leaving-a-gang").get_data(as_text=True)


def test_the_cache_forgets_the_least_recently_used_page():
    cache = PageCache(size=2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"
    cache.put("c", "C")
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("c") == "C"


def test_each_app_has_its_own_cache(app):
    with app.app_context():
        assert page_cache() is page_cache()
