"""The permissions matrix: for every route, which roles may use it.

PUBLIC: anyone, signed in or not. A set of roles: only those roles (signed-out visitors are sent
to sign in, other roles get 403). A route missing from this table fails the gate.
"""
from livesafe.auth.roles import ADMIN, ALL, APPLICANT, ASSESSOR, PANEL_MEMBER, STAFF  # noqa: F401

PUBLIC = "public"
SIGNED_IN = frozenset(ALL)
STAFF_ONLY = frozenset({STAFF, ADMIN})
ADMIN_ONLY = frozenset({ADMIN})

TABLE = {
    # site and hub
    "hub.home": PUBLIC,
    "hub.get_help": PUBLIC,
    "hub.audience": PUBLIC,
    "hub.topics": PUBLIC,
    "hub.topic": PUBLIC,
    "hub.article": PUBLIC,
    "hub.services": PUBLIC,
    "hub.events": PUBLIC,
    "hub.events_ics": PUBLIC,
    "hub.event_booking": PUBLIC,
    "hub.campaigns": PUBLIC,
    "hub.campaign": PUBLIC,
    "hub.content_health": STAFF_ONLY,
    "search.search": PUBLIC,
    "site.privacy": PUBLIC,
    "site.accessibility": PUBLIC,
    "site.staying_private": PUBLIC,
    # accounts
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.register": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.accept_invite": PUBLIC,
    "auth.confirm": PUBLIC,
    "auth.login_code": PUBLIC,
    "auth.change_password": SIGNED_IN,
    "auth.two_factor": STAFF_ONLY,
    "auth.recovery_codes": STAFF_ONLY,
    "auth.two_factor_off": STAFF_ONLY,
    "auth.dashboard": SIGNED_IN,
    "auth.users": ADMIN_ONLY,
    "auth.invite": ADMIN_ONLY,
    "auth.user": ADMIN_ONLY,
    "auth.set_active": ADMIN_ONLY,
    "auth.resend_invite": ADMIN_ONLY,
    "auth.audit": ADMIN_ONLY,
    "auth.clear_two_factor": ADMIN_ONLY,
    "auth.two_factor_policy": ADMIN_ONLY,
    # community grants (applicants: object-level checks keep each organisation to its own applications)
    "grants.invite_member": frozenset({APPLICANT}),
    "grants.invitation": frozenset({APPLICANT}),
    "grants.leave_organisation": frozenset({APPLICANT}),
    "grants.application": frozenset({APPLICANT, STAFF, ADMIN}),
    "grants.application_state": STAFF_ONLY,
    "grants.applications": frozenset({APPLICANT}),
    "grants.apply": frozenset({APPLICANT}),
    "grants.assessment": frozenset({ASSESSOR, PANEL_MEMBER}),
    "grants.assessments": frozenset({ASSESSOR, PANEL_MEMBER}),
    "grants.autosave": frozenset({APPLICANT}),
    "grants.check": frozenset({APPLICANT}),
    "grants.conflict": frozenset({ASSESSOR, PANEL_MEMBER}),
    "grants.decision": STAFF_ONLY,
    "grants.edit_round": STAFF_ONLY,
    "grants.export_applications": STAFF_ONLY,
    "grants.export_giving_csv": STAFF_ONLY,
    "grants.export_giving_json": STAFF_ONLY,
    "grants.funding": PUBLIC,
    "grants.moderation": STAFF_ONLY,
    "grants.monitoring_return": frozenset({APPLICANT, STAFF, ADMIN}),
    "grants.new_round": STAFF_ONLY,
    "grants.organisation": frozenset({APPLICANT}),
    "grants.report": STAFF_ONLY,
    "grants.round": STAFF_ONLY,
    "grants.round_assessors": STAFF_ONLY,
    "grants.round_report": STAFF_ONLY,
    "grants.round_status": STAFF_ONLY,
    "grants.rounds": STAFF_ONLY,
    "grants.section": frozenset({APPLICANT}),
    "grants.submit": frozenset({APPLICANT}),
    "grants.withdraw": frozenset({APPLICANT}),
    # surveys (answering needs no account; results are staff only, raw responses admin only)
    "surveys.delete_answer": STAFF_ONLY,
    "surveys.delete_day": STAFF_ONLY,
    "surveys.export_responses": ADMIN_ONLY,
    "surveys.export_results": STAFF_ONLY,
    "surveys.free_text": STAFF_ONLY,
    "surveys.index": PUBLIC,
    "surveys.intro": PUBLIC,
    "surveys.manage": STAFF_ONLY,
    "surveys.page": PUBLIC,
    "surveys.settings": STAFF_ONLY,
    "surveys.test_response": STAFF_ONLY,
    "surveys.thanks": PUBLIC,
    "surveys.wave": STAFF_ONLY,
    "surveys.wave_results": STAFF_ONLY,
    "surveys.wave_status": STAFF_ONLY,
    # community panels (members: object-level checks keep each panel's items to its members)
    "panels.add_meeting": STAFF_ONLY,
    "panels.add_member": STAFF_ONLY,
    "panels.assets": frozenset({PANEL_MEMBER, STAFF, ADMIN}),
    "panels.comment": SIGNED_IN,
    "panels.dismiss": STAFF_ONLY,
    "panels.edit_feedback": frozenset({PANEL_MEMBER}),
    "panels.feedback": SIGNED_IN,
    "panels.hide": STAFF_ONLY,
    "panels.local_place": PUBLIC,
    "panels.local_places": PUBLIC,
    "panels.manage": STAFF_ONLY,
    "panels.manage_panel": STAFF_ONLY,
    "panels.meeting": frozenset({PANEL_MEMBER, STAFF, ADMIN}),
    "panels.meeting_note": STAFF_ONLY,
    "panels.moderation": STAFF_ONLY,
    "panels.my_panels": frozenset({PANEL_MEMBER, STAFF, ADMIN}),
    "panels.new_asset": frozenset({PANEL_MEMBER, STAFF, ADMIN}),
    "panels.new_feedback": frozenset({PANEL_MEMBER}),
    "panels.panel": frozenset({PANEL_MEMBER, STAFF, ADMIN}),
    "panels.remove_member": STAFF_ONLY,
    "panels.report_comment": SIGNED_IN,
    "panels.report_feedback": SIGNED_IN,
    "panels.support": frozenset({PANEL_MEMBER}),
    "panels.triage": STAFF_ONLY,
    "panels.triage_item": STAFF_ONLY,
    "panels.triage_publish": STAFF_ONLY,
    "panels.triage_state": STAFF_ONLY,
    "panels.verify_asset": STAFF_ONLY,
    "panels.you_said_we_did": PUBLIC,
    # Last, because it ends the session of whoever tries it.
    "site.quick_exit": PUBLIC,
}

def _thanks_page():
    """The thank-you page of the first open survey wave (reached only by answering)."""
    import sqlalchemy as sa

    from livesafe.extensions import db
    from livesafe.surveys.models import SurveyWave

    return f"/surveys/{db.session.scalars(sa.select(SurveyWave.slug).order_by(SurveyWave.id)).first()}/thanks"


# Routes the walk cannot reach (links in e-mails, buttons the demo data does not show): how to try
# them. A callable URL is worked out in the demo app's context.
SAMPLES = {
    "surveys.thanks": ("GET", _thanks_page),
    "auth.reset_password": ("GET", "/password/reset/not-a-real-token"),
    "auth.accept_invite": ("GET", "/invite/not-a-real-token"),
    "auth.logout": ("POST", "/logout"),
    "auth.confirm": ("GET", "/account/confirm/not-a-real-token"),
    "auth.login_code": ("GET", "/login/code"),
    "auth.recovery_codes": ("POST", "/account/two-factor/codes"),
    "auth.two_factor_off": ("POST", "/account/two-factor/off"),
    "hub.events_ics": ("GET", "/events.ics"),
    "site.quick_exit": ("GET", "/exit"),
    "auth.resend_invite": ("POST", "/admin/users/1/resend-invite"),
    "auth.clear_two_factor": ("POST", "/admin/users/1/two-factor/clear"),
    "grants.submit": ("POST", "/grants/applications/1/submit"),
    "grants.invitation": ("GET", "/grants/invitations/not-a-real-token"),
    "panels.dismiss": ("POST", "/panels/reports/1/dismiss"),
    "panels.hide": ("POST", "/panels/reports/1/hide"),
}
