"""Views of the surveys feature (thin: parse, call logic, render).

Public: /surveys (open surveys), /surveys/<slug> (intro), /surveys/<slug>/page/<n>, /surveys/<slug>/thanks.
Staff: /surveys/manage..., results, free text and exports. Nothing here logs or stores the client address.
"""
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from livesafe.auth import roles
from livesafe.auth.forms import EmptyForm
from livesafe.auth.permissions import roles_required
from livesafe.extensions import db
from livesafe.audit.logic import record
from livesafe.site.render import render, render_invalid
from livesafe import disclosure
from livesafe.surveys import bp, cleaning, logic, releases, results, stats
from livesafe.surveys import definitions as defs
from livesafe.surveys.forms import (
    HONEYPOT, DeleteAnswerForm, DeleteDayForm, ResultsForm, SettingForm, WaveForm, page_answers, page_form,
)
from livesafe.surveys.models import SurveySetting, SurveyWave

STATE, THANKS = "survey", "survey_thanks"
staff_only = roles_required(*roles.STAFF_ROLES)


def _done_cookie(wave: SurveyWave) -> str:
    return f"survey_done_{wave.id}"


def _answered_here(wave: SurveyWave) -> bool:
    return request.cookies.get(_done_cookie(wave)) == "1"


def _state(wave: SurveyWave) -> dict | None:
    state = session.get(STATE)
    return state if state and state.get("wave") == wave.id else None


def _public_wave(slug: str) -> SurveyWave:
    wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.slug == slug))
    if wave is None:
        abort(404)
    state = _state(wave)
    if wave.status == logic.DRAFT and not (state and state.get("test")):
        abort(404)
    return wave


def _can_answer(wave: SurveyWave, state: dict | None) -> bool:
    if state and state.get("test"):
        return wave.status in (logic.DRAFT, logic.OPEN)
    return logic.accepting(wave) and not _answered_here(wave)


# Answering ---------------------------------------------------------------------

@bp.route("/surveys")
def index():
    return render("surveys/index.html", waves=logic.open_waves())


@bp.route("/surveys/<slug>")
def intro(slug):
    wave = _public_wave(slug)
    state = _state(wave)
    setting = logic.setting_named(request.args.get("setting"))
    first = defs.visible_pages(wave.definition, state["answers"] if state else {})[0]
    return render("surveys/intro.html", wave=wave, setting=setting, state=state, first=first,
                  can_answer=_can_answer(wave, state), answered=_answered_here(wave),
                  accepting=logic.accepting(wave))


def _keep(state: dict, given: dict) -> None:
    for code, value in given.items():
        if value is None or value == []:
            state["answers"].pop(code, None)
        else:
            state["answers"][code] = value
    session[STATE] = state
    session.modified = True


@bp.route("/surveys/<slug>/page/<int:number>", methods=["GET", "POST"])
def page(slug, number):
    wave = _public_wave(slug)
    state = _state(wave)
    if state is None:
        if request.method == "POST" or not _can_answer(wave, None):
            return redirect(url_for("surveys.intro", slug=slug))
        setting = logic.setting_named(request.args.get("setting"))
        state = logic.new_answering_state(wave, setting.code if setting else None)
        session[STATE] = state
    if not _can_answer(wave, state):
        return redirect(url_for("surveys.intro", slug=slug))
    definition = wave.definition
    visible = defs.visible_pages(definition, state["answers"])
    if number not in visible:
        later = [n for n in visible if n > number]
        return redirect(url_for("surveys.page", slug=slug, number=later[0] if later else visible[-1]))
    questions = [q for q in definition["pages"][number - 1]["questions"] if defs.shown(q, state["answers"])]

    if request.method == "GET":
        form = page_form(questions, state["answers"])
        return _page(wave, number, visible, questions, form)

    form = page_form(questions, state["answers"], request.form)
    if form[HONEYPOT].data:  # a script filled in the hidden field: store nothing, say nothing
        session.pop(STATE, None)
        return redirect(url_for("surveys.thanks", slug=slug))
    valid = form.validate_on_submit()
    for q in questions:
        if q["type"] == "multiple":
            clash = logic.exclusive_clash(q, form[q["code"]].data or [])
            if clash:
                form[q["code"]].errors = list(form[q["code"]].errors) + [clash]
                valid = False
    if not valid:
        return _page(wave, number, visible, questions, form, status=422)
    _keep(state, page_answers(form, questions))
    visible = defs.visible_pages(definition, state["answers"])
    if request.form.get("action") == "back":
        earlier = [n for n in visible if n < number]
        if not earlier:
            return redirect(url_for("surveys.intro", slug=slug))
        return redirect(url_for("surveys.page", slug=slug, number=earlier[-1]))
    later = [n for n in visible if n > number]
    if later:
        return redirect(url_for("surveys.page", slug=slug, number=later[0]))
    return _finish(wave, state, number, visible, questions, form)


def _page(wave, number, visible, questions, form, status=200, busy=False):
    return render("surveys/page.html", status=status, wave=wave, number=number, questions=questions,
                  form=form, position=visible.index(number) + 1, total=len(visible),
                  last=number == visible[-1], page=wave.definition["pages"][number - 1],
                  test=bool(_state(wave) and _state(wave).get("test")), busy=busy)


def _finish(wave, state, number, visible, questions, form):
    test = bool(state.get("test"))
    if not test and logic.flood_limit_reached(wave):
        return _page(wave, number, visible, questions, form, status=429, busy=True)
    logic.submit(wave, state)  # False only if this same session was already stored: nothing to add
    kept = defs.kept_answers(wave.definition, state["answers"])
    session.pop(STATE, None)
    session[THANKS] = {"wave": wave.id, "signposts": [s["key"] for s in defs.signposts(wave.definition, kept)],
                       "test": test}
    response = redirect(url_for("surveys.thanks", slug=wave.slug))
    if not test:
        until = datetime.combine(wave.closes_on + timedelta(days=1), time())
        response.set_cookie(_done_cookie(wave), "1", expires=until, path="/surveys", httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/surveys/<slug>/thanks")
def thanks(slug):
    wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.slug == slug)) or abort(404)
    done = session.get(THANKS) or {}
    keys = done.get("signposts", []) if done.get("wave") == wave.id else []
    chosen = [s for s in wave.definition.get("signposts", []) if s["key"] in keys]
    return render("surveys/thanks.html", wave=wave, signposts=chosen, test=done.get("test"))


# Staff -------------------------------------------------------------------------

def _wave_or_404(wave_id: int) -> SurveyWave:
    return db.session.get(SurveyWave, wave_id) or abort(404)


def _wave_form() -> WaveForm:
    form = WaveForm()
    form.survey.choices = [("", "Choose a survey")] + [
        (slug, d["title"]) for slug, d in defs.available().items()]
    return form


@bp.route("/surveys/manage", methods=["GET", "POST"])
@staff_only
def manage():
    form = _wave_form()
    if form.validate_on_submit():
        definition = defs.available().get(form.survey.data)
        if definition is None:
            form.survey.errors = ["Choose a survey"]
        else:
            wave = logic.create_wave(definition, form.title.data, form.opens_on.data, form.closes_on.data,
                                     current_user)
            flash(f"Wave \u201c{wave.title}\u201d created as a draft.")
            return redirect(url_for("surveys.wave", wave_id=wave.id))
    waves = db.session.scalars(sa.select(SurveyWave).order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())).all()
    totals = {wave.id: results.latest_total(wave) for wave in waves}  # published, as of each wave's last release
    context = dict(form=form, waves=waves, totals=totals, threshold=results.threshold())
    if form.is_submitted():
        return render_invalid("surveys/manage.html", **context)
    return render("surveys/manage.html", **context)


def _wave_page(wave, status=200, error=None, delete_form=None):
    settings = db.session.scalars(sa.select(SurveySetting).order_by(SurveySetting.name)).all()
    rows, total = results.setting_counts(wave) or ([], None)
    return render("surveys/wave.html", status=status, wave=wave, settings=settings, setting_rows=rows,
                  total=total, actions=logic.allowed_actions(wave), action_form=EmptyForm(), error=error,
                  accepting=logic.accepting(wave), status_labels=logic.STATUS_LABELS,
                  release=releases.latest(wave), release_every=releases.release_every(),
                  delete_form=delete_form or DeleteDayForm(formdata=None), threshold=results.threshold())


@bp.route("/surveys/manage/<int:wave_id>")
@staff_only
def wave(wave_id):
    return _wave_page(_wave_or_404(wave_id))


@bp.route("/surveys/manage/<int:wave_id>/status", methods=["POST"])
@staff_only
def wave_status(wave_id):
    wave = _wave_or_404(wave_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        logic.change_status(wave, request.form.get("status", ""), current_user)
    except logic.TransitionError as error:
        return _wave_page(wave, status=409, error=str(error))
    flash(f"The wave is now {logic.STATUS_LABELS[wave.status].lower()}.")
    return redirect(url_for("surveys.wave", wave_id=wave.id))


@bp.route("/surveys/manage/<int:wave_id>/test", methods=["POST"])
@staff_only
def test_response(wave_id):
    wave = _wave_or_404(wave_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if wave.status == logic.CLOSED:
        return _wave_page(wave, status=409, error="A closed wave cannot take a test response.")
    session[STATE] = logic.new_answering_state(wave, test=True)
    first = defs.visible_pages(wave.definition, {})[0]
    return redirect(url_for("surveys.page", slug=wave.slug, number=first))


@bp.route("/surveys/manage/settings", methods=["GET", "POST"])
@staff_only
def settings():
    form = SettingForm()
    if form.validate_on_submit():
        setting = logic.create_setting(form.name.data, current_user)
        flash(f"{setting.name} has the setting code {setting.code}.")
        return redirect(url_for("surveys.settings"))
    everything = db.session.scalars(sa.select(SurveySetting).order_by(SurveySetting.name)).all()
    if form.is_submitted():
        return render_invalid("surveys/settings.html", form=form, settings=everything)
    return render("surveys/settings.html", form=form, settings=everything)


def _earlier_waves(wave: SurveyWave) -> list[SurveyWave]:
    return db.session.scalars(
        sa.select(SurveyWave).where(SurveyWave.survey_slug == wave.survey_slug, SurveyWave.id != wave.id,
                                    SurveyWave.opens_on <= wave.opens_on)
        .order_by(SurveyWave.opens_on.desc())
    ).all()


def _results_context(wave) -> dict:
    return dict(wave=wave, threshold=results.threshold(), disclosure=disclosure.describe(),
                release_every=releases.release_every(), format_p=stats.format_p)


@bp.route("/surveys/manage/<int:wave_id>/results")
@staff_only
def wave_results(wave_id):
    wave = _wave_or_404(wave_id)
    form = ResultsForm(request.args)
    form.breakdown.choices = [("", "Nothing: all answers")] + results.dimensions(wave)
    earlier_waves = _earlier_waves(wave)
    form.compare.choices = [("", "No comparison")] + [(str(w.id), w.title) for w in earlier_waves]
    context = dict(form=form, **_results_context(wave))
    if not form.validate():
        return render_invalid("surveys/results.html", "surveys/_results.html", results=[], crosses=None,
                              earlier=None, dimension=None, release=None, **context)
    release = results.release_of(wave)
    earlier = next((w for w in earlier_waves if str(w.id) == form.compare.data), None)
    overall = results.overall(wave, earlier, adjust=form.adjust.data == "holm")
    dimension = form.breakdown.data or None
    crosses = results.breakdown(wave, dimension) if dimension else None
    return render("surveys/results.html", "surveys/_results.html", results=overall, crosses=crosses,
                  earlier=earlier, dimension=dimension, dimension_label=results.DIMENSION_LABELS.get(dimension),
                  release=release, adjusted=form.adjust.data == "holm", **context)


def _free_text_page(wave, status=200, form=None):
    flagged_only = request.args.get("flagged") == "1"
    return render("surveys/free_text.html", status=status, wave=wave, answers=results.free_text(wave, flagged_only),
                  flagged_only=flagged_only, delete_form=form or DeleteAnswerForm(formdata=None),
                  threshold=results.threshold())


@bp.route("/surveys/manage/<int:wave_id>/free-text")
@staff_only
def free_text(wave_id):
    return _free_text_page(_wave_or_404(wave_id))


@bp.route("/surveys/manage/<int:wave_id>/free-text/delete", methods=["POST"])
@staff_only
def delete_answer(wave_id):
    """Delete the response behind a junk free-text answer (audited, with a reason)."""
    wave = _wave_or_404(wave_id)
    form = DeleteAnswerForm()
    if not form.validate_on_submit():
        return _free_text_page(wave, status=422, form=form)
    answer_id = results.answer_from_token(form.answer.data)
    if answer_id is None or not cleaning.delete_response_of_answer(wave, answer_id, form.reason.data, current_user):
        abort(404)
    flash("The response was deleted. The results will leave it out from the next release.")
    return redirect(url_for("surveys.free_text", wave_id=wave.id))


@bp.route("/surveys/manage/<int:wave_id>/responses/delete", methods=["POST"])
@staff_only
def delete_day(wave_id):
    """Delete a flood: every response of one day (optionally from one setting), audited, with a reason."""
    wave = _wave_or_404(wave_id)
    form = DeleteDayForm()
    if not form.validate_on_submit():
        return _wave_page(wave, status=422, delete_form=form)
    cleaning.delete_day(wave, form.day.data, form.setting.data, form.reason.data, current_user)
    flash("Responses of that day were deleted (if there were any). The results will leave them out from the "
          "next release.")
    return redirect(url_for("surveys.wave", wave_id=wave.id))


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/surveys/manage/<int:wave_id>/export/results.csv")
@staff_only
def export_results(wave_id):
    wave = _wave_or_404(wave_id)
    return _csv(results.results_csv(wave), f"{wave.slug}-results.csv")


@bp.route("/surveys/manage/<int:wave_id>/export/responses.csv")
@roles_required(roles.ADMIN)
def export_responses(wave_id):
    wave = _wave_or_404(wave_id)
    record(current_user, "survey_wave.export_responses", wave)
    db.session.commit()
    return _csv(results.responses_csv(wave), f"{wave.slug}-responses.csv")
