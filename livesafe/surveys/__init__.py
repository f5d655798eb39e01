"""Youth and community perception surveys: anonymous answering, staff results."""
import os

from flask import Blueprint

from livesafe.auth import roles

bp = Blueprint("surveys", __name__)

NAVIGATION = {
    None: [("surveys.index", "Have your say")],
    **{role: [("surveys.manage", "Surveys")] for role in roles.STAFF_ROLES},
}
DASHBOARD = {
    role: [("surveys.manage", "Surveys", "Run survey waves, give schools their links and read the results.")]
    for role in roles.STAFF_ROLES
}


def init_app(app):
    app.config.setdefault(
        "SURVEY_MAX_SUBMISSIONS_PER_MINUTE", int(os.environ.get("SURVEY_MAX_SUBMISSIONS_PER_MINUTE") or 120)
    )
    app.config.setdefault("SURVEY_DRAFT_HOURS", int(os.environ.get("SURVEY_DRAFT_HOURS") or 2))
    # Before site.security registers its headers, so this runs after them and no-referrer wins.
    app.after_request(views.answering_headers)


from livesafe.surveys import analysis_views, builder_views, permissions, views  # noqa: E402,F401
