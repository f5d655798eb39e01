"""Views for a person in several organisations (thin: parse, call organisations.py, render): choosing the
organisation to act for, starting another one, and a lead removing a member."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.extensions import db
from livesafe.grants import bp, forms, organisations
from livesafe.grants.models import Organisation, OrganisationMember
from livesafe.kernel import RuleError
from livesafe.site.numbers import parse_int
from livesafe.site.render import render, render_invalid


@bp.app_context_processor
def acting_switcher():
    """`grants_acting()` for the grants layout: the person's organisations and the one they act for (queried
    only when a grants page asks)."""
    def grants_acting():
        if not current_user.is_authenticated or current_user.role != roles.APPLICANT:
            return None
        return {"memberships": organisations.memberships(current_user),
                "acting_id": organisations.acting_organisation_id(current_user)}
    return {"grants_acting": grants_acting}


@bp.route("/grants/acting", methods=["POST"])
@roles_required(roles.APPLICANT)
def act_for():
    """Switch the organisation to act for. Only one the person belongs to: anything else is 403."""
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        chosen = parse_int(request.form.get("organisation_id", ""))
    except ValueError:
        chosen = None
    if chosen is None:
        return render("grants/acting_refused.html", refusal="Choose the organisation you want to act for.", status=422)
    try:
        organisation = organisations.act_for(current_user, chosen)
    except RuleError as error:
        return render("grants/acting_refused.html", refusal=error.message, status=error.status)
    flash(f"You are now acting for {organisation.name}.")
    return redirect(url_for("grants.applications"))


@bp.route("/grants/organisations/new", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def new_organisation():
    """Start another organisation while staying in the ones you belong to."""
    from livesafe.grants.views import organisation_values

    form = forms.OrganisationForm()
    if form.validate_on_submit():
        started = organisations.start_organisation(current_user, organisation_values(form))
        flash(f"{started.name} is set up, and you are its lead. You are now acting for it.")
        return redirect(url_for("grants.organisation"))
    if form.is_submitted():
        return render_invalid("grants/organisation_new.html", form=form)
    return render("grants/organisation_new.html", form=form)


def _member(member_id: int) -> OrganisationMember:
    return db.get_or_404(OrganisationMember, member_id)


@bp.route("/grants/organisation/members/<int:member_id>/remove", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def remove_member(member_id):
    """A lead removes a member: a confirmation page, then the removal."""
    member = _member(member_id)
    organisation = db.session.get(Organisation, member.organisation_id)
    if not organisations.is_lead(current_user, member.organisation_id):
        abort(403)
    form = forms.ActionForm()
    context = {"member": member, "organisation": organisation, "form": form}
    if form.validate_on_submit():
        name = member.user.display_name
        try:
            organisations.remove_member(current_user, member.organisation_id, member.id)
        except RuleError as error:
            return render("grants/member_remove.html", refusal=error.message, status=error.status, **context)
        flash(f"{name} is no longer in {organisation.name}, and we have e-mailed them to say so.")
        return redirect(url_for("grants.organisation"))
    return render("grants/member_remove.html", status=400 if form.is_submitted() else 200, **context)


# ---------------------------------------------------------------- leads (leads.py)

def _refused_on_organisation_page(error):
    """The organisation page again, with the refusal's words and status."""
    from livesafe.grants import logic
    from livesafe.grants.views import _organisation_context, _organisation_data

    current = logic.organisation_of(current_user)
    context = _organisation_context(current, forms.OrganisationForm(formdata=None, data=_organisation_data(current)),
                                    forms.InviteForm(formdata=None))
    return render("grants/organisation.html", refusal=error.message, status=error.status, **context)


@bp.route("/grants/organisation/members/<int:member_id>/lead", methods=["POST"])
@roles_required(roles.APPLICANT)
def make_lead(member_id):
    """A lead makes another member a lead (refused unless the person asking is a lead, under the row lock)."""
    from livesafe.grants import leads

    member = _member(member_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        made = leads.make_lead(current_user, member.organisation_id, member.id)
    except RuleError as error:
        return _refused_on_organisation_page(error)
    flash(f"{member.user.display_name} is now a lead, and we have e-mailed them to say so." if made
          else f"{member.user.display_name} is already a lead.")
    return redirect(url_for("grants.organisation"))


@bp.route("/grants/organisation/members/<int:member_id>/step-down", methods=["POST"])
@roles_required(roles.APPLICANT)
def step_down(member_id):
    """A lead steps down (their own membership only), staying a member, while another lead remains."""
    from livesafe.grants import leads

    member = _member(member_id)
    if member.user_id != current_user.id:
        abort(403)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    organisation = db.session.get(Organisation, member.organisation_id)
    try:
        leads.step_down(current_user, member.organisation_id)
    except RuleError as error:
        return _refused_on_organisation_page(error)
    flash(f"You are no longer a lead of {organisation.name}. You are still a member.")
    return redirect(url_for("grants.organisation"))
