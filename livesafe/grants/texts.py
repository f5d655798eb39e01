"""E-mail texts staff can change: one template per message type, with placeholders.

A template is plain text with placeholders written `{{ name }}`. Only the placeholders listed for its message
type exist; anything else in double braces is refused (422) with the list of those that do. Rendering is one
pass of substitution: a value (an application title, say) is put in as it is and never read as a template,
so "{{ link }}" typed into a title stays those characters. E-mails are plain text; the preview page shows
them escaped. Subjects are one line (the mail queue also makes them header-safe).

Until staff change a message, the default below is used: the wording the site always had.
"""
import re
from dataclasses import dataclass

import sqlalchemy as sa

from livesafe.audit.logic import record
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.grants.models import MessageTemplate
from livesafe.kernel import RuleError, require

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
BRACES = re.compile(r"\{\{|\}\}")
SUBJECT_MAX = 200  # MessageTemplate.subject's length
BODY_MAX = 10_000


@dataclass(frozen=True)
class Message:
    key: str
    label: str
    when: str
    placeholders: dict  # name -> what it is
    subject: str
    body: str
    sample: dict        # values for the preview


_COMMON = {"title": "the application's title", "round": "the grant round's name", "organisation": "the group's name"}
_SAMPLE = {"title": "Friday night football", "round": "Community grants 2027", "organisation": "Riverside Youth Club"}

MESSAGES = {m.key: m for m in (
    Message("submitted", "Application received", "when a group sends its application",
            {**_COMMON, "submitted_at": "when it was sent", "closes_at": "when the round closes"},
            "We have your application: {{ title }}",
            "Thank you. We received your application “{{ title }}” to {{ round }} on {{ submitted_at }}.\n\n"
            "What happens next: after the round closes on {{ closes_at }}, staff and community panel members assess "
            "every application. We will e-mail you when a decision is made. You can see where your application is at "
            "any time by signing in to Live Safe.",
            {**_SAMPLE, "submitted_at": "3 March 2027 at 14:05", "closes_at": "31 March 2027 at 17:00"}),
    Message("ineligible", "Not eligible", "when staff mark a sent application as not eligible", dict(_COMMON),
            "Your application: {{ title }}",
            "Thank you for applying to {{ round }} for “{{ title }}”. When we checked it against the round's rules we "
            "found it is not eligible, so it will not be assessed.\n\nWhat happens next: if you would like to know "
            "why, or think we have made a mistake, reply to this e-mail. You are welcome to apply to a future round.",
            dict(_SAMPLE)),
    Message("awarded", "Grant awarded", "when staff award a grant",
            {**_COMMON, "amount": "the amount awarded", "reason": "the reason staff gave"},
            "Good news: a grant for {{ title }}",
            "We are pleased to offer {{ organisation }} a grant of {{ amount }} from {{ round }} for “{{ title }}”.\n\n"
            "Why: {{ reason }}\n\nWhat happens next: we will send you a grant agreement to sign within two weeks. Once "
            "it is signed we pay the grant into your group's bank account. We will also offer you a mentor from our "
            "community development team. You will report on your work in short monitoring returns; the dates are "
            "shown when you sign in to Live Safe.",
            {**_SAMPLE, "amount": "£2,000.00", "reason": "A clear need and a strong plan."}),
    Message("declined", "Not funded", "when staff decline an application",
            {**_COMMON, "reason": "the reason staff gave"},
            "Your application: {{ title }}",
            "Thank you for applying to {{ round }} for “{{ title }}”. We are sorry that we cannot fund it this time.\n\n"
            "Why: {{ reason }}\n\nWhat happens next: you are welcome to ask us for feedback and to apply to a future "
            "round. Open rounds are listed on the Live Safe funding page.",
            {**_SAMPLE, "reason": "Other applications met the criteria more closely."}),
    Message("more_info", "More information requested", "when staff return an application to the group to change",
            {**_COMMON, "what_to_change": "what staff asked the group to change"},
            "Your application: {{ title }}: we need more information",
            "We have looked at your application “{{ title }}” to {{ round }} and need you to change some of it before we "
            "can go on.\n\nWhat to change: {{ what_to_change }}\n\nWhat happens next: sign in to Live Safe, change what "
            "we asked for and send the application again. Nothing else in it can change.",
            {**_SAMPLE, "what_to_change": "Please say how many sessions the budget pays for."}),
    Message("invitation", "Invitation to join a group", "when a member invites someone to their group",
            {"inviter": "the name of the person inviting", "organisation": "the group's name",
             "days": "how many days the link works", "link": "the link to accept or decline"},
            "Invitation to join {{ organisation }} on Live Safe",
            "{{ inviter }} has invited your Live Safe account to join {{ organisation }}, so you can see and work on its "
            "grant applications together.\n\nTo accept or decline, sign in and open this link within {{ days }} day(s):\n"
            "{{ link }}\n\nNothing changes unless you accept. If you do not know this group, ignore this e-mail.",
            {"inviter": "Sam Patel", "organisation": "Riverside Youth Club", "days": "7",
             "link": "https://livesafe.example/grants/invitations/example"}),
    Message("member_removed", "Removed from a group", "when a group's lead removes someone from it",
            {"organisation": "the group's name"},
            "You are no longer in {{ organisation }} on Live Safe",
            "A lead of {{ organisation }} has removed your Live Safe account from the group, so you can no longer see "
            "or work on its grant applications.\n\nWhat happens next: nothing else changes for your account, or for any "
            "other group you belong to. If you think this is a mistake, contact {{ organisation }}.",
            {"organisation": "Riverside Youth Club"}),
    Message("made_lead", "Made a lead of a group", "when a group's lead makes another member a lead",
            {"organisation": "the group's name"},
            "You are now a lead of {{ organisation }} on Live Safe",
            "A lead of {{ organisation }} has made you a lead of the group on Live Safe. As a lead you can make other "
            "members leads and remove people from the group.\n\nWhat happens next: nothing you need to do. You can "
            "step down as lead on your organisation's page while another lead remains.",
            {"organisation": "Riverside Youth Club"}),
)}


def message(key: str) -> Message:
    if key not in MESSAGES:
        raise RuleError("There is no such message.", field=None)
    return MESSAGES[key]


def stored(key: str) -> MessageTemplate | None:
    return db.session.scalar(sa.select(MessageTemplate).where(MessageTemplate.key == key))


def current(key: str) -> tuple[str, str]:
    """The wording in force: staff's, or the default."""
    found = stored(key)
    return (found.subject, found.body) if found else (MESSAGES[key].subject, MESSAGES[key].body)


def problems(key: str, subject: str, body: str) -> list[tuple[str, str]]:
    """What is wrong with a template: [(field, message)]; empty when it can be saved."""
    allowed = MESSAGES[key].placeholders
    found = []
    for name, text, limit in (("subject", subject, SUBJECT_MAX), ("body", body, BODY_MAX)):
        if not text.strip():
            found.append((name, f"Enter the {name}"))
            continue
        if len(text) > limit:
            found.append((name, f"The {name} must be {limit} characters or fewer"))
        unknown = sorted({m for m in PLACEHOLDER.findall(text) if m not in allowed})
        if unknown:
            found.append((name, "Unknown placeholder " + ", ".join("{{ " + u + " }}" for u in unknown)
                          + ". You can use: " + ", ".join("{{ " + a + " }}" for a in allowed)))
        elif BRACES.search(PLACEHOLDER.sub("", text)):
            found.append((name, "Write each placeholder as {{ name }}, with two braces on each side"))
    if "\n" in subject or "\r" in subject:
        found.append(("subject", "The subject must be a single line"))
    return found


def fill(text: str, values: dict) -> str:
    """One pass of substitution: values go in as they are and are never read as placeholders themselves."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)


def render(key: str, values: dict, subject: str | None = None, body: str | None = None) -> tuple[str, str]:
    """(subject, body) for a message, from the wording in force (or the wording given, for a preview)."""
    if subject is None or body is None:
        subject, body = current(key)
    # A value put into the subject cannot make it two lines.
    one_line = {k: " ".join(str(v).split()) for k, v in values.items()}
    return fill(subject, one_line), fill(body, values)


def save(key: str, subject: str, body: str, actor) -> MessageTemplate:
    require("grants.edit_texts", actor, None)
    message(key)
    found = problems(key, subject, body)
    if found:
        field, text = found[0]
        raise RuleError(text, field=field)
    row = stored(key)
    if row is None:
        row = MessageTemplate(key=key)
        db.session.add(row)
    row.subject, row.body, row.updated_at, row.updated_by_id = subject.strip(), body.strip(), utcnow(), actor.id
    db.session.flush()
    record(actor, "grant_message.changed", row, after={"key": key})
    return row


def reset(key: str, actor) -> None:
    """Go back to the default wording."""
    require("grants.edit_texts", actor, None)
    message(key)
    row = stored(key)
    if row is not None:
        db.session.delete(row)
        record(actor, "grant_message.reset", row, after={"key": key})
        db.session.flush()
