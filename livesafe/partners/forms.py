import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, Form, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from livesafe import places
from livesafe.partners import sources
from livesafe.partners.figures import LATEST
from livesafe.partners.logic import KINDS

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(form, field):
    if not MONTH.match((field.data or "").strip()):
        raise ValidationError("Enter a month as YYYY-MM, like 2024-04")


class FilterForm(Form):
    """The dashboard's filters (GET); the period choices are the years with data, set by the view."""

    class Meta(Form.Meta):
        csrf = False

    source = SelectField("Source", choices=sources.CHOICES, default="police")
    period = SelectField("Period", choices=[(LATEST, "Latest 12 months")], default=LATEST)
    district = SelectField("District", choices=(("", "All nine districts"),) + places.CHOICES, default="")


class UploadForm(FlaskForm):
    source = SelectField("Source", choices=sources.CHOICES)
    first_month = StringField("First month the file covers", validators=[_month],
                              description="YYYY-MM, like 2024-04. Every record of this source from this month…")
    last_month = StringField("Last month the file covers", validators=[_month],
                             description="…to this month is replaced by the file's records.")
    file = FileField("CSV file", validators=[FileRequired(message="Choose the CSV file to upload")],
                     description="UTF-8 CSV with exactly the columns of the source's schema.")


class OrganisationForm(FlaskForm):
    name = StringField("Organisation name", validators=[DataRequired(message="Enter the organisation's name"),
                                                        Length(max=120, message="The name must be 120 characters or fewer")])
    kind = SelectField("Kind of organisation", choices=KINDS)


class InvitePartnerForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=120, message="Name must be 120 characters or fewer")])
    email = EmailField("E-mail address", validators=[
        DataRequired(message="Enter their e-mail address"),
        Length(max=320, message="E-mail address must be 320 characters or fewer"),
        Email(message="Enter an e-mail address in the right format, like name@example.org", check_deliverability=False),
    ])
    organisation = SelectField("Organisation", coerce=int, choices=[],
                               validate_choice=True)


class EmptyForm(FlaskForm):
    """Only the CSRF token, for a button that changes something."""
