"""Forms of the survey builder (staff)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

from livesafe.site.numbers import MAX_INT, WholeNumberField
from livesafe.surveys import builder
from livesafe.surveys import definitions as defs


class Revision(FlaskForm):
    """Every change carries the revision the person saw (versions.edit refuses a stale one)."""

    revision = IntegerField(widget=HiddenInput(), validators=[DataRequired("Reload the page and try again")])


class NewSurveyForm(FlaskForm):
    slug = StringField("Short name", description="Lower case letters, digits and dashes, like school-safety. It "
                       "never changes: results and exports use it.", validators=[
                           DataRequired("Enter a short name, like school-safety"),
                           Regexp(defs.SLUG.pattern, message="Use 2 to 60 lower case letters, digits and dashes")])
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=160)])
    audience = StringField("Who it is for", description="For example: young people aged 11 to 24 in Leicester.",
                           validators=[DataRequired("Say who the survey is for"), Length(max=300)])


class ImportForm(FlaskForm):
    text = TextAreaField("Survey as YAML", description="Paste a survey exported from here, or a file like those "
                         "in content/surveys/. It becomes a new version.",
                         validators=[DataRequired("Paste the survey's YAML")])


class DetailsForm(Revision):
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=160)])
    audience = StringField("Who it is for", validators=[DataRequired("Say who the survey is for"), Length(max=300)])
    minutes = WholeNumberField("Minutes it takes", minimum=1, maximum=120, required="Enter how many minutes it takes",
                               invalid="Enter a whole number of minutes", out_of_range="Enter 1 to 120 minutes")
    # Which single-choice question gives each breakdown of the results (choices set by the view).
    district = SelectField("Results by district use the question", default="", validate_choice=True)
    age_band = SelectField("Results by age band use the question", default="", validate_choice=True)
    gender = SelectField("Results by gender use the question", default="", validate_choice=True)


class PageForm(Revision):
    title = StringField("Page title", validators=[DataRequired("Enter a title for the page"), Length(max=160)])
    intro = TextAreaField("Introduction (optional)", validators=[Optional(), Length(max=1000)])


class QuestionForm(Revision):
    code = StringField("Question code", description="Lower case letters, digits and _, like felt_safe. Keep it the "
                       "same in every version: results compare waves by it.", validators=[
                           DataRequired("Enter a code for the question"),
                           Regexp(defs.CODE.pattern, message="Use lower case letters, digits and _, starting with a letter")])
    type = SelectField("Type of question", choices=list(builder.TYPE_LABELS.items()),
                       validators=[DataRequired("Choose the type of question")])
    text = TextAreaField("Question", validators=[DataRequired("Enter the question"), Length(max=500)])
    hint = TextAreaField("Help text (optional)", validators=[Optional(), Length(max=500)])
    required = BooleanField("People must answer it (questions are optional unless you tick this)")
    long = BooleanField("Long answer (several lines): text questions only")
    options = TextAreaField("Options (single, multiple choice and ranking)", description="One per line, as "
                            "'value = words people see', or just the words. Values are what results count.")
    exclusive = StringField("Options chosen on their own (multiple choice)", description="Their values, separated "
                            "by commas, like none", validators=[Optional(), Length(max=300)])
    scale = TextAreaField("Scale (rating and grid)", description="One label per line, lowest first.")
    statements = TextAreaField("Statements (grid)", description="One per line, as 'code = statement'.")
    min = WholeNumberField("Smallest number (number questions)", minimum=-MAX_INT, maximum=MAX_INT,
                           invalid="Enter a whole number")
    max = WholeNumberField("Largest number (number questions)", minimum=-MAX_INT, maximum=MAX_INT,
                           invalid="Enter a whole number")
    max_length = WholeNumberField("Most characters (text questions)", minimum=1, maximum=defs.TEXT_MAX,
                                  invalid="Enter a whole number", out_of_range=f"Enter 1 to {defs.TEXT_MAX}")
    show_if = TextAreaField("Show only if (optional)", description="One rule per line, about answers on earlier "
                            "pages: 'gender is girl, boy', 'age from 14 to 17', 'age at least 16', or "
                            "'grid_code.statement is 4, 5'.")
    combine = SelectField("When there are several rules, show it if", choices=[
        ("all", "all of them are true (AND)"), ("any", "any of them is true (OR)")])


class LanguagesForm(Revision):
    languages = SelectField("Add a language", validators=[DataRequired("Choose a language")])


def translation_form(count: int):
    """One text box per piece of English (t0, t1, ...), beside it."""

    class TranslationForm(Revision):
        pass

    for index in range(count):
        setattr(TranslationForm, f"t{index}", TextAreaField(validators=[Optional(), Length(max=1000)]))
    return TranslationForm
