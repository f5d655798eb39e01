"""Static files under fingerprinted names, cached by browsers for a year.

Every `url_for('static', filename='css/site.css')` gives `/static/css/site.<hash>.css`, where the hash is
taken from the file's content when the app starts. A changed file gets a new name, so the old one can be
cached forever: pages then never re-fetch their CSS and JavaScript, and those re-fetches can no longer
carry the page (a survey branch, an article) as Referer into anybody's log.
"""
import hashlib
from pathlib import Path

from flask import current_app, send_from_directory

HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"


def fingerprinted(name: str, digest: str) -> str:
    """css/site.css -> css/site.<digest>.css (the hash goes before the last extension)."""
    folder, _, base = name.rpartition("/")
    stem, dot, extension = base.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot and stem else f"{base}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def build_manifest(folder: str) -> dict[str, str]:
    """{real name: fingerprinted name} for every file under the static folder."""
    root = Path(folder)
    manifest = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            manifest[name] = fingerprinted(name, hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH])
    return manifest


def serve(filename: str):
    """The static route: a fingerprinted name is served for a year; a plain name as Flask would."""
    real = current_app.extensions["static_real_names"].get(filename)
    if real is None:
        return current_app.send_static_file(filename)
    response = send_from_directory(current_app.static_folder, real)
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def init_app(app) -> None:
    manifest = build_manifest(app.static_folder)
    app.extensions["static_manifest"] = manifest
    app.extensions["static_real_names"] = {hashed: real for real, hashed in manifest.items()}

    @app.url_defaults
    def fingerprint(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.view_functions["static"] = serve
