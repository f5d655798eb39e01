"""Who may do what in community grants: every grants rule, registered once with the kernel.

Views use `can` (and templates, to show a button), logic and `apply()` use `require`; nothing else
decides. `roles_required` on each route stays the coarse gate (tests/gates/permissions_table.py).
"""
import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.grants.logic import ASSESSED
from livesafe.grants.models import ApplicationAssessor
from livesafe.kernel.permissions import allow, deny, rule, signed_in

ASSESSORS = (roles.ASSESSOR, roles.PANEL_MEMBER)


def is_staff(user) -> bool:
    return signed_in(user) and user.role in roles.STAFF_ROLES


def is_member(user, organisation_id: int) -> bool:
    """Is this user an applicant in the organisation, acting for it now? A person in several organisations
    works for the one they chose (organisations.py); the others' applications wait until they switch."""
    from livesafe.grants.organisations import acting_organisation_id

    return signed_in(user) and user.role == roles.APPLICANT and acting_organisation_id(user) == organisation_id


def is_assigned(user, application_id: int) -> bool:
    """Assigned to this application (assignment.py): being in a round's pool shows nothing by itself."""
    return signed_in(user) and user.role in ASSESSORS and db.session.scalar(
        sa.select(ApplicationAssessor.id).where(ApplicationAssessor.application_id == application_id,
                                                ApplicationAssessor.user_id == user.id)) is not None


NOT_YOURS = ("This application belongs to another organisation. If you are a member of it, choose it under "
             "\"Acting for\" first.")
STAFF_ONLY = "Only Violence Reduction Network staff can do that."


def _member_rule(reason: str):
    def check(user, application):
        return allow if is_member(user, application.organisation_id) else deny(reason)
    return check


def _staff_rule(user, obj):
    return allow if is_staff(user) else deny(STAFF_ONLY)


@rule("grants.see_application")
def see_application(user, application):
    return allow if is_staff(user) or is_member(user, application.organisation_id) else deny(NOT_YOURS)


rule("grants.edit_application")(_member_rule(NOT_YOURS))
rule("grants.submit")(_member_rule("Only members of the organisation can send its application."))
rule("grants.withdraw")(_member_rule("Only members of the organisation can withdraw its application."))
# Staff steps: marking ineligible, awarding and declining; agreement signed and grant closed; the round's own steps.
rule("grants.decide")(_staff_rule)
rule("grants.monitor")(_staff_rule)
rule("grants.manage_round")(_staff_rule)
# Choosing a round's assessors and assigning them to applications.
rule("grants.assign")(_staff_rule)
# Changing e-mail wording (texts.py) and a round's extra questions.
rule("grants.edit_texts")(_staff_rule)


@rule("grants.assess")
def assess(user, application):
    """Assessors and panel members see (and score) only the applications assigned to them, once assessed."""
    if application.state in ASSESSED and is_assigned(user, application.id):
        return allow
    return deny("This application is not assigned to you.")


@rule("grants.send_return")
def send_return(user, monitoring_return):
    if is_member(user, monitoring_return.application.organisation_id):
        return allow
    return deny("Only members of the funded organisation can send its monitoring returns.")


# ---------------------------------------------------------------- issue 14: the lifecycle

rule("grants.request_info")(_staff_rule)


def _member_sending_back(into_assessment: bool):
    """A returned application goes back where its round is: into assessment once the round is assessed."""
    def check(user, application):
        if not is_member(user, application.organisation_id):
            return deny("Only members of the organisation can send its application back.")
        if (application.round.status == "assessment") != into_assessment:
            return deny("This application goes back into assessment." if not into_assessment
                        else "This application goes back with the applications sent to the round.")
        return allow
    return check


rule("grants.resubmit")(_member_sending_back(into_assessment=False))
rule("grants.resubmit_for_assessment")(_member_sending_back(into_assessment=True))
rule("grants.accept_agreement")(_member_rule("Only members of the funded organisation can accept its grant agreement."))
rule("grants.record_payment")(_staff_rule)
