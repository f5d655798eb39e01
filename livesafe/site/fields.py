"""Form fields shared by every feature (whole numbers live in site/numbers.py)."""
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes; a value not among the choices is refused as "Not a valid choice"."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
