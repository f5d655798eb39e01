"""The upload component against the real clamd (started by `make test` through scripts/clamav.sh).

A test kind of owner, "test.person" (files about one account: the person adds them, staff and admins read
them), and a small test blueprint that uses the component the way a feature does: its form macro, the
accepts_uploads marker, attach() with show_on(), file_list() and remove().
"""
import io
import struct
import zipfile
import zlib

import pytest
import sqlalchemy as sa
from flask import Blueprint, redirect, render_template_string, request
from flask_login import current_user

from livesafe import uploads
from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.kernel import RuleError, allow, deny, rule
from livesafe.kernel.errors import show_on
from livesafe.kernel.permissions import RULES
from livesafe.uploads.forms import UploadForm
from tests.helpers import EMAIL

# The EICAR anti-virus test string, assembled so that no file in the repository holds it whole.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*").encode()

PAGE = """{% import "uploads/macros.html" as up with context %}<!doctype html><title>Files</title><main>
{{ up.upload_form(form, request.path, kind) }}
{{ up.file_list(files, remove_endpoint="uploads_test.remove") }}</main>"""


def _person(owner_id):
    return db.session.get(User, owner_id)


def _own(user, person):
    return allow if getattr(user, "id", None) == person.id else deny("Only the person themselves can do that.")


def _own_or_staff(user, person):
    if getattr(user, "is_authenticated", False) and (user.id == person.id or user.role in roles.STAFF_ROLES):
        return allow
    return deny("Only the person and staff can see these files.")


KINDS = (
    uploads.Kind("test.person", _person, read="test_person.read", attach="test_person.attach",
                 accept=("pdf", "docx", "xlsx", "odt", "png", "jpeg", "csv")),
    uploads.Kind("test.small", _person, read="test_person.read", attach="test_person.attach", accept=("pdf",),
                 max_bytes=64 * 1024),
)


@pytest.fixture(autouse=True)
def test_kinds():
    rule("test_person.read")(_own_or_staff)
    rule("test_person.attach")(_own)
    for kind in KINDS:
        uploads.register(kind)
    yield
    for kind in KINDS:
        uploads.KINDS.pop(kind.name, None)
    for name in ("test_person.read", "test_person.attach"):
        RULES.pop(name, None)


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _blueprint():
    bp = Blueprint("uploads_test", __name__)

    @bp.route("/test-uploads/<kind>/<int:owner_id>", methods=["GET", "POST"])
    @uploads.accepts_uploads
    def files(kind, owner_id):
        form = UploadForm()
        status = 200
        if request.method == "POST":
            try:
                uploads.attach(form.file.data, kind, owner_id, current_user)
                return redirect(request.path, 303)
            except RuleError as error:
                status = show_on(form, error)
        page = render_template_string(PAGE, form=form, kind=kind, files=uploads.for_owner(kind, owner_id))
        return page, status

    @bp.post("/test-uploads/file/<int:upload_id>/remove")
    def remove(upload_id):
        upload, _ = uploads.readable(upload_id, current_user)
        uploads.remove(upload, current_user)
        return redirect(f"/test-uploads/{upload.owner_kind}/{upload.owner_id}", 303)

    return bp


@pytest.fixture
def web(app, demo_users, upload_dir):
    """The app with the test blueprint; returns a helper to find demo users' ids."""
    app.register_blueprint(_blueprint())
    return app


def user_id(app, role):
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == EMAIL[role]))


# --- sample files, made here (small and valid enough for libmagic) -------------------------------------------

def pdf(extra=b""):
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            + extra + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _zip(entries, first_stored=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if first_stored and index == 0 else None)
    return buffer.getvalue()


def docx():
    return _zip([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
                 ("word/document.xml", "<w:document/>")])


def xlsx():
    return _zip([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
                 ("xl/workbook.xml", "<workbook/>")])


def odt():
    return _zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")], first_stored=True)


def png():
    def chunk(kind, data):
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack("!IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))


def jpeg():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def csv():
    return b"district,young people reached\nLeicester,40\nRutland,12\n"


def exe():
    return b"MZ\x90\x00" + b"\0" * 56 + struct.pack("<I", 64) + b"PE\0\0" + b"\0" * 200


class FakeFile:
    """What a form gives attach(): a werkzeug FileStorage's filename and stream."""

    def __init__(self, data, filename):
        self.stream, self.filename = io.BytesIO(data), filename
