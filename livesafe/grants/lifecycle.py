"""Views for issue 14's lifecycle steps (thin: parse, call logic, render): asking for more information,
sending the changes back, the grant agreement and its payments. Kept apart from views.py so each step's routes sit together."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.extensions import db
from livesafe.grants import agreements, bp, evidence, forms, info_requests, logic
from livesafe.grants.models import GrantApplication
from livesafe.grants.views import STAFF, _own_application, _staff_application, _told
from livesafe.kernel import RuleError, apply, can
from livesafe.kernel.errors import show_on
from livesafe.site.render import render


def applicant_context(application) -> dict:
    """What the applicant's application page needs: a returned application's request, the agreement."""
    from livesafe.grants import documents

    # Sending back changes or an expression of interest needs the round's documents too (documents.check_required).
    sending = application.state in (logic.MORE_INFO, logic.EOI)
    return {"info_request": info_requests.open_request(application), "agreement": agreements.agreement_of(application),
            "missing_documents": documents.missing_required(application) if sending else []}


def staff_context(application, info_form=None) -> dict:
    with_questions = info_requests.has_questions(application)
    return {"info_form": info_form if info_form is not None else forms.info_request_form(with_questions=with_questions),
            "round_trips": info_requests.history(application), "agreement": agreements.agreement_of(application),
            "may_request_info": bool(can("grants.request_info", current_user, application))
            and application.state in logic.APPLICATION.transition("request_info").sources}


@bp.route("/grants/applications/<int:application_id>/more-information", methods=["POST"])
@roles_required(*STAFF)
def request_info(application_id):
    application = db.get_or_404(GrantApplication, application_id)
    form = forms.info_request_form(formdata=request.form, with_questions=info_requests.has_questions(application))
    if not form.validate_on_submit():
        return _staff_application(application, status=422, info_form=form)
    notes = {key: form[f"note_{key}"].data for key in info_requests.section_titles(application) if f"note_{key}" in form}
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


# ---------------------------------------------------------------- agreement and payments (point 6)

@bp.route("/grants/applications/<int:application_id>/agreement", methods=["GET", "POST"])
@roles_required(roles.APPLICANT, *STAFF)
def agreement(application_id):
    """The group reads and accepts the agreement; staff read it, prepare it (POST) and record payments."""
    if current_user.is_staff:
        application = db.get_or_404(GrantApplication, application_id)
    else:
        application = _own_application(application_id)
    found = agreements.agreement_of(application)
    form = forms.AcceptAgreementForm()
    if request.method == "POST":
        if current_user.is_staff:
            if not forms.ActionForm().validate_on_submit():
                abort(400)
            agreements.generate(application, current_user)  # a refusal (not awarded) reaches the error page
            flash("The grant agreement is ready, and the group has been told.")
            return redirect(url_for("grants.agreement", application_id=application.id))
        if found is None:
            abort(404)
        if not form.validate_on_submit():
            return _agreement_page(application, found, form, status=422)
        try:
            agreements.accept(application, current_user, confirmed=form.confirm.data)
        except RuleError as error:
            return _agreement_page(application, found, form, status=show_on(form, error))
        flash("Thank you: you have accepted the grant agreement. We will pay the first instalment soon.")
        return redirect(url_for("grants.application", application_id=application.id))
    if found is None:
        abort(404)
    return _agreement_page(application, found, form)


def _agreement_page(application, found, form, status=200, payment_forms=None):
    payment_forms = payment_forms or {}
    return render("grants/agreement.html", status=status, application=application, agreement=found, form=form,
                  payments=[(p, agreements.held(p), payment_forms.get(p.id) or forms.PaymentForm(formdata=None, prefix=_prefix(p)))
                            for p in found.payments],
                  due_words=agreements.due_words, may_accept=bool(can("grants.accept_agreement", current_user, application))
                  and application.state == logic.AWARDED)


@bp.route("/grants/applications/<int:application_id>/payments/<int:payment_id>", methods=["POST"])
@roles_required(*STAFF)
def record_payment(application_id, payment_id):
    application = db.get_or_404(GrantApplication, application_id)
    payment = db.get_or_404(agreements.GrantPayment, payment_id)
    if payment.agreement.application_id != application.id:
        abort(404)
    form = forms.PaymentForm(prefix=_prefix(payment))
    if not form.validate_on_submit():
        return _agreement_page(application, payment.agreement, forms.AcceptAgreementForm(formdata=None), status=422,
                               payment_forms={payment.id: form})
    try:
        agreements.record_paid(payment, current_user, form.paid_on_date(), form.reference.data or "")
    except RuleError as error:
        status = show_on(form, error)
        db.session.rollback()
        return _agreement_page(application, db.session.get(agreements.GrantAgreement, payment.agreement_id),
                               forms.AcceptAgreementForm(formdata=None), status=status, payment_forms={payment.id: form})
    flash(f"Payment {payment.number} is recorded as paid.")
    return redirect(url_for("grants.agreement", application_id=application.id))


def _prefix(payment) -> str:
    return f"payment-{payment.id}"


@bp.app_context_processor
def grant_money():
    """Round pages show committed, paid and outstanding money (`grant_money(round_id)`; None: every round)."""
    return {"grant_money": agreements.money}


# ---------------------------------------------------------------- the evidence check as you type (point 8)

EVIDENCE_SECTIONS = tuple(dict.fromkeys(section for section, _ in logic.EVIDENCE_FIELDS))


@bp.route(f"/grants/applications/<int:application_id>/<any({','.join(EVIDENCE_SECTIONS)}):section>/evidence-check",
          methods=["POST"])
@roles_required(roles.APPLICANT)
def evidence_check(application_id, section):
    """The evidence check on what is typed now (this section's fields over the stored answers); stores nothing."""
    application = _own_application(application_id, "grants.edit_application")
    answers = dict(application.answers or {})
    answers[section] = forms.raw_answers(section, request.form)
    found = evidence.check(logic.evidence_text(answers))
    return render("grants/_evidence_live.html", matches=found)


# ---------------------------------------------------------------- two stages (point 2)

@bp.route("/grants/applications/<int:application_id>/eoi", methods=["POST"])
@roles_required(roles.APPLICANT)
def send_eoi(application_id):
    application = _own_application(application_id, "grants.submit")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        apply(logic.APPLICATION, application, "send_eoi", current_user)
    except RuleError as error:  # the project section is not complete (422), the round closed (409)
        return _refused(application, error)
    flash("Your expression of interest has been sent. We will e-mail you to say whether you are shortlisted.")
    return redirect(url_for("grants.application", application_id=application.id))
