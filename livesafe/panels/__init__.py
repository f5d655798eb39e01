from flask import Blueprint

from livesafe.auth import roles

bp = Blueprint("panels", __name__)

class _OpenReports(str):
    """The moderation card's words, with the number of open reports worked out when the dashboard shows it."""

    def __str__(self):
        from livesafe.panels.logic import count_open_reports, open_appeals

        reports, appeals = count_open_reports(), len(open_appeals())
        return (f"{reports} open {'report' if reports == 1 else 'reports'} and {appeals} "
                f"{'appeal' if appeals == 1 else 'appeals'} to look at. Hidden content can be shown again.")

    def __html__(self):
        from markupsafe import escape

        return str(escape(str(self)))


_STAFF_NAV = [("panels.triage", "Panel feedback"), ("panels.manage", "Panels")]
_STAFF_CARDS = [
    ("panels.triage", "Panel feedback", "Triage scrutiny feedback: owners, deadlines, responses and overdue items."),
    ("panels.manage", "Panels and meetings", "Manage panels, their members, meetings and published notes."),
    ("panels.moderation", "Panel moderation", _OpenReports("Reports of abusive or off-topic content.")),
    ("panels.assets", "Local places", "Check and verify community assets before they go public."),
]

NAVIGATION = {
    None: [("panels.you_said_we_did", "You said, we did"), ("panels.local_places", "Local places")],
    roles.PANEL_MEMBER: [("panels.my_panels", "Your panels")],
    roles.STAFF: _STAFF_NAV,
    roles.ADMIN: _STAFF_NAV,
}
DASHBOARD = {
    roles.PANEL_MEMBER: [
        ("panels.my_panels", "Your panels", "Meetings, agendas and your panel's scrutiny feedback."),
        ("panels.new_feedback", "Raise feedback", "Tell the unit what you have seen and what you recommend."),
        ("panels.new_asset", "Add a local place", "Add a youth club, sports club, group or safe space to the map of local assets."),
    ],
    roles.STAFF: _STAFF_CARDS,
    roles.ADMIN: _STAFF_CARDS,
}



def init_app(app):
    import click

    @app.cli.command("panels-digest")
    def panels_digest():
        """E-mail followers who chose a weekly digest what happened on their items (run once a week)."""
        from livesafe.extensions import db
        from livesafe.panels.following import send_digests

        sent = send_digests()
        db.session.commit()  # a CLI command commits once, at its end
        click.echo(f"Queued {sent} weekly digest(s).")

    @app.cli.command("panels-search-index")
    def panels_search_index():
        """Write every published item's search entry again (after an upgrade, or to be sure)."""
        from livesafe.extensions import db
        from livesafe.panels.finding import rebuild_all

        found = rebuild_all()
        db.session.commit()
        click.echo(f"{found} published item(s) can be found.")


from livesafe.panels import permissions, views  # noqa: E402,F401
from livesafe.panels import paper_views, papers  # noqa: E402,F401
from livesafe.panels import accountability_views, finding, following  # noqa: E402,F401
from livesafe.panels import meeting_views, meetings  # noqa: E402,F401
