"""Who may do what in the panels: every rule registered once with the kernel's `@rule`.

Views call `require(...)` (a refusal is a 403 with the reason), templates call `can(...)` to show or
hide a button, logic calls `require(...)` before it changes anything, and the feedback workflow's
transitions name these rules as their permissions. `roles_required` on the routes stays the coarse gate.
"""
import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.kernel.permissions import allow, deny, rule, signed_in
from livesafe.panels.models import PanelMember

DRAFT = "draft"
ANSWERED = ("response_published", "action_agreed", "done", "not_taken_forward")


def is_member(panel_id: int, user) -> bool:
    if not signed_in(user):
        return False
    return db.session.scalar(
        sa.select(PanelMember.id).where(PanelMember.panel_id == panel_id, PanelMember.user_id == user.id)
    ) is not None


def _staff(user) -> bool:
    return signed_in(user) and user.is_staff


def is_public(feedback) -> bool:
    return feedback.public and feedback.hidden_at is None and feedback.state in ANSWERED


@rule("panels.see_panel")
def see_panel(user, panel):
    if _staff(user) or is_member(panel.id, user):
        return allow
    return deny("Only the panel's members and staff can see this panel.")


@rule("panels.manage")
def manage(user, obj=None):
    """Create panels, add and remove members, add meetings, publish meeting notes."""
    return allow if _staff(user) else deny("Only staff manage panels and meetings.")


@rule("panels.add_agenda_item")
def add_agenda_item(user, meeting):
    if _staff(user) or is_member(meeting.panel_id, user):
        return allow
    return deny("Only the panel's members and staff add agenda items.")


@rule("panels.start_feedback")
def start_feedback(user, panel):
    if signed_in(user) and is_member(panel.id, user):
        return allow
    return deny("Only the panel's members raise feedback in it.")


@rule("panels.edit_draft")
def edit_draft(user, feedback):
    if signed_in(user) and feedback.author_id == user.id:
        return allow
    return deny("Only the author changes their draft.")


@rule("panels.submit_feedback")
def submit_feedback(user, feedback):
    """The author submits, and only while still a member of the panel (a removed member cannot)."""
    if not (signed_in(user) and feedback.author_id == user.id):
        return deny("Only the author submits their feedback.")
    if not is_member(feedback.panel_id, user):
        return deny("You are no longer a member of this panel, so you cannot submit feedback to it. "
                    "Your draft is kept; ask the Live Safe team if you think this is a mistake.")
    return allow


@rule("panels.view_feedback")
def view_feedback(user, feedback):
    """Drafts are the author's alone; hidden items the author's and staff's; the rest the panel's and staff's."""
    if not signed_in(user):
        return deny("Sign in to see panel feedback.")
    if feedback.author_id == user.id:
        return allow
    if feedback.state == DRAFT:
        return deny("Drafts are seen only by their author.")
    if user.is_staff:
        return allow
    if feedback.hidden_at is None and is_member(feedback.panel_id, user):
        return allow
    return deny("Only the panel's members and staff can see this item.")


@rule("panels.support")
def support(user, feedback):
    if not (signed_in(user) and user.role == roles.PANEL_MEMBER):
        return deny("Only panel members support items.")
    if feedback.state == DRAFT or feedback.hidden_at is not None:
        return deny("This item cannot be supported.")
    if feedback.author_id == user.id:
        return deny("You raised this item, so you cannot support it too.")
    if not is_member(feedback.panel_id, user):
        return deny("Only other members of the panel support an item.")
    return allow


@rule("panels.comment")
def comment(user, feedback):
    if not signed_in(user) or feedback.state == DRAFT or feedback.hidden_at is not None:
        return deny("Comments cannot be added to this item.")
    if user.is_staff or is_member(feedback.panel_id, user):
        return allow
    return deny("Only the panel's members and staff comment.")


@rule("panels.report")
def report(user, feedback):
    """Anyone signed in reports what they can see: their panel's items, or a published item."""
    if not signed_in(user) or feedback.hidden_at is not None:
        return deny("You can only report what you can see.")
    if view_feedback(user, feedback) or is_public(feedback):
        return allow
    return deny("You can only report what you can see.")


@rule("panels.report_comment")
def report_comment(user, comment):
    """Comments are the panel's: only those who see the item itself report one."""
    if comment.hidden_at is not None or comment.feedback.hidden_at is not None:
        return deny("You can only report what you can see.")
    if signed_in(user) and view_feedback(user, comment.feedback):
        return allow
    return deny("Comments are only seen by the panel's members and staff.")


@rule("panels.triage")
def triage(user, feedback=None):
    """Move feedback through its review, assign owners and deadlines, publish on "You said, we did"."""
    if not _staff(user):
        return deny("Only staff move feedback through its review.")
    if feedback is not None and feedback.state == DRAFT:
        return deny("Drafts are private to their author.")
    return allow


@rule("panels.moderate")
def moderate(user, obj=None):
    return allow if _staff(user) else deny("Only staff moderate.")


@rule("panels.add_asset")
def add_asset(user, obj=None):
    if _staff(user) or (signed_in(user) and user.role == roles.PANEL_MEMBER):
        return allow
    return deny("Panel members and staff add local places.")


@rule("panels.verify_asset")
def verify_asset(user, asset=None):
    return allow if _staff(user) else deny("Only staff verify local places.")


def _thing_author_id(thing):
    return getattr(thing, "author_id", None) or getattr(thing, "added_by_id", None)


@rule("panels.edit_asset")
def edit_asset(user, asset):
    """Staff correct a place at any time; the member who added it, until it is verified."""
    if _staff(user):
        return allow
    if signed_in(user) and asset.added_by_id == user.id and asset.state != "verified":
        return allow
    return deny("Only staff, or the member who added it before it is verified, change a local place.")


@rule("panels.confirm_contact")
def confirm_contact(user, asset):
    if signed_in(user) and asset.added_by_id == user.id:
        return allow
    return deny("Only the member who added the place confirms its contact details.")


@rule("panels.redact")
def redact(user, target=None):
    """Staff cut words from what the public and other members see (the original stays for the author)."""
    if not _staff(user):
        return deny("Only staff redact text.")
    if getattr(target, "state", None) == DRAFT:
        return deny("Drafts are private to their author.")
    return allow


@rule("panels.name_consent")
def name_consent(user, feedback):
    if signed_in(user) and feedback.author_id == user.id and feedback.state != DRAFT:
        return allow
    return deny("Only the author changes whether their name is shown.")


@rule("panels.report_agenda_item")
def report_agenda_item(user, item):
    if not signed_in(user) or item.hidden_at is not None:
        return deny("You can only report what you can see.")
    if _staff(user) or is_member(item.meeting.panel_id, user) or item.meeting.note_public_at is not None:
        return allow
    return deny("You can only report what you can see.")


@rule("panels.report_asset")
def report_asset(user, asset):
    if signed_in(user) and asset.verified_at is not None and asset.hidden_at is None:
        return allow
    return deny("You can only report a place that is in the public list.")


@rule("panels.appeal")
def appeal(user, thing):
    if not signed_in(user) or _thing_author_id(thing) != user.id:
        return deny("Only the person who wrote it appeals.")
    if thing.hidden_at is None:
        return deny("This is not hidden.")
    return allow


@rule("panels.decide_appeal")
def decide_appeal(user, appeal_row=None):
    """An appeal goes to a different member of staff from the one who hid the thing."""
    if not _staff(user):
        return deny("Only staff decide appeals.")
    if appeal_row is not None and appeal_row.hidden_by_id == user.id:
        return deny("You hid this, so another member of staff decides the appeal.")
    return allow
