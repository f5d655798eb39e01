"""Two-stage rounds (issue 14, point 2): a short expression of interest first, then shortlisting, then the
full application.

In a round with `two_stage` set, a new application starts as an expression of interest (EOI): only the
"Your project" section (title, summary, activities, where and when) can be filled. The group sends it
(`send_eoi`); staff shortlist it (`shortlist`: it becomes a draft of the full application, with the project
section already done) or not (`not_shortlist`). The state changes are rows of `logic.APPLICATION`.
"""
from livesafe.grants import logic
from livesafe.kernel import Conflict, RuleError, Step, apply

EOI_SECTIONS = ("project",)


def first_state(grant_round) -> str:
    return logic.EOI if grant_round.two_stage else logic.DRAFT


def guard_send(step: Step) -> None:
    application, grant_round = step.obj, step.obj.round
    if step.now >= grant_round.closes_at or grant_round.status != "open":
        raise Conflict(f"{grant_round.name} is closed, so we cannot accept your expression of interest. "
                       "Your answers are saved.")
    problems = [title for key, title, _ in logic.answer_problems(application) if key in EOI_SECTIONS]
    if problems:
        raise RuleError("Complete “Your project” before you send your expression of interest.")
    from livesafe.grants import documents

    documents.check_required(application)


def sent(step: Step) -> dict:
    return {"submitted_at": step.now, "updated_at": step.now}


def tell_shortlisted(step: Step) -> None:
    application = step.obj
    step.values["told"] = logic.tell(
        application.organisation_id, f"You are shortlisted: {application.title}",
        f"Thank you for your expression of interest in {application.round.name}. We would like you to send a full "
        f"application for “{application.title}”.\n\nWhat happens next: sign in to Live Safe and complete the other "
        f"sections. Your project section is already done. The round closes on "
        f"{application.round.closes_at:%d %B %Y}.")


def tell_not_shortlisted(step: Step) -> None:
    application = step.obj
    step.values["told"] = logic.tell(
        application.organisation_id, f"Your expression of interest: {application.title}",
        f"Thank you for your expression of interest in {application.round.name}. We are sorry that we cannot "
        "shortlist it this time.\n\nWhat happens next: you are welcome to ask us for feedback and to apply to "
        "a future round.")


def shortlist(application, action: str, actor) -> int:
    """Staff shortlist an expression of interest (action "shortlist": it becomes a draft of the full
    application) or not ("not_shortlist"); how many people were told."""
    return apply(logic.APPLICATION, application, action, actor).values.get("told", 0)
