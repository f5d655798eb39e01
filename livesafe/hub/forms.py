from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import AnyOf

from livesafe import places
from livesafe.hub.content import SERVICE_KINDS
from livesafe.site.numbers import WholeNumberField


def _choice(label: str, any_label: str, options: list[tuple[str, str]], message: str) -> SelectField:
    values = [""] + [value for value, _ in options]
    return SelectField(label, choices=[("", any_label)] + options, validate_choice=False, default="",
                       validators=[AnyOf(values, message=message)])


class ServiceFilterForm(FlaskForm):
    """The services directory filters: a GET form, so it has no CSRF token and sets no cookie."""

    class Meta:
        csrf = False

    age = WholeNumberField(
        "Age", minimum=0, maximum=120, invalid="Enter an age as a whole number, like 15",
        out_of_range="Enter an age between 0 and 120, like 15",
        description="Leave blank to see services for every age.",
    )
    area = _choice("Area", "Anywhere in Leicester, Leicestershire and Rutland", [(area, area) for area in places.NAMES],
                   "Choose an area from the list")
    kind = _choice("Kind of help", "Any kind of help", list(SERVICE_KINDS.items()),
                   "Choose a kind of help from the list")
