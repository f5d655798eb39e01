"""Who may do what with the partnership's data (the kernel's permission registry).

Staff and admins manage the data (organisations, invitations, uploads, publishing) and see the dashboard.
A partner sees the dashboard and its exports only, and only while their account belongs to an organisation.
"""
from livesafe.auth import roles
from livesafe.kernel.permissions import allow, deny, rule, signed_in


def _staff(user) -> bool:
    return signed_in(user) and user.role in roles.STAFF_ROLES


@rule("partners.view")
def view(user, obj=None):
    if _staff(user):
        return allow
    if signed_in(user) and user.role == roles.PARTNER:
        from livesafe.partners.logic import account_of

        if account_of(user) is None:
            return deny("Your account is not linked to a partner organisation. Ask the unit's staff to add it.")
        return allow
    return deny("The partnership dashboard is for the unit's staff and its core partners.")


@rule("partners.manage")
def manage(user, obj=None):
    return allow if _staff(user) else deny("Only the unit's staff manage the partnership's data.")
