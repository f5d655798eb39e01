"""Leads of an organisation: a lead makes another member a lead, and a lead steps down while another stays.

Both lock the organisation row first and read everything after the lock (as `organisations.remove_member`
does), so two leads stepping down at once take turns: the second finds it would leave no lead and is refused.
Both are audited; a new lead is told by e-mail (the "made_lead" text staff can change).
"""
from __future__ import annotations

import sqlalchemy as sa

from livesafe.audit.logic import record
from livesafe.extensions import db
from livesafe.grants.models import Organisation, OrganisationMember
from livesafe.grants.organisations import membership
from livesafe.kernel import Conflict, Refused
from livesafe.kernel.workflow import lock


def _locked_as_lead(actor, organisation_id: int, doing: str) -> Organisation:
    organisation = lock(Organisation, organisation_id)
    mine = membership(actor, organisation_id) if organisation is not None else None
    if organisation is None or mine is None or not mine.lead:
        raise Refused(f"Only a lead of {organisation.name if organisation else 'the organisation'} can {doing}.")
    return organisation


def make_lead(actor, organisation_id: int, member_id: int) -> bool:
    """A lead makes a member a lead; False if they were one already (a double-click changes nothing)."""
    organisation = _locked_as_lead(actor, organisation_id, "make other people leads")
    target = db.session.scalar(sa.select(OrganisationMember).where(
        OrganisationMember.id == member_id, OrganisationMember.organisation_id == organisation_id))
    if target is None:
        raise Conflict("That person is no longer in the organisation.")
    if target.lead:
        return False
    target.lead = True
    db.session.flush()
    record(actor, "grant_organisation.lead_added", organisation, after={"user_id": target.user_id, "lead": True})
    _tell_new_lead(target.user, organisation)
    return True


def step_down(actor, organisation_id: int) -> None:
    """A lead stops being a lead and stays a member, only while another lead remains."""
    organisation = _locked_as_lead(actor, organisation_id, "step down as lead")
    leads = db.session.scalar(sa.select(sa.func.count(OrganisationMember.id)).where(
        OrganisationMember.organisation_id == organisation_id, OrganisationMember.lead.is_(True))) or 0
    if leads <= 1:
        raise Conflict(f"{organisation.name} must keep a lead, and you are its only one. "
                       "Make someone else a lead first, then step down.")
    mine = membership(actor, organisation_id)
    assert mine is not None  # checked under the lock above
    mine.lead = False
    db.session.flush()
    record(actor, "grant_organisation.lead_stepped_down", organisation, before={"user_id": actor.id, "lead": True},
           after={"user_id": actor.id, "lead": False})


def _tell_new_lead(person, organisation: Organisation) -> None:
    from livesafe.auth import logic as auth
    from livesafe.grants import texts
    from livesafe.mail.logic import queue

    if person.active and auth.may_mail(person.email):
        queue(person.email, *texts.render("made_lead", {"organisation": organisation.name}))
