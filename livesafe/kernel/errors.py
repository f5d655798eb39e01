"""One rule error. Logic raises it; the request maps it to a status (403, 409 or 422) in one place.

A view with a form catches it to re-render the form with the message on the right field
(`show_on(form, error)`); anywhere else it propagates to the error handler, which shows an error page
with the message and the status. Views never match message text.
"""
from __future__ import annotations

from typing import Any


class RuleError(Exception):
    """A rule refused what was asked: 422, what was sent cannot be accepted as it stands."""

    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class Refused(RuleError):
    """403: this person may not do this to this thing."""

    status = 403


class Conflict(RuleError):
    """409: the thing is not in a state where this can happen (or changed under the person's feet)."""

    status = 409


def show_on(form: Any, error: RuleError) -> int:
    """Put the error's message on its field (or on the form as a whole) and return the status to answer with."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(error.message)
    else:
        form.form_errors.append(error.message)
    return error.status
