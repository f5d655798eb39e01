"""Verified local places (the panels' register) are among the search results, labelled "Local place", with
their public page; unverified places never show; nothing of who added a place, nor any contact, is shown."""
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.panels import logic as panels
from livesafe.panels.models import Asset


def _add(name, verify, kind="youth_club", district="charnwood", contact=""):
    asset = panels.add_asset(account("panel_member"), name=name, kind=kind, district=district,
                             description="Open evenings for young people", min_age=11, max_age=18,
                             opening_times="Tuesdays 6-9pm", contact=contact, website="")
    db.session.commit()
    if verify:
        panels.verify_asset(asset, account("staff"))
        db.session.commit()
    return asset.id


def _results(client, query):
    """The results list of the search page (the crisis panel and facets left out)."""
    page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    return page[page.find('<ol class="results">'):page.find("</ol>", page.find('<ol class="results">'))]


def test_a_verified_place_is_a_result_found_by_its_name(app, client, demo_users):
    with app.app_context():
        verified = _add("Riverside Youth Hub", verify=True)
    results = _results(client, "riverside youth hub")
    # First, as the place the search names, inside the results list with its public page and label.
    first = results.split("<li>")[1]
    assert f'href="/local-places/{verified}"' in first and "Riverside Youth Hub" in first and "Local place" in first


def test_a_verified_place_is_found_by_its_kind_and_area(app, client, demo_users):
    with app.app_context():
        melton = _add("Kettle Lane Centre", verify=True, district="melton")
        _add("Far Away Centre", verify=True, district="rutland")
        _add("Melton Boxing", verify=True, kind="sports_club", district="melton")
    results = _results(client, "youth club in Melton")
    assert f'href="/local-places/{melton}"' in results and "Local place" in results
    assert "Far Away Centre" not in results and "Melton Boxing" not in results


def test_an_unverified_place_is_never_shown(app, client, demo_users):
    with app.app_context():
        waiting = _add("Riverside Unchecked Club", verify=False)
    for query in ("riverside unchecked club", "youth club", "charnwood"):
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "Riverside Unchecked Club" not in page and f"/local-places/{waiting}" not in page


def test_no_contact_or_member_details_are_shown(app, client, demo_users):
    with app.app_context():
        _add("Quayside Youth Club", verify=True, contact="07700 900123 quayside@example.org")
        member = account("panel_member")
        member_details = [value for value in (member.email, getattr(member, "name", "")) if value]
    page = client.get("/search", query_string={"q": "quayside"}).get_data(as_text=True)
    assert "Quayside Youth Club" in page
    assert "07700 900123" not in page and "quayside@example.org" not in page
    assert not any(detail in page for detail in member_details)


def test_verifying_a_place_shows_through_the_page_cache(app, client, demo_users):
    with app.app_context():
        waiting = _add("Lantern Boxing Club", verify=False)
    assert "Lantern Boxing Club" not in client.get("/search?q=lantern").get_data(as_text=True)
    with app.app_context():
        panels.verify_asset(db.session.get(Asset, waiting), account("staff"))
        db.session.commit()
    assert "Lantern Boxing Club" in _results(client, "lantern")


def test_place_text_is_escaped_in_search(app, client, demo_users):
    with app.app_context():
        _add("Zebra <script>alert(1)</script> Club", verify=True)
        assert db.session.scalar(sa.select(sa.func.count(Asset.id))) == 1
    page = client.get("/search?q=zebra").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "Zebra &lt;script&gt;" in page
