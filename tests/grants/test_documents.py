"""Grants documents (issue 14 point 3): an organisation's documents and an application's evidence, through the
real pages, the real libmagic and the real clamd (started by `make test`; `make clamav` starts it alone)."""
import io

import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import documents
from livesafe.grants.models import GrantApplication
from livesafe.uploads import storage
from livesafe.uploads.models import Upload
from tests.grants.conftest import assign, make_application, make_organisation, make_round
from tests.helpers import csrf_token, queries_for_page, sign_in
from tests.uploads.conftest import EICAR, _zip, docx, exe, pdf, png, xlsx

EVERYONE = ("admin", "staff", "assessor", "panel_member", "applicant")


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def world(ctx, demo_users, upload_dir):
    """The demo applicant's organisation with a draft and an application in assessment (the demo assessor is
    assigned to it), another group's draft, and an application in a round nobody assesses."""
    mine = make_organisation()
    draft = make_application(make_round(name="Open"), mine)
    assessing = make_round(name="Assessing", status="assessment", opens=-20, closes=-10)
    assessed = make_application(assessing, mine, state="in_assessment")
    assign(assessed, account("assessor"))
    other = make_organisation("other@example.org", "Other Group")
    theirs = make_application(make_round(name="Theirs"), other)
    unassigned = make_application(make_round(name="Unassigned", status="assessment", opens=-20, closes=-10),
                                  make_organisation("third@example.org", "Third Group"), state="in_assessment")
    return {"org": mine.id, "draft": draft.id, "assessed": assessed.id, "theirs": theirs.id,
            "unassigned": unassigned.id, "other_org": other.id}


def client_as(app, role=None, email=None):
    client = app.test_client()
    if role or email:
        sign_in(client, role, email=email)
    return client


def send(client, url, data, filename, slot="section:budget", token_from=None):
    form = {"csrf_token": csrf_token(client, token_from or url), "file": (io.BytesIO(data), filename)}
    if slot is not None:
        form["slot"] = slot
    return client.post(url, data=form, content_type="multipart/form-data")


def docs_url(application_id):
    return f"/grants/applications/{application_id}/documents"


ORG_URL = "/grants/organisation/documents"


def rows():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Upload).order_by(Upload.id)))


def files(upload_dir):
    return sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []


def attach_app(world, data=None, name="quote.pdf", slot="section:budget", application="draft"):
    """An application document added through the page by the demo applicant; returns its row."""
    client = client_as(world_app(), "applicant")
    response = send(client, docs_url(world[application]), data or pdf(), name, slot)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return rows()[-1]


def world_app():
    from flask import current_app

    return current_app._get_current_object()


def attach_org(world, data=None, name="policy.pdf", slot="safeguarding_policy"):
    client = client_as(world_app(), "applicant")
    response = send(client, ORG_URL, data or pdf(), name, slot)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return rows()[-1]


# --- adding ---------------------------------------------------------------------------------------------------

def test_a_member_adds_budget_evidence_and_it_shows_on_the_task_list_and_check_answers(app, world, upload_dir):
    client = client_as(app, "applicant")
    page = client.get(docs_url(world["draft"])).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Every file is checked for viruses." in page
    response = send(client, docs_url(world["draft"]), pdf(), "Pitch hire quote.pdf", "section:budget")
    assert response.status_code == 303
    [row] = rows()
    assert (row.owner_kind, row.owner_id, row.slot) == ("grants.application", world["draft"], "section:budget")
    assert row.scanned_with.startswith("ClamAV ")
    [stored] = files(upload_dir)
    assert stored.name == row.stored_name and stored.read_bytes() == pdf()
    for url in (f"/grants/applications/{world['draft']}", f"/grants/applications/{world['draft']}/check"):
        text = client.get(url).get_data(as_text=True)
        assert "Budget evidence (quotes or estimates)" in text and "Pitch hire quote.pdf" in text
        assert f'href="/uploads/{row.id}"' in text and "Not added yet" in text  # organisation documents missing
        assert docs_url(world["draft"]) in text


def test_organisation_documents_by_slot_any_time_and_shown_with_every_application(app, world):
    client = client_as(app, "applicant")
    for slot, data, name in (("safeguarding_policy", pdf(), "Safeguarding.pdf"), ("constitution", docx(), "Constitution.docx"),
                             ("accounts", xlsx(), "Accounts 2025.xlsx"), ("bank_proof", png(), "Statement.png")):
        assert send(client, ORG_URL, data, name, slot).status_code == 303
    assert sorted(r.slot for r in rows()) == sorted(key for key, _ in documents.ORGANISATION_SLOTS)
    assert {r.owner_kind for r in rows()} == {"grants.organisation"}
    # The application in assessment is no longer editable, but the organisation's documents still are theirs.
    text = client.get(f"/grants/applications/{world['assessed']}").get_data(as_text=True)
    assert "Accounts 2025.xlsx" in text and "Statement.png" in text and "Not added yet" not in text
    assert "Add documents" not in text


def test_the_next_address_after_adding_an_organisation_document_stays_on_this_site(app, world):
    client = client_as(app, "applicant")
    back = docs_url(world["draft"])
    response = send(client, f"{ORG_URL}?next={back}", pdf(), "p.pdf", "accounts", token_from=ORG_URL)
    assert response.status_code == 303 and response.headers["Location"] == back
    response = send(client, f"{ORG_URL}?next=//evil.example/", pdf(), "p.pdf", "accounts", token_from=ORG_URL)
    assert response.status_code == 303 and response.headers["Location"] == ORG_URL


def test_the_eicar_test_file_is_refused_by_the_real_clamd(app, world, upload_dir):
    # A Word file carrying the EICAR test file: it passes the type check, so only the scanner can refuse it
    # (clamd opens the archive, as it would for a real macro virus).
    infected = _zip([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
                     ("word/document.xml", "<w:document/>"), ("word/media/readme.txt", EICAR)])
    client = client_as(app, "applicant")
    for url, slot in ((docs_url(world["draft"]), "section:budget"), (ORG_URL, "safeguarding_policy")):
        response = send(client, url, infected, "Budget.docx", slot)
        text = response.get_data(as_text=True)
        assert response.status_code == 422, text[:2000]
        assert "Our virus check found something harmful in this file" in text and "EICAR" in text.upper()
        assert 'aria-invalid="true"' in text
    assert rows() == [] and files(upload_dir) == []


@pytest.mark.parametrize("data, name, message", [
    (exe(), "budget.pdf", "This file is a Windows program, which cannot be uploaded here."),
    (b"<!doctype html><script>alert(1)</script>", "quote.pdf", "This file is a web page"),
    (b"district,amount\nLeicester,40\n", "budget.csv", "This file is plain text"),
    (b"", "empty.pdf", "The file is empty."),
])
def test_wrong_types_and_empty_files_are_refused_by_content(app, world, upload_dir, data, name, message):
    response = send(client_as(app, "applicant"), docs_url(world["draft"]), data, name)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert rows() == [] and files(upload_dir) == []


def test_bad_input_is_a_4xx_with_a_message_never_a_500(app, world, upload_dir):
    client = client_as(app, "applicant")
    url = docs_url(world["draft"])
    response = send(client, url, pdf(), "quote.pdf", "section:not-a-section")
    assert response.status_code == 422 and "Choose which document this is." in response.get_data(as_text=True)
    response = send(client, url, pdf(), "quote.pdf", None)
    assert response.status_code == 422 and "Choose which document this is." in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "slot": "section:budget"},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(as_text=True)
    response = client.post(url, data={"slot": "section:budget", "file": (io.BytesIO(pdf()), "q.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400  # no CSRF token
    assert client.get(docs_url(999999)).status_code == 404
    assert send(client, docs_url(999999), pdf(), "q.pdf", token_from=url).status_code == 404
    assert client.post("/grants/documents/999999/remove", data={"csrf_token": csrf_token(client, url)}).status_code == 404
    app.config["UPLOAD_MAX_BYTES"] = 64 * 1024
    response = send(client, url, pdf(extra=b"0" * (100 * 1024)), "big.pdf")
    assert response.status_code == 413 and "The largest file you can upload here is" in response.get_data(as_text=True)
    assert rows() == [] and files(upload_dir) == []


@pytest.mark.parametrize("role", ["admin", "staff", "assessor", "panel_member"])
def test_only_applicants_reach_the_upload_pages(app, world, upload_dir, role):
    client = client_as(app, role)
    for url in (docs_url(world["draft"]), ORG_URL):
        assert client.get(url).status_code == 403
        assert send(client, url, pdf(), "q.pdf", token_from="/dashboard").status_code == 403
    assert client_as(app).get(docs_url(world["draft"])).status_code == 302  # signed out: sign in first
    assert rows() == [] and files(upload_dir) == []


def test_another_organisation_cannot_see_or_add_to_an_application(app, world, upload_dir):
    other = client_as(app, email="other@example.org")
    assert other.get(docs_url(world["draft"])).status_code == 403
    response = send(other, docs_url(world["draft"]), pdf(), "q.pdf", token_from=ORG_URL)
    assert response.status_code == 403 and "another organisation" in response.get_data(as_text=True)
    # Their own organisation page adds to their own organisation, whatever they try.
    assert send(other, ORG_URL, pdf(), "q.pdf", "accounts").status_code == 303
    assert [(r.owner_kind, r.owner_id) for r in rows()] == [("grants.organisation", world["other_org"])]


def test_a_sent_application_takes_no_more_files(app, world, upload_dir):
    client = client_as(app, "applicant")
    page = client.get(docs_url(world["assessed"])).get_data(as_text=True)
    assert "can no longer be changed" in page and 'type="file"' not in page
    response = send(client, docs_url(world["assessed"]), pdf(), "late.pdf", token_from=docs_url(world["draft"]))
    assert response.status_code == 403 and documents.SENT in response.get_data(as_text=True)
    assert rows() == [] and files(upload_dir) == []


# --- reading --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, allowed", [
    ("applicant", True), ("staff", True), ("admin", True), ("assessor", True), ("panel_member", False),
    ("other@example.org", False)])
def test_who_downloads_documents_of_an_application_in_assessment(app, world, who, allowed):
    org_doc = attach_org(world, pdf(b"% org"), "Safeguarding policy.pdf")
    # Added while it was a draft, then sent and put into assessment.
    application = db.session.get(GrantApplication, world["assessed"])
    application.state = "draft"
    db.session.commit()
    app_doc = attach_app(world, pdf(b"% app"), "Quote.pdf", application="assessed")
    application = db.session.get(GrantApplication, world["assessed"])
    application.state = "in_assessment"
    db.session.commit()
    client = client_as(app, email=who) if "@" in who else client_as(app, who)
    for row, data in ((org_doc, pdf(b"% org")), (app_doc, pdf(b"% app"))):
        response = client.get(f"/uploads/{row.id}")
        if allowed:
            assert response.status_code == 200 and response.data == data
            assert response.headers["Content-Disposition"].startswith("attachment;")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.status_code == 403 and data not in response.data
    assert client_as(app).get(f"/uploads/{app_doc.id}").headers["Location"].startswith("/login")


def test_an_assessor_sees_the_documents_of_assigned_applications_only(app, world):
    org_doc = attach_org(world, name="Constitution.pdf", slot="constitution")
    assessor = client_as(app, "assessor")
    page = f"/grants/applications/{world['assessed']}/assessment"
    # The first visit asks for a conflict declaration; with none declared the application (and documents) show.
    assessor.post(f"{page}/conflict", data={"csrf_token": csrf_token(assessor, page), "conflict": "no", "details": ""})
    text = assessor.get(page).get_data(as_text=True)
    assert "Constitution.pdf" in text and f'href="/uploads/{org_doc.id}"' in text
    assert "Remove" not in text.split("Documents", 1)[1]
    # Another group's documents, whose application this assessor is not assigned: refused.
    other = client_as(app, email="third@example.org")
    assert send(other, ORG_URL, pdf(), "Third policy.pdf", "safeguarding_policy").status_code == 303
    assert assessor.get(f"/uploads/{rows()[-1].id}").status_code == 403


def test_a_draft_is_not_for_assessors_even_assigned_to_it(app, world):
    row = attach_app(world)
    assign(db.session.get(GrantApplication, world["draft"]), account("assessor"))
    assert client_as(app, "assessor").get(f"/uploads/{row.id}").status_code == 403


def test_staff_see_documents_on_the_application_page(app, world):
    row = attach_app(world, name="Coach quote.pdf")
    text = client_as(app, "staff").get(f"/grants/applications/{world['draft']}").get_data(as_text=True)
    assert "Coach quote.pdf" in text and f'href="/uploads/{row.id}"' in text
    assert f"/grants/documents/{row.id}/remove" in text


# --- removing -------------------------------------------------------------------------------------------------

def _remove(client, row, token_from):
    return client.post(f"/grants/documents/{row.id}/remove",
                       data={"csrf_token": csrf_token(client, token_from), "next": token_from})


def test_a_member_removes_a_file_while_editable_and_the_file_goes_once_committed(app, world, upload_dir):
    row = attach_app(world)
    path = storage.path_for(row.stored_name)
    assert path.is_file()
    client = client_as(app, "applicant")
    response = _remove(client, row, docs_url(world["draft"]))
    assert response.status_code == 303 and response.headers["Location"] == docs_url(world["draft"])
    assert rows() == [] and not path.exists()


@pytest.mark.parametrize("who, status", [("staff", 303), ("admin", 303), ("other@example.org", 403),
                                         ("assessor", 403), ("panel_member", 403)])
def test_who_removes_an_application_document(app, world, upload_dir, who, status):
    row = attach_app(world)
    client = client_as(app, email=who) if "@" in who else client_as(app, who)
    assert _remove(client, row, "/dashboard").status_code == status
    assert len(rows()) == (0 if status == 303 else 1)


def test_members_cannot_remove_once_sent_but_staff_can_and_organisation_documents_stay_theirs(app, world):
    row = attach_app(world)
    org_doc = attach_org(world)
    application = db.session.get(GrantApplication, world["draft"])
    application.state = "submitted"
    db.session.commit()
    member = client_as(app, "applicant")
    response = _remove(member, row, "/dashboard")
    assert response.status_code == 403 and documents.SENT in response.get_data(as_text=True)
    assert _remove(member, org_doc, ORG_URL).status_code == 303
    assert _remove(client_as(app, "staff"), row, "/dashboard").status_code == 303
    assert rows() == []


def test_a_removal_without_its_token_keeps_the_row_and_the_file(app, world, upload_dir):
    row = attach_app(world)
    member = client_as(app, "applicant")
    # Without the CSRF token: refused, and the row and its file are still there.
    assert member.post(f"/grants/documents/{row.id}/remove").status_code == 400
    assert len(rows()) == 1 and storage.path_for(row.stored_name).is_file()


# --- kept with the application, removed with it ------------------------------------------------------------

def test_documents_stay_through_withdrawal_and_go_when_the_application_is_deleted(app, world, upload_dir):
    kept = attach_app(world, name="a.pdf")
    attach_app(world, name="b.pdf", slot="section:project")
    org_doc = attach_org(world)
    application = db.session.get(GrantApplication, world["draft"])
    application.state = "withdrawn"
    db.session.commit()
    assert len(rows()) == 3
    assert client_as(app, "applicant").get(f"/uploads/{kept.id}").status_code == 200
    assert documents.delete_application_documents(world["draft"]) == 2
    db.session.commit()
    assert [r.id for r in rows()] == [org_doc.id]
    assert files(upload_dir) == [storage.path_for(org_doc.stored_name)]


def test_the_documents_block_reads_a_flat_number_of_queries(app, world):
    client = client_as(app, "staff")
    url = f"/grants/applications/{world['draft']}"
    attach_app(world)
    attach_org(world)
    before = queries_for_page(client, url)
    for index in range(4):
        attach_app(world, name=f"quote {index}.pdf")
        attach_org(world, name=f"policy {index}.pdf", slot="accounts")
    assert queries_for_page(client, url) <= before


def test_the_demo_has_an_application_with_documents(app, upload_dir):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        found = {(r.owner_kind, r.slot): r for r in db.session.scalars(sa.select(Upload))
                 if r.owner_kind.startswith("grants.")}
        assert ("grants.application", "section:budget") in found and ("grants.organisation", "safeguarding_policy") in found
        assert all(r.content_type == "application/pdf" and r.scanned_with.startswith("ClamAV") for r in found.values())
        assert all(storage.path_for(r.stored_name).is_file() for r in found.values())
