"""Views for per-round extra questions (thin: parse, call questions.py, render): staff define them on the
round, applicants answer them as their own task-list section."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.extensions import db
from livesafe.grants import bp, forms, questions
from livesafe.grants.models import GrantRound
from livesafe.grants.views import STAFF, _own_application
from livesafe.kernel import RuleError
from livesafe.kernel.errors import show_on
from livesafe.site.render import render, render_invalid


class QuestionForm(FlaskForm):
    label = StringField("Question")
    hint = TextAreaField("Hint (optional)", description="Shown under the question, to help groups answer it.")
    kind = RadioField("Type of answer", choices=list(questions.KINDS), validate_choice=False)
    required = RadioField("Is an answer required?", choices=[("yes", "Yes, required"), ("no", "No, optional")],
                          validate_choice=False)
    minimum = StringField("Smallest number allowed (optional)", description="Only for a whole number answer.")
    maximum = StringField("Largest number allowed (optional)", description="Only for a whole number answer.")
    options = TextAreaField("Options, one a line", description="Only for a choice: at least two.")


def _values(form) -> dict:
    return {name: form[name].data for name in ("label", "hint", "kind", "required", "minimum", "maximum", "options")}


def _question_data(question) -> dict:
    return {"label": question.label, "hint": question.hint, "kind": question.kind,
            "required": "yes" if question.required else "no",
            "minimum": "" if question.minimum is None else str(question.minimum),
            "maximum": "" if question.maximum is None else str(question.maximum),
            "options": "\n".join(question.options or [])}


def _show_problems(form, problems) -> None:
    for name, message in problems:
        form[name].errors = list(form[name].errors) + [message]


@bp.app_context_processor
def round_questions():
    """`extra_answers(application)` for the pages that show an application's answers."""
    from livesafe.grants import logic

    return {"extra_answers": questions.answered,
            "extra_status": lambda application: logic.section_status(application, questions.SECTION),
            "extra_title": questions.TITLE}


def _round_questions_page(grant_round, form=None, status=200):
    if form is None:
        form = QuestionForm(formdata=None, data={"required": "yes", "kind": "short_text"})
    return render("grants/questions_round.html", status=status, grant_round=grant_round,
                  questions=questions.of_round(grant_round.id), fixed=questions.fixed(grant_round), form=form,
                  kind_labels=questions.KIND_LABELS, action_form=forms.ActionForm())


@bp.route("/grants/rounds/<int:round_id>/questions", methods=["GET", "POST"])
@roles_required(*STAFF)
def round_questions_page(round_id):
    grant_round = db.get_or_404(GrantRound, round_id)
    if request.method == "GET":
        return _round_questions_page(grant_round)
    form = QuestionForm()
    if not form.validate_on_submit():
        abort(400)
    clean, problems = questions.definition(_values(form))
    if problems:
        _show_problems(form, problems)
        return _round_questions_page(grant_round, form, status=422)
    try:
        questions.add(grant_round, _values(form), current_user)
    except RuleError as error:
        return _round_questions_page(grant_round, form, status=show_on(form, error))
    flash(f"Question added: {clean['label']}")
    return redirect(url_for("grants.round_questions_page", round_id=round_id))


def _question(round_id, question_id) -> questions.RoundQuestion:
    question = db.get_or_404(questions.RoundQuestion, question_id)
    if question.round_id != round_id:
        abort(404)
    return question


@bp.route("/grants/rounds/<int:round_id>/questions/<int:question_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_question(round_id, question_id):
    question = _question(round_id, question_id)
    grant_round = db.session.get(GrantRound, round_id)
    context = {"grant_round": grant_round, "question": question, "fixed": questions.fixed(grant_round)}
    if request.method == "GET":
        form = QuestionForm(formdata=None, data=_question_data(question))
        return render("grants/question_form.html", form=form, **context)
    form = QuestionForm()
    if not form.validate_on_submit():
        abort(400)
    _, problems = questions.definition(_values(form))
    if problems:
        _show_problems(form, problems)
        return render_invalid("grants/question_form.html", form=form, **context)
    try:
        questions.change(question, _values(form), current_user)
    except RuleError as error:
        status = show_on(form, error)
        db.session.rollback()
        return render("grants/question_form.html", form=form, status=status, **{**context, "question": _question(round_id, question_id)})
    flash("The question is saved.")
    return redirect(url_for("grants.round_questions_page", round_id=round_id))


@bp.route("/grants/rounds/<int:round_id>/questions/<int:question_id>/<any(remove,up,down):step>", methods=["POST"])
@roles_required(*STAFF)
def question_step(round_id, question_id, step):
    question = _question(round_id, question_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        if step == "remove":
            label = question.label
            questions.remove(question, current_user)
            flash(f"Question removed: {label}")
        else:
            questions.move(question, step, current_user)
            flash("The order is saved.")
    except RuleError as error:
        flash(error.message)
        grant_round = db.session.get(GrantRound, round_id)
        return _round_questions_page(grant_round, status=error.status)
    return redirect(url_for("grants.round_questions_page", round_id=round_id))


# ---------------------------------------------------------------- applicants

def answer_form(items, formdata=None, data=None):
    """A form with one field per question, named q_<id>; checked by questions.answer_problem, not WTForms."""
    class AnswerForm(FlaskForm):
        pass

    for question in items:
        if question.kind == "choice":
            field = RadioField(question.label, choices=[(o, o) for o in question.options], validate_choice=False,
                               description=question.hint or None)
        elif question.kind == "long_text":
            field = TextAreaField(question.label, description=question.hint or None)
        else:
            field = StringField(question.label, description=question.hint or None)
        setattr(AnswerForm, question.field_name, field)
    return AnswerForm(formdata=formdata, data=data or {})


@bp.route("/grants/applications/<int:application_id>/questions", methods=["GET", "POST"])
@roles_required(roles.APPLICANT)
def application_questions(application_id):
    application = _own_application(application_id, "grants.edit_application")
    items = questions.of_round(application.round_id)
    if not items:
        abort(404)
    if not questions.editable(application):
        flash("This application has been sent, so it can no longer be changed.")
        return redirect(url_for("grants.application", application_id=application.id))
    context = {"application": application, "questions": items, "title": questions.TITLE, "limits": questions.LIMITS}
    if request.method == "GET":
        answers = questions.stored(application)
        form = answer_form(items, data={q.field_name: answers.get(str(q.id), "") for q in items})
        return render("grants/questions_answer.html", form=form, **context)
    form = answer_form(items, formdata=request.form)
    if not form.validate_on_submit():  # only the CSRF token: nothing is saved without it
        return render("grants/questions_answer.html", form=form, status=400, token_expired=True, **context)
    raw = {str(q.id): (request.form.get(q.field_name) or "") for q in items}
    marking_complete = request.form.get("action") == "complete"
    found = {q.field_name: questions.answer_problem(q, raw[str(q.id)]) for q in items} if marking_complete else {}
    complete = marking_complete and not any(found.values())
    try:
        questions.save_answers(application, raw, complete, current_user)
    except RuleError as error:
        return render("grants/questions_answer.html", form=form, status=show_on(form, error), **context)
    if marking_complete and not complete:
        for name, message in found.items():
            if message:
                form[name].errors = list(form[name].errors) + [message]
        # Deliberately kept although the request answers 422: nothing typed is lost to a validation error.
        db.session.commit()
        return render_invalid("grants/questions_answer.html", form=form, **context)
    flash(f"{questions.TITLE}: {'completed' if complete else 'saved as a draft'}.")
    return redirect(url_for("grants.application", application_id=application.id))


