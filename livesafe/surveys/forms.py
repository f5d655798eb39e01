"""Forms: one page of a survey (built from the wave's definition), and the staff forms."""
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from livesafe.site.numbers import WholeNumberField
from livesafe.surveys import definitions as defs

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


def _field_for(q: dict):
    label, hint = q["text"], q.get("hint")
    if q["type"] in ("single", "rating"):
        return RadioField(label, choices=defs.choices(q), validators=[Optional()], description=hint,
                          validate_choice=True)
    if q["type"] == "multiple":
        return MultiCheckboxField(label, choices=defs.choices(q), validators=[Optional()], description=hint)
    if q["type"] == "number":
        low, high = q["min"], q["max"]
        return WholeNumberField(label, description=hint, minimum=low, maximum=high, invalid="Enter a whole number, like 3",
                                out_of_range=f"Enter a number from {low} to {high}")
    return TextAreaField(label, description=hint, filters=[lambda v: v.strip() if isinstance(v, str) else v],
                         validators=[Optional(), Length(max=q["max_length"],
                                     message=f"Your answer must be {q['max_length']} characters or fewer")])


def page_form(questions: list[dict], answers: dict, formdata=None):
    """A form for the shown questions of one page, filled in with the answers so far."""

    class PageForm(FlaskForm):
        pass

    for q in questions:
        setattr(PageForm, q["code"], _field_for(q))
    setattr(PageForm, HONEYPOT, StringField("Leave this empty", validators=[Optional()]))
    data = {q["code"]: answers[q["code"]] for q in questions if q["code"] in answers}
    if formdata is not None:
        return PageForm(formdata=formdata)
    return PageForm(data=data)


def page_answers(form, questions: list[dict]) -> dict:
    """The answers on the form: skipped questions are None (an empty list for multiple choice)."""
    given = {}
    for q in questions:
        value = form[q["code"]].data
        if q["type"] == "multiple":
            value = [v for v, _ in defs.choices(q) if v in (value or [])]  # keep the definition's order
        elif q["type"] == "text":
            value = value or None
        given[q["code"]] = value
    return given


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
