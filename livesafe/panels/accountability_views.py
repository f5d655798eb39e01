"""Views for accountability, finding and following (thin: parse, call logic, render).

Public: the accountability figures (overall and per panel), one published item, the open-data export,
search over published items. Staff: progress per item. Members: follow, unfollow, reply to a comment.
"""
import json

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from livesafe.auth import roles
from livesafe.auth.forms import EmptyForm
from livesafe.auth.permissions import login_required, roles_required
from livesafe.extensions import db
from livesafe.kernel import RuleError, can, require
from livesafe.kernel.errors import show_on
from livesafe.panels import accountability, bp, finding, following, logic, redaction
from livesafe.panels.forms import Form
from livesafe.panels.models import DEFAULT_RESPONSE_DAYS, Comment, Feedback, Panel
from livesafe.site.render import render

MAX_QUERY = 200


class ProgressForm(Form):
    progress = IntegerField("Progress (per cent)", validators=[
        Optional(), NumberRange(min=0, max=100, message="Enter a percentage from 0 to 100")],
        description="How much of the agreed action is done, from 0 to 100. Leave empty to give a milestone only.")
    progress_note = TextAreaField("Latest milestone", validators=[
        Length(max=500, message="The milestone must be 500 characters or fewer")],
        description="What has happened so far, in a sentence. The public sees it on the item.")


class FollowForm(Form):
    mode = RadioField("How do you want to hear about it?", choices=list(following.MODES.items()),
                      default="immediate", validators=[DataRequired(message="Choose how often to hear about it")])


class ReplyForm(Form):
    body = TextAreaField("Your reply", validators=[
        DataRequired(message="Enter your reply"),
        Length(max=2000, message="Your reply must be 2000 characters or fewer"),
    ])


class ItemSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search recommendations and responses", validators=[
        Length(max=MAX_QUERY, message=f"Search with {MAX_QUERY} characters or fewer")])


def _get(model, object_id):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


# Template helpers: the follow box and comment threads on the item page.
bp.add_app_template_global(following.follow_of, "follow_of")
bp.add_app_template_global(following.threads, "comment_threads")
bp.add_app_template_global(lambda: FollowForm(formdata=None), "follow_form")


# --- Public: accountability ------------------------------------------------------------------


@bp.route("/accountability")
def accountability_page():
    return render("panels/accountability/figures.html", figures=accountability.cached_figures(), panel=None,
                  panels=logic.all_panels(), states=logic.STATES,
                  default_days=DEFAULT_RESPONSE_DAYS)


@bp.route("/accountability/panels/<int:panel_id>")
def panel_accountability(panel_id):
    found = _get(Panel, panel_id)
    return render("panels/accountability/figures.html", figures=accountability.cached_figures(found.id), panel=found,
                  panels=logic.all_panels(), states=logic.STATES,
                  default_days=DEFAULT_RESPONSE_DAYS)


@bp.route("/you-said-we-did/export.<any(csv, json):kind>")
def export(kind):
    rows = accountability.export_rows()
    if kind == "json":
        body = json.dumps({"licence": "Open Government Licence v3.0", "fields": accountability.EXPORT_FIELDS,
                           "items": rows}, ensure_ascii=False, indent=1)
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": "attachment; filename=you-said-we-did.json"})
    return Response(accountability.export_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=you-said-we-did.csv"})


@bp.route("/you-said-we-did/items/<int:feedback_id>")
def public_item(feedback_id):
    item = _get(Feedback, feedback_id)
    if not logic.is_public(item):
        abort(404)
    cuts = redaction.phrases_for("feedback", [item.id])
    return render("panels/accountability/item.html", item=item, cut=cuts.get(item.id, []))


@bp.route("/you-said-we-did/search")
def search_items():
    form = ItemSearchForm(formdata=request.args)
    status = 200 if form.validate() else 422
    query = (form.q.data or "").strip() if status == 200 else ""
    entries = finding.search(query, limit=50) if query else []
    return render("panels/accountability/search.html", form=form, query=query, entries=entries,
                  names=finding.panel_names(entries), snippet=finding.snippet, status=status)


# --- Staff: progress ---------------------------------------------------------------------------


@bp.route("/panels/feedback/<int:feedback_id>/progress", methods=["GET", "POST"])
@roles_required(*roles.STAFF_ROLES)
def progress(feedback_id):
    item = _get(Feedback, feedback_id)
    require("panels.triage", current_user, item)
    form = ProgressForm() if request.method == "POST" else ProgressForm(
        data={"progress": item.progress, "progress_note": item.progress_note})
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            accountability.set_progress(item, form.progress.data, form.progress_note.data or "", current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Progress saved. The public sees it on the item once it is published.")
            return redirect(url_for("panels.triage_item", feedback_id=feedback_id))
    if form.progress.raw_data and form.progress.raw_data[0] and form.progress.data is None:
        form.progress.errors = ["Enter the percentage as a whole number, like 40"]
    return render("panels/accountability/progress.html", form=form, feedback=item, status=status)


# --- Members: follow and reply ----------------------------------------------------------------


@bp.route("/panels/feedback/<int:feedback_id>/follow", methods=["POST"])
@roles_required(roles.PANEL_MEMBER)
def follow(feedback_id):
    item = _get(Feedback, feedback_id)
    require("panels.follow", current_user, item)
    form = FollowForm()
    if not form.validate_on_submit():
        return render("panels/accountability/follow.html", form=form, feedback=item, status=422)
    following.follow(item, current_user, form.mode.data)
    flash("You follow this item. " + ("We will e-mail you each time something happens." if form.mode.data ==
                                      "immediate" else "We will e-mail you a weekly digest."))
    return redirect(url_for("panels.feedback", feedback_id=feedback_id) + "#follow")


@bp.route("/panels/feedback/<int:feedback_id>/unfollow", methods=["POST"])
@login_required
def unfollow(feedback_id):
    item = _get(Feedback, feedback_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    following.unfollow(item, current_user)
    flash("You no longer follow this item.")
    if can("panels.view_feedback", current_user, item):
        return redirect(url_for("panels.feedback", feedback_id=feedback_id) + "#follow")
    return redirect(url_for("panels.my_panels"))


@bp.route("/panels/feedback/<int:feedback_id>/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@login_required
def reply(feedback_id, comment_id):
    item = _get(Feedback, feedback_id)
    parent = _get(Comment, comment_id)
    require("panels.comment", current_user, item)
    if parent.feedback_id != item.id:
        abort(404)
    form = ReplyForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            added = following.reply(item, parent, current_user, form.body.data)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Your reply is added.")
            return redirect(url_for("panels.feedback", feedback_id=feedback_id) + f"#comment-{added.id}")
    shown = parent if parent.hidden_at is None else None
    cut = [] if shown is None or redaction.sees_original(current_user, parent.author_id) else \
        redaction.phrases_for("comment", [parent.id]).get(parent.id, [])
    title_cut = [] if redaction.sees_original(current_user, item.author_id) else \
        redaction.phrases_for("feedback", [item.id]).get(item.id, [])
    return render("panels/accountability/reply.html", form=form, feedback=item, parent=shown, cut=cut,
                  title_cut=title_cut, status=status)
