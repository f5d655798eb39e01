"""Forms: one page of a survey (built from the wave's definition), and the staff forms."""
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from livesafe.site.numbers import WholeNumberField
from livesafe.surveys import definitions as defs
from livesafe.surveys.logic import exclusive_clash, ranking_problem
from livesafe.surveys.translations import say

HONEYPOT = "website"  # a field people never see; scripts that fill every field give themselves away


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DayField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the date as year-month-day, like 2026-03-01") from None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _field_for(q: dict, lang: str | None):
    label, hint = q["text"], q.get("hint")
    if q["type"] in ("single", "rating"):
        return RadioField(label, choices=defs.choices(q), validators=[Optional()], description=hint,
                          validate_choice=True)
    if q["type"] == "multiple":
        return MultiCheckboxField(label, choices=defs.choices(q), validators=[Optional()], description=hint)
    if q["type"] == "number":
        low, high = q["min"], q["max"]
        return WholeNumberField(label, description=hint, minimum=low, maximum=high,
                                invalid=say(lang, "Enter a whole number, like 3"),
                                out_of_range=say(lang, "Enter a number from {low} to {high}", low=low, high=high))
    kind = TextAreaField if q.get("long") else StringField
    return kind(label, description=hint, filters=[_strip], validators=[Optional(), Length(
        max=q["max_length"], message=say(lang, "Your answer must be {n} characters or fewer", n=q["max_length"]))])


def part_name(q: dict, part: str) -> str:
    """The form field of one grid statement or one ranked option ("-" never appears in a code)."""
    return f"{q['code']}-{part}"


def parts(q: dict) -> list[tuple[str, str]]:
    """(field name, label) of each statement of a grid or option of a ranking, in order."""
    if q["type"] == "grid":
        return [(part_name(q, s["code"]), s["text"]) for s in q["statements"]]
    return [(part_name(q, str(n)), label) for n, (_, label) in enumerate(defs.choices(q), start=1)]


def _fields(q: dict, lang: str | None) -> list[tuple[str, object]]:
    if q["type"] == "grid":
        return [(name, RadioField(text, choices=defs.choices(q), validators=[Optional()], validate_choice=True))
                for name, text in parts(q)]
    if q["type"] == "ranking":
        ranks = [("", say(lang, "Not ranked"))] + [(str(n), str(n)) for n in range(1, len(q["options"]) + 1)]
        return [(name, SelectField(say(lang, "Rank for {label}", label=label), choices=ranks, validators=[Optional()]))
                for name, label in parts(q)]
    return [(q["code"], _field_for(q, lang))]


def _form_values(q: dict, answer) -> dict:
    """A stored answer as the form's data."""
    if q["type"] == "grid":
        return {part_name(q, code): value for code, value in (answer or {}).items()}
    if q["type"] == "ranking":
        index = {value: n for n, (value, _) in enumerate(defs.choices(q), start=1)}
        return {part_name(q, str(index[value])): str(rank) for value, rank in (answer or {}).items() if value in index}
    return {q["code"]: answer}


def page_form(questions: list[dict], answers: dict, formdata=None, lang: str | None = None, prefix: str = ""):
    """A form for the shown questions of one page (in lang's words), filled in with the answers so far."""

    class PageForm(FlaskForm):
        pass

    for q in questions:
        for name, field in _fields(q, lang):
            setattr(PageForm, name, field)
    setattr(PageForm, HONEYPOT, StringField("Leave this empty", validators=[Optional()]))
    if formdata is not None:
        return PageForm(formdata=formdata, prefix=prefix)
    data: dict = {}
    for q in questions:
        if q["code"] in answers:
            data.update(_form_values(q, answers[q["code"]]))
    return PageForm(data=data, prefix=prefix)


def page_answers(form, questions: list[dict]) -> dict:
    """The answers on the form: skipped questions are None. A grid is {statement: value} and a ranking
    {option value: rank}, each holding only what was answered."""
    given: dict = {}
    for q in questions:
        if q["type"] == "grid":
            value = {s["code"]: form[part_name(q, s["code"])].data for s in q["statements"]
                     if form[part_name(q, s["code"])].data}
        elif q["type"] == "ranking":
            value = {option: int(form[name].data) for (name, _), (option, _) in zip(parts(q), defs.choices(q))
                     if form[name].data}
        else:
            value = form[q["code"]].data
        if q["type"] == "multiple":
            value = [v for v, _ in defs.choices(q) if v in (value or [])]  # keep the definition's order
        elif q["type"] == "text":
            value = value or None
        given[q["code"]] = value or (None if q["type"] in ("grid", "ranking", "multiple") else value)
    return given


def check_page(form, questions: list[dict], lang: str | None) -> bool:
    """What one field cannot check: required questions, "on its own" options, and ranks given once each.
    Errors go on the question's first field."""
    valid = form.validate_on_submit()
    given = page_answers(form, questions) if valid else {}
    for q in questions:
        first = form[parts(q)[0][0] if q["type"] in ("grid", "ranking") else q["code"]]
        problem = None
        if q["type"] == "multiple":
            problem = exclusive_clash(q, form[q["code"]].data or [], lang)
        elif q["type"] == "ranking" and valid:
            problem = ranking_problem(given[q["code"]] or {}, lang)
        if problem is None and valid and q.get("required") and given.get(q["code"]) in (None, [], {}, ""):
            problem = say(lang, "Answer this question")
        if problem is None and valid and q.get("required") and q["type"] == "grid" \
                and len(given[q["code"]]) < len(q["statements"]):
            problem = say(lang, "Answer this question")
        if problem:
            first.errors = list(first.errors) + [problem]
            valid = False
    return valid


class WaveForm(FlaskForm):
    survey = SelectField("Survey", validators=[DataRequired(message="Choose a survey")])
    title = StringField("Title of this wave", validators=[
        DataRequired(message="Enter a title, like Young people's safety survey 2026"),
        Length(max=160, message="Title must be 160 characters or fewer")],
        description="People answering see this, for example \"Young people's safety survey 2026\".")
    opens_on = DayField("Opening date", validators=[InputRequired(message="Enter the opening date")])
    closes_on = DayField("Closing date", validators=[InputRequired(message="Enter the closing date")])

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError("The closing date must be on or after the opening date")


class VersionForm(FlaskForm):
    """Another version of the survey for a draft wave that has no responses yet."""

    version = SelectField("Version of the survey", validators=[DataRequired(message="Choose a version")])


class SettingForm(FlaskForm):
    name = StringField("Name of the school or setting", validators=[
        DataRequired(message="Enter the name of the school or setting"),
        Length(max=160, message="Name must be 160 characters or fewer")])


class ResultsForm(FlaskForm):
    """The GET form that picks a breakdown and an earlier wave to compare with."""

    class Meta:
        csrf = False

    breakdown = SelectField("Break down by", validators=[Optional()])
    compare = SelectField("Compare with", validators=[Optional()])
    adjust = SelectField("Many comparisons", validators=[Optional()], choices=[
        ("", "No adjustment"), ("holm", "Adjust for many comparisons (Holm)")])


class DeleteAnswerForm(FlaskForm):
    """Staff delete the whole response behind a junk free-text answer, with a reason (audited)."""

    answer = StringField(validators=[DataRequired()])
    reason = StringField("Why delete this response?", validators=[
        DataRequired("Say why this response should be deleted"), Length(min=5, max=300)])


class DeleteDayForm(FlaskForm):
    """Staff delete a flood: every response of one day, optionally from one setting code, with a reason."""

    day = DateField("Day the responses came in", validators=[InputRequired("Enter the day, for example 2026-03-14")])
    setting = StringField("Setting code (leave empty for responses from any setting or none)",
                          validators=[Optional(), Length(max=20)])
    reason = StringField("Why delete these responses?", validators=[
        DataRequired("Say why these responses should be deleted"), Length(min=5, max=300)])
