"""What a file is, decided from its bytes by libmagic (python-magic), never from its name or the browser.

TYPES is the vocabulary each kind's allow-list is written in. Only formats that cannot run code when
opened the ordinary way are listed (no HTML, SVG, executables or macro-enabled Office files); a macro-enabled
.docm is detected as its own type and so refused.
"""
from __future__ import annotations

from dataclasses import dataclass

import magic

from livesafe.kernel.errors import RuleError


@dataclass(frozen=True)
class FileType:
    key: str
    extension: str  # the extension the download gets, whatever the person's file was called
    mime: str  # the Content-Type it is served with
    label: str  # in hints and messages
    detected: tuple[str, ...]  # libmagic's MIME answers that mean this type


TYPES = {t.key: t for t in (
    FileType("pdf", "pdf", "application/pdf", "PDF", ("application/pdf",)),
    FileType("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "Word (.docx)", ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)),
    FileType("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "Excel (.xlsx)", ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)),
    FileType("pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "PowerPoint (.pptx)", ("application/vnd.openxmlformats-officedocument.presentationml.presentation",)),
    FileType("odt", "odt", "application/vnd.oasis.opendocument.text", "OpenDocument text (.odt)",
             ("application/vnd.oasis.opendocument.text",)),
    FileType("ods", "ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet (.ods)",
             ("application/vnd.oasis.opendocument.spreadsheet",)),
    FileType("png", "png", "image/png", "PNG image", ("image/png",)),
    FileType("jpeg", "jpg", "image/jpeg", "JPEG image", ("image/jpeg",)),
    # libmagic says text/csv only when it is sure; plain text named .csv is accepted as CSV (see detect()).
    FileType("csv", "csv", "text/csv", "CSV", ("text/csv",)),
)}

DOCUMENTS = ("pdf", "docx", "odt")
SPREADSHEETS = ("xlsx", "ods", "csv")
IMAGES = ("png", "jpeg")

# Words for what libmagic found, when it is refused (so the person learns what their file really is).
FOUND = {
    "application/x-dosexec": "a Windows program",
    "application/vnd.microsoft.portable-executable": "a Windows program",
    "application/x-msi": "a Windows installer",
    "application/x-executable": "a program",
    "application/x-pie-executable": "a program",
    "application/x-sharedlib": "a program",
    "application/x-mach-binary": "a program",
    "text/x-shellscript": "a script",
    "text/html": "a web page",
    "image/svg+xml": "an SVG image",
    "application/zip": "a zip archive",
    "application/msword": "an old-style Word document (.doc)",
    "application/vnd.ms-excel": "an old-style Excel file (.xls)",
    "application/x-empty": "empty",
    "text/plain": "plain text",
}


def labels(keys: tuple[str, ...]) -> str:
    names = [TYPES[k].label for k in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def detect(data: bytes, accept: tuple[str, ...], claimed_extension: str = "") -> FileType:
    """The allowed type these bytes are, or a RuleError saying what they are instead."""
    found = magic.from_buffer(data, mime=True)
    for key in accept:
        if found in TYPES[key].detected:
            return TYPES[key]
    if "csv" in accept and found == "text/plain" and claimed_extension == "csv":
        return TYPES["csv"]
    what = FOUND.get(found, f"a file of type {found}")
    raise RuleError(f"This file is {what}, which cannot be uploaded here. Upload {labels(accept)}.", field="file")
