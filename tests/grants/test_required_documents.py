"""A round lists the organisation documents it requires; "Send" is refused, with a link to where to upload
them, while any is missing (real pages, real libmagic and clamd, as in test_documents.py)."""
import io

import pytest

from livesafe.extensions import db
from livesafe.grants.models import GrantApplication, GrantRound
from tests.grants.conftest import make_application, make_organisation, make_round
from tests.helpers import csrf_token, post, sign_in
from tests.uploads.conftest import pdf

ORG_URL = "/grants/organisation/documents"


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def draft(ctx, demo_users, upload_dir):
    grant_round = make_round(required_documents=["safeguarding_policy", "bank_proof"])
    return make_application(grant_round, make_organisation())


def _upload(client, slot, name):
    form = {"csrf_token": csrf_token(client, ORG_URL), "file": (io.BytesIO(pdf()), name), "slot": slot}
    assert client.post(ORG_URL, data=form, content_type="multipart/form-data").status_code == 303


def test_send_is_refused_with_a_link_until_every_required_document_is_there(app, client, draft):
    sign_in(client, "applicant")
    check = f"/grants/applications/{draft.id}/check"
    page = client.get(check).get_data(as_text=True)
    assert "Documents still needed" in page and "Safeguarding policy" in page and "Proof of bank account" in page
    assert 'href="/grants/organisation/documents?next=' in page
    response = post(client, f"/grants/applications/{draft.id}/submit", token_from=check)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "needs these documents from your organisation before you can send: Safeguarding policy, Proof of bank account" in page
    assert 'href="/grants/organisation/documents?next=' in page
    db.session.expire_all()
    assert db.session.get(GrantApplication, draft.id).state == "draft"
    # One of two is not enough; both are.
    _upload(client, "safeguarding_policy", "Safeguarding.pdf")
    response = post(client, f"/grants/applications/{draft.id}/submit", token_from=check)
    assert response.status_code == 422 and "send: Proof of bank account." in response.get_data(as_text=True)
    _upload(client, "bank_proof", "Statement.pdf")
    assert "Documents still needed" not in client.get(check).get_data(as_text=True)
    assert post(client, f"/grants/applications/{draft.id}/submit", token_from=check).status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantApplication, draft.id).state == "submitted"


def test_a_round_without_requirements_sends_as_before(client, ctx, demo_users, upload_dir):
    application = make_application(make_round(), make_organisation())
    sign_in(client, "applicant")
    check = f"/grants/applications/{application.id}/check"
    assert "Documents still needed" not in client.get(check).get_data(as_text=True)
    assert post(client, f"/grants/applications/{application.id}/submit", token_from=check).status_code == 302


def test_staff_choose_the_required_documents_on_the_round_form(client, ctx, demo_users):
    grant_round = make_round()
    sign_in(client, "staff")
    url = f"/grants/rounds/{grant_round.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Documents a group must upload before it can send its application" in page
    form = _round_form(client, url)
    form["required_documents"] = ["accounts", "bank_proof"]
    assert post(client, url, form).status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantRound, grant_round.id).required_documents == ["accounts", "bank_proof"]
    form["required_documents"] = ["passport"]
    response = post(client, url, form)
    assert response.status_code == 422 and "There is a problem" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GrantRound, grant_round.id).required_documents == ["accounts", "bank_proof"]


def _round_form(client, url) -> dict:
    """The round form's current values, as the browser would send them."""
    import re
    from html import unescape

    page = client.get(url).get_data(as_text=True)
    values: dict = {}
    for match in re.finditer(r'<input[^>]*>', page):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        values.setdefault(name.group(1), []).append(unescape(value.group(1)) if value else "y")
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[match.group(1)] = [unescape(match.group(2)).lstrip("\n")]
    return {k: v if len(v) > 1 or k in ("priority_areas", "required_documents") else v[0] for k, v in values.items()}
