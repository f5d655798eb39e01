"""Pages kept in memory for cookieless visitors, and never for anyone with a session."""
import pytest

from livesafe.hub.cache import PageCache, page_cache
from tests.helpers import post, sign_in


def test_a_cookieless_article_view_is_rendered_once(app, client, monkeypatch):
    import livesafe.site.render as render_module

    calls = []
    real = render_module.render_template
    monkeypatch.setattr(render_module, "render_template", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
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


LANDING_PAGES = ["/", "/get-help", "/young-people", "/parents-carers", "/professionals", "/topics/knife-crime",
                 "/services", "/services?age=15&area=Melton"]


def _count_renders(monkeypatch):
    import livesafe.site.render as render_module

    calls = []
    real = render_module.render_template
    monkeypatch.setattr(render_module, "render_template", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    return calls


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_landing_pages_are_rendered_once_for_cookieless_visitors(app, client, monkeypatch, url):
    calls = _count_renders(monkeypatch)
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data() and len(calls) == 1
    assert second.headers["Cache-Control"] == "no-store"  # the browser still keeps nothing


@pytest.mark.parametrize("url", LANDING_PAGES)
def test_signed_in_people_never_get_or_leave_a_cached_landing_page(app, demo_users, url):
    staff = app.test_client()
    sign_in(staff, "staff")
    assert "Sign out" in staff.get(url).get_data(as_text=True)  # rendered for them, not kept
    visitor = app.test_client()
    assert "Sign out" not in visitor.get(url).get_data(as_text=True)  # now kept for cookieless visitors
    assert "Sign out" in staff.get(url).get_data(as_text=True)


def test_an_event_that_ends_leaves_the_cached_pages_at_once(app, client, monkeypatch):
    from datetime import timedelta

    from livesafe.hub import logic
    from livesafe.hub.content import library

    with app.app_context():
        event = library().events[0]
    monkeypatch.setattr(logic, "current_time", lambda: event.ends - timedelta(minutes=1))
    audience_page = "/" + event.audience
    assert event.title in client.get("/").get_data(as_text=True)
    assert event.title in client.get(audience_page).get_data(as_text=True)
    monkeypatch.setattr(logic, "current_time", lambda: event.ends + timedelta(seconds=1))
    assert event.title not in client.get("/").get_data(as_text=True)
    assert event.title not in client.get(audience_page).get_data(as_text=True)


def test_new_content_is_a_new_key(app, client, monkeypatch):
    from dataclasses import replace

    from livesafe.hub.content import library

    with app.app_context():
        old = library()
    client.get("/get-help")
    calls = _count_renders(monkeypatch)
    app.extensions["hub_library"] = replace(old, content_hash="changed")
    client.get("/get-help")
    assert len(calls) == 1


def test_a_refused_services_filter_is_never_kept(client, monkeypatch):
    calls = _count_renders(monkeypatch)
    for _ in range(2):
        response = client.get("/services?age=banana")
        assert response.status_code == 422 and "banana" in response.get_data(as_text=True)
    assert len(calls) == 2


def test_the_htmx_fragment_and_the_full_page_are_kept_apart(client):
    full = client.get("/services?area=Melton").get_data(as_text=True)
    fragment = client.get("/services?area=Melton", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert full.startswith("<!doctype html>") and not fragment.lstrip().startswith("<!doctype html>")
    assert client.get("/services?area=Melton").get_data(as_text=True) == full


def test_a_cookieless_visit_builds_no_session_signer_but_a_cookie_is_still_checked(app, client, monkeypatch):
    from livesafe.site.sessions import SessionInterface

    def refuse(self, app):
        raise AssertionError("signer built")

    monkeypatch.setattr(SessionInterface, "get_signing_serializer", refuse)
    assert client.get("/").status_code == 200
    client.set_cookie("livesafe_session", "forged.value")
    with pytest.raises(AssertionError, match="signer built"):  # a cookie still goes to the signer
        client.get("/")
