"""Pages for meetings people can take part in (rules in meetings.py): edit and cancel a meeting, change or delete an
agenda item, say whether you are coming, publish notes to the public, redact a note, the calendar feed, and the
public pages of meetings whose notes are public. The members' meeting page (views.meeting) gets what it shows of
these through `meeting_extras(meeting)`."""
from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.clock import london_to_utc, to_london, utcnow
from livesafe.extensions import db
from livesafe.kernel import RuleError, can, require
from livesafe.kernel.errors import show_on
from livesafe.panels import bp, logic, meetings, redaction
from livesafe.panels.forms import AgendaItemForm, Form, MeetingForm, NoteForm
from livesafe.panels.models import AgendaItem, Meeting, Panel
from livesafe.site.render import render, wants_fragment

staff_only = roles_required(*roles.STAFF_ROLES)
member_or_staff = roles_required(roles.PANEL_MEMBER, *roles.STAFF_ROLES)


class CancelForm(Form):
    reason = TextAreaField("Why is it cancelled?", validators=[
        DataRequired(message="Say why the meeting is cancelled: members are told"),
        Length(max=1000, message="The reason must be 1000 characters or fewer"),
    ], description="Every member of the panel is e-mailed this. It is not shown to the public.")


class ChoiceForm(Form):
    """A button that posts the state it wants: "1" or "0" (sign-up, public notes, public calendar)."""

    value = HiddenField()


class NoteRedactForm(Form):
    phrase = TextAreaField("Words to redact from the note", validators=[
        DataRequired(message="Enter the words to redact, exactly as they appear"),
        Length(max=redaction.MAX_PHRASE, message="Redact at most 500 characters at a time"),
    ], description="Members and the public see “[redacted]” there. Staff still see the original.")


def _choice() -> bool:
    form = ChoiceForm()
    if not form.validate_on_submit() or form.value.data not in ("0", "1"):
        abort(400)
    return form.value.data == "1"


def _meeting(panel_id, meeting_id) -> Meeting:
    found = logic.meeting_with_agenda(meeting_id)
    if found is None or found.panel_id != panel_id:
        abort(404)
    require("panels.see_panel", current_user, found.panel)
    return found


def _back(meeting: Meeting, anchor: str = ""):
    return redirect(url_for("panels.meeting", panel_id=meeting.panel_id, meeting_id=meeting.id) + anchor, 303)


@bp.app_context_processor
def meeting_helpers():
    def meeting_extras(meeting, redact_form=None):
        staff = can("panels.manage", current_user)
        coming, not_coming = meetings.signup_counts(meeting.id)
        return {
            "note": meetings.note_for(meeting, current_user),
            "coming": coming, "not_coming": not_coming,
            "answer": meetings.answer_of(meeting.id, current_user),
            "answers": meetings.answers(meeting.id) if staff else [],
            "redactions": redaction.redactions_of(meeting) if staff else [],
            "choice_form": ChoiceForm(formdata=None),
            "redact_form": redact_form or NoteRedactForm(formdata=None),
            "started": meeting.starts_at <= utcnow(),
        }

    return {"meeting_extras": meeting_extras}


# --- staff: edit and cancel ------------------------------------------------------------------------------------

def _form_data(meeting: Meeting) -> dict:
    return {"starts_at": to_london(meeting.starts_at).replace(tzinfo=None), "mode": meeting.mode,
            "place": meeting.place, "agenda_cutoff_at": to_london(meeting.agenda_cutoff_at).replace(tzinfo=None)}


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_meeting(panel_id, meeting_id):
    found = _meeting(panel_id, meeting_id)
    require("panels.edit_meeting", current_user, found)
    form = MeetingForm(data=None if request.method == "POST" else _form_data(found))
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            cutoff = form.agenda_cutoff_at.data
            try:
                changed = meetings.edit_meeting(found, current_user, starts_at=london_to_utc(form.starts_at.data),
                                                mode=form.mode.data, place=form.place.data,
                                                agenda_cutoff_at=london_to_utc(cutoff) if cutoff else None)
            except RuleError as error:
                status = show_on(form, error)
            else:
                flash("Meeting changed. Every member of the panel is e-mailed what changed." if changed
                      else "Nothing was changed.")
                return _back(found)
        for name in ("starts_at", "agenda_cutoff_at"):
            if form[name].raw_data and form[name].raw_data[0] and form[name].data is None:
                form[name].errors = ["Enter the date and time, like 2025-03-14 18:30"]
    return render("panels/meetings/edit.html", meeting=found, form=form, status=status)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@staff_only
def cancel_meeting(panel_id, meeting_id):
    found = _meeting(panel_id, meeting_id)
    form = CancelForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                meetings.cancel_meeting(found, current_user, form.reason.data)
            except RuleError as error:
                status = show_on(form, error)
            else:
                flash("Meeting cancelled. Every member of the panel is e-mailed.")
                return _back(found)
    else:
        require("panels.edit_meeting", current_user, found)
    return render("panels/meetings/cancel.html", meeting=found, form=form, status=status)


# --- agenda items ----------------------------------------------------------------------------------------------

def _agenda_item(item_id) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        abort(404)
    require("panels.see_panel", current_user, item.meeting.panel)
    if item.hidden_at is not None and not current_user.is_staff:
        abort(404)
    return item


@bp.route("/panels/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@member_or_staff
def edit_agenda_item(item_id):
    item = _agenda_item(item_id)
    require("panels.change_agenda_item", current_user, item)
    form = AgendaItemForm(data=None if request.method == "POST" else {"title": item.title, "detail": item.detail})
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                meetings.edit_agenda_item(item, current_user, form.title.data, form.detail.data or "")
            except RuleError as error:
                status = show_on(form, error)
            else:
                flash("Agenda item changed.")
                return _back(item.meeting, f"#agenda-{item.id}")
    return render("panels/meetings/agenda_item.html", item=item, form=form, status=status)


@bp.route("/panels/agenda/<int:item_id>/delete", methods=["POST"])
@member_or_staff
def delete_agenda_item(item_id):
    item = _agenda_item(item_id)
    meeting = item.meeting
    if not ChoiceForm().validate_on_submit():
        abort(400)
    title = item.title
    meetings.delete_agenda_item(item, current_user)  # a refusal rolls back and shows why, with its status
    flash(f"“{title}” is taken off the agenda.")
    return _back(meeting, "#agenda")


# --- members: coming or not ------------------------------------------------------------------------------------

@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/signup", methods=["POST"])
@roles_required(roles.PANEL_MEMBER)
def signup(panel_id, meeting_id):
    found = _meeting(panel_id, meeting_id)  # only the panel's members and staff get further
    attending = _choice()
    try:
        meetings.set_signup(found, current_user, attending)
    except RuleError as error:
        if not wants_fragment():
            raise  # the error page says why, with its status
        # htmx swaps a 422 (not a 403): the box then says why (a meeting cancelled or started since the page loaded).
        return render("panels/meetings/_signup.html", meeting=found, signup_error=error.message, status=422,
                      extra=meeting_helpers()["meeting_extras"](found))
    if wants_fragment():
        return render("panels/meetings/_signup.html", meeting=found, extra=meeting_helpers()["meeting_extras"](found))
    flash("Thank you: the panel knows you are coming." if attending else "Thank you: the panel knows you cannot come.")
    return _back(found, "#signup")


# --- staff: public notes and redactions -------------------------------------------------------------------------

@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/public", methods=["POST"])
@staff_only
def meeting_public(panel_id, meeting_id):
    found = _meeting(panel_id, meeting_id)
    public = _choice()
    meetings.set_notes_public(found, public, current_user)
    flash("The notes are public: anyone can read them, with redactions applied." if public
          else "The notes are no longer public.")
    return _back(found, "#notes")


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/redactions", methods=["POST"])
@staff_only
def redact_note(panel_id, meeting_id):
    found = _meeting(panel_id, meeting_id)
    form = NoteRedactForm()
    status = 422
    if form.validate_on_submit():
        try:
            redaction.add(found, form.phrase.data, current_user)
        except RuleError as error:
            status = show_on(form, error)
        else:
            flash("Redacted. Members and the public now see “[redacted]” there.")
            return _back(found, "#notes")
    return render("panels/meeting.html", meeting=found, agenda_form=AgendaItemForm(formdata=None),
                  note_form=NoteForm(formdata=None, data={"note": found.note}), agenda_open=logic.agenda_open(found),
                  redact_form=form, form=form, status=status)


# --- the calendar -----------------------------------------------------------------------------------------------

@bp.route("/panels/manage/<int:panel_id>/calendar", methods=["POST"])
@staff_only
def panel_calendar(panel_id):
    panel = db.session.get(Panel, panel_id) or abort(404)
    public = _choice()
    meetings.set_public_calendar(panel, public, current_user)
    flash("Anyone can now subscribe to this panel's meeting dates." if public
          else "The panel's calendar is now for its members and staff only.")
    return redirect(url_for("panels.manage_panel", panel_id=panel_id), 303)


@bp.route("/panels/<int:panel_id>/meetings.ics")
def meetings_ics(panel_id):
    """Anyone, for a panel whose calendar staff made public; otherwise its members and staff (others: 404, so a
    private panel's calendar does not show it exists)."""
    panel = db.session.get(Panel, panel_id)
    if panel is None or not (panel.public_meetings or can("panels.see_panel", current_user, panel)):
        abort(404)
    response = make_response(meetings.calendar(panel))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f'inline; filename="panel-{panel.id}-meetings.ics"'
    if not panel.public_meetings:
        response.headers["Cache-Control"] = "private, no-store"
    return response


# --- public pages ------------------------------------------------------------------------------------------------

@bp.route("/panel-meetings")
def public_meetings():
    return render("panels/meetings/public_list.html", meetings=meetings.public_meetings())


@bp.route("/panel-meetings/<int:meeting_id>")
def public_meeting(meeting_id):
    found = meetings.public_meeting(meeting_id)
    if found is None:
        abort(404)
    own, by_item = meetings.public_papers(found)
    return render("panels/meetings/public_meeting.html", meeting=found, note=meetings.public_note(found),
                  agenda=[item for item in found.agenda_items if item.hidden_at is None], own_papers=own,
                  item_papers=by_item)
