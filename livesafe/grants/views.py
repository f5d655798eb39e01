"""Views of the grants feature (thin: parse, call logic, render)."""
from datetime import datetime

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.orm import selectinload

from livesafe import places
from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.auth.redirects import safe_next
from livesafe.extensions import csrf, db
from livesafe.grants import assignment, bp, evidence, exports, forms, info_requests, logic, monitoring, scoring, stages
from livesafe.grants.models import GrantApplication, GrantRound
from livesafe.kernel import RuleError, can, require
from livesafe.kernel.errors import show_on
from livesafe.site.render import render, render_invalid
from livesafe.clock import format_london, london_to_utc, to_london, utcnow

STAFF = roles.STAFF_ROLES
ASSESSORS = (roles.ASSESSOR, roles.PANEL_MEMBER)
SECTION_KEYS = "any(" + ",".join(key for key, _ in logic.SECTIONS) + ")"


@bp.app_template_filter("pounds")
def pounds_filter(pence):
    return logic.format_pounds(pence)


@bp.app_context_processor
def grant_words():
    return {"state_labels": logic.STATE_LABELS, "state_tags": logic.STATE_TAGS, "evidence_page": evidence.EVIDENCE_PAGE,
            "application_workflow": logic.APPLICATION, "round_workflow": logic.ROUND}


def _round(round_id: int) -> GrantRound:
    return db.get_or_404(GrantRound, round_id)


def _application(application_id: int) -> GrantApplication:
    return db.get_or_404(GrantApplication, application_id)


def _own_application(application_id: int, action: str = "grants.see_application") -> GrantApplication:
    """The applicant's own organisation's application; anyone else's is refused (403)."""
    application = _application(application_id)
    require(action, current_user, application)
    return application


def _told(told: int, organisation) -> str:
    """Say who was told, truthfully: only claim an e-mail when one was queued."""
    if told:
        return f"We have e-mailed {organisation.name} ({told} {'person' if told == 1 else 'people'})."
    return (f"Nobody has been told yet: {organisation.name} has no active member to e-mail. "
            "Contact the group another way.")


# ---------------------------------------------------------------- public

@bp.route("/funding")
def funding():
    return render("grants/funding.html", rounds=logic.open_rounds())


# ---------------------------------------------------------------- applicants: organisation

@bp.route("/grants/organisation", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def organisation():
    current = logic.organisation_of(current_user)
    form = forms.OrganisationForm(obj=None, data=_organisation_data(current))
    invite_form = forms.InviteForm(formdata=None)
    if form.validate_on_submit():
        logic.save_organisation(current_user, organisation_values(form))
        flash("Your organisation's details are saved.")
        return redirect(safe_next() or url_for("grants.applications"))
    context = _organisation_context(current, form, invite_form)
    if form.is_submitted():
        return render_invalid("grants/organisation.html", **context)
    return render("grants/organisation.html", **context)


def organisation_values(form) -> dict:
    values = {name: (form[name].data or "").strip() for name in ("name", "kind", "charity_number", "company_number", "postcode", "district", "safeguarding_lead")}
    values["postcode"] = values["postcode"].upper()
    values["safeguarding_policy"] = form.safeguarding_policy.data == "yes"
    values["works_with_under_18s"] = form.works_with_under_18s.data == "yes"
    return values


def _organisation_context(current, form, invite_form) -> dict:
    from livesafe.grants import organisations

    return {"form": form, "invite_form": invite_form, "organisation": current,
            "members": organisations.members(current.id) if current else [],
            "lead": bool(current) and organisations.is_lead(current_user, current.id), "action_form": forms.ActionForm()}


def _organisation_data(organisation) -> dict:
    if organisation is None:
        return {}
    data = {name: getattr(organisation, name) for name in ("name", "kind", "charity_number", "company_number", "postcode", "district", "safeguarding_lead")}
    data["safeguarding_policy"] = "yes" if organisation.safeguarding_policy else "no"
    data["works_with_under_18s"] = "yes" if organisation.works_with_under_18s else "no"
    return data


@bp.route("/grants/organisation/invitations", methods=["POST"])
@roles_required(roles.APPLICANT)
def invite_member():
    current = logic.organisation_of(current_user)
    if current is None:
        return redirect(url_for("grants.organisation"))
    invite_form = forms.InviteForm()
    if invite_form.validate_on_submit():
        logic.invite_member(current_user, current, invite_form.email.data)
        # The same words whatever the address, so they do not say who has an account.
        flash(logic.invited_message(current))
        return redirect(url_for("grants.organisation"))
    form = forms.OrganisationForm(formdata=None, data=_organisation_data(current))
    return render_invalid("grants/organisation.html", **_organisation_context(current, form, invite_form))


@bp.route("/grants/invitations/<token>", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def invitation(token):
    """The link in an invitation e-mail: the invited account (and only it) accepts or declines."""
    found = logic.invitation_for(token)
    if found is None:
        return render("grants/invitation_invalid.html", status=404)
    if found.token.user_id != current_user.id:
        # Name no organisation: the link may have been forwarded or guessed.
        return render("grants/invitation_other_account.html", status=403)
    form = forms.ActionForm()
    if form.validate_on_submit():
        # A refusal (already answered, already in a group) reaches the error page with its words and status.
        answer = request.form.get("answer")
        if answer == "accept":
            joined = logic.accept_invitation(current_user, found)
            flash(f"You have joined {joined.name}. You can now see and work on its applications.")
            return redirect(url_for("grants.applications"))
        if answer == "decline":
            logic.decline_invitation(current_user, found)
            flash(f"You have declined the invitation to join {found.organisation.name}.")
            return redirect(url_for("auth.dashboard"))
        abort(400)
    return render("grants/invitation.html", invitation=found, form=form, current=logic.organisation_of(current_user),
                  status=400 if form.is_submitted() else 200)


@bp.route("/grants/organisation/leave", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def leave_organisation():
    current = logic.organisation_of(current_user)
    if current is None:
        return redirect(url_for("grants.organisation"))
    form = forms.ActionForm()
    if form.validate_on_submit():
        if request.form.get("organisation_id", str(current.id)) != str(current.id):
            # Switched organisation in another tab since this page was shown: never leave the wrong one.
            return render("grants/leave.html", organisation=current, form=form, status=409,
                          refusal=f"You now act for {current.name}, not the organisation this page was for. "
                                  "Check the name below and try again.")
        try:
            left = logic.leave_organisation(current_user, current.id)
        except RuleError as error:
            return render("grants/leave.html", organisation=current, form=form, refusal=error.message, status=error.status)
        flash(f"You have left {left.name}. You can start a new group or accept an invitation to join another.")
        if logic.organisation_of(current_user) is not None:
            return redirect(url_for("grants.applications"))
        return redirect(url_for("grants.organisation"))
    return render("grants/leave.html", organisation=current, form=form, status=400 if form.is_submitted() else 200)


# ---------------------------------------------------------------- applicants: applying

@bp.route("/funding/<int:round_id>/apply", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def apply(round_id):
    grant_round = _round(round_id)
    if not logic.accepting(grant_round):
        abort(404)
    organisation = logic.organisation_of(current_user)
    if organisation is None:
        flash("Tell us about your organisation first.")
        return redirect(url_for("grants.organisation", next=url_for("grants.apply", round_id=round_id)))
    existing = logic.application_for(grant_round, organisation)
    if existing:
        return redirect(url_for("grants.application", application_id=existing.id))
    form = forms.eligibility_form(grant_round.eligibility_questions)
    if form.validate_on_submit():
        answers = {name[2:]: form[name].data for name in form.data if name.startswith("q_")}
        failures = logic.eligibility_failures(grant_round.eligibility_questions, answers)
        if failures:
            return render("grants/eligibility.html", form=form, grant_round=grant_round, failures=failures)
        application = logic.start_application(grant_round, organisation, current_user, answers)
        return redirect(url_for("grants.application", application_id=application.id))
    if form.is_submitted():
        return render_invalid("grants/eligibility.html", form=form, grant_round=grant_round, failures=[])
    return render("grants/eligibility.html", form=form, grant_round=grant_round, failures=[])


@bp.route("/grants/applications")
@roles_required(roles.APPLICANT)
def applications():
    organisation = logic.organisation_of(current_user)
    mine = logic.applications_of(organisation) if organisation else []
    started = {a.round_id for a in mine}
    return render("grants/applications.html", organisation=organisation, applications=mine,
                  rounds=[r for r in logic.open_rounds() if r.id not in started])


@bp.route("/grants/applications/<int:application_id>")
@roles_required(roles.APPLICANT, *STAFF)
def application(application_id):
    if current_user.is_staff:
        return _staff_application(_application(application_id))
    application = _own_application(application_id)
    application = db.session.scalar(sa.select(GrantApplication).where(GrantApplication.id == application.id)
                                    .options(selectinload(GrantApplication.returns)))
    return render("grants/application.html", application=application, sections=_sections(application),
                  **lifecycle.applicant_context(application),
                  matches=evidence.by_keys(application.evidence_matches), timeline=logic.timeline(application),
                  now=utcnow(), action_form=forms.ActionForm(), **_answers_context(application))


def _answers_context(application) -> dict:
    """What a read-only view of the answers needs."""
    raw = application.answers or {}
    return {"answers": {key: forms.section_form(key, raw=raw.get(key)) for key, _ in logic.SECTIONS},
            "answer_sections": logic.SECTIONS, "budget_lines": logic.budget_lines(raw.get("budget", {}))[0]}


def _sections(application):
    return [(key, title, logic.section_status(application, key)) for key, title in logic.SECTIONS]


def _section_context(application, section, form):
    lines, total, _ = logic.budget_lines((application.answers or {}).get("budget", {}))
    return {"application": application, "section": section, "section_title": logic.SECTION_TITLES[section],
            "form": form, "budget_total": total, "organisation": application.organisation,
            "matches": evidence.by_keys(application.evidence_matches)}


@bp.route(f"/grants/applications/<int:application_id>/<{SECTION_KEYS}:section>", methods=["GET", "POST"])
@csrf.exempt  # checked below, after the sign-in check, so an expired session goes to sign-in and back
@roles_required(roles.APPLICANT)
def section(application_id, section):
    application = _own_application(application_id, "grants.edit_application")
    if request.method == "POST":
        try:
            csrf.protect()
        except CSRFError:
            # The page was open longer than its token lives: nothing is saved, but what was typed is shown
            # again with a fresh token, so pressing Save again keeps it.
            form = forms.section_form(section, formdata=request.form)
            return render("grants/section.html", status=400, token_expired=True, **_section_context(application, section, form))
    if section not in logic.editable_sections(application):
        flash("This application has been sent, so it can no longer be changed." if application.state != logic.MORE_INFO
              else f"We asked for changes to other sections, so {logic.SECTION_TITLES[section].lower()} cannot be changed.")
        return redirect(url_for("grants.application", application_id=application.id))
    if request.method == "GET":
        form = forms.section_form(section, raw=(application.answers or {}).get(section), csrf=True)
        return render("grants/section.html", **_section_context(application, section, form))
    raw = forms.raw_answers(section, request.form)
    form = forms.section_form(section, formdata=request.form)
    marking_complete = request.form.get("action") == "complete"
    complete = marking_complete and forms.validate_section(section, form, application)
    # Saved before anything else: nothing typed is lost to a validation error.
    try:
        logic.save_section(application, section, raw, complete, current_user)
    except RuleError as error:  # sent at the same moment: nothing is changed
        status = show_on(form, error)
        return render("grants/section.html", status=status, **_section_context(application, section, form))
    if marking_complete and not complete:
        # Deliberately kept although the request answers 422: nothing typed is lost to a validation error.
        db.session.commit()
        return render_invalid("grants/section.html", **_section_context(application, section, form))
    flash(f"{logic.SECTION_TITLES[section]}: {'completed' if complete else 'saved as a draft'}.")
    return redirect(url_for("grants.application", application_id=application.id))


@bp.route(f"/grants/applications/<int:application_id>/<{SECTION_KEYS}:section>/autosave", methods=["POST"])
@csrf.exempt  # checked below, after the sign-in check
def autosave(application_id, section):
    """htmx autosave while typing: stores the draft loosely and answers with the saved status."""
    if not current_user.is_authenticated:
        login = url_for("auth.login", next=url_for("grants.section", application_id=application_id, section=section))
        # 401 (swapped by htmx, see HTMX_CONFIG) says "sign in again" where the saved status shows.
        return render("grants/_save_status.html", signed_out=True, login=login, status=401)
    if current_user.role != roles.APPLICANT:
        abort(403)
    try:
        csrf.protect()
    except CSRFError:
        # An expired or broken token: say so, and hand the page a fresh one; site.js puts it in the form and
        # saves again, so nothing typed is lost.
        response = _save_failed(400, token_expired=True)
        response.headers["X-CSRF-Token"] = generate_csrf()
        return response
    application = _own_application(application_id, "grants.edit_application")
    if section not in logic.editable_sections(application):
        return _save_failed(409, locked=True)
    now = utcnow()
    try:
        logic.save_section(application, section, forms.raw_answers(section, request.form), False, current_user, now)
    except RuleError as error:  # sent while this save was on its way
        return _save_failed(error.status, locked=True)
    return render("grants/_save_status.html", saved_at=format_london(now, "%H:%M"), application=application,
                  budget_total=application.requested_pence if section == "budget" else None)


def _save_failed(status: int, **context):
    """A "Not saved: ..." status line. htmx does not swap error answers, so site.js shows it (X-Save-Status)."""
    response = render("grants/_save_status.html", status=status, **context)
    response.headers["X-Save-Status"] = "not-saved"
    return response


@bp.route("/grants/applications/<int:application_id>/check")
@roles_required(roles.APPLICANT)
def check(application_id):
    application = _own_application(application_id)
    if application.state != logic.DRAFT:
        return redirect(url_for("grants.application", application_id=application.id))
    return render("grants/check.html", **_check_context(application))


def _check_context(application):
    answers = {key: forms.section_form(key, raw=(application.answers or {}).get(key)) for key, _ in logic.SECTIONS}
    lines, total, _ = logic.budget_lines((application.answers or {}).get("budget", {}))
    from livesafe.grants import documents

    return {"application": application, "answers": answers, "sections": logic.SECTIONS, "problems": logic.answer_problems(application),
            "missing_documents": documents.missing_required(application),
            "matches": evidence.by_keys(application.evidence_matches), "budget_lines": lines, "budget_total": total,
            "action_form": forms.ActionForm(), "accepting": logic.accepting(application.round)}


@bp.route("/grants/applications/<int:application_id>/submit", methods=["POST"])
@roles_required(roles.APPLICANT)
def submit(application_id):
    application = _own_application(application_id)
    if application.state == logic.DRAFT and logic.answer_problems(application):
        flash("Some answers need attention before you can send your application.")
        return redirect(url_for("grants.check", application_id=application.id))
    try:
        logic.submit(application, current_user)  # checks again what is stored, under the row's lock
    except RuleError as error:
        return render("grants/check.html", status=error.status, refusal=error.message, **_check_context(application))
    flash("Your application has been sent. We have e-mailed you a confirmation.")
    return redirect(url_for("grants.application", application_id=application.id))


@bp.route("/grants/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def withdraw(application_id):
    application = _own_application(application_id)
    form = forms.ActionForm()
    if form.validate_on_submit():
        logic.withdraw(application, current_user)  # a refusal reaches the error page (409: decided already)
        flash("Your application has been withdrawn.")
        return redirect(url_for("grants.application", application_id=application.id))
    return render("grants/withdraw.html", application=application, form=form)


# ---------------------------------------------------------------- assessors

@bp.route("/grants/assessments")
@roles_required(*ASSESSORS)
def assessments():
    mine = {a.application_id: a for a in scoring.assessments_by(current_user)}
    return render("grants/assessments.html", assigned=assignment.assigned_applications(current_user), mine=mine)


def _assigned_application(application_id):
    application = _application(application_id)
    if not can("grants.assess", current_user, application):
        abort(404)  # an unassigned application does not exist, as far as this assessor knows
    return application


@bp.route("/grants/applications/<int:application_id>/assessment", methods=["GET", "POST"])
@roles_required(*ASSESSORS)
def assessment(application_id):
    application = _assigned_application(application_id)
    mine = scoring.assessment_of(current_user, application)
    if mine is None:
        return render("grants/conflict.html", application=application, form=forms.ConflictForm())
    criteria = scoring.criteria_of(application)
    context = {"application": application, "assessment": mine, "criteria": criteria,
               "round_trips": info_requests.history(application),
               "matches": evidence.by_keys(application.evidence_matches),
               "answers": {key: forms.section_form(key, raw=(application.answers or {}).get(key)) for key, _ in logic.SECTIONS},
               "sections": logic.SECTIONS, "budget_lines": logic.budget_lines((application.answers or {}).get("budget", {}))[0]}
    if mine.conflict:
        return render("grants/assessment.html", form=None, others=[], **context)
    if request.method == "GET" or mine.submitted_at:
        data = {}
        for s in mine.scores:
            data[f"score_{s.criterion}"] = "" if s.score is None else str(s.score)
            data[f"comment_{s.criterion}"] = s.comment
        form = None if mine.submitted_at else forms.score_form(criteria, data=data)
        return render("grants/assessment.html", form=form, others=scoring.visible_scores(current_user, application), **context)
    form = forms.score_form(criteria, formdata=request.form)
    if not form.validate_on_submit():
        return render_invalid("grants/assessment.html", form=form, others=[], **context)
    entries = forms.score_entries(criteria, form)
    submitting = request.form.get("action") == "submit"
    problems = scoring.score_problems(criteria, entries) if submitting else []
    if problems:
        scoring.save_scores(mine, entries, submit=False)
        db.session.commit()  # deliberately kept although the request answers 422: nothing typed is lost
        for name, message in problems:
            form[name].errors = list(form[name].errors) + [message]
        return render_invalid("grants/assessment.html", form=form, others=[], **context)
    try:
        scoring.save_scores(mine, entries, submit=submitting)
    except RuleError as error:
        return render("grants/assessment.html", form=form, others=[], status=show_on(form, error), **context)
    flash("Your scores are submitted." if submitting else "Your scores are saved as a draft.")
    return redirect(url_for("grants.assessment", application_id=application.id))


@bp.route("/grants/applications/<int:application_id>/assessment/conflict", methods=["POST"])
@roles_required(*ASSESSORS)
def conflict(application_id):
    application = _assigned_application(application_id)
    form = forms.ConflictForm()
    if not form.validate_on_submit():
        return render_invalid("grants/conflict.html", application=application, form=form)
    scoring.declare(current_user, application, form.conflict.data == "yes", form.details.data or "")
    if form.conflict.data == "yes":
        flash("Your conflict of interest is recorded. You will not score this application.")
    return redirect(url_for("grants.assessment", application_id=application.id))


# ---------------------------------------------------------------- staff: rounds

@bp.route("/grants/rounds")
@roles_required(*STAFF)
def rounds():
    every = db.session.scalars(sa.select(GrantRound).order_by(GrantRound.opens_at.desc())).all()
    counts = dict(db.session.execute(
        sa.select(GrantApplication.round_id, sa.func.count(GrantApplication.id))
        .where(GrantApplication.state.notin_((logic.DRAFT, logic.EOI))).group_by(GrantApplication.round_id)).all())
    return render("grants/rounds.html", rounds=every, counts=counts, labels=logic.ROUND_LABELS)


def _round_form_defaults() -> dict:
    now = to_london(utcnow()).replace(second=0, microsecond=0)
    return {
        "eligibility": logic.eligibility_text(list(logic.DEFAULT_ELIGIBILITY)),
        "criteria": logic.criteria_text(list(logic.DEFAULT_CRITERIA)),
        "monitoring_months": ", ".join(str(m) for m in logic.DEFAULT_MONITORING_MONTHS),
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
    }


def _round_data(grant_round: GrantRound) -> dict:
    return {
        "name": grant_round.name, "description": grant_round.description, "guidance": grant_round.guidance,
        "opens_at": to_london(grant_round.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": to_london(grant_round.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "budget": logic.pounds_input(grant_round.budget_pence), "min_award": logic.pounds_input(grant_round.min_award_pence),
        "max_award": logic.pounds_input(grant_round.max_award_pence), "priority_areas": grant_round.priority_areas,
        "eligibility": logic.eligibility_text(grant_round.eligibility_questions),
        "criteria": logic.criteria_text(grant_round.criteria),
        "monitoring_months": ", ".join(str(m) for m in grant_round.monitoring_months),
        "two_stage": grant_round.two_stage, "required_documents": grant_round.required_documents or [],
    }


def _round_values(form, grant_round: GrantRound | None = None) -> dict | None:
    """Parse the round form into model values, adding every problem to the form; None if invalid."""
    form.validate()
    values = {}
    for name, parser, key in (("eligibility", logic.parse_eligibility, "eligibility_questions"), ("criteria", logic.parse_criteria, "criteria"),
                              ("monitoring_months", logic.parse_months, "monitoring_months")):
        if not form[name].errors:
            try:
                values[key] = parser(form[name].data)
            except ValueError as error:
                form[name].errors.append(str(error))
    if any(f.errors for f in form):
        return None
    values.update({
        "name": form.name.data.strip(), "description": form.description.data.strip(), "guidance": form.guidance.data.strip(),
        "opens_at": london_to_utc(datetime.fromisoformat(form.opens_at.data)),
        "closes_at": london_to_utc(datetime.fromisoformat(form.closes_at.data)),
        "budget_pence": logic.parse_pounds(form.budget.data), "min_award_pence": logic.parse_pounds(form.min_award.data),
        "max_award_pence": logic.parse_pounds(form.max_award.data),
        "priority_areas": [name for name in places.NAMES if name in (form.priority_areas.data or [])],
        "two_stage": bool(form.two_stage.data),
        "required_documents": [key for key, _ in form.required_documents.choices if key in (form.required_documents.data or [])],
    })
    for name, message in logic.round_problems(values, grant_round):
        form[name].errors.append(message)
    return None if any(f.errors for f in form) else values


@bp.route("/grants/rounds/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_round():
    form = forms.RoundForm(data=_round_form_defaults())
    if form.is_submitted():
        values = _round_values(form)
        if values is None:
            return render_invalid("grants/round_form.html", form=form, grant_round=None)
        grant_round = logic.save_round(current_user, values)
        flash(f"{grant_round.name} is saved as a draft.")
        return redirect(url_for("grants.round", round_id=grant_round.id))
    return render("grants/round_form.html", form=form, grant_round=None)


@bp.route("/grants/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_round(round_id):
    grant_round = _round(round_id)
    form = forms.RoundForm(data=_round_data(grant_round))
    if form.is_submitted():
        values = _round_values(form, grant_round)
        if values is None:
            return render_invalid("grants/round_form.html", form=form, grant_round=grant_round)
        try:
            logic.save_round(current_user, values, grant_round)
        except RuleError as error:  # an award landed while the form was open, say
            return render("grants/round_form.html", form=form, grant_round=grant_round, status=show_on(form, error))
        flash("The round is saved.")
        return redirect(url_for("grants.round", round_id=grant_round.id))
    return render("grants/round_form.html", form=form, grant_round=grant_round)


@bp.route("/grants/rounds/<int:round_id>")
@roles_required(*STAFF)
def round(round_id):
    return _round_page(_round(round_id))


def _round_page(grant_round, assessors_form=None, status=200):
    apps = db.session.scalars(sa.select(GrantApplication).where(GrantApplication.round_id == grant_round.id)
                              .options(selectinload(GrantApplication.organisation))  # one query, not one a row
                              .order_by(GrantApplication.id)).all()
    if assessors_form is None:
        assessors_form = forms.AssessorsForm(data={"assessors": [a.user_id for a in grant_round.assessors],
                                                   "community": [a.user_id for a in grant_round.assessors if a.community],
                                                   "community_share": grant_round.community_share})
    _pool_choices(assessors_form)
    return render("grants/round.html", status=status, grant_round=grant_round, applications=apps, labels=logic.ROUND_LABELS,
                  action_form=forms.ActionForm(), assessors_form=assessors_form, accepting=logic.accepting(grant_round),
                  round_steps=logic.ROUND.available(grant_round, current_user), form=assessors_form)


def _pool_choices(form):
    candidates = logic.assessor_candidates()
    form.assessors.choices = [(u.id, f"{u.display_name} ({u.role_label}, {u.email})") for u in candidates]
    form.community.choices = [(u.id, f"{u.display_name} ({u.email})") for u in candidates if u.role == roles.PANEL_MEMBER]


@bp.route("/grants/rounds/<int:round_id>/status", methods=["POST"])
@roles_required(*STAFF)
def round_status(round_id):
    grant_round = _round(round_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    if action not in {t.action for t in logic.ROUND.transitions}:
        abort(400)
    moved = logic.change_round(grant_round, action, current_user)  # a refusal reaches the error page (403/409)
    message = f"{grant_round.name} is now {logic.ROUND_LABELS[grant_round.status].lower()}."
    if action == "start_assessment":
        message += f" {moved} application(s) moved into assessment."
    flash(message)
    return redirect(url_for("grants.round", round_id=round_id))


@bp.route("/grants/rounds/<int:round_id>/assessors", methods=["POST"])
@roles_required(*STAFF)
def round_assessors(round_id):
    grant_round = _round(round_id)
    form = forms.AssessorsForm()
    _pool_choices(form)
    if not form.validate_on_submit():
        return _round_page(grant_round, assessors_form=form, status=422)
    try:
        assignment.set_pool(grant_round, form.assessors.data or [], form.community.data or [], form.community_share.data or 0,
                            current_user)
    except RuleError as error:
        return _round_page(grant_round, assessors_form=form, status=show_on(form, error))
    flash("Assessors saved. Assign them to applications on the assessment progress page.")
    return redirect(url_for("grants.round", round_id=round_id))


@bp.route("/grants/rounds/<int:round_id>/moderation")
@roles_required(*STAFF)
def moderation(round_id):
    grant_round = _round(round_id)
    ranked = scoring.moderation(grant_round)
    return render("grants/moderation.html", grant_round=grant_round, ranked=ranked,
                  line=scoring.funding_line_index(ranked), awarded=logic.awarded_total(grant_round))


def assignment_panel(application, assign_form=None) -> dict:
    """Who is assigned to the application, and the form to add someone from the round's pool."""
    if assign_form is None:
        assign_form = forms.AssignForm(formdata=None)
    assign_form.user_id.choices = [(a.user_id, a.user.display_name) for a in assignment.pool(application.round)]
    return {"assigned": assignment.assigned_people(application), "assign_form": assign_form,
            "assignable": application.state in assignment.ASSIGNABLE}


def _staff_application(application, decision_form=None, status=200, assign_form=None, info_form=None):
    entry = next((r for r in scoring.moderation(application.round) if r.id == application.id), None)
    if decision_form is None:
        decision_form = forms.DecisionForm(data={"amount": logic.pounds_input(application.requested_pence)})
    return render("grants/application_staff.html", status=status, application=application, entry=entry,
                  answers={key: forms.section_form(key, raw=(application.answers or {}).get(key)) for key, _ in logic.SECTIONS},
                  sections=logic.SECTIONS, budget_lines=logic.budget_lines((application.answers or {}).get("budget", {}))[0],
                  matches=evidence.by_keys(application.evidence_matches), assessments=application.assessments,
                  criteria=application.round.criteria, form=decision_form, action_form=forms.ActionForm(),
                  timeline=logic.timeline(application), now=utcnow(), **assignment_panel(application, assign_form),
                  **lifecycle.staff_context(application, info_form),
                  staff_steps=[t for t in logic.APPLICATION.available(application, current_user) if t.action in logic.STAFF_STEPS])


@bp.route("/grants/applications/<int:application_id>/decision", methods=["POST"])
@roles_required(*STAFF)
def decision(application_id):
    application = _application(application_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        return _staff_application(application, form, status=422)
    amount = logic.parse_pounds(form.amount.data) if form.outcome.data == "award" else None
    try:
        told = scoring.decide(application, form.outcome.data, current_user, form.reason.data, amount,
                              form.departure_reason.data or "")
    except RuleError as error:
        return _staff_application(application, form, status=show_on(form, error))
    flash(f"Decision recorded: {logic.STATE_LABELS[application.state].lower()}. {_told(told, application.organisation)}")
    return redirect(url_for("grants.moderation", round_id=application.round_id))


@bp.route("/grants/applications/<int:application_id>/state", methods=["POST"])
@roles_required(*STAFF)
def application_state(application_id):
    """Staff steps outside the decision: ineligible, close (the group starts monitoring by accepting the agreement)."""
    application = _application(application_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    # A refusal (wrong state, returns missing) reaches the error page with its words and status.
    if action == "mark_ineligible":
        told = logic.mark_ineligible(application, current_user)
        flash(f"The application is now: {logic.STATE_LABELS[application.state].lower()}. {_told(told, application.organisation)}")
    elif action in ("shortlist", "not_shortlist"):
        told = stages.shortlist(application, action, current_user)
        flash(f"The application is now: {logic.STATE_LABELS[application.state].lower()}. {_told(told, application.organisation)}")
    elif action == "close":
        monitoring.close_grant(application, current_user)
        flash(f"The application is now: {logic.STATE_LABELS[application.state].lower()}.")
    else:
        abort(400)
    return redirect(url_for("grants.application", application_id=application.id))


def _download(body: str, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/grants/rounds/<int:round_id>/export/applications.csv")
@roles_required(*STAFF)
def export_applications(round_id):
    grant_round = _round(round_id)
    return _download(exports.applications_csv(grant_round), f"round-{round_id}-applications.csv", "text/csv")


@bp.route("/grants/rounds/<int:round_id>/export/360giving.csv")
@roles_required(*STAFF)
def export_giving_csv(round_id):
    grant_round = _round(round_id)
    return _download(exports.giving_csv(grant_round), f"round-{round_id}-360giving.csv", "text/csv")


@bp.route("/grants/rounds/<int:round_id>/export/360giving.json")
@roles_required(*STAFF)
def export_giving_json(round_id):
    grant_round = _round(round_id)
    return _download(exports.giving_json(grant_round), f"round-{round_id}-360giving.json", "application/json")


from livesafe.grants import lifecycle  # noqa: E402  (issue 14's routes; it uses the helpers above)
