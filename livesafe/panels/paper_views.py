"""Pages for meeting papers (rules and kinds in papers.py): a meeting's papers page (staff add papers there),
one route to remove a paper, and `meeting_papers(meeting)` for the block the meeting page includes
(templates/panels/papers_block.html). Files are downloaded through the upload component's own route."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import SelectField

from livesafe import uploads
from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.kernel import RuleError, can, require
from livesafe.kernel.errors import Refused, show_on
from livesafe.panels import bp, logic, papers
from livesafe.site.render import render
from livesafe.uploads.forms import UploadForm


class PaperForm(UploadForm):
    target = SelectField("What is this paper for?", choices=[], validate_choice=False)


@bp.app_context_processor
def paper_helpers():
    def meeting_papers(meeting):
        if not can("panels.read_papers", current_user, meeting):
            return None
        return papers.papers_of(meeting)

    return {"meeting_papers": meeting_papers}


def _meeting(panel_id, meeting_id):
    meeting = logic.meeting_with_agenda(meeting_id)
    if meeting is None or meeting.panel_id != panel_id:
        abort(404)
    require("panels.read_papers", current_user, meeting)
    return meeting


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/papers", methods=["GET", "POST"])
@roles_required(roles.PANEL_MEMBER, *roles.STAFF_ROLES)
@uploads.accepts_uploads
def meeting_papers(panel_id, meeting_id):
    meeting = _meeting(panel_id, meeting_id)
    form = PaperForm()
    form.target.choices = papers.targets(meeting)
    status = 200
    if request.method == "POST":
        try:
            papers.attach(form.file.data, meeting, form.target.data, current_user)
        except Refused:
            raise  # members may read this page but not add to it: the error page says why, with 403
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Paper added.")
            return redirect(url_for("panels.meeting_papers", panel_id=panel_id, meeting_id=meeting_id), 303)
    return render("panels/papers.html", meeting=meeting, form=form, status=status)


@bp.route("/panels/papers/<int:upload_id>/remove", methods=["POST"])
@roles_required(*roles.STAFF_ROLES)
def remove_paper(upload_id):
    upload, _ = uploads.readable(upload_id, current_user)  # 404 or 403 before anything else
    if upload.owner_kind == papers.MEETING:
        meeting = uploads.kind_of(papers.MEETING).load(upload.owner_id)
    elif upload.owner_kind == papers.ITEM:
        meeting = uploads.kind_of(papers.ITEM).load(upload.owner_id).meeting
    else:
        raise uploads.NotFound("That file does not exist or has been removed.")
    name = upload.original_name
    uploads.remove(upload, current_user)
    flash(f"{name} removed.")
    return redirect(url_for("panels.meeting_papers", panel_id=meeting.panel_id, meeting_id=meeting.id), 303)
