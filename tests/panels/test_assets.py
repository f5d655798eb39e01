"""Local assets: added by members and staff, verified by staff, public only once verified, and in hub search."""
import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError
from livesafe.panels import logic
from livesafe.panels.models import Asset
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, user

GOOD = {"name": "Eastside Youth Club", "kind": "youth_club", "district": "leicester", "description": "Music and sport",
        "min_age": "11", "max_age": "18", "opening_times": "Fridays 6pm to 10pm", "contact": "0116 000 0000",
        "website": "https://eastside.example.org"}


def _asset(name, kind="youth_club", district="leicester", low=11, high=18, description="", verified=True):
    asset = logic.add_asset(user("member"), name=name, kind=kind, district=district, description=description,
                            min_age=low, max_age=high, opening_times="", contact="", website="")
    if verified:
        logic.verify_asset(asset, user("staff"))
    return asset


def test_only_verified_assets_are_public(ctx, world):
    _asset("Verified club")
    _asset("Unverified club", verified=False)
    assert [a.name for a in logic.public_assets()] == ["Verified club"]


def test_public_filters_by_district_kind_and_age(ctx, world):
    _asset("City club", district="leicester", low=11, high=18)
    _asset("Rutland boxing", kind="sports_club", district="rutland", low=8, high=25)
    assert [a.name for a in logic.public_assets(district="rutland")] == ["Rutland boxing"]
    assert [a.name for a in logic.public_assets(kind="youth_club")] == ["City club"]
    assert [a.name for a in logic.public_assets(age=9)] == ["Rutland boxing"]
    assert [a.name for a in logic.public_assets(age=18)] == ["City club", "Rutland boxing"]
    assert logic.public_assets(district="leicester", age=20) == []


def test_only_staff_verify_and_only_once(ctx, world):
    asset = _asset("Club", verified=False)
    with pytest.raises(Refused):
        logic.verify_asset(asset, user("member"))
    logic.verify_asset(asset, user("staff"))
    with pytest.raises(RuleError):
        logic.verify_asset(asset, user("staff"))


def test_applicants_cannot_add_assets(ctx, world):
    with pytest.raises(Refused):
        logic.add_asset(user("applicant"), name="X", kind="other", district="melton", description="", min_age=1,
                        max_age=2, opening_times="", contact="", website="")


def test_search_assets_matches_name_description_kind_and_district(ctx, world):
    _asset("Eastside Youth Club", description="Music studio and football")
    _asset("Loughborough Boxing Gym", kind="sports_club", district="charnwood")
    _asset("Hidden Gem Club", description="music", verified=False)
    assert [a.name for a in logic.search_assets("eastside")] == ["Eastside Youth Club"]
    assert [a.name for a in logic.search_assets("MUSIC")] == ["Eastside Youth Club"]
    assert [a.name for a in logic.search_assets("sports club")] == ["Loughborough Boxing Gym"]
    assert [a.name for a in logic.search_assets("charnwood boxing")] == ["Loughborough Boxing Gym"]
    assert logic.search_assets("charnwood music") == []  # every word must match


def test_search_assets_never_returns_unverified(ctx, world):
    _asset("Hidden Gem Club", verified=False)
    assert logic.search_assets("hidden") == []
    assert logic.search_assets("club") == []


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "\\", "' OR 1=1 --", "%%%", "a" * 500, "\x00", "ünïcödé"])
def test_search_assets_is_safe_for_any_input(ctx, world, query):
    _asset("Plain Club")
    assert logic.search_assets(query) == []


def test_search_assets_wildcards_are_literal(ctx, world):
    _asset("100% Youth", description="")
    _asset("Other club")
    assert [a.name for a in logic.search_assets("100%")] == ["100% Youth"]


def test_search_assets_limit(ctx, world):
    for n in range(7):
        _asset(f"Club {n}")
    assert len(logic.search_assets("club")) == 5
    assert len(logic.search_assets("club", limit=2)) == 2
    assert logic.search_assets("club", limit=0) == []


def test_a_member_adds_an_asset_staff_verify_it_and_it_goes_public(app, client, world):
    sign_in(client, email=EMAILS["member"])
    response = post(client, "/panels/assets/new", GOOD)
    assert response.status_code == 302
    assert "Eastside Youth Club" not in app.test_client().get("/local-places").get_data(as_text=True)
    with app.app_context():
        asset_id = db.session.scalar(sa.select(Asset.id))
    assert app.test_client().get(f"/local-places/{asset_id}").status_code == 404
    staff = app.test_client()
    sign_in(staff, email=EMAILS["staff"])
    assert post(staff, f"/panels/assets/{asset_id}/verify", {}, token_from="/panels/assets").status_code == 302
    public = app.test_client()
    assert "Eastside Youth Club" in public.get("/local-places?district=leicester&age=12").get_data(as_text=True)
    assert "Eastside Youth Club" not in public.get("/local-places?age=30").get_data(as_text=True)
    detail = public.get(f"/local-places/{asset_id}").get_data(as_text=True)
    assert 'href="https://eastside.example.org"' in detail and "0116 000 0000" in detail


@pytest.mark.parametrize("change,message", [
    ({"name": ""}, "Enter the name of the place or group"),
    ({"kind": ""}, "Choose what kind of place it is"),
    ({"district": ""}, "Choose the district"),
    ({"min_age": "ten"}, ""),
    ({"min_age": "15", "max_age": "12"}, "The oldest age must be the same as or more than the youngest"),
    ({"website": "javascript://example.org/%0Aalert(1)"}, "Enter a web address starting with https://"),
    ({"website": "not a url"}, "Enter a web address starting with https://"),
])
def test_bad_asset_input_is_a_422_that_keeps_what_was_typed(app, client, world, change, message):
    sign_in(client, email=EMAILS["member"])
    response = post(client, "/panels/assets/new", {**GOOD, **change})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert "Fridays 6pm to 10pm" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Asset.id))) == 0


def test_a_bad_age_filter_is_a_clear_422(client, world):
    response = client.get("/local-places?age=twelve")
    assert response.status_code == 422
    assert "Enter an age as a whole number" in response.get_data(as_text=True)


def test_local_places_htmx_returns_the_fragment(app, client, world):
    with app.app_context():
        _asset("Fragment club")
        db.session.commit()
    response = client.get("/local-places?kind=youth_club", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "Fragment club" in fragment


def test_members_see_their_own_assets_staff_see_all(app, world):
    with app.app_context():
        _asset("Member's club", verified=False)
        logic.add_asset(user("city2"), name="Someone else's club", kind="other", district="melton", description="",
                        min_age=1, max_age=99, opening_times="", contact="", website="")
        db.session.commit()
    member = app.test_client()
    sign_in(member, email=EMAILS["member"])
    page = member.get("/panels/assets").get_data(as_text=True)
    assert "Member&#39;s club" in page and "Someone else" not in page and "Verify" not in page
    staff = app.test_client()
    sign_in(staff, email=EMAILS["staff"])
    page = staff.get("/panels/assets").get_data(as_text=True)
    assert "Member&#39;s club" in page and "Someone else" in page and "Verify" in page
