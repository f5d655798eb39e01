"""Views of the panels feature (thin: parse, call logic, render)."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from livesafe import clock, places
from livesafe.auth import roles
from livesafe.auth.forms import EmptyForm
from livesafe.auth.permissions import login_required, roles_required
from livesafe.clock import london_to_utc
from livesafe.extensions import db
from livesafe.kernel import Conflict, RuleError, can, require
from livesafe.kernel.errors import show_on
from livesafe.panels import bp, logic
from livesafe.panels.forms import (
    AgendaItemForm,
    AppealForm,
    DecideAppealForm,
    AssetFilterForm,
    AssetForm,
    AssignForm,
    CommentForm,
    FeedbackFilterForm,
    FeedbackForm,
    HideForm,
    MeetingForm,
    MemberForm,
    NameConsentForm,
    NoteForm,
    PanelForm,
    PublishForm,
    ReasonForm,
    RedactForm,
    ReportForm,
    StateForm,
    SupportForm,
    TriageFilterForm,
)
from livesafe.panels.models import (
    DEFAULT_RESPONSE_DAYS,
    AgendaItem,
    Appeal,
    Asset,
    Comment,
    Feedback,
    Meeting,
    Panel,
    Redaction,
    Report,
)
from livesafe.panels import redaction
from livesafe.site.numbers import query_page
from livesafe.site.render import render, wants_fragment

staff_only = roles_required(*roles.STAFF_ROLES)
member_or_staff = roles_required(roles.PANEL_MEMBER, *roles.STAFF_ROLES)


def _get(model, object_id, options=()):
    found = db.session.get(model, object_id, options=list(options))
    if found is None:
        abort(404)
    return found


def _found(value):
    if value is None:
        abort(404)
    return value


# --- Public pages ------------------------------------------------------------------------------


@bp.context_processor
def labels():
    """The label of every key the panels store, and the one rule for showing a name publicly."""
    return {"public_name": logic.public_name, "contact_held_back": logic.contact_held_back, "labels": {
        "states": logic.STATES, "concerns": logic.CONCERNS, "areas": dict(places.CHOICES), "urgency": logic.URGENCY,
        "kinds": logic.ASSET_KINDS, "modes": logic.MEETING_MODES, "reasons": logic.REPORT_REASONS,
        "asset_states": logic.ASSET_STATES,
    }}


# Globals, so the panels' macros (imported without context) can use them too.
bp.add_app_template_global(redaction.redact, "redact")
bp.add_app_template_global(logic.public_contact, "public_contact")


def _filter(form):
    """Validate a GET filter form: the valid values, and a 422 status when any was not."""
    valid = form.validate()
    values = {name: (None if form[name].errors else form[name].data) for name in form.data}
    return values, 200 if valid else 422


@bp.route("/you-said-we-did")
def you_said_we_did():
    form = FeedbackFilterForm(formdata=request.args)
    values, status = _filter(form)
    chosen = {"area": values["area"] or "", "concerns": values["topic"] or "", "state": values["status"] or ""}
    total = logic.count_public_feedback(**chosen)
    pages = max(1, -(-total // logic.PUBLIC_PAGE_SIZE))
    page = query_page(pages)
    items = logic.public_feedback(**chosen, page=page, per_page=logic.PUBLIC_PAGE_SIZE)
    cuts = redaction.phrases_for("feedback", [item.id for item in items])
    return render("panels/you_said_we_did.html", fragment="panels/_public_feedback.html", items=items, total=total,
                  cuts=cuts,
                  page=page, pages=pages, form=form, status=status,
                  kept={"area": chosen["area"], "topic": chosen["concerns"], "status": chosen["state"]})


@bp.route("/local-places")
def local_places():
    form = AssetFilterForm(formdata=request.args)
    values, status = _filter(form)
    assets = logic.public_assets(values["district"] or "", values["kind"] or "", values["age"])
    return render("panels/local_places.html", fragment="panels/_local_places.html",
                  assets=assets, form=form, status=status)


@bp.route("/local-places/<int:asset_id>")
def local_place(asset_id):
    asset = _get(Asset, asset_id)
    if asset.verified_at is None or asset.hidden_at is not None:
        abort(404)
    return render("panels/local_place.html", asset=asset)


# --- Members: panels and meetings --------------------------------------------------------------


@bp.route("/panels")
@member_or_staff
def my_panels():
    panels = logic.all_panels() if current_user.is_staff else logic.panels_of(current_user)
    return render("panels/my_panels.html", panels=panels,
                  upcoming=logic.upcoming_meetings([panel.id for panel in panels]),
                  mine=logic.feedback_by(current_user))


@bp.route("/panels/<int:panel_id>")
@member_or_staff
def panel(panel_id):
    found = _get(Panel, panel_id)
    require("panels.see_panel", current_user, found)
    items = logic.feedback_of_panel(found.id)
    return render("panels/panel.html", panel=found, upcoming=logic.upcoming_meetings([found.id]),
                  past=logic.past_meetings([found.id]), items=items, cuts=_cuts_for_reader(items))


def _cuts_for_reader(items) -> dict:
    """{item id: phrases to redact} for the current reader (none on their own items, none for staff)."""
    cuts = redaction.phrases_for("feedback", [item.id for item in items])
    return {item.id: [] if redaction.sees_original(current_user, item.author_id) else cuts.get(item.id, [])
            for item in items}


def _meeting(panel_id, meeting_id) -> Meeting:
    meeting = _found(logic.meeting_with_agenda(meeting_id))
    if meeting.panel_id != panel_id:
        abort(404)
    require("panels.see_panel", current_user, meeting.panel)
    return meeting


def _meeting_page(meeting, agenda_form=None, note_form=None, status=200):
    failed = agenda_form if agenda_form and agenda_form.errors else note_form if note_form and note_form.errors else None
    return render("panels/meeting.html", meeting=meeting, agenda_form=agenda_form or AgendaItemForm(formdata=None),
                  note_form=note_form or NoteForm(formdata=None, data={"note": meeting.note}),
                  agenda_open=logic.agenda_open(meeting), form=failed, status=status)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>", methods=["GET", "POST"])
@member_or_staff
def meeting(panel_id, meeting_id):
    found = _meeting(panel_id, meeting_id)
    if request.method == "GET":
        return _meeting_page(found)
    form = AgendaItemForm()
    status = 422
    if form.validate_on_submit():
        try:
            logic.add_agenda_item(found, current_user, form.title.data, form.detail.data or "")
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Your item is on the agenda.")
            return redirect(url_for("panels.meeting", panel_id=panel_id, meeting_id=meeting_id))
    return _meeting_page(found, agenda_form=form, status=status)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/note", methods=["POST"])
@staff_only
def meeting_note(panel_id, meeting_id):
    found = _meeting(panel_id, meeting_id)
    note_form = NoteForm()
    status = 422
    if note_form.validate_on_submit():
        try:
            logic.publish_note(found, note_form.note.data, current_user)
        except RuleError as error:
            status = show_on(note_form, error)
        else:
            flash("The meeting note is published to the panel.")
            return redirect(url_for("panels.meeting", panel_id=panel_id, meeting_id=meeting_id))
    return _meeting_page(found, note_form=note_form, status=status)


# --- Members: feedback ---------------------------------------------------------------------------


def _feedback_form_checks(form) -> bool:
    ok = form.validate()
    if request.form.get("action") == "submit":
        ok = form.check_complete() and ok
    return ok


def _finish_feedback(feedback: Feedback, form):
    """Save the draft, and submit it if asked; a refusal is shown on the form with its status."""
    if request.form.get("action") != "submit":
        flash("Your draft is saved. Only you can see it until you submit it.")
        return redirect(url_for("panels.feedback", feedback_id=feedback.id))
    try:
        logic.submit(feedback, current_user)
    except RuleError as error:
        status = show_on(form, error)
        return render("panels/feedback_form.html", form=form, feedback=feedback if feedback.id else None,
                      status=status)
    flash("Thank you. Your feedback is submitted; staff will respond.")
    return redirect(url_for("panels.feedback", feedback_id=feedback.id))


@bp.route("/panels/feedback/new", methods=["GET", "POST"])
@roles_required(roles.PANEL_MEMBER)
def new_feedback():
    panels = logic.panels_of(current_user)
    form = FeedbackForm()
    form.panel_id.choices = [(panel.id, panel.name) for panel in panels]
    if not panels:
        return render("panels/feedback_form.html", form=None, feedback=None)
    if form.is_submitted():
        if not _feedback_form_checks(form):
            return render("panels/feedback_form.html", form=form, feedback=None, status=422)
        chosen = next(panel for panel in panels if panel.id == form.panel_id.data)
        try:
            draft = logic.start_draft(chosen, current_user, **form.fields())
        except RuleError as error:
            return render("panels/feedback_form.html", form=form, feedback=None, status=show_on(form, error))
        return _finish_feedback(draft, form)
    return render("panels/feedback_form.html", form=form, feedback=None)


@bp.route("/panels/feedback/<int:feedback_id>/edit", methods=["GET", "POST"])
@roles_required(roles.PANEL_MEMBER)
def edit_feedback(feedback_id):
    found = _get(Feedback, feedback_id)
    require("panels.edit_draft", current_user, found)
    if found.state != logic.DRAFT:
        flash("This feedback is submitted, so it can no longer be changed. Add a comment instead.")
        return redirect(url_for("panels.feedback", feedback_id=found.id))
    if request.method == "POST":
        form = FeedbackForm()
    else:
        form = FeedbackForm(data={
            "title": found.title, "concerns": found.concerns, "areas": found.area_keys, "what_seen": found.what_seen,
            "recommendation": found.recommendation, "urgency": found.urgency, "show_name": found.show_name,
        })
    del form.panel_id  # a draft stays in its panel
    if form.is_submitted():
        if not _feedback_form_checks(form):
            return render("panels/feedback_form.html", form=form, feedback=found, status=422)
        try:
            logic.edit_draft(found, current_user, **form.fields())
        except RuleError as error:
            return render("panels/feedback_form.html", form=form, feedback=found, status=show_on(form, error))
        return _finish_feedback(found, form)
    return render("panels/feedback_form.html", form=form, feedback=found)


def _support_context(feedback: Feedback) -> dict:
    return {
        "feedback": feedback,
        "support_form": SupportForm(formdata=None),
        "support_count": logic.support_count(feedback.id),
        "supported": logic.supports(feedback.id, current_user),
    }


def _feedback_page(feedback: Feedback, comment_form=None, status=200):
    comments = logic.visible_comments(feedback.id)
    comment_cuts = redaction.phrases_for("comment", [comment.id for comment in comments])
    # The author and staff read the original; other members what the public would (redactions applied).
    own = redaction.sees_original(current_user, feedback.author_id)
    return render(
        "panels/feedback.html",
        comments=comments,
        comment_cuts={c.id: ([] if redaction.sees_original(current_user, c.author_id) else comment_cuts.get(c.id, []))
                      for c in comments},
        cut=[] if own else redaction.phrases_for("feedback", [feedback.id]).get(feedback.id, []),
        redactions=redaction.redactions_of(feedback) if own else [],
        comment_form=comment_form or CommentForm(formdata=None),
        name_form=NameConsentForm(formdata=None),
        is_public=logic.is_public(feedback),
        status=status,
        **_support_context(feedback),
    )


@bp.route("/panels/feedback/<int:feedback_id>")
@login_required
def feedback(feedback_id):
    found = _get(Feedback, feedback_id)
    require("panels.view_feedback", current_user, found)
    return _feedback_page(found)


@bp.route("/panels/feedback/<int:feedback_id>/support", methods=["POST"])
@roles_required(roles.PANEL_MEMBER)
def support(feedback_id):
    found = _get(Feedback, feedback_id)
    require("panels.support", current_user, found)
    form = SupportForm()
    if not form.validate_on_submit() or form.support.data not in ("0", "1"):
        abort(400)
    logic.set_support(found, current_user, form.support.data == "1")
    if wants_fragment():
        return render("panels/_support.html", **_support_context(found))
    return redirect(url_for("panels.feedback", feedback_id=feedback_id) + "#support")


@bp.route("/panels/feedback/<int:feedback_id>/comments", methods=["POST"])
@login_required
def comment(feedback_id):
    found = _get(Feedback, feedback_id)
    require("panels.comment", current_user, found)
    form = CommentForm()
    if not form.validate_on_submit():
        return _feedback_page(found, comment_form=form, status=422)
    try:
        logic.add_comment(found, current_user, form.body.data)
    except RuleError as error:
        return _feedback_page(found, comment_form=form, status=show_on(form, error))
    flash("Your comment is added.")
    return redirect(url_for("panels.feedback", feedback_id=feedback_id) + "#comments")


def _report(feedback: Feedback, comment: Comment | None):
    if comment is None:
        require("panels.report", current_user, feedback)
    else:
        require("panels.report_comment", current_user, comment)
    form = ReportForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            logic.report(current_user, feedback, form.reason.data, form.detail.data or "", comment=comment)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Thank you for telling us. Staff will look at it.")
            if can("panels.view_feedback", current_user, feedback):
                return redirect(url_for("panels.feedback", feedback_id=feedback.id))
            return redirect(url_for("panels.you_said_we_did"))
    return render("panels/report.html", form=form, feedback=feedback, comment=comment, status=status,
                  cut=_cuts_for_reader([feedback])[feedback.id])


def _report_other(thing, file_report, back_url, status=200):
    """Report an agenda item or a place (the item and comment reports are `_report`)."""
    form = ReportForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            file_report(current_user, thing, form.reason.data, form.detail.data or "")
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Thank you for telling us. Staff will look at it.")
            return redirect(back_url)
    return render("panels/report_other.html", form=form, thing=thing, status=status)


@bp.route("/panels/agenda/<int:item_id>/report", methods=["GET", "POST"])
@login_required
def report_agenda_item(item_id):
    item = _get(AgendaItem, item_id)
    require("panels.report_agenda_item", current_user, item)
    back = url_for("panels.meeting", panel_id=item.meeting.panel_id, meeting_id=item.meeting_id)
    if not can("panels.see_panel", current_user, item.meeting.panel):
        back = url_for("panels.you_said_we_did")
    return _report_other(item, logic.report_agenda_item, back)


@bp.route("/local-places/<int:asset_id>/report", methods=["GET", "POST"])
@login_required
def report_asset(asset_id):
    asset = _get(Asset, asset_id)
    require("panels.report_asset", current_user, asset)
    return _report_other(asset, logic.report_asset, url_for("panels.local_place", asset_id=asset_id))


@bp.route("/panels/feedback/<int:feedback_id>/report", methods=["GET", "POST"])
@login_required
def report_feedback(feedback_id):
    return _report(_get(Feedback, feedback_id), None)


@bp.route("/panels/feedback/<int:feedback_id>/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
def report_comment(feedback_id, comment_id):
    found = _get(Comment, comment_id)
    if found.feedback_id != feedback_id:
        abort(404)
    return _report(found.feedback, found)


@bp.route("/panels/feedback/<int:feedback_id>/name", methods=["POST"])
@roles_required(roles.PANEL_MEMBER)
def name_consent(feedback_id):
    found = _get(Feedback, feedback_id)
    require("panels.name_consent", current_user, found)
    form = NameConsentForm()
    if not form.validate_on_submit() or form.show_name.data not in ("0", "1"):
        abort(400)
    logic.set_name_consent(found, current_user, form.show_name.data == "1")
    flash("Your name is shown on the public page if the item is published." if found.show_name
          else "Your name is no longer shown on the public page.")
    return redirect(url_for("panels.feedback", feedback_id=feedback_id))


# --- Staff: triage -----------------------------------------------------------------------------


@bp.route("/panels/triage")
@staff_only
def triage():
    panels = logic.all_panels()
    form = TriageFilterForm(formdata=request.args)
    form.panel.choices = [("", "Any panel")] + [(str(panel.id), panel.name) for panel in panels]
    values, status = _filter(form)
    return render(
        "panels/triage.html",
        panels=panels,
        counts=logic.open_counts(),
        median_days=logic.median_days_to_first_response(),
        overdue=logic.overdue_feedback(),
        top=logic.most_supported(),
        items=logic.triage_list(values["state"] or "", int(values["panel"]) if values["panel"] else None),
        form=form,
        today=clock.today(),
        default_days=DEFAULT_RESPONSE_DAYS,
        status=status,
    )


def _owner_choices():
    return [(0, "No owner yet")] + [(user.id, user.display_name) for user in logic.staff_users()]


def _redact_choices(feedback: Feedback) -> list[tuple[str, str]]:
    comments = logic.visible_comments(feedback.id)
    return [("feedback", "The item, its response and timeline")] + [
        (f"comment-{c.id}", f"Comment by {c.author.name or 'a panel member'}, {clock.format_london(c.created_at)}")
        for c in comments]


def _redaction_rows(feedback: Feedback) -> list[Redaction]:
    comment_ids = [c.id for c in logic.visible_comments(feedback.id)]
    return redaction.redactions_of(feedback) + [
        row for cid in comment_ids for row in redaction.redactions_of(db.session.get(Comment, cid))]


def _triage_page(feedback: Feedback, assign_form=None, state_form=None, publish_form=None, failed=None, status=200,
                 redact_form=None):
    if assign_form is None:
        assign_form = AssignForm(formdata=None, data={
            "owner_id": feedback.owner_id or 0, "response_deadline": feedback.response_deadline})
    assign_form.owner_id.choices = _owner_choices()
    state_form = state_form or StateForm(formdata=None, data={"response": feedback.response})
    # The choices shown are what the table allows from the state now; any staff step is accepted when
    # posted, so a step made stale by someone else's is answered by apply() with a clear 409.
    state_form.action.choices = [("", "Choose")] + [
        (t.action, t.label) for t in logic.FEEDBACK.available(feedback, current_user) if t in logic.STAFF_ACTIONS]
    redact_form = redact_form or RedactForm(formdata=None)
    redact_form.target.choices = _redact_choices(feedback)
    return render(
        "panels/triage_item.html",
        feedback=feedback,
        redact_form=redact_form,
        redactions=_redaction_rows(feedback),
        button_form=EmptyForm(formdata=None),
        assign_form=assign_form,
        state_form=state_form,
        publish_form=publish_form or PublishForm(formdata=None),
        form=failed,
        overdue=logic.is_overdue(feedback),
        default_days=DEFAULT_RESPONSE_DAYS,
        support_count=logic.support_count(feedback.id),
        is_public=logic.is_public(feedback),
        status=status,
    )


def _triage_feedback(feedback_id) -> Feedback:
    found = _get(Feedback, feedback_id)
    if found.state == logic.DRAFT:
        abort(404)  # drafts are private to their author
    return found


@bp.route("/panels/feedback/<int:feedback_id>/triage", methods=["GET", "POST"])
@staff_only
def triage_item(feedback_id):
    found = _triage_feedback(feedback_id)
    if request.method == "GET":
        return _triage_page(found)
    form = AssignForm()
    form.owner_id.choices = _owner_choices()
    status = 422
    if form.validate_on_submit():
        try:
            logic.assign(found, form.owner_id.data or None, form.response_deadline.data, current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Owner and deadline saved.")
            return redirect(url_for("panels.triage_item", feedback_id=feedback_id))
    if form.response_deadline.raw_data and form.response_deadline.errors:
        form.response_deadline.errors = ["Enter the deadline as a date, like 2025-03-14"]
    return _triage_page(found, assign_form=form, failed=form, status=status)


@bp.route("/panels/feedback/<int:feedback_id>/triage/state", methods=["POST"])
@staff_only
def triage_state(feedback_id):
    found = _triage_feedback(feedback_id)
    form = StateForm()
    form.action.choices = [(t.action, t.label) for t in logic.STAFF_ACTIONS]
    status = 422
    if form.validate_on_submit():
        try:
            logic.move(found, form.action.data, current_user, note=form.note.data or "", response=form.response.data,
                       seen=form.seen.data or None)
        except RuleError as error:
            status = show_on(form, error)
            if isinstance(error, Conflict):
                db.session.refresh(found)  # show where it is now; what they typed stays in the form
        else:
            flash(f"Moved to “{logic.STATES[found.state]}”. The author and supporters are told.")
            return redirect(url_for("panels.triage_item", feedback_id=feedback_id))
    return _triage_page(found, state_form=form, failed=form, status=status)


@bp.route("/panels/feedback/<int:feedback_id>/triage/publish", methods=["POST"])
@staff_only
def triage_publish(feedback_id):
    found = _triage_feedback(feedback_id)
    form = PublishForm()
    if not form.validate_on_submit() or form.public.data not in ("0", "1"):
        abort(400)
    try:
        logic.set_public(found, form.public.data == "1", current_user)
    except RuleError as error:
        return _triage_page(found, publish_form=form, failed=form, status=show_on(form, error))
    flash("Published on “You said, we did”." if found.public else "Taken off “You said, we did”.")
    return redirect(url_for("panels.triage_item", feedback_id=feedback_id))


@bp.route("/panels/feedback/<int:feedback_id>/redactions", methods=["POST"])
@staff_only
def redact(feedback_id):
    found = _triage_feedback(feedback_id)
    form = RedactForm()
    form.target.choices = _redact_choices(found)
    status = 422
    if form.validate_on_submit():
        target = found
        if form.target.data.startswith("comment-"):
            target = _get(Comment, int(form.target.data.removeprefix("comment-")))
        try:
            redaction.add(target, form.phrase.data, current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Redacted. The public and other members now see “[redacted]” there.")
            return redirect(url_for("panels.triage_item", feedback_id=feedback_id) + "#redactions")
    return _triage_page(found, redact_form=form, failed=form, status=status)


@bp.route("/panels/redactions/<int:redaction_id>/remove", methods=["POST"])
@staff_only
def remove_redaction(redaction_id):
    entry = _get(Redaction, redaction_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    feedback_id = entry.target_id if entry.kind == "feedback" else None
    if entry.kind == "comment":
        feedback_id = _get(Comment, entry.target_id).feedback_id
    meeting = db.session.get(Meeting, entry.target_id) if entry.kind == "meeting" else None
    redaction.remove(entry, current_user)
    flash("The redaction is removed: those words are shown again.")
    if meeting is not None:
        return redirect(url_for("panels.meeting", panel_id=meeting.panel_id, meeting_id=meeting.id))
    return redirect(url_for("panels.triage_item", feedback_id=feedback_id) + "#redactions")


# --- Staff: moderation -----------------------------------------------------------------------


def _hide_form(entry: Report, formdata=None):
    return HideForm(formdata=formdata, prefix=f"report-{entry.id}")


def _moderation_page(failed=None, status=200):
    reports = logic.open_reports()
    forms = {entry.id: (failed if failed and failed.report_id == entry.id else _hide_form(entry)) for entry in reports}
    return render("panels/moderation.html", reports=reports, hide_forms=forms, button_form=EmptyForm(formdata=None),
                  form=failed, status=status)


@bp.route("/panels/moderation")
@staff_only
def moderation():
    return _moderation_page()


@bp.route("/panels/reports/<int:report_id>/hide", methods=["POST"])
@staff_only
def hide(report_id):
    entry = _get(Report, report_id)
    if entry.resolved_at is not None:
        flash("That report was already dealt with.")
        return redirect(url_for("panels.moderation"))
    form = _hide_form(entry, formdata=request.form)
    form.report_id = entry.id
    status = 422
    if form.validate_on_submit():
        try:
            logic.hide(entry, form.reason.data, current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Hidden. The author has been told why.")
            return redirect(url_for("panels.moderation"))
    return _moderation_page(failed=form, status=status)


def _hidden_page(failed=None, failed_key=None, status=200):
    hidden = logic.hidden_things()
    appeals = logic.open_appeals()
    unhide_forms = {(kind, thing.id): failed if failed_key == (kind, thing.id) else ReasonForm(
        formdata=None, prefix=f"unhide-{kind}-{thing.id}") for kind, things in hidden.items() for thing in things}
    decide_forms = {entry.id: failed if failed_key == ("appeal", entry.id) else DecideAppealForm(
        formdata=None, prefix=f"appeal-{entry.id}") for entry in appeals}
    things = {(entry.kind, entry.target_id): logic.hidden_thing(entry.kind, entry.target_id) for entry in appeals}
    return render("panels/hidden.html", hidden=hidden, appeals=appeals, things=things, unhide_forms=unhide_forms,
                  decide_forms=decide_forms, form=failed, status=status)


@bp.route("/panels/moderation/hidden")
@staff_only
def hidden():
    return _hidden_page()


@bp.route("/panels/hidden/<kind>/<int:thing_id>/unhide", methods=["POST"])
@staff_only
def unhide(kind, thing_id):
    thing = _found(logic.hidden_thing(kind, thing_id))
    form = ReasonForm(prefix=f"unhide-{kind}-{thing_id}")
    status = 422
    if form.validate_on_submit():
        try:
            logic.unhide(thing, form.reason.data, current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("It is shown again. The author has been told why.")
            return redirect(url_for("panels.hidden"))
    return _hidden_page(failed=form, failed_key=(kind, thing_id), status=status)


@bp.route("/panels/hidden/<kind>/<int:thing_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal(kind, thing_id):
    thing = _found(logic.hidden_thing(kind, thing_id))
    require("panels.appeal", current_user, thing)
    form = AppealForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            logic.appeal(thing, current_user, form.text.data)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Your appeal is sent. A member of staff who did not hide it will decide, and you will be told.")
            return redirect(url_for("panels.appeal", kind=kind, thing_id=thing_id))
    return render("panels/appeal.html", form=form, thing=thing, kind=kind,
                  what=logic.describe(thing, current_user), status=status)


@bp.route("/panels/appeals/<int:appeal_id>/decide", methods=["POST"])
@staff_only
def decide_appeal(appeal_id):
    entry = _get(Appeal, appeal_id)
    require("panels.decide_appeal", current_user, entry)
    form = DecideAppealForm(prefix=f"appeal-{appeal_id}")
    status = 422
    if form.validate_on_submit():
        try:
            logic.decide_appeal(entry, form.outcome.data == "show", form.reason.data, current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("The appeal is decided. The author has been told.")
            return redirect(url_for("panels.hidden"))
    return _hidden_page(failed=form, failed_key=("appeal", appeal_id), status=status)


@bp.route("/panels/reports/<int:report_id>/dismiss", methods=["POST"])
@staff_only
def dismiss(report_id):
    entry = _get(Report, report_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    logic.dismiss(entry, current_user)
    flash("Report dismissed.")
    return redirect(url_for("panels.moderation"))


# --- Staff: panels, members and meetings -------------------------------------------------------


@bp.route("/panels/manage", methods=["GET", "POST"])
@staff_only
def manage():
    form = PanelForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            created = logic.create_panel(form.name.data, form.description.data or "", current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash(f"Panel “{created.name}” created.")
            return redirect(url_for("panels.manage_panel", panel_id=created.id))
    return render("panels/manage.html", panels=logic.all_panels(), form=form, status=status)


def _manage_page(panel, member_form=None, meeting_form=None, failed=None, status=200):
    return render(
        "panels/manage_panel.html",
        panel=panel,
        member_form=member_form or MemberForm(formdata=None),
        meeting_form=meeting_form or MeetingForm(formdata=None),
        button_form=EmptyForm(formdata=None),
        upcoming=logic.upcoming_meetings([panel.id]),
        past=logic.past_meetings([panel.id]),
        form=failed,
        status=status,
    )


def _managed_panel(panel_id) -> Panel:
    return _found(logic.panel_with_members(panel_id))


@bp.route("/panels/manage/<int:panel_id>")
@staff_only
def manage_panel(panel_id):
    return _manage_page(_managed_panel(panel_id))


@bp.route("/panels/manage/<int:panel_id>/members", methods=["POST"])
@staff_only
def add_member(panel_id):
    found = _managed_panel(panel_id)
    form = MemberForm()
    status = 422
    if form.validate_on_submit():
        try:
            logic.add_member(found, form.email.data, current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Member added.")
            return redirect(url_for("panels.manage_panel", panel_id=panel_id))
    return _manage_page(found, member_form=form, failed=form, status=status)


@bp.route("/panels/manage/<int:panel_id>/members/<int:user_id>/remove", methods=["POST"])
@staff_only
def remove_member(panel_id, user_id):
    found = _get(Panel, panel_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        logic.remove_member(found, user_id, current_user)
    except Conflict:
        abort(404)  # not a member of this panel: nothing here to remove
    flash("Member removed from the panel.")
    return redirect(url_for("panels.manage_panel", panel_id=panel_id))


@bp.route("/panels/manage/<int:panel_id>/meetings", methods=["POST"])
@staff_only
def add_meeting(panel_id):
    found = _managed_panel(panel_id)
    form = MeetingForm()
    status = 422
    if form.validate_on_submit():
        cutoff = form.agenda_cutoff_at.data
        try:
            created = logic.add_meeting(found, london_to_utc(form.starts_at.data), form.mode.data, form.place.data,
                                        current_user, london_to_utc(cutoff) if cutoff else None)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Meeting added.")
            return redirect(url_for("panels.meeting", panel_id=panel_id, meeting_id=created.id))
    for name in ("starts_at", "agenda_cutoff_at"):
        if form[name].raw_data and form[name].raw_data[0] and form[name].data is None:
            form[name].errors = ["Enter the date and time, like 2025-03-14 18:30"]
    return _manage_page(found, meeting_form=form, failed=form, status=status)


# --- Local assets ------------------------------------------------------------------------------


@bp.route("/panels/assets")
@member_or_staff
def assets():
    listed = logic.all_assets() if current_user.is_staff else logic.assets_added_by(current_user)
    return render("panels/assets.html", assets=listed, button_form=EmptyForm(formdata=None))


@bp.route("/panels/assets/new", methods=["GET", "POST"])
@member_or_staff
def new_asset():
    form = AssetForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            added = logic.add_asset(current_user, **form.fields())
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Thank you. Staff will check the details before it appears in the public list.")
            if logic.contact_held_back(added):
                flash("The contact looks like a person's own, so it is not shown publicly until you confirm it is "
                      "the organisation's public contact (below), or change it.")
            return redirect(url_for("panels.assets"))
    return render("panels/asset_form.html", form=form, asset=None, status=status)


@bp.route("/panels/assets/<int:asset_id>/edit", methods=["GET", "POST"])
@member_or_staff
def edit_asset(asset_id):
    asset = _get(Asset, asset_id)
    require("panels.edit_asset", current_user, asset)
    form = AssetForm() if request.method == "POST" else AssetForm(obj=asset)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            logic.edit_asset(asset, current_user, **form.fields())
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("The place is saved.")
            if current_user.is_staff:
                return redirect(url_for("panels.asset_review", asset_id=asset.id))
            return redirect(url_for("panels.assets"))
    return render("panels/asset_form.html", form=form, asset=asset, status=status)


def _asset_review_page(asset: Asset, failed=None, status=200):
    actions = logic.ASSETS.available(asset, current_user)
    forms = {t.action: (failed if failed is not None and failed.action == t.action else ReasonForm(
        formdata=None, prefix=t.action)) for t in actions if t.action != "verify"}
    return render("panels/asset_review.html", asset=asset, actions=actions, forms=forms,
                  concerns=logic.contact_concerns(asset.contact), held_back=logic.contact_held_back(asset),
                  button_form=EmptyForm(formdata=None), form=failed, status=status)


@bp.route("/panels/assets/<int:asset_id>")
@staff_only
def asset_review(asset_id):
    asset = _get(Asset, asset_id)
    require("panels.verify_asset", current_user, asset)
    return _asset_review_page(asset)


@bp.route("/panels/assets/<int:asset_id>/<any(reject, unverify):action>", methods=["POST"])
@staff_only
def asset_step(asset_id, action):
    asset = _get(Asset, asset_id)
    form = ReasonForm(prefix=action)
    form.action = action
    status = 422
    if form.validate_on_submit():
        try:
            logic.move_asset(asset, action, current_user, form.reason.data)
        except RuleError as error:
            status = show_on(form, error)
            if isinstance(error, Conflict):
                db.session.refresh(asset)
        else:
            flash("Not accepted. The member has been told why." if action == "reject"
                  else "Taken off the public list. The member has been told why.")
            return redirect(url_for("panels.asset_review", asset_id=asset_id))
    return _asset_review_page(asset, failed=form, status=status)


@bp.route("/panels/assets/<int:asset_id>/confirm-contact", methods=["POST"])
@member_or_staff
def confirm_contact(asset_id):
    asset = _get(Asset, asset_id)
    require("panels.confirm_contact", current_user, asset)
    if not EmptyForm().validate_on_submit():
        abort(400)
    logic.confirm_contact(asset, current_user)
    flash("Thank you. The contact is shown on the public page once the place is verified.")
    return redirect(url_for("panels.assets"))


@bp.route("/panels/assets/<int:asset_id>/verify", methods=["POST"])
@staff_only
def verify_asset(asset_id):
    asset = _get(Asset, asset_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        logic.verify_asset(asset, current_user)
    except Conflict as error:
        flash(error.message)  # already verified: nothing changed, the list says so
    else:
        flash(f"“{asset.name}” is verified and now in the public list.")
    return redirect(url_for("panels.assets"))
