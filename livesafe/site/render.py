"""One view answers both full-page and htmx fragment requests."""
from flask import make_response, render_template, request


def wants_fragment() -> bool:
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, fragment: str | None = None, status: int = 200, **context):
    """Render the page, or only its fragment for an htmx partial request."""
    chosen = fragment if fragment and wants_fragment() else template
    response = make_response(render_template(chosen, **context), status)
    response.vary.add("HX-Request")
    return response


def render_invalid(template: str, fragment: str | None = None, **context):
    """A form that failed validation: 422, re-rendered with an error summary and what was typed."""
    return render(template, fragment, status=422, **context)
