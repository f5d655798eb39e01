from flask import Blueprint

from livesafe.auth import roles

bp = Blueprint("grants", __name__)

# Header links and dashboard cards per role (see livesafe/site/templating.py).
NAVIGATION = {
    None: [("grants.funding", "Funding")],
    roles.APPLICANT: [("grants.applications", "Your applications")],
    roles.ASSESSOR: [("grants.assessments", "Assessments")],
    roles.PANEL_MEMBER: [("grants.assessments", "Assessments")],
    roles.STAFF: [("grants.rounds", "Grant rounds")],
    roles.ADMIN: [("grants.rounds", "Grant rounds")],
}
_STAFF_CARDS = [
    ("grants.rounds", "Grant rounds", "Open and close rounds, assign assessors, moderate scores and record decisions."),
    ("grants.texts_list", "E-mail wording", "Change what the e-mails to groups say: received, not eligible, awarded, declined, invitations."),
    ("grants.report", "Grants dashboard", "Applications, money committed and paid, and what the grants achieved, across rounds."),
]
DASHBOARD = {
    roles.APPLICANT: [
        ("grants.applications", "Your grant applications", "Apply for a community grant, see where your application is, and report on funded work."),
        ("grants.organisation", "Your organisation", "Your group's details, and who else in your group can apply."),
    ],
    roles.ASSESSOR: [("grants.assessments", "Assessments", "Score the grant applications assigned to you.")],
    roles.PANEL_MEMBER: [("grants.assessments", "Grant assessments", "Score grant applications you have been asked to assess.")],
    roles.STAFF: _STAFF_CARDS,
    roles.ADMIN: _STAFF_CARDS,
}


def init_app(app):
    @app.cli.command("grants-remind")
    def grants_remind():
        """Queue one reminder for each overdue monitoring return (safe to run often)."""
        import click

        from livesafe.grants.monitoring import remind_overdue

        from livesafe.extensions import db

        sent = remind_overdue()
        db.session.commit()  # a CLI command commits once, at its end
        click.echo(f"Queued reminders for {sent} overdue monitoring return(s).")


from livesafe.grants import permissions, views, views_assignment, views_texts  # noqa: E402,F401
from livesafe.grants import document_views, documents  # noqa: E402,F401
from livesafe.grants import views_monitoring  # noqa: E402,F401
from livesafe.grants import organisation_views, question_views  # noqa: E402,F401
