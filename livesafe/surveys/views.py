"""Views of the surveys feature (thin: parse, call logic, render).

Public: /surveys (open surveys), /surveys/<slug> (intro), /surveys/<slug>/page/<n>, /surveys/<slug>/thanks.
Staff: /surveys/manage..., results, free text and exports. Nothing here logs or stores the client address.
"""
from datetime import datetime, time, timedelta
from functools import partial, wraps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from livesafe.auth import roles
from livesafe.auth.forms import EmptyForm
from livesafe.auth.permissions import roles_required
from livesafe.extensions import csrf, db
from livesafe.audit.logic import record
from livesafe.kernel import RuleError, apply, require
from livesafe.kernel.errors import show_on
from livesafe.site.render import render, render_invalid
from livesafe import disclosure
from livesafe.surveys import bp, cleaning, drafts, logic, releases, results, stats, translations, versions
from livesafe.surveys import definitions as defs
from livesafe.surveys.forms import (
    HONEYPOT, DeleteAnswerForm, DeleteDayForm, ResultsForm, SettingForm, VersionForm, WaveForm, check_page, page_answers,
    page_form, parts,
)
from livesafe.surveys.models import SurveySetting, SurveyWave

staff_only = roles_required(*roles.STAFF_ROLES)
# The pages someone answering sees: they send no Referer onwards (not even to our own static files,
# whose log lines would otherwise name the survey page and so the branch answered). No page is cached
# anywhere (site.security sends no-store on every page).
ANSWERING = {"surveys.index", "surveys.intro", "surveys.page", "surveys.thanks"}


def answering_headers(response):
    """Registered on the app by init_app, before site.security's headers, so it runs after them
    (Flask runs after_request functions in reverse order) and its Referrer-Policy wins."""
    if request.endpoint in ANSWERING:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _same_host(url: str) -> bool:
    return urlsplit(url).netloc == request.host


def same_site_post(view):
    """CSRF protection for the answering pages, which send no Referer.

    Flask-WTF's HTTPS check refuses a post without a Referer, so this view is exempt from
    CSRFProtect and checked here instead: the session-bound token (as CSRFProtect checks it), and
    the browser's word on where the post came from. Browsers send `Sec-Fetch-Site`, and `Origin` on
    every post; under no-referrer a same-origin post says `Origin: null`, so only a named other host
    is refused. The session cookie is SameSite=Lax as well, so a cross-site post has no token anyway.
    """

    @wraps(view)
    def checked(*args, **kwargs):
        if request.method == "POST":
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                raise CSRFError("The form was sent from another site.")
            for header in ("Origin", "Referer"):
                value = request.headers.get(header)
                if value and value != "null" and not _same_host(value):
                    raise CSRFError("The form was sent from another site.")
            try:
                validate_csrf(request.form.get("csrf_token"))
            except ValidationError as error:
                raise CSRFError(error.args[0]) from None
            g.csrf_valid = True  # the form need not check the token again
        return view(*args, **kwargs)

    return csrf.exempt(checked)


def _done_cookie(wave: SurveyWave) -> str:
    return f"survey_done_{wave.id}"


def _answered_here(wave: SurveyWave) -> bool:
    return request.cookies.get(_done_cookie(wave)) == "1"


def _draft(wave: SurveyWave) -> drafts.Draft | None:
    """This visitor's unsent answers to wave, if their session names a live draft of it."""
    draft = drafts.load(drafts.session_draft_id())
    return draft if draft and draft.wave_id == wave.id else None


def _public_wave(slug: str) -> SurveyWave:
    wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.slug == slug))
    if wave is None:
        abort(404)
    if wave.status == logic.DRAFT:  # only a staff test response sees a draft wave
        draft = _draft(wave)
        if not (draft and draft.is_test):
            abort(404)
    return wave


def _can_answer(wave: SurveyWave, draft: drafts.Draft | None) -> bool:
    if draft and draft.is_test:
        return wave.status in (logic.DRAFT, logic.OPEN)
    return logic.accepting(wave) and not _answered_here(wave)


# Answering ---------------------------------------------------------------------

@bp.route("/surveys")
def index():
    return render("surveys/index.html", waves=logic.open_waves())


@bp.route("/surveys/<slug>")
def intro(slug):
    wave = _public_wave(slug)
    draft = _draft(wave)
    setting = logic.setting_named(request.args.get("setting"))
    first = defs.visible_pages(wave.definition, draft.answers if draft else {})[0]
    offered = translations.languages(wave.definition)
    lang = request.args.get("lang")
    if lang not in offered:
        lang = draft.language if draft and draft.language in offered else translations.ENGLISH
    words = translations.localise(wave.definition, lang)
    return render("surveys/intro.html", wave=wave, setting=setting, test=bool(draft and draft.is_test), first=first,
                  can_answer=_can_answer(wave, draft), answered=_answered_here(wave),
                  accepting=logic.accepting(wave), draft_hours=drafts.hours(), lang=lang,
                  dir=translations.direction(lang), say=partial(translations.say, lang),
                  say_with_links=partial(translations.say_with_links, lang),
                  languages=[(code, translations.LANGUAGES[code]) for code in offered],
                  title=words["title"], audience=words["audience"])


def _lost_draft(slug: str):
    """The session names a draft that is gone: expired, deleted at the quick exit, or already sent."""
    drafts.forget()
    flash(f"Your unsent answers were deleted (we delete them after {drafts.hours()} hours, or when they are "
          "sent). You can start again.")
    return redirect(url_for("surveys.intro", slug=slug))


@bp.route("/surveys/<slug>/page/<int:number>", methods=["GET", "POST"])
@same_site_post
def page(slug, number):
    wave = _public_wave(slug)
    draft = _draft(wave)
    if draft is None:
        if request.method == "POST":  # no answers on the server for this session: expired, exited or sent
            if drafts.session_draft_id() and drafts.load(drafts.session_draft_id()) is None:
                return _lost_draft(slug)
            return redirect(url_for("surveys.intro", slug=slug))
        if not _can_answer(wave, None):
            return redirect(url_for("surveys.intro", slug=slug))
        # Made on the first page view, so a session (and a replay of its cookie) can send answers only once.
        if drafts.session_draft_id():  # another survey's draft, or a dead one: one survey at a time
            drafts.delete(drafts.session_draft_id())
        setting = logic.setting_named(request.args.get("setting"))
        draft = drafts.start(wave, setting.code if setting else None)
        drafts.remember(draft)
        # Committed here on purpose: this is a GET (the request would roll it back), and the draft must
        # exist before the person sends the first page.
        db.session.commit()
    if not _can_answer(wave, draft):
        return redirect(url_for("surveys.intro", slug=slug))
    chosen = request.args.get("lang")
    if request.method == "GET" and chosen and chosen != draft.language and chosen in translations.languages(wave.definition):
        draft = drafts.set_language(draft, chosen)
        db.session.commit()  # a GET: kept on purpose, so the next page is in the chosen language too
    lang = draft.language
    definition = wave.definition
    visible = defs.visible_pages(definition, draft.answers)
    if number not in visible:
        later = [n for n in visible if n > number]
        return redirect(url_for("surveys.page", slug=slug, number=later[0] if later else visible[-1]))
    words = translations.localise(definition, lang)  # the same codes and values, in the chosen language
    questions = [q for q in words["pages"][number - 1]["questions"] if defs.shown(q, draft.answers)]

    if request.method == "GET":
        return _page(wave, number, visible, questions, page_form(questions, draft.answers, lang=lang), draft)

    form = page_form(questions, draft.answers, request.form, lang=lang)
    if form[HONEYPOT].data:  # a script filled in the hidden field: store nothing, say nothing
        drafts.delete(draft.id)
        drafts.forget()
        return redirect(url_for("surveys.thanks", slug=slug))
    if not check_page(form, questions, lang):
        return _page(wave, number, visible, questions, form, draft, status=422)
    draft = drafts.save(draft, page_answers(form, questions))
    if draft is None:  # sent or deleted by a parallel request meanwhile
        return _lost_draft(slug)
    visible = defs.visible_pages(definition, draft.answers)
    if request.form.get("action") == "back":
        earlier = [n for n in visible if n < number]
        if not earlier:
            return redirect(url_for("surveys.intro", slug=slug))
        return redirect(url_for("surveys.page", slug=slug, number=earlier[-1]))
    later = [n for n in visible if n > number]
    if later:
        return redirect(url_for("surveys.page", slug=slug, number=later[0]))
    return _finish(wave, draft, number, visible, questions, form)


def _page(wave, number, visible, questions, form, draft, status=200, busy=False):
    lang = draft.language or translations.ENGLISH
    words = translations.localise(wave.definition, lang)
    return render("surveys/page.html", status=status, wave=wave, number=number, questions=questions,
                  form=form, position=visible.index(number) + 1, total=len(visible),
                  last=number == visible[-1], page=words["pages"][number - 1],
                  test=draft.is_test, busy=busy, lang=lang, dir=translations.direction(lang),
                  say=partial(translations.say, lang), parts=parts, title=words["title"])


def _finish(wave, draft, number, visible, questions, form):
    """Send the answers. The thank-you page is this POST's own response: the help it tailors to the
    answers is shown once and kept nowhere (not in the session, not on the server)."""
    test, answers, lang = draft.is_test, draft.answers, draft.language or translations.ENGLISH
    if not test and logic.flood_limit_reached(wave):
        return _page(wave, number, visible, questions, form, draft, status=429, busy=True)
    sent = logic.submit(wave, {"answers": answers, "setting": draft.setting_code, "test": test, "draft": draft.id})
    drafts.forget()
    if not sent:  # the same draft was sent a moment ago by another request: nothing to add
        return redirect(url_for("surveys.intro", slug=wave.slug))
    chosen = defs.signposts(translations.localise(wave.definition, lang), defs.kept_answers(wave.definition, answers))
    response = _thanks_page(wave, chosen, test, lang)
    if not test:
        until = datetime.combine(wave.closes_on + timedelta(days=1), time())
        response.set_cookie(_done_cookie(wave), "1", expires=until, path="/surveys", httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/surveys/<slug>/thanks")
def thanks(slug):
    """A plain thank-you (the tailored one is only ever the answer to the final submit)."""
    wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.slug == slug)) or abort(404)
    lang = request.args.get("lang")
    return _thanks_page(wave, [], False, lang if lang in translations.languages(wave.definition) else translations.ENGLISH)


def _thanks_page(wave, signposts, test, lang):
    return render("surveys/thanks.html", wave=wave, signposts=signposts, test=test, lang=lang,
                  dir=translations.direction(lang), say=partial(translations.say, lang),
                  say_with_links=partial(translations.say_with_links, lang))


# Staff -------------------------------------------------------------------------

def _wave_or_404(wave_id: int) -> SurveyWave:
    return db.session.get(SurveyWave, wave_id) or abort(404)


VERSION_CHOICE = "version-"


def _wave_form() -> WaveForm:
    """Surveys to choose from: every version in the builder, and each shipped file (its wave is tied to the
    version with the same questions, made from the file if there is none)."""
    form = WaveForm()
    form.survey.choices = [("", "Choose a survey")] + [
        (f"{VERSION_CHOICE}{v.id}", f"{v.definition.get('title')}, version {v.number}") for v in versions.every()] + [
        (slug, f"{d['title']} (as shipped)") for slug, d in defs.available().items()]
    if not form.is_submitted() and request.args.get("version", "").isdigit():
        form.survey.data = f"{VERSION_CHOICE}{request.args['version']}"
    return form


@bp.route("/surveys/manage", methods=["GET", "POST"])
@staff_only
def manage():
    form = _wave_form()
    if form.validate_on_submit():
        chosen = form.survey.data
        version_id = int(chosen.removeprefix(VERSION_CHOICE)) if chosen.startswith(VERSION_CHOICE) else None
        definition = defs.available().get(chosen) if version_id is None else None
        try:
            if version_id is None and definition is None:
                raise RuleError("Choose a survey", field="survey")
            wave = logic.create_wave(definition, form.title.data, form.opens_on.data, form.closes_on.data,
                                     current_user, version_id=version_id)
        except RuleError as error:
            show_on(form, error)
        else:
            flash(f"Wave \u201c{wave.title}\u201d created as a draft.")
            return redirect(url_for("surveys.wave", wave_id=wave.id))
    waves = db.session.scalars(sa.select(SurveyWave).order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())).all()
    totals = results.latest_totals(waves)  # published, as of each wave's last release
    context = dict(form=form, waves=waves, totals=totals, threshold=results.threshold(),
                   status_labels=logic.WAVES.labels)
    if form.is_submitted():
        return render_invalid("surveys/manage.html", **context)
    return render("surveys/manage.html", **context)


def _version_form(wave, formdata=None) -> VersionForm:
    form = VersionForm(formdata=formdata, data={"version": str(wave.version_id or "")})
    form.version.choices = [(str(v.id), f"Version {v.number}") for v in versions.every()
                            if v.survey_slug == wave.survey_slug]
    return form


def _wave_page(wave, status=200, action_form=None, delete_form=None, version_form=None):
    settings = db.session.scalars(sa.select(SurveySetting).order_by(SurveySetting.name)).all()
    rows, total = results.setting_counts(wave) or ([], None)
    return render("surveys/wave.html", status=status, wave=wave, settings=settings, setting_rows=rows,
                  total=total, actions=logic.WAVES.available(wave, current_user),
                  action_form=action_form or EmptyForm(formdata=None),
                  accepting=logic.accepting(wave), status_labels=logic.WAVES.labels,
                  release=releases.latest(wave), release_every=releases.release_every(),
                  delete_form=delete_form or DeleteDayForm(formdata=None), threshold=results.threshold(),
                  version=versions.get(wave.version_id) if wave.version_id else None,
                  version_form=version_form or _version_form(wave),
                  languages=[translations.LANGUAGES[code].name for code in translations.languages(wave.definition)])


@bp.route("/surveys/manage/<int:wave_id>")
@staff_only
def wave(wave_id):
    return _wave_page(_wave_or_404(wave_id))


@bp.route("/surveys/manage/<int:wave_id>/status", methods=["POST"])
@staff_only
def wave_status(wave_id):
    """Open, close or reopen: one step of logic.WAVES. Of two staff changing it at once, one wins and
    the other gets 409 with the page as it is now."""
    wave = _wave_or_404(wave_id)
    form = EmptyForm()
    action = request.form.get("action", "")
    if not form.validate_on_submit() or action not in {t.action for t in logic.WAVES.transitions}:
        abort(400)
    try:
        apply(logic.WAVES, wave, action, current_user)
    except RuleError as error:
        status = show_on(form, error)
        db.session.refresh(wave)  # show where it is now
        return _wave_page(wave, status=status, action_form=form)
    flash(f"The wave is now {logic.WAVES.labels[wave.status].lower()}.")
    return redirect(url_for("surveys.wave", wave_id=wave.id))


@bp.route("/surveys/manage/<int:wave_id>/version", methods=["POST"])
@staff_only
def wave_version(wave_id):
    """Tie a draft wave without responses to another version of its survey."""
    wave = _wave_or_404(wave_id)
    form = _version_form(wave, request.form)
    if not form.validate_on_submit():
        return _wave_page(wave, status=422, version_form=form)
    try:
        logic.change_version(wave, int(form.version.data), current_user)
    except RuleError as error:
        return _wave_page(wave, status=show_on(form, error), version_form=form)
    flash("The wave now uses the chosen version.")
    return redirect(url_for("surveys.wave", wave_id=wave.id))


@bp.route("/surveys/manage/<int:wave_id>/test", methods=["POST"])
@staff_only
def test_response(wave_id):
    wave = _wave_or_404(wave_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        draft = logic.start_test(wave, current_user)
    except RuleError as error:
        return _wave_page(wave, status=show_on(form, error), action_form=form)
    if drafts.session_draft_id():
        drafts.delete(drafts.session_draft_id())
    drafts.remember(draft)
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
    require("surveys.export", current_user, wave)
    record(current_user, "survey_wave.export_responses", wave)
    # Committed here on purpose: a download is a GET (the request would roll it back), and every
    # download of the responses must stay in the audit log.
    db.session.commit()
    return _csv(results.responses_csv(wave), f"{wave.slug}-responses.csv")
