"""Views of the survey builder (staff): surveys and their versions, pages, questions, preview,
translations, YAML import and export. Rules live in builder.py and versions.py."""
from functools import partial

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from livesafe.auth.forms import EmptyForm
from livesafe.kernel import RuleError
from livesafe.kernel.errors import show_on
from livesafe.site.render import render
from livesafe.surveys import bp, builder, translations, versions
from livesafe.surveys import definitions as defs
from livesafe.surveys.builder_forms import (
    DetailsForm, ImportForm, LanguagesForm, NewSurveyForm, PageForm, QuestionForm, translation_form,
)
from livesafe.surveys.forms import page_form, parts
from livesafe.surveys.models import SurveyVersion
from livesafe.surveys.views import staff_only


def _version(version_id: int) -> SurveyVersion:
    return versions.get(version_id) or abort(404)


def _moved(before: SurveyVersion, after: SurveyVersion, anchor: str = "") -> Response:
    if after.id != before.id:
        flash(f"Version {before.number} is used by a wave, so it stays as it was: your change made version "
              f"{after.number}.")
    return redirect(url_for("surveys.builder_version", version_id=after.id) + anchor)


# Surveys ---------------------------------------------------------------------

def _index(status=200, new_form=None, import_form=None):
    found = versions.every()
    shipped = [slug for slug in defs.available() if versions.latest(slug) is None]
    return render("surveys/builder/index.html", status=status, versions=found, shipped=shipped,
                  new_form=new_form or NewSurveyForm(formdata=None), import_form=import_form or ImportForm(formdata=None),
                  action_form=EmptyForm(formdata=None))


@bp.route("/surveys/manage/builder")
@staff_only
def builder_index():
    return _index()


@bp.route("/surveys/manage/builder/new", methods=["POST"])
@staff_only
def builder_new():
    form = NewSurveyForm()
    if not form.validate_on_submit():
        return _index(422, new_form=form)
    try:
        version = versions.new_survey(form.slug.data, form.title.data, form.audience.data, current_user)
    except RuleError as error:
        return _index(show_on(form, error), new_form=form)
    return redirect(url_for("surveys.builder_version", version_id=version.id))


@bp.route("/surveys/manage/builder/import", methods=["POST"])
@staff_only
def builder_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(422, import_form=form)
    try:
        version = versions.import_yaml(form.text.data, current_user)
    except RuleError as error:
        return _index(show_on(form, error), import_form=form)
    flash(f"Imported as version {version.number} of {version.survey_slug}.")
    return redirect(url_for("surveys.builder_version", version_id=version.id))


@bp.route("/surveys/manage/builder/shipped", methods=["POST"])
@staff_only
def builder_shipped():
    if not EmptyForm().validate_on_submit():
        abort(400)
    made = versions.load_shipped(current_user)
    flash(f"{len(made)} shipped survey(s) loaded as version 1." if made else "The shipped surveys are already loaded.")
    return redirect(url_for("surveys.builder_index"))


# One version -------------------------------------------------------------------

def _with_breakdowns(form: DetailsForm, definition: dict) -> DetailsForm:
    singles = [("", "None")] + [(q["code"], q["code"]) for page in definition.get("pages", [])
                                for q in page.get("questions", []) if q.get("type") == "single"]
    for dimension in defs.DIMENSIONS:
        form[dimension].choices = singles
    return form


def _details_form(version) -> DetailsForm:
    definition = version.definition
    breakdowns = definition.get("breakdowns") or {}
    return _with_breakdowns(DetailsForm(formdata=None, prefix="details", data={
        "revision": version.revision, "title": definition.get("title"), "audience": definition.get("audience"),
        "minutes": definition.get("minutes"), **{d: breakdowns.get(d, "") for d in defs.DIMENSIONS}}), definition)


def _version_page(version, status=200, details=None, page_form_=None, page_errors=None, languages_form=None):
    definition = version.definition
    revision = {"revision": version.revision}
    languages_form = languages_form or LanguagesForm(formdata=None, data=revision, prefix="language")
    offered = translations.languages(definition)
    languages_form.languages.choices = [("", "Choose a language")] + [
        (code, language.name) for code, language in translations.LANGUAGES.items() if code not in offered]
    return render("surveys/builder/version.html", status=status, version=version, definition=definition,
                  problems=versions.problems(definition), in_use=versions.in_use(version),
                  details=details or _details_form(version),
                  page_form=page_form_ or PageForm(formdata=None, data=revision, prefix="page"), page_errors=page_errors,
                  languages_form=languages_form, offered=offered, languages=translations.LANGUAGES,
                  incomplete=translations.incomplete(definition), type_labels=builder.TYPE_LABELS,
                  condition_text=builder.condition_text, revision=version.revision)


@bp.route("/surveys/manage/builder/<int:version_id>")
@staff_only
def builder_version(version_id):
    return _version_page(_version(version_id))


def _change(version, form, change, anchor=""):
    """Apply a change through versions.edit; a stale revision (409) shows the version as it is now."""
    try:
        after = versions.edit(version.id, form.revision.data, change, current_user)
    except RuleError as error:
        form.form_errors.append(error.message)
        current = versions.get(version.id)
        return _version_page(current, status=error.status, page_errors=form.form_errors)
    return _moved(version, after, anchor)


@bp.route("/surveys/manage/builder/<int:version_id>/details", methods=["POST"])
@staff_only
def builder_details(version_id):
    version = _version(version_id)
    form = _with_breakdowns(DetailsForm(prefix="details"), version.definition)
    if not form.validate_on_submit():
        return _version_page(version, 422, details=form)

    def change(definition):
        definition.update(title=form.title.data.strip(), audience=form.audience.data.strip(), minutes=form.minutes.data,
                          breakdowns={d: form[d].data for d in defs.DIMENSIONS if form[d].data})

    return _change(version, form, change)


@bp.route("/surveys/manage/builder/<int:version_id>/pages", methods=["POST"])
@bp.route("/surveys/manage/builder/<int:version_id>/pages/<int:number>", methods=["POST"])
@staff_only
def builder_page(version_id, number=None):
    """Add a page (no number), or change, move or remove page `number` (1-based)."""
    version = _version(version_id)
    form = PageForm(prefix="page" if number is None else "")
    action = request.form.get("action", "save")
    pages = version.definition["pages"]
    if number is not None and not 1 <= number <= len(pages):
        abort(404)
    if action in ("remove", "up", "down"):
        if form.revision.data is None or number is None:
            abort(400)
        if action == "remove" and pages[number - 1]["questions"]:
            return _version_page(version, 409, page_errors=["Only an empty page can be removed: move or remove its "
                                                            "questions first."])

        def change(definition):
            if action == "remove":
                builder.remove_page(definition, number - 1)
            else:
                step = -1 if action == "up" else 1
                other = number - 1 + step
                if 0 <= other < len(definition["pages"]):
                    ps = definition["pages"]
                    ps[number - 1], ps[other] = ps[other], ps[number - 1]
                    for words in (definition.get("translations") or {}).values():
                        tp = words.get("pages") or []
                        while len(tp) <= max(other, number - 1):
                            tp.append({})
                        tp[number - 1], tp[other] = tp[other], tp[number - 1]
                        words["pages"] = tp

        return _change(version, form, change)
    if not form.validate_on_submit():
        return _version_page(version, 422, page_form_=form if number is None else None,
                             page_errors=[e for errors in form.errors.values() for e in errors])
    if number is None:
        return _change(version, form, lambda d: builder.add_page(d, form.title.data, form.intro.data or ""),
                       anchor=f"#page-{len(pages) + 1}")
    return _change(version, form, lambda d: builder.edit_page(d, number - 1, form.title.data, form.intro.data or ""),
                   anchor=f"#page-{number}")


# Questions -------------------------------------------------------------------

def _question_data(q: dict) -> dict:
    options, exclusive = builder.options_text(q)
    rules, combine = builder.condition_text(q.get("show_if"))
    return {"code": q["code"], "type": q["type"], "text": q.get("text"), "hint": q.get("hint"),
            "required": bool(q.get("required")), "long": bool(q.get("long")), "options": options,
            "exclusive": exclusive, "scale": "\n".join(q.get("scale", [])),
            "statements": "\n".join(f"{s['code']} = {s['text']}" for s in q.get("statements", [])),
            "min": q.get("min"), "max": q.get("max"), "max_length": q.get("max_length"), "show_if": rules,
            "combine": combine}


def _preview_form(q: dict) -> dict:
    """The question as a young person sees it (in English), for the builder's preview. Its fields are
    prefixed so they never share an id with the builder's own fields."""
    return {"questions": [q], "form": page_form([q], {}, lang="en", prefix="preview-")}


def _question_page(version, form, page_index, code, status=200, preview=None):
    earlier = [q["code"] for page in version.definition["pages"][:page_index] for q in page["questions"]
               if "code" in q]
    return render("surveys/builder/question.html", "surveys/builder/_preview.html", status=status, version=version,
                  form=form, page_index=page_index, code=code, earlier=earlier, preview=preview,
                  say=partial(translations.say, "en"), parts=parts,
                  page_title=version.definition["pages"][page_index]["title"])


def _checked(version, form, page_index, code):
    """The question the form describes, or the problems to show on the form."""
    if not form.validate_on_submit():
        return None
    try:
        q = builder.question_from(form.data)
    except builder.FormProblem as problem:
        form[problem.field].errors = list(form[problem.field].errors) + [problem.message]
        return None
    found = builder.check_question(version.definition, page_index, q, code)
    for field, message in found:
        form[field].errors = list(form[field].errors) + [message]
    return None if found else q


@bp.route("/surveys/manage/builder/<int:version_id>/pages/<int:number>/questions", methods=["GET", "POST"])
@bp.route("/surveys/manage/builder/<int:version_id>/questions/<code>", methods=["GET", "POST"])
@staff_only
def builder_question(version_id, number=None, code=None):
    """Add a question to page `number`, or change question `code`. "Preview" shows it without saving."""
    version = _version(version_id)
    definition = version.definition
    if code is not None:
        place = builder.locate(definition, code)
        if place is None:
            abort(404)
        page_index = place[0]
        existing = definition["pages"][place[0]]["questions"][place[1]]
    else:
        if not 1 <= (number or 0) <= len(definition["pages"]):
            abort(404)
        page_index, existing = number - 1, None
    if request.method == "GET":
        data = {**(_question_data(existing) if existing else {"type": "single", "combine": "all"}),
                "revision": version.revision}
        form = QuestionForm(formdata=None, data=data)
        return _question_page(version, form, page_index, code, preview=_preview_form(existing) if existing else None)
    form = QuestionForm()
    q = _checked(version, form, page_index, code)
    if q is None:
        return _question_page(version, form, page_index, code, status=422)
    if request.form.get("action") == "preview":
        return _question_page(version, form, page_index, code, preview=_preview_form(q))
    try:
        after = versions.edit(version.id, form.revision.data,
                              lambda d: builder.put_question(d, page_index, q, code), current_user)
    except RuleError as error:
        return _question_page(version, form, page_index, code, status=show_on(form, error))
    flash(f"Question {q['code']} saved.")
    return _moved(version, after, f"#q-{q['code']}")


@bp.route("/surveys/manage/builder/<int:version_id>/questions/<code>/change", methods=["POST"])
@staff_only
def builder_question_action(version_id, code):
    """Move a question up or down, or remove it."""
    version = _version(version_id)
    form = PageForm()
    action = request.form.get("action")
    if form.revision.data is None or action not in ("up", "down", "remove"):
        abort(400)
    if builder.locate(version.definition, code) is None:
        abort(404)

    def change(definition):
        if action == "remove":
            builder.remove_question(definition, code)
        else:
            builder.move_question(definition, code, -1 if action == "up" else 1)

    return _change(version, form, change, anchor="" if action == "remove" else f"#q-{code}")


@bp.route("/surveys/manage/builder/<int:version_id>/preview/<int:number>")
@staff_only
def builder_preview(version_id, number):
    """A page exactly as a young person sees it (every question, whatever the conditions), at phone width."""
    version = _version(version_id)
    definition = version.definition
    if not 1 <= number <= len(definition["pages"]):
        abort(404)
    lang = request.args.get("lang", "en")
    if lang not in translations.languages(definition):
        lang = "en"
    problems = versions.problems(definition)
    words = translations.localise(definition, lang) if not problems else definition
    questions = words["pages"][number - 1]["questions"]
    form = page_form(questions, {}, lang=lang) if not problems else None
    return render("surveys/builder/preview.html", version=version, number=number, page=words["pages"][number - 1],
                  questions=questions, form=form, lang=lang, dir=translations.direction(lang),
                  say=partial(translations.say, lang), parts=parts, problems=problems,
                  offered=translations.languages(definition), languages=translations.LANGUAGES,
                  pages=len(definition["pages"]), condition_text=builder.condition_text)


# Translations ----------------------------------------------------------------------

@bp.route("/surveys/manage/builder/<int:version_id>/languages", methods=["POST"])
@staff_only
def builder_languages(version_id):
    """Add a language, or remove one (action=remove, with its translation)."""
    version = _version(version_id)
    form = LanguagesForm(prefix="language")
    offered = translations.languages(version.definition)
    form.languages.choices = [(code, lang.name) for code, lang in translations.LANGUAGES.items()]
    if request.form.get("action") == "remove":
        gone = request.form.get("language")
        if gone not in offered[1:] or form.revision.data is None:
            abort(400)
        return _change(version, form, lambda d: builder.set_languages(d, [c for c in offered if c != gone]))
    if not form.validate_on_submit() or form.languages.data in offered:
        form.languages.errors = list(form.languages.errors) or ["Choose a language not offered yet"]
        return _version_page(version, 422, languages_form=form)
    chosen = form.languages.data
    return _change(version, form, lambda d: builder.set_languages(d, offered + [chosen]),
                   anchor="#languages")


@bp.route("/surveys/manage/builder/<int:version_id>/translate/<lang>", methods=["GET", "POST"])
@staff_only
def builder_translate(version_id, lang):
    """Each piece of English with a box for its translation beside it, and what is still missing."""
    version = _version(version_id)
    definition = version.definition
    if lang not in translations.languages(definition)[1:]:
        abort(404)
    pieces = list(translations.pieces(definition)) if not versions.problems(definition) else []
    words = (definition.get("translations") or {}).get(lang) or {}
    Form = translation_form(len(pieces))
    if request.method == "POST":
        form = Form()
        if form.validate_on_submit():
            def change(d):
                d.setdefault("translations", {}).setdefault(lang, {})
                for index, (path, _english) in enumerate(pieces):
                    text = (form[f"t{index}"].data or "").strip()
                    translations.put(d["translations"][lang], path, text or None)

            try:
                after = versions.edit(version.id, form.revision.data, change, current_user)
            except RuleError as error:
                show_on(form, error)
                return _translate_page(version, lang, form, pieces, error.status)
            left = len(translations.missing(after.definition, lang))
            flash(f"Translation saved. {left} piece(s) still untranslated." if left else "Translation saved: complete.")
            return redirect(url_for("surveys.builder_translate", version_id=after.id, lang=lang))
        return _translate_page(version, lang, form, pieces, 422)
    data = {f"t{i}": translations.lookup(words, path) for i, (path, _) in enumerate(pieces)}
    return _translate_page(version, lang, Form(formdata=None, data={**data, "revision": version.revision}), pieces)


def _translate_page(version, lang, form, pieces, status=200):
    return render("surveys/builder/translate.html", status=status, version=version, lang=lang,
                  language=translations.LANGUAGES[lang], form=form,
                  rows=[(f"t{i}", path, english) for i, (path, english) in enumerate(pieces)],
                  missing=translations.missing(version.definition, lang) if pieces else [],
                  problems=versions.problems(version.definition), dir=translations.direction(lang))


# YAML -----------------------------------------------------------------------------

@bp.route("/surveys/manage/builder/<int:version_id>/export.yaml")
@staff_only
def builder_export(version_id):
    version = _version(version_id)
    name = f"{version.survey_slug}-v{version.number}.yaml"
    return Response(versions.to_yaml(version.definition), mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
