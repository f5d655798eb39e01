"""Who may do what with surveys: the rules views, templates (`can(...)`) and logic all ask.

Answering needs no account and no rule: it is open to everyone while a wave takes answers.
Staff run waves and read the published results; only admins download the raw responses.
"""
from livesafe.auth import roles
from livesafe.kernel.permissions import allow, deny, rule, signed_in


def _staff(user) -> bool:
    return signed_in(user) and user.role in roles.STAFF_ROLES


def _staff_rule(reason: str):
    def check(user, obj=None):
        return allow if _staff(user) else deny(reason)

    return check


# Create waves, open, close and reopen them, and try them with a test response.
rule("surveys.manage_wave")(_staff_rule("Only Live Safe staff can run survey waves."))
# Results, breakdowns, comparisons, free text and the results CSV (published figures only).
rule("surveys.see_results")(_staff_rule("Only Live Safe staff can see survey results."))
# Delete junk or flood responses (audited, with a reason).
rule("surveys.clean")(_staff_rule("Only Live Safe staff can delete survey responses."))
# Build and translate survey definitions (versions), import and export them as YAML.
rule("surveys.build")(_staff_rule("Only Live Safe staff can build surveys."))
# Schools and settings and their codes.
rule("surveys.manage_settings")(_staff_rule("Only Live Safe staff can add schools and settings."))


@rule("surveys.export")
def export(user, wave=None):
    """The raw anonymised responses: admins only (every download is audited)."""
    if signed_in(user) and user.role == roles.ADMIN:
        return allow
    return deny("Only admins can download the anonymised responses.")
