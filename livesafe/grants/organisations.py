"""A person in several organisations: which one they act for, starting another, and leads removing members.

A person may belong to more than one organisation. In a request they act for one of them at a time: the
one chosen with the switcher (kept in the session), or else the one they joined first. Every grants page and
rule asks `acting_organisation_id`, which only ever answers an organisation the person is a member of now, so
a tampered form or session, or a membership that has just ended, can never let them act for another.

Leads: whoever starts an organisation is its lead; a lead may remove members. An organisation with members
always keeps a lead: removing the last one is refused, and when the last lead leaves, the longest-standing
member becomes lead. Removal locks the organisation row, so two leads removing each other at once take turns
and the second finds they are no longer a lead.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context, session
from sqlalchemy.orm import selectinload

from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.grants.models import Organisation, OrganisationMember
from livesafe.kernel import Conflict, Refused
from livesafe.kernel.workflow import lock

SESSION_KEY = "grants_acting_for"
NOT_A_MEMBER = "You can only act for an organisation you belong to."


def _chosen() -> int | None:
    if not has_request_context():
        return None
    value = session.get(SESSION_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def acting_organisation_id(user) -> int | None:
    """The organisation this person acts for now: their choice if they still belong to it, else the first
    they joined; None when they belong to none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    mine = sa.select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user.id)
    chosen = _chosen()
    if chosen is not None:
        found = db.session.scalar(mine.where(OrganisationMember.organisation_id == chosen))
        if found is not None:
            return found
    return db.session.scalar(mine.order_by(OrganisationMember.id).limit(1))


def acting_organisation(user) -> Organisation | None:
    found = acting_organisation_id(user)
    return db.session.get(Organisation, found) if found is not None else None


def memberships(user) -> list[OrganisationMember]:
    """Every organisation the person belongs to, the first joined first."""
    return list(db.session.scalars(
        sa.select(OrganisationMember).where(OrganisationMember.user_id == user.id)
        .options(selectinload(OrganisationMember.organisation)).order_by(OrganisationMember.id)))


def membership(user, organisation_id: int) -> OrganisationMember | None:
    return db.session.scalar(sa.select(OrganisationMember).where(
        OrganisationMember.user_id == user.id, OrganisationMember.organisation_id == organisation_id))


def is_lead(user, organisation_id: int) -> bool:
    found = membership(user, organisation_id)
    return found is not None and found.lead


def act_for(user, organisation_id: int) -> Organisation:
    """Choose the organisation to act for; refused (403) unless the person belongs to it."""
    if membership(user, organisation_id) is None:
        raise Refused(NOT_A_MEMBER, field="organisation_id")
    if has_request_context():
        session[SESSION_KEY] = organisation_id
    return db.session.get(Organisation, organisation_id)


def start_organisation(user, values: dict) -> Organisation:
    """A new organisation with this person as its lead, whatever else they belong to; they now act for it."""
    organisation = Organisation(**values)
    organisation.members.append(OrganisationMember(user_id=user.id, lead=True))
    db.session.add(organisation)
    db.session.flush()
    record(user, "grant_organisation.created", organisation,
           after={"name": organisation.name, "kind": organisation.kind, "district": organisation.district})
    act_for(user, organisation.id)
    return organisation


def members(organisation_id: int) -> list[OrganisationMember]:
    """The organisation's members with their accounts, leads first, then in the order they joined."""
    return list(db.session.scalars(
        sa.select(OrganisationMember).where(OrganisationMember.organisation_id == organisation_id)
        .options(selectinload(OrganisationMember.user))
        .order_by(OrganisationMember.lead.desc(), OrganisationMember.id)))


def _leads(organisation_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(OrganisationMember.id)).where(
        OrganisationMember.organisation_id == organisation_id, OrganisationMember.lead.is_(True))) or 0


def remove_member(actor, organisation_id: int, member_id: int) -> OrganisationMember:
    """A lead removes a member (another lead, or themselves while another lead stays). The organisation is
    locked first and everything is read after the lock, so of two leads removing each other at once the
    second finds they are no longer a lead. The removed person is told by e-mail; the removal is audited."""
    organisation = lock(Organisation, organisation_id)
    if organisation is None:
        raise Refused("Only a lead of the organisation can remove its members.")
    mine = membership(actor, organisation_id)
    if mine is None or not mine.lead:
        raise Refused(f"Only a lead of {organisation.name} can remove its members.")
    target = db.session.scalar(sa.select(OrganisationMember).where(
        OrganisationMember.id == member_id, OrganisationMember.organisation_id == organisation_id))
    if target is None:
        raise Conflict("That person is no longer in the organisation.")
    if target.lead and _leads(organisation_id) <= 1:
        raise Conflict(f"{organisation.name} must keep a lead: you are its only one, so you cannot remove yourself. "
                       "Leave the organisation instead, and the longest-standing member becomes lead.")
    removed_user = target.user
    db.session.delete(target)
    db.session.flush()
    record(actor, "grant_organisation.member_removed", organisation,
           before={"user_id": removed_user.id, "lead": target.lead})
    _tell_removed(removed_user, organisation)
    return target


def _tell_removed(removed_user, organisation: Organisation) -> None:
    from livesafe.auth import logic as auth
    from livesafe.grants import texts
    from livesafe.mail.logic import queue

    if removed_user.active and auth.may_mail(removed_user.email):
        queue(removed_user.email, *texts.render("member_removed", {"organisation": organisation.name}))


def keep_a_lead(organisation_id: int) -> OrganisationMember | None:
    """After someone leaves: if members remain but no lead, the longest-standing member becomes lead."""
    if _leads(organisation_id):
        return None
    heir = db.session.scalar(sa.select(OrganisationMember).where(OrganisationMember.organisation_id == organisation_id)
                             .order_by(OrganisationMember.id).limit(1))
    if heir is not None:
        heir.lead = True
        db.session.flush()
    return heir
