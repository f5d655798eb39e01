"""Hub search also lists verified community places and groups from the panels' asset register."""
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.panels import logic as panels
from livesafe.panels.models import Asset


def _add(name, verify):
    asset = panels.add_asset(account("staff"), name=name, kind="youth_club", district="charnwood",
                             description="Open evenings for young people", min_age=11, max_age=18,
                             opening_times="Tuesdays 6-9pm", contact="", website="")
    db.session.commit()
    if verify:
        panels.verify_asset(asset, account("staff"))
        db.session.commit()
    return asset.id


def test_verified_assets_show_in_search_and_unverified_never(app, client, demo_users):
    with app.app_context():
        verified = _add("Riverside Youth Hub", verify=True)
        waiting = _add("Riverside Unchecked Club", verify=False)
    page = client.get("/search?q=riverside").get_data(as_text=True)
    assert "Community places and groups" in page
    assert f'href="/local-places/{verified}"' in page and "Riverside Youth Hub" in page
    assert "Riverside Unchecked Club" not in page and f"/local-places/{waiting}" not in page


def test_verifying_an_asset_shows_through_the_page_cache(app, client, demo_users):
    with app.app_context():
        waiting = _add("Lantern Boxing Club", verify=False)
    assert "Lantern Boxing Club" not in client.get("/search?q=lantern").get_data(as_text=True)
    with app.app_context():
        panels.verify_asset(db.session.get(Asset, waiting), account("staff"))
        db.session.commit()
    assert "Lantern Boxing Club" in client.get("/search?q=lantern").get_data(as_text=True)


def test_asset_text_is_escaped_in_search(app, client, demo_users):
    with app.app_context():
        _add("Zebra <script>alert(1)</script> Club", verify=True)
        assert db.session.scalar(sa.select(sa.func.count(Asset.id))) == 1
    page = client.get("/search?q=zebra").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "Zebra &lt;script&gt;" in page
