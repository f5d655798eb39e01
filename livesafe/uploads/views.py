"""The download route, and what a feature's upload view needs: a larger body limit for that view only."""
from functools import wraps

from flask import current_app, request, send_file
from flask_login import current_user

from livesafe.extensions import login_manager
from livesafe.kernel.errors import Refused
from livesafe.uploads import bp
from livesafe.uploads.logic import readable, too_large

FORM_ALLOWANCE = 64 * 1024  # the rest of a multipart body: boundaries, headers, the CSRF token


def accepts_uploads(view):
    """Mark a view that receives a file: its requests may be up to UPLOAD_MAX_BYTES (every other route keeps
    MAX_CONTENT_LENGTH). Put it under the route decorator; `roles_required` may go either side."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.accepts_uploads = True
    return wrapped


def body_limit(endpoint, values):
    """Runs before any before_request hook (the CSRF check reads the body), so the larger limit applies from
    the first byte read; a body announced as too large is refused at once with the limit in words."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    if getattr(view, "accepts_uploads", False):
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        request.max_content_length = limit + FORM_ALLOWANCE
        if request.content_length and request.content_length > limit + FORM_ALLOWANCE:
            raise too_large(request.content_length, limit)


def download(upload_id, user):
    """The response that sends an upload to this user, if the owner's rule allows: for this blueprint's route
    and for a feature that serves files under its own URLs. Raises Refused (403) or NotFound (404)."""
    upload, path = readable(upload_id, user)
    response = send_file(path, mimetype=upload.content_type, as_attachment=True, download_name=upload.original_name,
                         etag=False, conditional=False, max_age=None)
    # Never rendered by the browser, never guessed at, never cached: a download, of exactly this type.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/uploads/<int:upload_id>", endpoint="download")
def download_view(upload_id):
    try:
        return download(upload_id, current_user)
    except Refused:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        raise
