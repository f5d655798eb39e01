"""Forms of the grants feature.

Application sections are saved exactly as typed (as strings), so numbers and dates are
StringFields with validators that explain the problem in plain words.
"""
from datetime import date, datetime

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import DateInput, DateTimeLocalInput

from livesafe import places
from livesafe.grants import logic
from livesafe.site.fields import MultiCheckboxField
from livesafe.site.numbers import WholeNumber, WholeNumberField, int_or_none


# Grants store a district's name (livesafe.places is the one list).
DISTRICT_CHOICES = [(name, name) for name in places.NAMES]


def required(message):
    return DataRequired(message=message)


def text(label, message, max_length, **kwargs):
    return TextAreaField(label, validators=[required(message), Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")], **kwargs)


class Pounds:
    def __init__(self, allow_empty=False):
        self.allow_empty = allow_empty

    def __call__(self, form, field):
        if self.allow_empty and not (field.data or "").strip():
            return
        try:
            logic.parse_pounds(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from None


def valid_date(form, field):
    try:
        date.fromisoformat((field.data or "").strip())
    except ValueError:
        raise ValidationError(f"Enter {field.label.text.lower()} as a real date, like 2027-03-01") from None


def valid_datetime(form, field):
    try:
        datetime.fromisoformat((field.data or "").strip())
    except ValueError:
        raise ValidationError(f"Enter {field.label.text.lower()} as a date and time, like 2027-03-01T12:00") from None


def number_field(label, minimum=0, maximum=100000, message=None, **kwargs):
    return StringField(label, validators=[WholeNumber(minimum, maximum, message or f"Enter {label.lower()} as a whole number from {minimum} to {maximum:,}")], **kwargs)


def pounds_field(label, **kwargs):
    return StringField(label, validators=[InputRequired(message=f"Enter the {label.lower()}"), Pounds()], **kwargs)


YES_NO = [("yes", "Yes"), ("no", "No")]


# ---------------------------------------------------------------- organisation profile

class OrganisationForm(FlaskForm):
    name = StringField("Name of your organisation", validators=[required("Enter the name of your organisation"), Length(max=200, message="The name must be 200 characters or fewer")])
    kind = RadioField("Type of organisation", choices=list(logic.ORG_KINDS), validators=[InputRequired(message="Choose the type of organisation")])
    charity_number = StringField("Charity number (if you have one)", validators=[Optional(), Length(max=20, message="The charity number must be 20 characters or fewer")])
    company_number = StringField("Company number (if you have one)", validators=[Optional(), Length(max=20, message="The company number must be 20 characters or fewer")])
    postcode = StringField("Postcode", validators=[required("Enter your organisation's postcode"), Length(max=10, message="Enter a real postcode, like LE1 6AA")])
    district = SelectField("District", choices=[("", "Choose a district")] + DISTRICT_CHOICES, validators=[required("Choose the district where your organisation is based")])
    safeguarding_policy = RadioField("Does your organisation have a safeguarding policy?", choices=YES_NO, validators=[InputRequired(message="Say whether your organisation has a safeguarding policy")])
    safeguarding_lead = StringField("Safeguarding lead", description="The name or role of the person responsible for safeguarding.", validators=[required("Enter who your safeguarding lead is"), Length(max=120, message="The safeguarding lead must be 120 characters or fewer")])
    works_with_under_18s = RadioField("Does your organisation work with under-18s?", choices=YES_NO, validators=[InputRequired(message="Say whether your organisation works with under-18s")])


class InviteForm(FlaskForm):
    email = StringField("E-mail address of their Live Safe account", validators=[required("Enter their e-mail address"), Length(max=320, message="An e-mail address must be 320 characters or fewer"), Email(message="Enter an e-mail address in the right format, like name@example.org", check_deliverability=False)])


# ---------------------------------------------------------------- application sections

class OrganisationSection(FlaskForm):
    about = text("What your group does", "Describe what your group does", 2000)
    years_running = number_field("How many years your group has been running", 0, 200)
    annual_income = pounds_field("Annual income", description="Your income in your last full year, in pounds. Enter 0 for a new group.")


class ProjectSection(FlaskForm):
    title = StringField("Project title", validators=[required("Enter a title for your project"), Length(max=200, message="The title must be 200 characters or fewer")])
    summary = text("Summary", "Write a short summary of your project", 500, description="Two or three sentences. If you are funded we publish this, so do not name any person.")
    activities = text("Activities", "Describe what you will do", 3000, description="What will young people do, how often and with whom?")
    district = SelectField("District where the project will run", choices=[("", "Choose a district")] + DISTRICT_CHOICES, validators=[required("Choose the district where the project will run")])
    venue = StringField("Where the project will run", validators=[required("Say where the project will run"), Length(max=300, message="Where the project will run must be 300 characters or fewer")])
    start_date = StringField("Start date", widget=DateInput(), validators=[required("Enter the start date"), valid_date])
    end_date = StringField("End date", widget=DateInput(), validators=[required("Enter the end date"), valid_date])

    def validate_end_date(self, field):
        try:
            backwards = date.fromisoformat(field.data) < date.fromisoformat(self.start_date.data)
        except (TypeError, ValueError):
            return  # the date validators already explain an unreadable date
        if backwards:
            raise ValidationError("The end date must be on or after the start date")


class BeneficiariesSection(FlaskForm):
    age_bands = MultiCheckboxField("Ages of the young people", choices=list(logic.AGE_BANDS), validators=[required("Choose at least one age group")])
    young_people = number_field("How many young people will take part", 1, 100000)
    priority_groups = MultiCheckboxField("Priority groups you will reach", choices=list(logic.PRIORITY_GROUPS), validators=[required("Choose at least one priority group")])
    reach = text("How you will reach them", "Say how you will reach these young people", 2000)


class TheorySection(FlaskForm):
    need = text("Need", "Describe the need your project responds to", 3000, description="What is the problem locally, and how do you know?")
    activities = text("Activities", "Describe the activities in your theory of change", 2000)
    outputs = text("Outputs", "Describe the outputs", 2000, description="What you will deliver and count: sessions, young people taking part, mentoring hours.")
    outcomes = text("Outcomes", "Describe the outcomes", 2000, description="What will change for the young people?")


class ApproachSection(FlaskForm):
    approach = text("Your approach", "Describe your approach", 3000)
    evidence = text("How your approach relates to the evidence", "Say how your approach relates to the evidence", 3000)


def _budget_section():
    fields = {}
    for row in range(1, logic.BUDGET_ROWS + 1):
        fields[f"item_{row}"] = StringField(f"Item {row}", validators=[Length(max=200, message=f"Item {row} must be 200 characters or fewer")])
        fields[f"amount_{row}"] = StringField(f"Cost of item {row} in pounds")
    return type("BudgetSection", (FlaskForm,), fields)


BudgetSection = _budget_section()


class SafeguardingSection(FlaskForm):
    arrangements = text("How you will keep young people safe", "Describe how you will keep young people safe", 3000)
    checks = RadioField("Will everyone working with young people have the right DBS check?", choices=YES_NO, validators=[InputRequired(message="Say whether everyone will have the right DBS check")])
    risks = text("Risks and what you will do about them", "Describe the risks and what you will do about them", 3000)


class DeclarationsSection(FlaskForm):
    true_information = BooleanField("The information in this application is true and complete", validators=[DataRequired(message="Confirm the information is true and complete")])
    monitoring = BooleanField("If funded, we will report on our work when asked", validators=[DataRequired(message="Confirm you will report on your work")])
    safeguarding = BooleanField("We will follow our safeguarding policy and report any incident", validators=[DataRequired(message="Confirm you will follow your safeguarding policy")])
    data = BooleanField("We agree the Violence Reduction Network may publish the grant (amount, title and summary) in open data", validators=[DataRequired(message="Confirm you agree to publishing the grant")])


SECTION_FORMS = {
    "organisation": OrganisationSection, "project": ProjectSection, "beneficiaries": BeneficiariesSection,
    "theory": TheorySection, "approach": ApproachSection, "budget": BudgetSection,
    "safeguarding": SafeguardingSection, "declarations": DeclarationsSection,
}


def raw_answers(section: str, formdata) -> dict:
    """The section's fields exactly as posted: strings, lists for checkbox groups."""
    form = SECTION_FORMS[section](formdata=None, meta={"csrf": False})
    raw = {}
    for field in form:
        if isinstance(field, SelectMultipleField):
            raw[field.name] = [v for v in formdata.getlist(field.name)][:50]
        elif isinstance(field, BooleanField):
            raw[field.name] = "y" if formdata.get(field.name) else ""
        else:
            raw[field.name] = (formdata.get(field.name) or "")[:20000]
    return raw


def section_form(section: str, raw: dict | None = None, formdata=None, csrf: bool = False):
    """The section form, filled from what was posted or, failing that, from what was saved.
    csrf=True for a form that will be shown to post; read-only views and re-checks go without."""
    cls = SECTION_FORMS[section]
    if formdata is not None:
        return cls(formdata=formdata)
    pairs = []
    for name, value in (raw or {}).items():
        for item in value if isinstance(value, list) else [value]:
            if item:
                pairs.append((name, item))
    return cls(formdata=MultiDict(pairs), meta={"csrf": csrf})


def validate_section(section: str, form, application) -> bool:
    """The strict check used when a section is marked complete and on the check-answers page."""
    valid = form.validate()
    if section == "budget":
        raw = {f.name: f.data for f in form}
        lines, total, errors = logic.budget_lines(raw)
        for name, message in errors:
            form[name].errors = list(form[name].errors) + [message]
        if not lines and not errors:
            form["item_1"].errors = list(form["item_1"].errors) + ["Add at least one item to your budget"]
        elif not errors:
            limit = logic.budget_limit_error(total, application.round)
            if limit:
                form["amount_1"].errors = list(form["amount_1"].errors) + [limit]
        valid = valid and not any(f.errors for f in form)
    return valid


# ---------------------------------------------------------------- eligibility

def eligibility_form(questions: list[dict], formdata=None):
    fields = {
        f"q_{i}": RadioField(q["question"], choices=YES_NO, validators=[InputRequired(message=f"Answer: {q['question']}")])
        for i, q in enumerate(questions)
    }
    cls = type("EligibilityForm", (FlaskForm,), fields)
    return cls(formdata=formdata) if formdata is not None else cls()


# ---------------------------------------------------------------- rounds (staff)

class RoundForm(FlaskForm):
    name = StringField("Name", validators=[required("Enter a name for the round"), Length(max=200, message="The name must be 200 characters or fewer")])
    description = text("Description", "Enter a description", 3000, description="Shown on the public funding page.")
    guidance = text("Guidance for applicants", "Enter guidance for applicants", 10000)
    opens_at = StringField("Opens (UK time)", widget=DateTimeLocalInput(), validators=[required("Enter when the round opens"), valid_datetime])
    closes_at = StringField("Closes (UK time)", widget=DateTimeLocalInput(), validators=[required("Enter when the round closes"), valid_datetime])
    budget = pounds_field("Budget", description="In pounds.")
    min_award = pounds_field("Minimum award")
    max_award = pounds_field("Maximum award")
    priority_areas = MultiCheckboxField("Priority areas", choices=DISTRICT_CHOICES)
    eligibility = TextAreaField("Eligibility questions", description="One a line: question | the answer an eligible group gives (yes or no) | why another answer rules a group out.", validators=[required("Enter at least one eligibility question")])
    criteria = TextAreaField("Assessment criteria and weights", description="One a line: criterion | weight. Weights must add up to 100.", validators=[required("Enter the assessment criteria")])
    required_documents = MultiCheckboxField("Documents a group must upload before it can send its application",
                                            choices=[("safeguarding_policy", "Safeguarding policy"),
                                                     ("constitution", "Constitution or governing document"),
                                                     ("accounts", "Latest accounts"), ("bank_proof", "Proof of bank account")])
    two_stage = BooleanField("Ask for a short expression of interest first", description="Groups send their project in brief; only those you shortlist fill in the full application.")
    monitoring_months = StringField("Monitoring returns due (months after the award)", description="Separated by commas, like 3, 6, 12.", validators=[required("Enter when monitoring returns are due")])


class ActionForm(FlaskForm):
    """Only the CSRF token, for buttons that change something."""


class AssessorsForm(FlaskForm):
    assessors = MultiCheckboxField("Assessors for this round", coerce=int, choices=[])
    community = MultiCheckboxField("Community reviewers", coerce=int, choices=[])
    community_share = WholeNumberField("Community reviewers' share of the score (per cent)", minimum=0, maximum=100, default=0,
                                       invalid="Enter the share as a whole number of per cent, like 20", out_of_range="Enter a share from 0 to 100 per cent")


# ---------------------------------------------------------------- assessment

class ConflictForm(FlaskForm):
    conflict = RadioField("Do you have a conflict of interest with this application?", choices=[("no", "No, I have no conflict of interest"), ("yes", "Yes, I have a conflict of interest")], validators=[InputRequired(message="Say whether you have a conflict of interest")], description="For example, you work for, volunteer with, or are related to someone in the organisation, or you compete with it for funding.")
    details = TextAreaField("Describe the conflict", validators=[Length(max=2000, message="The description must be 2000 characters or fewer")])

    def validate_details(self, field):
        if self.conflict.data == "yes" and not (field.data or "").strip():
            raise ValidationError("Describe the conflict of interest")


SCORE_LABELS = [("0", "0 – no evidence"), ("1", "1 – poor"), ("2", "2 – weak"), ("3", "3 – adequate"), ("4", "4 – good"), ("5", "5 – excellent")]


def score_form(criteria: list[dict], formdata=None, data=None):
    fields = {}
    for c in criteria:
        fields[f"score_{c['key']}"] = RadioField(f"{c['name']} (weight {c['weight']})", choices=SCORE_LABELS, validators=[Optional()])
        fields[f"comment_{c['key']}"] = TextAreaField(f"Comment on {c['name'].lower()}", description="Required for scores of 0, 1 and 5.", validators=[Length(max=3000, message="A comment must be 3000 characters or fewer")])
    cls = type("ScoreForm", (FlaskForm,), fields)
    if formdata is not None:
        return cls(formdata=formdata)
    return cls(data=data or {})


def score_entries(criteria: list[dict], form) -> dict:
    entries = {}
    for c in criteria:
        score = int_or_none(form[f"score_{c['key']}"].data, 0, 5)
        entries[c["key"]] = (score, form[f"comment_{c['key']}"].data or "")
    return entries


# ---------------------------------------------------------------- decisions

class DecisionForm(FlaskForm):
    outcome = RadioField("Decision", choices=[("award", "Award a grant"), ("decline", "Decline")], validators=[InputRequired(message="Choose award or decline")])
    amount = StringField("Amount to award, in pounds", description="Leave as the amount requested unless the panel agreed a different amount.", validators=[Pounds(allow_empty=True)])
    reason = TextAreaField("Reason for the decision", description="The applicant sees this.", validators=[required("Give a reason for the decision"), Length(max=3000, message="The reason must be 3000 characters or fewer")])
    departure_reason = TextAreaField("Reason for departing from the rank order", description="Needed if you award an application below the funding line or decline one above it.", validators=[Length(max=3000, message="The reason must be 3000 characters or fewer")])

    def validate_amount(self, field):
        if self.outcome.data == "award" and not (field.data or "").strip():
            raise ValidationError("Enter the amount to award")


# ---------------------------------------------------------------- assigning assessors (assignment.py)

class AutoAssignForm(FlaskForm):
    assessors_each = WholeNumberField("Assessors for each application", minimum=0, maximum=10, required="Enter how many assessors each application needs",
                                      invalid="Enter a whole number of assessors, like 3", out_of_range="Enter from 0 to 10 assessors")
    community_each = WholeNumberField("Community reviewers for each application", minimum=0, maximum=10, required="Enter how many community reviewers each application needs (0 for none)",
                                      invalid="Enter a whole number of community reviewers, like 1", out_of_range="Enter from 0 to 10 community reviewers")


class AssignForm(FlaskForm):
    user_id = SelectField("Add an assessor", coerce=int, choices=[], validate_choice=False,
                          validators=[InputRequired(message="Choose someone to assign")])


class MessageForm(FlaskForm):
    subject = StringField("Subject", validators=[DataRequired(message="Enter the subject"), Length(max=200, message="The subject must be 200 characters or fewer")])
    body = TextAreaField("Message", validators=[DataRequired(message="Enter the message"), Length(max=10_000, message="The message must be 10000 characters or fewer")])
# ---------------------------------------------------------------- asking for more information (staff)

def info_request_form(formdata=None, with_questions: bool = False):
    """A note per section: the sections with a note are the ones the group may change. `with_questions`: the
    round has extra questions, which staff may reopen too (questions.SECTION)."""
    from livesafe.grants import questions

    sections = list(logic.SECTIONS) + ([(questions.SECTION, questions.TITLE)] if with_questions else [])
    fields = {f"note_{key}": TextAreaField(f"What to change in “{title}”", validators=[Length(max=2000, message=f"What to change in {title.lower()} must be 2000 characters or fewer")])
              for key, title in sections}
    fields["message"] = TextAreaField("A message to the group (optional)", validators=[Length(max=2000, message="The message must be 2000 characters or fewer")])
    cls = type("InfoRequestForm", (FlaskForm,), fields)
    return cls(formdata=formdata) if formdata is not None else cls(formdata=None)


# ---------------------------------------------------------------- agreement and payments

class AcceptAgreementForm(FlaskForm):
    confirm = BooleanField("I have read the agreement and accept it on behalf of my group")


class PaymentForm(FlaskForm):
    paid_on = StringField("Date paid", widget=DateInput(), validators=[required("Enter the date it was paid"), valid_date])
    reference = StringField("Payment reference", validators=[required("Enter the payment reference"), Length(max=60, message="The reference must be 60 characters or fewer")])

    def paid_on_date(self):
        return date.fromisoformat(self.paid_on.data.strip())
