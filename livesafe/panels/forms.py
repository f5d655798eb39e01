from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from livesafe import places
from livesafe.panels import logic
from livesafe.panels.models import DEFAULT_RESPONSE_DAYS
from livesafe.site.numbers import WholeNumberField

LONG_TEXT = 5000


def _without_nul(value):
    # PostgreSQL text cannot hold NUL characters; drop them rather than fail.
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    """Every panels form: NUL characters are removed from whatever is typed."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            options["filters"] = (*unbound_field.kwargs.get("filters", ()), _without_nul)
            return unbound_field.bind(form=form, **options)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multi-select (rendered by the `choices` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _options(mapping: dict, blank: str | None = None) -> list[tuple[str, str]]:
    return ([("", blank)] if blank is not None else []) + list(mapping.items())


class FeedbackForm(Form):
    """Drafts need only a title; `missing_for_submission` says what submitting needs."""

    panel_id = SelectField("Panel", coerce=int)
    title = StringField("Title", validators=[
        DataRequired(message="Enter a title"),
        Length(max=150, message="Title must be 150 characters or fewer"),
    ], description="A few words, for example: Youth club closes too early on Fridays")
    concerns = SelectField("What it concerns", choices=_options(logic.CONCERNS, "Choose one"), default="")
    areas = MultiCheckboxField("Areas it affects", choices=list(places.CHOICES),
                               description="Choose all that apply.")
    what_seen = TextAreaField("What have you seen or heard?", validators=[
        Length(max=LONG_TEXT, message=f"This must be {LONG_TEXT} characters or fewer"),
    ], description="Do not include anyone's name or anything that could identify a young person.")
    recommendation = TextAreaField("What do you recommend?", validators=[
        Length(max=LONG_TEXT, message=f"This must be {LONG_TEXT} characters or fewer"),
    ])
    # Checked against the list in logic; a draft may leave it empty.
    urgency = RadioField("How urgent is it?", choices=_options(logic.URGENCY), validate_choice=False,
                         description="If someone is in danger now, call 999.")
    show_name = BooleanField("Show my name if this is published on “You said, we did”",
                             description="If you leave this unticked, your name is never shown publicly.")

    REQUIRED = {
        "concerns": "Choose what it concerns",
        "areas": "Choose at least one area it affects",
        "what_seen": "Say what you have seen or heard",
        "recommendation": "Say what you recommend",
        "urgency": "Choose how urgent it is",
    }

    def validate_urgency(self, field):
        if field.data and field.data not in logic.URGENCY:
            raise ValidationError("Choose how urgent it is from the list")

    def check_complete(self) -> bool:
        """Add an error to each field a submission still needs."""
        complete = True
        for name, message in self.REQUIRED.items():
            value = self[name].data
            if not (value.strip() if isinstance(value, str) else value):
                self[name].errors = list(self[name].errors) + [message]
                complete = False
        return complete

    def fields(self) -> dict:
        return {
            "title": self.title.data or "",
            "concerns": self.concerns.data or "",
            "areas": self.areas.data or [],
            "what_seen": self.what_seen.data or "",
            "recommendation": self.recommendation.data or "",
            "urgency": self.urgency.data or "",
            "show_name": self.show_name.data,
        }


class FeedbackFilterForm(Form):
    """The filters of "You said, we did" (a GET form: no CSRF token needed)."""

    class Meta(Form.Meta):
        csrf = False

    area = SelectField("Area", choices=[("", "All areas"), *places.CHOICES], default="")
    topic = SelectField("Topic", choices=_options(logic.CONCERNS, "All topics"), default="")
    status = SelectField("Status", choices=[("", "Any status")] + [(s, logic.STATES[s]) for s in logic.ANSWERED],
                         default="")


class AssetFilterForm(Form):
    """The filters of the public list of local places (GET)."""

    class Meta(Form.Meta):
        csrf = False

    district = SelectField("District", choices=[("", "All districts"), *places.CHOICES], default="")
    kind = SelectField("Kind of place", choices=_options(logic.ASSET_KINDS, "All kinds"), default="")
    age = WholeNumberField("Age", minimum=0, maximum=120, invalid="Enter an age as a whole number, like 14",
                           out_of_range="Enter an age between 0 and 120", description="Only places for this age.")


class TriageFilterForm(Form):
    """Staff's filters of submitted feedback (GET); the panel choices are set by the view."""

    class Meta(Form.Meta):
        csrf = False

    state = SelectField("State", choices=[("", "Any state")] + [
        (key, label) for key, label in logic.STATES.items() if key != logic.DRAFT], default="")
    panel = SelectField("Panel", default="")


class SupportForm(Form):
    """The support button: `support` is "1" to support, "0" to withdraw."""

    support = HiddenField()


class CommentForm(Form):
    body = TextAreaField("Add a comment", validators=[
        DataRequired(message="Enter your comment"),
        Length(max=2000, message="Your comment must be 2000 characters or fewer"),
    ])


class ReportForm(Form):
    reason = RadioField("Why are you reporting this?", choices=_options(logic.REPORT_REASONS),
                        validators=[InputRequired(message="Choose why you are reporting it")])
    detail = TextAreaField("Anything else we should know (optional)", validators=[
        Length(max=1000, message="This must be 1000 characters or fewer"),
    ])


class HideForm(Form):
    reason = TextAreaField("Reason for hiding it", validators=[
        DataRequired(message="Give the reason for hiding it"),
        Length(max=1000, message="The reason must be 1000 characters or fewer"),
    ], description="The author is sent this reason.")


class AssignForm(Form):
    owner_id = SelectField("Owner", coerce=int, description="The member of staff responsible for the response.")
    response_deadline = DateField("Response deadline", validators=[Optional()],
                                  description=f"The date the response is due. Leave empty for the default: "
                                              f"{DEFAULT_RESPONSE_DAYS} days after it was received.")


class StateForm(Form):
    """A step of the feedback workflow (the choices come from the table, logic.FEEDBACK)."""

    action = SelectField("Move to", validators=[DataRequired(message="Choose the next state")])
    seen = HiddenField()  # the state the page showed: a step decided on an out-of-date page is refused
    response = TextAreaField("Response", validators=[
        Length(max=LONG_TEXT, message=f"The response must be {LONG_TEXT} characters or fewer"),
    ], description="Needed for “Response published”. A correction to a published response is saved with the next "
                "step. The author, supporters and (once published) the public see it.")
    note = TextAreaField("Note or reason", validators=[
        Length(max=LONG_TEXT, message=f"This must be {LONG_TEXT} characters or fewer"),
    ], description="Needed for “Not taken forward”. Shown on the timeline, and publicly once published.")


class PublishForm(Form):
    public = HiddenField()


class PanelForm(Form):
    name = StringField("Panel name", validators=[
        DataRequired(message="Enter the panel's name"),
        Length(max=120, message="The name must be 120 characters or fewer"),
    ])
    description = TextAreaField("Description", validators=[
        Length(max=2000, message="The description must be 2000 characters or fewer"),
    ])


class MemberForm(Form):
    email = EmailField("E-mail address of a panel member account", validators=[
        DataRequired(message="Enter an e-mail address"),
        Length(max=320, message="E-mail address must be 320 characters or fewer"),
    ])


def _within_reach(form, field):
    """Meetings are this century: a year like 0001 or 9999 is a typing slip (and would overflow time arithmetic)."""
    if field.data is not None and not 2000 <= field.data.year <= 2099:
        raise ValidationError("Enter a date between 2000 and 2099, like 2025-03-14 18:30")


class MeetingForm(Form):
    starts_at = DateTimeLocalField("Date and time", validators=[
        InputRequired(message="Enter the date and time, like 2025-03-14 18:30"), _within_reach,
    ], format="%Y-%m-%dT%H:%M", description="UK time.")
    mode = RadioField("How", choices=_options(logic.MEETING_MODES),
                      validators=[InputRequired(message="Choose in person or online")])
    place = StringField("Place or how to join", validators=[
        DataRequired(message="Enter the place, or how to join online"),
        Length(max=300, message="This must be 300 characters or fewer"),
    ])
    agenda_cutoff_at = DateTimeLocalField("Agenda closes", validators=[Optional(), _within_reach], format="%Y-%m-%dT%H:%M",
                                          description="UK time. Leave empty for two days before the meeting.")


class AgendaItemForm(Form):
    title = StringField("Agenda item", validators=[
        DataRequired(message="Enter the agenda item"),
        Length(max=150, message="The agenda item must be 150 characters or fewer"),
    ])
    detail = TextAreaField("Details (optional)", validators=[
        Length(max=2000, message="Details must be 2000 characters or fewer"),
    ])


class NoteForm(Form):
    note = TextAreaField("What was discussed and agreed", validators=[
        DataRequired(message="Enter what was discussed and agreed"),
        Length(max=LONG_TEXT, message=f"The note must be {LONG_TEXT} characters or fewer"),
    ])


class AssetForm(Form):
    name = StringField("Name", validators=[
        DataRequired(message="Enter the name of the place or group"),
        Length(max=150, message="The name must be 150 characters or fewer"),
    ])
    kind = RadioField("Kind", choices=_options(logic.ASSET_KINDS),
                      validators=[InputRequired(message="Choose what kind of place it is")])
    district = SelectField("District", choices=[("", "Choose one"), *places.CHOICES],
                           validators=[DataRequired(message="Choose the district")])
    description = TextAreaField("What it offers", validators=[
        Length(max=2000, message="This must be 2000 characters or fewer"),
    ])
    min_age = WholeNumberField("Youngest age", minimum=0, maximum=120, required="Enter the youngest age served, as a number",
                               invalid="Enter the youngest age as a whole number, like 11",
                               out_of_range="Enter an age between 0 and 120")
    max_age = WholeNumberField("Oldest age", minimum=0, maximum=120, required="Enter the oldest age served, as a number",
                               invalid="Enter the oldest age as a whole number, like 18",
                               out_of_range="Enter an age between 0 and 120")
    opening_times = StringField("Opening times", validators=[
        Length(max=300, message="Opening times must be 300 characters or fewer"),
    ], description="For example: Tuesdays and Thursdays, 6pm to 9pm")
    contact = StringField("Public contact (optional)", validators=[
        Length(max=200, message="The contact must be 200 characters or fewer"),
    ], description="A public phone number or e-mail address of the organisation, never a private one.")
    website = URLField("Website (optional)", validators=[
        Optional(),
        Length(max=300, message="The website address must be 300 characters or fewer"),
        URL(message="Enter a web address starting with https://"),
    ])

    def validate_website(self, field):
        # URL() alone would accept javascript:// links.
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://")

    def validate_max_age(self, field):
        if self.min_age.data is not None and field.data is not None and field.data < self.min_age.data:
            raise ValidationError("The oldest age must be the same as or more than the youngest")

    def fields(self) -> dict:
        return {name: self[name].data if self[name].data is not None else "" for name in (
            "name", "kind", "district", "description", "min_age", "max_age", "opening_times", "contact", "website")}


class ReasonForm(Form):
    """A reason someone is told: rejecting or un-verifying a place, unhiding, deciding an appeal."""

    reason = TextAreaField("Reason", validators=[
        DataRequired(message="Give the reason; the person is told"),
        Length(max=1000, message="The reason must be 1000 characters or fewer"),
    ])


class RedactForm(Form):
    """Words to redact; `target` is "feedback" or "comment-<id>" (the choices are set by the view)."""

    target = SelectField("In", validators=[DataRequired(message="Choose where the words are")])
    phrase = TextAreaField("Words to redact", validators=[
        DataRequired(message="Enter the words to redact, exactly as they appear"),
        Length(max=500, message="Redact at most 500 characters at a time"),
    ], description="Every place they appear shows as “[redacted]” to the public and other members. "
                   "The author and staff still see the original.")


class NameConsentForm(Form):
    show_name = HiddenField()


class AppealForm(Form):
    text = TextAreaField("Why should it be shown again?", validators=[
        DataRequired(message="Say why it should be shown again"),
        Length(max=2000, message="Your appeal must be 2000 characters or fewer"),
    ], description="A member of staff who did not hide it decides, and you are told.")


class DecideAppealForm(ReasonForm):
    outcome = RadioField("Decision", choices=[("show", "Show it again"), ("keep", "Keep it hidden")],
                         validators=[InputRequired(message="Choose whether to show it again")])
