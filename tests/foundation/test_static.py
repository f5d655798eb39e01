"""Static files have content-hashed names and are cached for a year, on every page type."""
import re

import pytest

from livesafe.site.assets import IMMUTABLE, build_manifest, fingerprinted
from tests.helpers import sign_in

STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}(\.[a-z0-9]+)?$")
PAGES = ["/", "/articles/knives-and-the-law", "/search?q=knife", "/services", "/get-help", "/surveys", "/privacy",
         "/login", "/staying-private"]


@pytest.mark.parametrize("url", PAGES)
def test_every_static_file_on_a_public_page_is_fingerprinted_and_immutable(client, url):
    page = client.get(url).get_data(as_text=True)
    assets = STATIC.findall(page)
    assert len(assets) >= 4, url  # site.css, favicon, htmx, site.js
    for asset in assets:
        assert HASHED.match(asset), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert response.headers["Cache-Control"] == IMMUTABLE


def test_feature_stylesheets_in_signed_in_pages_are_fingerprinted_too(client, demo_users):
    sign_in(client, "staff")
    for url in ["/dashboard", "/content-health"]:
        for asset in STATIC.findall(client.get(url).get_data(as_text=True)):
            assert HASHED.match(asset), asset


def test_the_name_follows_the_content(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: black }")
    first = build_manifest(str(tmp_path))["css/site.css"]
    (tmp_path / "css" / "site.css").write_text("body { color: navy }")
    second = build_manifest(str(tmp_path))["css/site.css"]
    assert first != second and first.startswith("css/site.") and first.endswith(".css")


def test_the_hash_goes_before_the_last_extension():
    assert fingerprinted("vendor/htmx-2.0.11.min.js", "abc") == "vendor/htmx-2.0.11.min.abc.js"
    assert fingerprinted("LICENSE", "abc") == "LICENSE.abc"


def test_an_unknown_fingerprint_is_not_found_and_plain_names_still_work_without_long_caching(client):
    assert client.get("/static/css/site.000000000000.css").status_code == 404
    plain = client.get("/static/css/site.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers.get("Cache-Control", "")
