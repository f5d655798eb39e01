"""Views for assessment at scale (assignment.py): the progress page, automatic and manual assignment."""
from flask import flash, redirect, url_for
from flask_login import current_user

from livesafe.auth.permissions import roles_required
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.grants import assignment, bp, forms, logic
from livesafe.grants.models import GrantApplication, GrantRound
from livesafe.grants.views import _staff_application
from livesafe.kernel import RuleError
from livesafe.kernel.errors import show_on
from livesafe.site.render import render

STAFF = roles.STAFF_ROLES


def _progress_page(grant_round, form=None, status=200):
    if form is None:
        form = forms.AutoAssignForm(formdata=None, data={"assessors_each": 3, "community_each": 0})
    apps, people = assignment.progress(grant_round)
    wanted = form.assessors_each.data or 0
    return render("grants/assignments.html", status=status, grant_round=grant_round, applications=apps, people=people,
                  form=form, wanted=wanted, labels=logic.ROUND_LABELS)


@bp.route("/grants/rounds/<int:round_id>/assignments")
@roles_required(*STAFF)
def assignments(round_id):
    """What is missing: who has each application, who has not scored, and each person's load."""
    return _progress_page(db.get_or_404(GrantRound, round_id))


@bp.route("/grants/rounds/<int:round_id>/assignments/auto", methods=["POST"])
@roles_required(*STAFF)
def auto_assign(round_id):
    grant_round = db.get_or_404(GrantRound, round_id)
    form = forms.AutoAssignForm()
    if not form.validate_on_submit():
        return _progress_page(grant_round, form, status=422)
    try:
        outcome = assignment.auto_assign(grant_round, form.assessors_each.data, form.community_each.data, current_user)
    except RuleError as error:
        return _progress_page(grant_round, form, status=show_on(form, error))
    message = f"{outcome.made} assignment(s) made."
    if outcome.short:
        message += (f" {len(outcome.short)} application(s) could not get enough people: add people to the round's "
                    "assessors, or assign by hand.")
    flash(message)
    return redirect(url_for("grants.assignments", round_id=round_id))


@bp.route("/grants/applications/<int:application_id>/assessors", methods=["POST"])
@roles_required(*STAFF)
def assign_assessor(application_id):
    application = db.get_or_404(GrantApplication, application_id)
    form = forms.AssignForm()
    if not form.validate_on_submit():
        return _staff_application(application, status=422, assign_form=form)
    try:
        link = assignment.assign(application, form.user_id.data, current_user)
    except RuleError as error:
        return _staff_application(application, status=show_on(form, error), assign_form=form)
    flash(f"{link.user.display_name} is assigned to this application.")
    return redirect(url_for("grants.application", application_id=application_id) + "#assessors")


@bp.route("/grants/applications/<int:application_id>/assessors/<int:user_id>/remove", methods=["POST"])
@roles_required(*STAFF)
def unassign_assessor(application_id, user_id):
    application = db.get_or_404(GrantApplication, application_id)
    if not forms.ActionForm().validate_on_submit():
        return _staff_application(application, status=400)
    assignment.unassign(application, user_id, current_user)  # a refusal (scores submitted) reaches the error page: 409
    flash("The assessor is taken off this application.")
    return redirect(url_for("grants.application", application_id=application_id) + "#assessors")
