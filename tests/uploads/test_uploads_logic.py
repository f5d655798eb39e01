"""The component's rules called directly: names, types, the scanner failing closed, files following the transaction."""
import os
import socket
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from livesafe import uploads
from livesafe.auth.models import User
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError
from livesafe.uploads import storage
from livesafe.uploads.logic import display_name, split_name
from livesafe.uploads.models import Upload
from tests.uploads.conftest import EICAR, FakeFile, csv, docx, exe, jpeg, odt, pdf, png, xlsx


@pytest.fixture
def person(ctx, demo_users, upload_dir):
    return db.session.scalar(sa.select(User).where(User.email == "applicant@example.org"))


def _files(upload_dir):
    return sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []


@pytest.mark.parametrize("raw, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\sam\\Documents\\report.pdf", "report.pdf"),
    ("/var/www/static/evil.pdf", "evil.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.pdf"),  # a right-to-left override hiding ".exe"
    ("ｒｅｐｏｒｔ.pdf", "report.pdf"),  # full-width letters, NFKC
    ("zero\u200bwidth\u200d.pdf", "zerowidth.pdf"),
    ("line\r\nContent-Type: text/html.pdf", "html.pdf"),  # "/" starts a new path part
    ("line\r\nbreak.pdf", "linebreak.pdf"),
    ('a<b>:c"d|e?f*.pdf', "abcdef.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),
    ("..", "file.pdf"),
    ("", "file.pdf"),
    ("  ...hidden.pdf  ", "hidden.pdf"),
    ("nul\x00byte.pdf", "nulbyte.pdf"),
    ("Zoë’s plan (final).PDF", "Zoë’s plan (final).pdf"),
    ("accounts.tar.gz", "accounts.tar.pdf"),
    ("no extension at all", "no extension at all.pdf"),
    ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
])
def test_names_are_made_safe_to_show_and_get_the_real_extension(raw, shown):
    assert display_name(raw, "pdf") == shown


def test_the_extension_people_gave_is_read_in_lower_case():
    assert split_name("Figures.CSV") == ("Figures", "csv")


@pytest.mark.parametrize("make, filename, key", [
    (pdf, "a.pdf", "application/pdf"),
    (docx, "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx, "a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (odt, "a.odt", "application/vnd.oasis.opendocument.text"),
    (png, "a.png", "image/png"),
    (jpeg, "a.jpeg", "image/jpeg"),
    (csv, "a.csv", "text/csv"),
])
def test_each_allowed_type_is_recognised_by_content(person, make, filename, key):
    upload = uploads.attach(FakeFile(make(), filename), "test.person", person.id, person)
    assert upload.content_type == key


def test_a_real_program_is_refused_whatever_it_is_called(person, upload_dir):
    with pytest.raises(RuleError, match="This file is a program, which cannot be uploaded here") as refused:
        uploads.attach(FakeFile(Path(sys.executable).resolve().read_bytes()[:200_000], "budget.pdf"),
                       "test.person", person.id, person)
    assert refused.value.status == 422 and refused.value.field == "file"
    with pytest.raises(RuleError, match="Windows program"):
        uploads.attach(FakeFile(exe(), "budget.pdf"), "test.person", person.id, person)
    assert _files(upload_dir) == []


def test_a_type_allowed_elsewhere_is_refused_where_it_is_not(person):
    with pytest.raises(RuleError, match="Upload PDF.$"):
        uploads.attach(FakeFile(png(), "photo.png"), "test.small", person.id, person)


def test_plain_text_counts_as_csv_only_when_named_csv(person):
    text = b"just a note\nwith two lines\n"
    assert uploads.attach(FakeFile(text, "notes.csv"), "test.person", person.id, person).content_type == "text/csv"
    with pytest.raises(RuleError, match="This file is plain text"):
        uploads.attach(FakeFile(text, "notes.txt"), "test.person", person.id, person)


def test_eicar_is_refused_by_the_real_clamd(person, upload_dir):
    with pytest.raises(uploads.Infected, match="virus check found something harmful") as refused:
        uploads.attach(FakeFile(EICAR, "eicar.csv"), "test.person", person.id, person)
    assert refused.value.status == 422
    assert db.session.scalar(sa.select(sa.func.count(Upload.id))) == 0 and _files(upload_dir) == []


def _serve_once(reply):
    """A fake clamd on loopback that answers every connection with `reply` (or hangs up when None)."""
    server = socket.create_server(("127.0.0.1", 0))

    def run():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                except OSError:
                    pass
                if reply is not None:
                    conn.sendall(reply)

    threading.Thread(target=run, daemon=True).start()
    return server


@pytest.mark.parametrize("reply", [None, b"stream: Something ERROR\n", b"gibberish\n"])
def test_a_scanner_that_misbehaves_means_refused_never_stored(person, app, upload_dir, reply, caplog):
    server = _serve_once(reply)
    app.config.update(CLAMD_SOCKET="", CLAMD_PORT=server.getsockname()[1], CLAMD_TIMEOUT=3)
    try:
        with pytest.raises(uploads.ScannerUnavailable) as refused:
            uploads.attach(FakeFile(pdf(), "policy.pdf"), "test.person", person.id, person)
    finally:
        server.close()
    assert refused.value.status == 503
    assert "upload refused" in caplog.text
    assert db.session.scalar(sa.select(sa.func.count(Upload.id))) == 0 and _files(upload_dir) == []


def test_a_scanner_that_never_answers_times_out_and_refuses(person, app, upload_dir):
    server = socket.create_server(("127.0.0.1", 0))  # accepts connections into its backlog, never replies
    app.config.update(CLAMD_SOCKET="", CLAMD_PORT=server.getsockname()[1], CLAMD_TIMEOUT=1)
    started = time.monotonic()
    try:
        with pytest.raises(uploads.ScannerUnavailable):
            uploads.attach(FakeFile(pdf(), "policy.pdf"), "test.person", person.id, person)
    finally:
        server.close()
    assert time.monotonic() - started < 10
    assert _files(upload_dir) == []


def test_a_missing_unix_socket_refuses(person, app, tmp_path, upload_dir):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd.sock")
    with pytest.raises(uploads.ScannerUnavailable, match="could not check this file for viruses"):
        uploads.attach(FakeFile(pdf(), "policy.pdf"), "test.person", person.id, person)
    assert _files(upload_dir) == []


SOCKET = os.environ.get("CLAMD_SOCKET") or str(Path(__file__).resolve().parents[2] / "instance/clamav/clamd.sock")


@pytest.mark.skipif(not Path(SOCKET).is_socket(), reason="clamd was started elsewhere, without this unix socket")
def test_clamd_over_its_unix_socket(person, app):
    app.config["CLAMD_SOCKET"] = SOCKET
    with pytest.raises(uploads.Infected):
        uploads.attach(FakeFile(EICAR, "eicar.csv"), "test.person", person.id, person)


def test_a_rolled_back_upload_leaves_no_file(person, upload_dir):
    upload = uploads.attach(FakeFile(pdf(), "policy.pdf"), "test.person", person.id, person)
    path = storage.path_for(upload.stored_name)
    assert path.is_file()
    db.session.rollback()
    assert not path.exists()


def test_a_removed_upload_keeps_its_file_until_the_removal_commits(person, upload_dir):
    upload = uploads.attach(FakeFile(pdf(), "policy.pdf"), "test.person", person.id, person)
    db.session.commit()
    path = storage.path_for(upload.stored_name)
    uploads.remove(upload, person)
    db.session.rollback()
    assert path.is_file()
    uploads.remove(db.session.get(Upload, upload.id), person)
    db.session.commit()
    assert not path.exists()


def test_removing_needs_the_owners_permission(person):
    upload = uploads.attach(FakeFile(pdf(), "policy.pdf"), "test.person", person.id, person)
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@example.org"))
    with pytest.raises(Refused):
        uploads.remove(upload, staff)


def test_delete_for_removes_every_file_of_an_owner(person, upload_dir):
    for name in ("a.pdf", "b.pdf"):
        uploads.attach(FakeFile(pdf(), name), "test.person", person.id, person, slot="policies")
    db.session.commit()
    assert [u.original_name for u in uploads.for_owner("test.person", person.id, slot="policies")] == ["a.pdf", "b.pdf"]
    assert uploads.delete_for("test.person", person.id) == 2
    db.session.commit()
    assert uploads.for_owner("test.person", person.id) == [] and _files(upload_dir) == []


def test_prune_removes_only_old_files_without_a_record(person, upload_dir):
    kept = uploads.attach(FakeFile(pdf(), "kept.pdf"), "test.person", person.id, person)
    db.session.commit()
    storage.write("ab" * 16, b"left behind by a crash")
    recent = storage.write("cd" * 16, b"a request still committing")
    old = utcnow() - timedelta(hours=2)
    for path in (storage.path_for("ab" * 16), storage.path_for(kept.stored_name)):
        os.utime(path, (old.timestamp(), old.timestamp()))
    assert uploads.prune() == 1
    assert not storage.path_for("ab" * 16).exists()
    assert recent.exists() and storage.path_for(kept.stored_name).exists()


def test_stored_names_are_never_paths():
    with pytest.raises(ValueError):
        storage.path_for("../../etc/passwd")


def test_files_live_outside_static_by_default(app):
    assert not app.config["UPLOAD_DIR"].startswith(app.static_folder)
    assert app.config["UPLOAD_DIR"].startswith(app.instance_path)


def test_a_kind_must_name_known_types_and_register_once():
    with pytest.raises(ValueError):
        uploads.Kind("test.bad", lambda i: None, read="x", attach="y", accept=("exe",))
    with pytest.raises(ValueError):
        uploads.register(uploads.Kind("test.person", lambda i: None, read="x", attach="y"))


def test_attaching_to_something_gone_is_404(person):
    with pytest.raises(uploads.NotFound) as missing:
        uploads.attach(FakeFile(pdf(), "a.pdf"), "test.person", 999_999, person)
    assert missing.value.status == 404


def test_the_attach_is_audited(person):
    from livesafe.audit.models import AuditEvent

    upload = uploads.attach(FakeFile(pdf(), "a.pdf"), "test.person", person.id, person)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "upload.attach"))
    assert (event.actor_id, event.subject_id) == (person.id, upload.id)
    assert event.after["size"] == upload.size and "a.pdf" not in str(event.after)


def test_the_upload_marker_survives_the_role_gate_on_either_side():
    from livesafe.auth.permissions import roles_required

    def view():
        return "ok"

    assert roles_required("applicant")(uploads.accepts_uploads(view)).accepts_uploads
    assert uploads.accepts_uploads(roles_required("applicant")(view)).accepts_uploads
