"""Uploads: the one component every feature uses to accept, keep and serve files (see logic.py for the API,
templates/uploads/macros.html for the form parts)."""
from flask import Blueprint

bp = Blueprint("uploads", __name__)

from livesafe.uploads import permissions, views  # noqa: E402,F401
from livesafe.uploads.filetypes import DOCUMENTS, IMAGES, SPREADSHEETS, TYPES, labels  # noqa: E402
from livesafe.uploads.logic import (  # noqa: E402
    KINDS,
    Kind,
    NotFound,
    TooLarge,
    attach,
    delete_for,
    for_owner,
    kind_of,
    limit_for,
    megabytes,
    prune,
    readable,
    register,
    remove,
)
from livesafe.uploads.scanning import Infected, ScannerUnavailable  # noqa: E402
from livesafe.uploads.views import accepts_uploads, download  # noqa: E402


def rules(kind_name: str) -> dict:
    """What a form says about a kind's files: the input's accept list and the hint."""
    kind = kind_of(kind_name)
    extensions = [TYPES[key].extension for key in kind.accept] + (["jpeg"] if "jpeg" in kind.accept else [])
    listed = labels(kind.accept)
    limit = megabytes(limit_for(kind))
    return {"accept": ",".join("." + e for e in extensions), "types": listed, "limit": limit,
            "hint": f"{listed}, up to {limit}. Every file is checked for viruses."}


def init_app(app):
    app.url_value_preprocessor(views.body_limit)
    app.jinja_env.globals["upload_rules"] = rules


__all__ = ["DOCUMENTS", "IMAGES", "KINDS", "SPREADSHEETS", "Infected", "Kind", "NotFound", "ScannerUnavailable",
           "TooLarge", "accepts_uploads", "attach", "download", "delete_for", "for_owner", "kind_of", "prune", "readable",
           "register", "remove", "rules"]
