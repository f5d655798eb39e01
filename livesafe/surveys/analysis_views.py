"""Views of the analysis pages (thin): results filtered by answers, two-way tables, the codebook and the
admins' microdata exports. Registered on the surveys blueprint."""
from flask import Response, abort, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, Optional

from livesafe import disclosure
from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.extensions import db
from livesafe.kernel import RuleError, require
from livesafe.kernel.errors import show_on
from livesafe.site.render import render, wants_fragment
from livesafe.surveys import analysis, bp, codebook, microdata, releases, results, stats
from livesafe.surveys.models import SurveyWave

staff_only = roles_required(*roles.STAFF_ROLES)


class AnalysisForm(FlaskForm):
    """The GET form of the analysis pages: answers to filter on, and the two questions of a table."""

    class Meta:
        csrf = False

    where = SelectMultipleField("Only people who answered", validators=[Optional()], validate_choice=False)
    rows = SelectField("Rows: question", validators=[Optional()])
    columns = SelectField("Columns: question", validators=[Optional()])


class MicrodataForm(FlaskForm):
    file_format = RadioField("File format", validators=[InputRequired("Choose a file format")],
                             choices=[(key, label) for key, (label, _, _) in microdata.FORMATS.items()])
    free_text = BooleanField("Include the free-text answers")
    setting_code = BooleanField("Include the setting code")


def _wave_or_404(wave_id: int) -> SurveyWave:
    return db.session.get(SurveyWave, wave_id) or abort(404)


def _context(wave: SurveyWave, form: AnalysisForm) -> dict:
    choosable = analysis.crossable(wave.definition)
    pairs = [(v.key, v.text) for v in choosable]
    form.rows.choices = [("", "Choose a question")] + pairs
    form.columns.choices = [("", "Choose a question")] + pairs
    selected = set(form.where.data or [])
    return dict(wave=wave, form=form, choosable=choosable, selected=selected,
                open_keys={token.partition(":")[0] for token in selected},
                threshold=results.threshold(), disclosure=disclosure.describe(),
                release_every=releases.release_every(), format_p=stats.format_p,
                max_filters=analysis.MAX_FILTERS)


def _filter(wave: SurveyWave, form: AnalysisForm) -> tuple[analysis.Filter, int]:
    """The filter asked for, or an empty one and 422 with the message on the form."""
    try:
        return analysis.parse_filter(wave.definition, form.where.data or []), 200
    except RuleError as error:
        return analysis.Filter(), show_on(form, error)


def _page(template: str, fragment: str, status: int, **context):
    """The page, or for htmx its results fragment; bad input comes back as the whole page's main part (htmx
    swaps it in place of main), so the error summary and the field's message show as they do without JS."""
    if status >= 400 and wants_fragment():
        response = render(template, status=status, **context)
        response.headers.update({"HX-Retarget": "#main", "HX-Reselect": "#main", "HX-Reswap": "outerHTML"})
        return response
    return render(template, fragment, status=status, **context)


@bp.route("/surveys/manage/<int:wave_id>/filter")
@staff_only
def filter_results(wave_id):
    wave = _wave_or_404(wave_id)
    form = AnalysisForm(request.args)
    context = _context(wave, form)
    where, status = _filter(wave, form)
    shown = analysis.filtered(wave, where) if status == 200 else None
    return _page("surveys/analysis/filter.html", "surveys/analysis/_filtered.html", status=status,
                  where=where, described=where.describe(wave.definition), filtered=shown,
                  release=results.release_of(wave), **context)


@bp.route("/surveys/manage/<int:wave_id>/two-way")
@staff_only
def two_way_table(wave_id):
    wave = _wave_or_404(wave_id)
    form = AnalysisForm(request.args)
    context = _context(wave, form)
    where, status = _filter(wave, form)
    table = None
    if status == 200 and (form.rows.data or form.columns.data):
        try:
            table = analysis.two_way(wave, form.rows.data, form.columns.data, where)
        except RuleError as error:
            status = show_on(form, error)
    return _page("surveys/analysis/two_way.html", "surveys/analysis/_two_way.html", status=status,
                  where=where, described=where.describe(wave.definition), table=table,
                  release=results.release_of(wave), **context)


# Codebook and microdata ------------------------------------------------------------

@bp.route("/surveys/manage/<int:wave_id>/codebook")
@staff_only
def codebook_page(wave_id):
    wave = _wave_or_404(wave_id)
    return render("surveys/analysis/codebook.html", wave=wave, book=codebook.build(wave),
                  waves=codebook.waves_of(wave))


@bp.route("/surveys/manage/<int:wave_id>/codebook.csv")
@staff_only
def codebook_csv(wave_id):
    wave = _wave_or_404(wave_id)
    record(current_user, "survey_wave.export_codebook", wave)
    # Committed here on purpose: a download is a GET (the request would roll it back), and every export
    # must stay in the audit log.
    db.session.commit()
    return Response(codebook.to_csv(codebook.build(wave)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{wave.survey_slug}-codebook.csv"'})


def _microdata_page(wave, form, status=200):
    return render("surveys/analysis/microdata.html", status=status, wave=wave, form=form,
                  threshold=results.threshold(), rule=microdata.RULE)


@bp.route("/surveys/manage/<int:wave_id>/microdata", methods=["GET", "POST"])
@roles_required(roles.ADMIN)
def microdata_export(wave_id):
    wave = _wave_or_404(wave_id)
    require("surveys.export", current_user, wave)
    form = MicrodataForm()
    if not form.is_submitted():
        return _microdata_page(wave, MicrodataForm(formdata=None))
    if not form.validate():
        return _microdata_page(wave, form, status=422)
    chosen = microdata.Options(free_text=form.free_text.data, setting_code=form.setting_code.data)
    data, mimetype, filename = microdata.export(wave, form.file_format.data, chosen)
    record(current_user, "survey_wave.export_microdata", wave,
           after={"format": form.file_format.data, "free_text": chosen.free_text, "setting_code": chosen.setting_code})
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
