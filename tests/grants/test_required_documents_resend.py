"""The round's required organisation documents are checked at every send, not only the first: an expression
of interest in a two-stage round, and changes sent back after a request for more information (the group may
have removed a document meanwhile). Same message, and a link to the documents page (real clamd, as in
test_required_documents.py)."""
import pytest

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import info_requests, logic
from livesafe.grants.models import GrantApplication
from livesafe.grants.stages import first_state
from tests.grants.conftest import ELIGIBLE, answers, make_application, make_organisation, make_round
from tests.grants.test_required_documents import _upload
from tests.helpers import post, sign_in

REQUIRED = ["safeguarding_policy", "bank_proof"]
LINK = 'href="/grants/organisation/documents?next=/grants/applications/'


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _state(application_id):
    db.session.expire_all()
    return db.session.get(GrantApplication, application_id).state


def test_an_expression_of_interest_waits_for_the_required_documents(client, ctx, demo_users, upload_dir):
    grant_round = make_round(two_stage=True, required_documents=REQUIRED)
    assert first_state(grant_round) == logic.EOI
    interest = logic.start_application(grant_round, make_organisation(), account("applicant"), ELIGIBLE)
    logic.save_section(interest, "project", answers()["project"], True, account("applicant"))
    db.session.commit()
    url = f"/grants/applications/{interest.id}"
    sign_in(client, "applicant")
    page = client.get(url).get_data(as_text=True)
    assert "Documents still needed" in page and "Proof of bank account" in page and LINK in page
    response = post(client, f"{url}/eoi", {}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "needs these documents from your organisation before you can send: Safeguarding policy, Proof of bank account" in page
    assert LINK in page
    assert _state(interest.id) == logic.EOI
    _upload(client, "safeguarding_policy", "Safeguarding.pdf")
    _upload(client, "bank_proof", "Statement.pdf")
    assert "Documents still needed" not in client.get(url).get_data(as_text=True)
    assert post(client, f"{url}/eoi", {}, token_from=url).status_code == 302
    assert _state(interest.id) == logic.EOI_SENT


def test_changes_cannot_go_back_while_a_required_document_is_missing(client, ctx, demo_users, upload_dir):
    # Sent before the round required documents (or the group removed them since): the send back checks again.
    grant_round = make_round(required_documents=REQUIRED)
    application = make_application(grant_round, make_organisation(), state="submitted")
    info_requests.request_info(application, account("staff"), {"budget": "Split the costs by term."})
    db.session.commit()
    url = f"/grants/applications/{application.id}"
    sign_in(client, "applicant")
    assert post(client, f"{url}/budget", {**answers()["budget"], "action": "complete"}).status_code == 302
    _upload(client, "bank_proof", "Statement.pdf")
    page = client.get(url).get_data(as_text=True)
    assert "<li>Safeguarding policy</li>" in page and "<li>Proof of bank account</li>" not in page  # one added
    response = post(client, f"{url}/resubmit", {}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "needs these documents from your organisation before you can send: Safeguarding policy." in page
    assert LINK in page
    assert _state(application.id) == logic.MORE_INFO
    _upload(client, "safeguarding_policy", "Safeguarding.pdf")
    assert post(client, f"{url}/resubmit", {}, token_from=url).status_code == 302
    assert _state(application.id) == logic.SUBMITTED


def test_a_returned_application_in_a_round_without_requirements_goes_back_as_before(client, ctx, demo_users, upload_dir):
    application = make_application(make_round(), make_organisation(), state="submitted")
    info_requests.request_info(application, account("staff"), {"budget": "Split the costs by term."})
    db.session.commit()
    url = f"/grants/applications/{application.id}"
    sign_in(client, "applicant")
    assert "Documents still needed" not in client.get(url).get_data(as_text=True)
    assert post(client, f"{url}/budget", {**answers()["budget"], "action": "complete"}).status_code == 302
    assert post(client, f"{url}/resubmit", {}, token_from=url).status_code == 302
    assert _state(application.id) == logic.SUBMITTED
