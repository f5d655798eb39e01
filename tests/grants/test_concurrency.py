"""Simultaneous requests against the live database (PostgreSQL in CI): both scores land,
a double-clicked submit makes one submission, two members starting at once make one draft."""
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import logic, scoring
from livesafe.grants.models import Assessment, GrantApplication, GrantRound, Organisation, OrganisationInvitation, OrganisationMember, RoundAssessor
from livesafe.kernel import Conflict
from livesafe.mail.models import OutboxMessage
from tests.helpers import at_once
from tests.grants.conftest import ELIGIBLE, make_application, make_organisation, make_round, uniform, user


def test_two_assessors_scoring_the_same_application_at_once_both_land(app, ctx, demo_users):
    grant_round = make_round(status="assessment", opens=-10, closes=-1)
    emails = ["assessor@example.org", "second.assessor@example.org"]
    for email in emails:
        assessor_id = user(email, "assessor").id
        grant_round.assessors.append(RoundAssessor(user_id=assessor_id))
    db.session.commit()
    application = make_application(grant_round, make_organisation(), state="in_assessment")
    application_id = application.id

    def work(index):
        assessor = db.session.scalar(sa.select(User).where(User.email == emails[index]))
        found = db.session.get(GrantApplication, application_id)
        assessment = scoring.declare(assessor, found, conflict=False)
        scoring.save_scores(assessment, {k: (3 + index, "Because") for k in uniform(0)}, submit=True)
        db.session.commit()  # what the request does after the view
        return True

    assert at_once(app, 2, work) == [True, True]
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.application_id == application_id)).all()
    assert sorted(r.weighted_total for r in rows) == [300, 400]
    assert all(r.submitted_at for r in rows)


def test_a_double_clicked_submit_makes_one_submission(app, ctx, demo_users):
    application = make_application(make_round(), make_organisation())
    application_id = application.id

    def work(index):
        found = db.session.get(GrantApplication, application_id)
        applicant = db.session.scalar(sa.select(User).where(User.email == "applicant@example.org"))
        sent = logic.submit(found, applicant)
        db.session.commit()
        return sent

    results = at_once(app, 2, work)
    assert sorted(results, key=str) == [False, True], results
    db.session.expire_all()
    assert db.session.get(GrantApplication, application_id).state == "submitted"
    events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "grant_application.submit"))
    assert events == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1


def test_one_assessor_double_clicking_the_conflict_form_makes_one_declaration(app, ctx, demo_users):
    grant_round = make_round(status="assessment", opens=-10, closes=-1)
    grant_round.assessors.append(RoundAssessor(user_id=user("assessor@example.org").id))
    db.session.commit()
    application_id = make_application(grant_round, make_organisation(), state="in_assessment").id

    def work(index):
        assessor = db.session.scalar(sa.select(User).where(User.email == "assessor@example.org"))
        declared = scoring.declare(assessor, db.session.get(GrantApplication, application_id), conflict=False).id
        db.session.commit()
        return declared

    first, second = at_once(app, 2, work)
    assert first == second and isinstance(first, int)
    assert db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 1


def test_two_members_starting_at_once_make_one_draft(app, ctx, demo_users):
    grant_round = make_round()
    organisation = make_organisation()
    second_id = user("second@example.org").id
    organisation.members.append(OrganisationMember(user_id=second_id))
    db.session.commit()
    round_id, organisation_id = grant_round.id, organisation.id

    def work(index):
        member = db.session.scalar(sa.select(User).where(User.email == ["applicant@example.org", "second@example.org"][index]))
        started = logic.start_application(db.session.get(GrantRound, round_id), db.session.get(Organisation, organisation_id), member, ELIGIBLE)
        db.session.commit()
        return started.id

    first, second = at_once(app, 2, work)
    assert first == second and isinstance(first, int)
    assert db.session.scalar(sa.select(sa.func.count(GrantApplication.id))) == 1


def test_two_last_members_leaving_at_once_leave_one_behind(app, ctx, demo_users):
    organisation = make_organisation()
    second_id = user("second@example.org").id
    organisation.members.append(OrganisationMember(user_id=second_id))
    db.session.commit()
    make_application(make_round(), organisation)
    emails = ["applicant@example.org", "second@example.org"]
    organisation_id = organisation.id

    def work(index):
        logic.leave_organisation(db.session.scalar(sa.select(User).where(User.email == emails[index])), organisation_id)
        db.session.commit()
        return True

    results = at_once(app, 2, work)
    assert sorted(map(type, results), key=str) == sorted([bool, Conflict], key=str), results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(OrganisationMember.id))) == 1


def test_an_invitation_answered_twice_at_once_joins_once(app, ctx, demo_users):
    organisation = make_organisation()
    invited = user("second@example.org")
    with app.test_request_context():  # the e-mailed link is built from a URL rule
        logic.invite_member(organisation.members[0].user, organisation, "second@example.org")
    db.session.commit()
    invitation_id = db.session.scalar(sa.select(OrganisationInvitation.id))
    invited_id = invited.id

    def work(index):
        found = db.session.get(OrganisationInvitation, invitation_id)
        joined = logic.accept_invitation(db.session.get(User, invited_id), found).id
        db.session.commit()
        return joined

    results = at_once(app, 2, work)
    assert organisation.id in results and any(isinstance(result, Conflict) for result in results), results
    assert db.session.scalar(sa.select(sa.func.count(OrganisationMember.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "grant_organisation.member_joined")) == 1
