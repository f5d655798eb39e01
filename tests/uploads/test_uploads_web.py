"""Uploading and downloading through the web, as a feature's pages will: real clamd, real libmagic."""
import hashlib
import io
import re
import socket

import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.uploads.models import Upload
from tests.helpers import csrf_token, sign_in
from tests.uploads.conftest import EICAR, csv, docx, exe, pdf, user_id

APPLICANT, STAFF, ADMIN, ASSESSOR, PANEL = "applicant", "staff", "admin", "assessor", "panel_member"


def _send(client, url, data, filename, **extra):
    return client.post(url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), filename), **extra},
                       content_type="multipart/form-data")


def _rows(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Upload)))


def _files(upload_dir):
    return sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []


@pytest.fixture
def owner(web):
    return user_id(web, APPLICANT)


@pytest.fixture
def applicant(web, client):
    sign_in(client, APPLICANT)
    return client


def _page(owner, kind="test.person"):
    return f"/test-uploads/{kind}/{owner}"


def test_a_clean_pdf_is_accepted_stored_under_a_random_name_and_listed(web, applicant, owner, upload_dir):
    data = pdf()
    response = _send(applicant, _page(owner), data, "Safeguarding policy 2026.pdf")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    [row] = _rows(web)
    assert (row.owner_kind, row.owner_id, row.original_name) == ("test.person", owner, "Safeguarding policy 2026.pdf")
    assert (row.content_type, row.size, row.sha256) == ("application/pdf", len(data), hashlib.sha256(data).hexdigest())
    assert row.scanned_with.startswith("ClamAV ")
    [stored] = _files(upload_dir)
    assert stored.name == row.stored_name and re.fullmatch(r"[0-9a-f]{32}", stored.name)
    assert stored.read_bytes() == data
    assert "Safeguarding" not in str(stored) and "static" not in str(stored.relative_to(upload_dir))
    assert stored.stat().st_mode & 0o077 == 0  # readable by the app's user only
    page = applicant.get(_page(owner)).get_data(as_text=True)
    assert f'href="/uploads/{row.id}"' in page and "Safeguarding policy 2026.pdf" in page


@pytest.mark.parametrize("role, allowed", [(APPLICANT, True), (STAFF, True), (ADMIN, True), (ASSESSOR, False),
                                          (PANEL, False)])
def test_download_only_for_those_the_owners_rule_allows(web, owner, role, allowed):
    uploader = web.test_client()
    sign_in(uploader, APPLICANT)
    assert _send(uploader, _page(owner), pdf(), "accounts.pdf").status_code == 303
    [row] = _rows(web)
    client = web.test_client()
    sign_in(client, role)
    response = client.get(f"/uploads/{row.id}")
    if allowed:
        assert response.status_code == 200 and response.data == pdf()
    else:
        assert response.status_code == 403
        assert "Only the person and staff can see these files." in response.get_data(as_text=True)
        assert pdf() not in response.data


def test_signed_out_visitors_are_sent_to_sign_in_and_missing_files_are_404(web, applicant, owner):
    _send(applicant, _page(owner), pdf(), "accounts.pdf")
    [row] = _rows(web)
    visitor = web.test_client()
    response = visitor.get(f"/uploads/{row.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert applicant.get(f"/uploads/{row.id + 1000}").status_code == 404


def test_download_headers_make_it_an_attachment_of_exactly_its_type(web, applicant, owner):
    _send(applicant, _page(owner), pdf(), "Zoë’s plan.pdf")
    [row] = _rows(web)
    response = applicant.get(f"/uploads/{row.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Zo%C3%AB%E2%80%99s%20plan.pdf" in disposition
    assert "\n" not in disposition and "\r" not in disposition


def test_a_csv_is_served_as_csv_text_never_as_html(web, applicant, owner):
    _send(applicant, _page(owner), csv(), "reach.csv")
    [row] = _rows(web)
    response = applicant.get(f"/uploads/{row.id}")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_the_eicar_test_file_is_refused_by_the_real_clamd(web, applicant, owner, upload_dir):
    # EICAR is plain text, so named .csv it passes the type check and only the scanner can refuse it. It is
    # the exact 68-byte file, so ClamAV's official signatures catch it as well as the stand-in does.
    response = _send(applicant, _page(owner), EICAR, "results.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Our virus check found something harmful in this file" in text and "EICAR" in text.upper()
    assert _rows(web) == [] and _files(upload_dir) == []


def test_a_program_renamed_pdf_is_refused_by_its_content(web, applicant, owner, upload_dir):
    response = _send(applicant, _page(owner), exe(), "invoice.pdf")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This file is a Windows program, which cannot be uploaded here." in text
    assert 'aria-invalid="true"' in text  # the message is on the file field
    assert _rows(web) == [] and _files(upload_dir) == []


def test_a_web_page_renamed_csv_is_refused(web, applicant, owner):
    response = _send(applicant, _page(owner), b"<!doctype html><script>alert(1)</script>", "figures.csv")
    assert response.status_code == 422 and "This file is a web page" in response.get_data(as_text=True)


def test_a_word_file_named_pdf_is_kept_as_what_it_is(web, applicant, owner):
    assert _send(applicant, _page(owner), docx(), "constitution.pdf").status_code == 303
    [row] = _rows(web)
    assert row.original_name == "constitution.docx"
    assert row.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_over_the_kinds_limit_is_413_with_the_limit_in_words(web, applicant, owner, upload_dir):
    big = pdf(extra=b"0" * (70 * 1024))
    response = _send(applicant, _page(owner, "test.small"), big, "big.pdf")
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The largest file you can upload here is 0.1 MB." in text
    assert _rows(web) == [] and _files(upload_dir) == []


def test_a_body_over_the_upload_ceiling_is_413_before_anything_is_read(web, applicant, owner, upload_dir):
    web.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    response = _send(applicant, _page(owner), pdf(extra=b"0" * (2 * 1024 * 1024)), "huge.pdf")
    assert response.status_code == 413
    assert "The largest file you can upload here is 1 MB." in response.get_data(as_text=True)
    assert _rows(web) == [] and _files(upload_dir) == []


def test_upload_routes_accept_more_than_the_sites_general_body_limit(web, applicant, owner):
    assert web.config["MAX_CONTENT_LENGTH"] < 3 * 1024 * 1024 < web.config["UPLOAD_MAX_BYTES"]
    data = pdf(extra=b"0" * (3 * 1024 * 1024))
    assert _send(applicant, _page(owner), data, "annual accounts.pdf").status_code == 303
    [row] = _rows(web)
    assert row.size == len(data)


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_scanner_down_means_refused_and_logged_never_stored(web, applicant, owner, upload_dir, caplog):
    web.config.update(CLAMD_SOCKET="", CLAMD_PORT=_closed_port())
    response = _send(applicant, _page(owner), pdf(), "policy.pdf")
    assert response.status_code == 503
    assert "We could not check this file for viruses just now, so it has not been uploaded." in response.get_data(
        as_text=True)
    assert "virus scanner unavailable" in caplog.text
    assert _rows(web) == [] and _files(upload_dir) == []


def test_upload_form_says_what_is_accepted(web, applicant, owner):
    page = applicant.get(_page(owner, "test.small")).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".pdf"' in page
    assert "PDF, up to 0.1 MB. Every file is checked for viruses." in page
    assert 'aria-describedby="file-hint"' in page
    assert "No files yet." in page


def test_only_the_owner_may_attach(web, owner, upload_dir):
    staff = web.test_client()
    sign_in(staff, STAFF)
    response = _send(staff, _page(owner), pdf(), "policy.pdf")
    assert response.status_code == 403
    assert _rows(web) == [] and _files(upload_dir) == []


def test_no_file_chosen_and_an_empty_file_get_clear_messages(web, applicant, owner):
    response = applicant.post(_page(owner), data={"csrf_token": csrf_token(applicant, _page(owner))},
                              content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(as_text=True)
    response = _send(applicant, _page(owner), b"", "empty.pdf")
    assert response.status_code == 422 and "The file is empty." in response.get_data(as_text=True)


def test_remove_deletes_the_row_and_the_file_after_commit(web, applicant, owner, upload_dir):
    _send(applicant, _page(owner), pdf(), "old policy.pdf")
    [row] = _rows(web)
    page = applicant.get(_page(owner)).get_data(as_text=True)
    assert f'action="/test-uploads/file/{row.id}/remove"' in page
    response = applicant.post(f"/test-uploads/file/{row.id}/remove",
                              data={"csrf_token": csrf_token(applicant, _page(owner))})
    assert response.status_code == 303
    assert _rows(web) == [] and _files(upload_dir) == []
    assert applicant.get(f"/uploads/{row.id}").status_code == 404


def test_staff_can_read_but_not_remove(web, applicant, owner, upload_dir):
    _send(applicant, _page(owner), pdf(), "policy.pdf")
    [row] = _rows(web)
    staff = web.test_client()
    sign_in(staff, STAFF)
    page = staff.get(_page(owner)).get_data(as_text=True)
    assert f'href="/uploads/{row.id}"' in page and "/remove" not in page
    response = staff.post(f"/test-uploads/file/{row.id}/remove", data={"csrf_token": csrf_token(staff, _page(owner))})
    assert response.status_code == 403
    assert len(_rows(web)) == 1 and len(_files(upload_dir)) == 1
