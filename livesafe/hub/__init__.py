from flask import Blueprint

from livesafe.auth import roles

bp = Blueprint("hub", __name__)

# Signed-out visitors (young people, parents, professionals) see the hub's main routes in the header.
NAVIGATION = {
    None: [("hub.home", "Home"), ("hub.get_help", "Get help"), ("hub.services", "Services"), ("search.search", "Search")],
    **{role: [("hub.content_health", "Content health")] for role in roles.STAFF_ROLES},
}
DASHBOARD = {
    role: [("hub.content_health", "Content health",
            "Pages due for review, broken links and how readable the young people's pages are.")]
    for role in roles.STAFF_ROLES
}


def init_app(app):
    from livesafe.hub.content import library_for

    library_for(app)  # parse content/ now, at start-up, never per request


from livesafe.hub import views  # noqa: E402,F401
