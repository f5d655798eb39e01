"""Pages for grants documents (rules and kinds in documents.py): the applicant's pages to add them, one route
to remove one, and `grant_documents(application)` for the block other pages include
(templates/grants/documents_block.html). Files are downloaded through the upload component's own route."""
from flask import flash, redirect, request, url_for
from flask_login import current_user
from wtforms import SelectField

from livesafe import uploads
from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.auth.redirects import safe_next
from livesafe.extensions import db
from livesafe.grants import bp, documents, logic
from livesafe.grants.models import GrantApplication
from livesafe.kernel import RuleError, require
from livesafe.kernel.errors import Refused, show_on
from livesafe.site.render import render
from livesafe.uploads.forms import UploadForm


class OrganisationDocumentForm(UploadForm):
    slot = SelectField("Which document is this?", choices=documents.ORGANISATION_SLOTS, validate_choice=False)


class ApplicationDocumentForm(UploadForm):
    slot = SelectField("Which part of your application is it for?", choices=documents.APPLICATION_SLOTS,
                       validate_choice=False)


@bp.app_context_processor
def document_helpers():
    return {"grant_documents": lambda application: documents.documents_of(application, current_user)}


def _attach(form, attach):
    """Attach the posted file; None when stored, else the status to re-render the form with."""
    try:
        attach(form.file.data, form.slot.data)
    except Refused:
        raise  # no form to show it on: the error page says why, with 403
    except RuleError as error:
        return show_on(form, error)
    return None


@bp.route("/grants/applications/<int:application_id>/documents", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
@uploads.accepts_uploads
def documents_page(application_id):
    application = db.get_or_404(GrantApplication, application_id)
    require("grants.see_application", current_user, application)
    form = ApplicationDocumentForm()
    status = 200
    if request.method == "POST":
        status = _attach(form, lambda file, slot: documents.attach_to_application(file, application, slot, current_user))
        if status is None:
            flash(f"{documents.SLOT_LABELS[form.slot.data]}: file added.")
            return redirect(url_for("grants.documents_page", application_id=application.id), 303)
    return render("grants/documents.html", application=application, form=form, status=status)


@bp.route("/grants/organisation/documents", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
@uploads.accepts_uploads
def organisation_documents():
    organisation = logic.organisation_of(current_user)
    if organisation is None:
        flash("Tell us about your organisation first.")
        return redirect(url_for("grants.organisation"))
    form = OrganisationDocumentForm()
    status = 200
    if request.method == "POST":
        status = _attach(form, lambda file, slot: documents.attach_to_organisation(file, organisation, slot, current_user))
        if status is None:
            flash(f"{documents.SLOT_LABELS[form.slot.data]}: file added.")
            return redirect(safe_next() or url_for("grants.organisation_documents"), 303)
    return render("grants/documents_organisation.html", organisation=organisation, form=form,
                  slots=documents.organisation_documents(organisation), status=status)


@bp.route("/grants/documents/<int:upload_id>/remove", methods=["POST"])
@roles_required(roles.APPLICANT, *roles.STAFF_ROLES)
def remove_document(upload_id):
    upload, _ = uploads.readable(upload_id, current_user)  # 404 or 403 before anything else
    if upload.owner_kind not in (documents.ORGANISATION, documents.APPLICATION):
        raise uploads.NotFound("That file does not exist or has been removed.")
    back = safe_next(request.form.get("next"))
    name = upload.original_name
    uploads.remove(upload, current_user)
    flash(f"{name} removed.")
    if back:
        return redirect(back, 303)
    if upload.owner_kind == documents.APPLICATION:
        return redirect(url_for("grants.application", application_id=upload.owner_id), 303)
    return redirect(url_for("grants.organisation_documents" if current_user.role == roles.APPLICANT
                            else "auth.dashboard"), 303)
