from datetime import timedelta

from flask import abort, flash, make_response, redirect, request, url_for
from flask_login import current_user

from livesafe import disclosure
from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.extensions import db
from livesafe.kernel.errors import RuleError, show_on
from livesafe.kernel.permissions import require
from livesafe.partners import bp, exports, figures, logic, perceptions, sources
from livesafe.partners.forms import EmptyForm, FilterForm, InvitePartnerForm, OrganisationForm, UploadForm
from livesafe.partners.models import PartnerOrganisation
from livesafe.partners.validation import month_of
from livesafe.site.render import render, render_invalid

VIEWERS = (roles.STAFF, roles.ADMIN, roles.PARTNER)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a year of one source is a few megabytes


def _filters() -> tuple[FilterForm, figures.Filters, int]:
    """The filters from the query string: unknown values are reported (422) and the defaults used instead."""
    form = FilterForm(formdata=request.args)
    form.period.choices = [(figures.LATEST, "Latest 12 months")] + [(y, y) for y in figures.years(form.source.data
                                                                                               if form.source.data in sources.all_sources() else None)]
    valid = form.validate()
    value = {name: (form[name].default if form[name].errors else form[name].data) for name in ("source", "period", "district")}
    return form, figures.Filters(value["source"], value["period"], value["district"] or None), 200 if valid else 422


@bp.route("/partners")
@roles_required(*VIEWERS)
def dashboard():
    require("partners.view", current_user)
    form, chosen, status = _filters()
    board = figures.dashboard(chosen)
    logic.audit_view(current_user, "partners.dashboard_viewed", chosen.as_dict())
    return render("partners/dashboard.html", fragment="partners/_figures.html", form=form, board=board,
                  survey=_survey(board), disclosure=disclosure.describe(), population=sources.population(),
                  population_note=sources.population_note(), status=status)


def _survey(board: figures.Dashboard) -> perceptions.Perceptions | None:
    """The survey figures of the latest closed wave by the end of the period shown."""
    return None if board.empty else perceptions.beside(figures.add_months(board.last, 1) - timedelta(days=1))


@bp.route("/partners/export.<any(csv, xlsx):kind>")
@roles_required(*VIEWERS)
def export(kind):
    require("partners.view", current_user)
    form, chosen, status = _filters()
    if status != 200:
        board = figures.dashboard(chosen)
        return render("partners/dashboard.html", form=form, board=board, survey=_survey(board),
                      disclosure=disclosure.describe(), population=sources.population(),
                      population_note=sources.population_note(), status=status)
    board = figures.dashboard(chosen)
    logic.audit_view(current_user, f"partners.exported_{kind}", chosen.as_dict())
    survey = _survey(board)
    body = exports.to_csv(board, survey) if kind == "csv" else exports.to_xlsx(board, survey)
    response = make_response(body)
    response.headers["Content-Type"] = exports.CSV_TYPE if kind == "csv" else exports.XLSX_TYPE
    name = f"live-safe-{chosen.source}-{chosen.period}{'-' + chosen.district if chosen.district else ''}.{kind}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/partners/schemas/<source>")
@roles_required(*VIEWERS)
def schema(source):
    require("partners.view", current_user)
    found = sources.get(source)
    if found is None:
        abort(404)
    return render("partners/schema.html", source=found, allowed=sources.allowed, codes=sources.codes())


@bp.route("/partners/datasets", methods=["GET", "POST"])
@roles_required(*roles.STAFF_ROLES)
def datasets():
    require("partners.manage", current_user)
    request.max_content_length = MAX_UPLOAD_BYTES
    form = UploadForm()
    checked = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            checked, saved = logic.import_file(current_user, sources.get(form.source.data), upload.read(),
                                               month_of(form.first_month.data.strip()),
                                               month_of(form.last_month.data.strip()), filename=upload.filename or "")
        except RuleError as error:
            status = show_on(form, error)
        else:
            if saved:
                flash(f"{saved.rows} records of {sources.get(saved.source).title} stored for "
                      f"{saved.first_month:%B %Y} to {saved.last_month:%B %Y}"
                      f"{f', replacing {saved.replaced} earlier records' if saved.replaced else ''}.")
                return redirect(url_for("partners.datasets"))
            form.file.errors.append("The file was not stored: fix the problems listed below and upload it again.")
            status = 422
    elif form.is_submitted():
        status = 422
    return render("partners/datasets.html", form=form, checked=checked, uploads=logic.uploads(),
                  sources=sources.all_sources(), status=status)


@bp.route("/partners/organisations", methods=["GET", "POST"])
@roles_required(*roles.STAFF_ROLES)
def organisations():
    require("partners.manage", current_user)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = logic.add_organisation(current_user, form.name.data, form.kind.data)
        except RuleError as error:
            return render("partners/organisations.html", form=form, organisations=logic.organisations(),
                          accounts=logic.accounts(), status=show_on(form, error))
        flash(f"{organisation.name} added.")
        return redirect(url_for("partners.organisations"))
    if form.is_submitted():
        return render_invalid("partners/organisations.html", form=form, organisations=logic.organisations(),
                              accounts=logic.accounts())
    return render("partners/organisations.html", form=form, organisations=logic.organisations(), accounts=logic.accounts())


@bp.route("/partners/invite", methods=["GET", "POST"])
@roles_required(*roles.STAFF_ROLES)
def invite():
    require("partners.manage", current_user)
    form = InvitePartnerForm()
    form.organisation.choices = [(o.id, o.name) for o in logic.organisations()]
    if form.validate_on_submit():
        try:
            user = logic.invite_partner(current_user, form.email.data, form.name.data or "",
                                        db.session.get(PartnerOrganisation, form.organisation.data))
        except RuleError as error:
            return render("partners/invite.html", form=form, status=show_on(form, error))
        flash(f"Invitation sent to {user.email}.")
        return redirect(url_for("partners.organisations"))
    if form.is_submitted():
        return render_invalid("partners/invite.html", form=form)
    return render("partners/invite.html", form=form)


@bp.route("/partners/local-picture/publish", methods=["POST"])
@roles_required(*roles.STAFF_ROLES)
def publish():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    picture = figures.local_picture()
    if picture is None:
        raise RuleError("There is no police recorded data yet: upload it before publishing the local picture.")
    logic.publish_picture(current_user, picture, month_of(picture["last"]))
    flash("The local picture is published with the latest figures.")
    return redirect(url_for("partners.local_picture"))


@bp.route("/local-picture")
def local_picture():
    picture = logic.latest_picture()
    return render("partners/local_picture.html", picture=picture, disclosure=disclosure.describe(),
                  form=EmptyForm() if current_user.is_authenticated and current_user.is_staff else None)
