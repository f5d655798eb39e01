"""Views for issue 14's lifecycle steps (thin: parse, call logic, render): asking for more information
and sending the changes back. Kept apart from views.py so each step's routes sit together."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.extensions import db
from livesafe.grants import bp, forms, info_requests, logic
from livesafe.grants.models import GrantApplication
from livesafe.grants.views import STAFF, _own_application, _staff_application, _told
from livesafe.kernel import RuleError, can
from livesafe.kernel.errors import show_on


def applicant_context(application) -> dict:
    """What the applicant's application page needs for a returned application."""
    return {"info_request": info_requests.open_request(application)}


def staff_context(application, info_form=None) -> dict:
    return {"info_form": info_form if info_form is not None else forms.info_request_form(),
            "round_trips": info_requests.history(application),
            "may_request_info": bool(can("grants.request_info", current_user, application))
            and application.state in logic.APPLICATION.transition("request_info").sources}


@bp.route("/grants/applications/<int:application_id>/more-information", methods=["POST"])
@roles_required(*STAFF)
def request_info(application_id):
    application = db.get_or_404(GrantApplication, application_id)
    form = forms.info_request_form(formdata=request.form)
    if not form.validate_on_submit():
        return _staff_application(application, status=422, info_form=form)
    notes = {key: form[f"note_{key}"].data for key, _ in logic.SECTIONS}
    try:
        told = info_requests.request_info(application, current_user, notes, form.message.data or "")
    except RuleError as error:
        return _staff_application(application, status=show_on(form, error), info_form=form)
    flash(f"The application is back with the group to change. {_told(told, application.organisation)}")
    return redirect(url_for("grants.application", application_id=application.id))


@bp.route("/grants/applications/<int:application_id>/resubmit", methods=["POST"])
@roles_required(roles.APPLICANT)
def resubmit(application_id):
    application = _own_application(application_id, "grants.edit_application")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        info_requests.resubmit(application, current_user)
    except RuleError as error:  # answers still need attention (422), or it was withdrawn meanwhile (409)
        return _refused(application, error)
    flash("Your changes have been sent. We will be in touch.")
    return redirect(url_for("grants.application", application_id=application.id))


def _refused(application, error):
    """The application page again, with the refusal's words, and the refusal's status."""
    from livesafe.grants.views import application as application_page

    flash(error.message)
    response = application_page(application.id)
    response.status_code = error.status
    return response
