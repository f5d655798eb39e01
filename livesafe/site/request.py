"""The request class: NUL characters are dropped from query strings and form fields.

No text anywhere on the site needs them, and PostgreSQL refuses them in text columns, so they
are removed in one place instead of in every form.
"""
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property


def _clean(values):
    return ImmutableMultiDict([(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in values.items(multi=True)])


class CleanRequest(Request):
    @cached_property
    def args(self):
        return _clean(super().args)

    def _load_form_data(self):
        super()._load_form_data()
        self.__dict__["form"] = _clean(self.form)
