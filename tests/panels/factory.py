"""Building blocks for the panels tests: people, panels and feedback in a chosen state."""
import types
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from livesafe import clock
from livesafe.auth import roles
from livesafe.clock import to_london
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.panels import logic
from livesafe.panels.models import Feedback
from tests.helpers import PASSWORD

FIELDS = dict(
    title="Youth club closes early", concerns="other", areas=["leicester"], what_seen="Young people hang around the shops.",
    recommendation="Open later on Fridays.", urgency="medium", show_name=False,
)

# How to reach each state from a new draft: the actions of logic.FEEDBACK, in order.
PATHS = {
    logic.DRAFT: [],
    logic.RECEIVED: ["submit"],
    logic.UNDER_REVIEW: ["submit", "review"],
    logic.RESPONSE_PUBLISHED: ["submit", "review", "respond"],
    logic.ACTION_AGREED: ["submit", "review", "respond", "agree"],
    logic.DONE: ["submit", "review", "respond", "agree", "finish"],
    logic.NOT_TAKEN_FORWARD: ["submit", "decline"],
}
# What a person sends with each step (the table's guards need a response and a reason).
SENT = {"respond": {"response": "We will fund later opening."}, "decline": {"note": "Outside our remit."}}

# People beyond the demo accounts. panel@example.org is the City panel's first member.
EMAILS = {
    "admin": "admin@example.org", "staff": "staff@example.org", "assessor": "assessor@example.org",
    "applicant": "applicant@example.org", "member": "panel@example.org",
    "city2": "city2@example.org", "county": "county@example.org",
}


def user(key_or_email: str) -> User:
    email = EMAILS.get(key_or_email, key_or_email)
    return db.session.scalar(sa.select(User).where(User.email == email))


ROLES = {"admin": roles.ADMIN, "staff": roles.STAFF, "assessor": roles.ASSESSOR, "applicant": roles.APPLICANT,
         "member": roles.PANEL_MEMBER, "city2": roles.PANEL_MEMBER, "county": roles.PANEL_MEMBER}
NAMES = {"member": "Pat Member", "city2": "Casey City", "county": "Kim County", "staff": "Sam Staff"}
# Tests only: a fast hash instead of scrypt keeps hundreds of sign-ins quick; checking works the same way.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def add_user(email: str, role: str, name: str = "") -> User:
    person = User(email=email, role=role, name=name, password_hash=FAST_HASH)
    db.session.add(person)
    db.session.flush()
    return person


def build_world() -> types.SimpleNamespace:
    """Everyone in EMAILS; City panel (panel@ and city2@), County panel (county@). Call inside an app context."""
    for key, email in EMAILS.items():
        add_user(email, ROLES[key], NAMES.get(key, ""))
    staff = user("staff")
    city = logic.create_panel("City panel", "Leicester", staff)
    county = logic.create_panel("County panel", "The districts", staff)
    for panel, key in ((city, "member"), (city, "city2"), (county, "county")):
        logic.add_member(panel, EMAILS[key], staff)
    db.session.commit()
    return types.SimpleNamespace(city=city.id, county=county.id)


def feedback_in(state: str, panel_id: int, author="member", actor="staff", now=None, **fields) -> Feedback:
    """A feedback item moved along the workflow to `state`."""
    from livesafe.panels.models import Panel

    item = logic.start_draft(db.session.get(Panel, panel_id), user(author), **{**FIELDS, **fields})
    for action in PATHS[state]:
        who = user(author) if action == "submit" else user(actor)
        if action == "respond" and item.owner_id is None:
            # An answered item gets an owner and a deadline, so it can be accepted (agreed) later.
            due = (to_london(now) if now else clock.to_london(clock.utcnow())).date() + timedelta(days=28)
            logic.assign(item, user("staff").id, due, user("staff"))
        logic.move(item, action, who, now=now, **SENT.get(action, {}))
    db.session.flush()
    return item


def published(panel_id: int, author="member", **fields) -> Feedback:
    item = feedback_in(logic.RESPONSE_PUBLISHED, panel_id, author, **fields)
    logic.set_public(item, True, user("staff"))
    db.session.flush()
    return item
