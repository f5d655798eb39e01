"""The monitoring return form (monitoring.py): reach in the period by age and by where young people live,
the output measures, and safeguarding."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from livesafe import places
from livesafe.grants import logic
from livesafe.grants.forms import number_field, text
from livesafe.grants.monitoring import ELSEWHERE
from livesafe.site.numbers import WholeNumber, int_or_none

PLACES = (*places.CHOICES, (ELSEWHERE, "Somewhere else"))


def return_form(formdata=None):
    fields = {}
    for key, label in logic.AGE_BANDS:
        fields[f"age_{key}"] = number_field(f"Aged {label.lower()}", 0, 100000, message=f"Enter the number aged {label.lower()} as a whole number (0 if none)")
    for key, name in PLACES:
        fields[f"district_{key}"] = number_field(name, 0, 100000, message=f"Enter the number living in {name.lower() if key == ELSEWHERE else name} as a whole number (0 if none)")
    fields["reached_to_date"] = StringField(
        "Unique young people since the grant started (optional)",
        description="Only if you keep a record of each young person, so that someone who came in an earlier period "
                    "is not counted again. Leave it empty if you do not.",
        validators=[Optional(), WholeNumber(0, 1000000, "Enter the unique young people since the grant started as a whole number, or leave it empty")])
    fields["young_people_mentored"] = number_field("Young people mentored in this period")
    fields["sessions_delivered"] = number_field("Sessions delivered in this period")
    fields["interventions_developed"] = number_field(
        "New activities or programmes started in this period", 0, 1000,
        description="For example a new weekly session, a mentoring scheme or a course. Enter 0 if you only ran what you already ran.")
    fields["referrals_made"] = number_field("Referrals made to other services in this period")
    fields["what_changed"] = text("What changed for the young people who took part", "Describe what changed for the young people", 5000)
    fields["safeguarding_incidents"] = number_field("Safeguarding incidents", 0, 1000, description="Enter 0 if there were none. If you enter 1 or more, our safeguarding lead is told as soon as you send this return.")
    fields["safeguarding_details"] = TextAreaField("What happened and what you did", description="Do not name any young person.", validators=[Length(max=5000, message="The details must be 5000 characters or fewer")])

    def validate_safeguarding_details(form, field):
        if (int_or_none(form.safeguarding_incidents.data, grouping=True) or 0) > 0 and not (field.data or "").strip():
            raise ValidationError("Describe the safeguarding incidents and what you did")

    fields["validate_safeguarding_details"] = validate_safeguarding_details
    cls = type("ReturnForm", (FlaskForm,), fields)
    return cls() if formdata is None else cls(formdata=formdata)
