"""Template globals and filters shared by every page."""
import json

from flask import current_app, request
from flask_login import current_user

from livesafe.auth import roles
from livesafe.clock import format_london

HTMX_CONFIG = json.dumps(
    {
        "allowEval": False,
        "allowScriptTags": False,
        "includeIndicatorStyles": False,
        "historyCacheSize": 0,
        "selfRequestsOnly": True,
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "422", "swap": True},
            {"code": "401", "swap": True},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    }
)

def _collected(name: str, role) -> list:
    """Each feature package may declare NAVIGATION and DASHBOARD: {role: [entries]}."""
    import importlib

    from livesafe import FEATURES

    entries = []
    for feature in FEATURES:
        declared = getattr(importlib.import_module(f"livesafe.{feature}"), name, {})
        entries.extend(entry for entry in declared.get(role, []) if entry[0] in current_app.view_functions)
    return entries


def _role():
    return current_user.role if current_user.is_authenticated else None


def navigation():
    """Header links for the signed-in role (None: signed out): [(endpoint, label)]."""
    return _collected("NAVIGATION", _role())


def dashboard_links():
    """Cards on the dashboard: [(endpoint, label, description)]."""
    return _collected("DASHBOARD", _role())


def register(app):
    app.jinja_env.filters["london"] = format_london
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def chrome():
        return {
            "htmx_config": HTMX_CONFIG,
            "navigation": navigation,
            "dashboard_links": dashboard_links,
            "roles": roles,
            "current_endpoint": request.endpoint,
        }
