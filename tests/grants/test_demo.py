"""`flask demo` adds an open round, a round in assessment with scores, and a funded grant with a return."""
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.grants import agreements, demo, info_requests, logic, scoring
from livesafe.grants.models import Assessment, GrantApplication, GrantRound, MonitoringReturn


def test_demo_data_is_complete_and_loads_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        rounds = {r.name: r for r in db.session.scalars(sa.select(GrantRound))}
        assert set(rounds) == {demo.OPEN_ROUND, demo.ASSESSING_ROUND, demo.FUNDED_ROUND, demo.TWO_STAGE_ROUND}
        assert [r.name for r in logic.open_rounds()] == [demo.OPEN_ROUND, demo.TWO_STAGE_ROUND]
        assert rounds[demo.TWO_STAGE_ROUND].two_stage
        sent_interest = db.session.scalars(sa.select(GrantApplication).where(GrantApplication.state == logic.EOI_SENT)).one()
        assert sent_interest.round_id == rounds[demo.TWO_STAGE_ROUND].id
        ranked = scoring.moderation(rounds[demo.ASSESSING_ROUND])
        assert len(ranked) == len(demo.GROUPS) - 1  # one is back with its group for more information
        returned = db.session.scalars(sa.select(GrantApplication).where(GrantApplication.state == logic.MORE_INFO)).one()
        assert returned.title == demo.RETURNED_TITLE and info_requests.open_request(returned).sections == ["approach", "budget"]
        assert all(entry.assessors >= 2 for entry in ranked)
        assert any(entry.evidence_harmful for entry in ranked) and any(entry.disagreement for entry in ranked)
        assert 0 < scoring.funding_line_index(ranked) < len(ranked)
        funded = db.session.scalars(sa.select(GrantApplication).where(GrantApplication.state == "monitoring")).one()
        assert funded.organisation.members[0].user.email == "applicant@example.org"
        assert db.session.scalar(sa.select(sa.func.count(MonitoringReturn.id)).where(
            MonitoringReturn.application_id == funded.id, MonitoringReturn.submitted_at.is_not(None))) == 1
        payments = agreements.agreement_of(funded).payments
        assert [p.state for p in payments] == ["paid", "scheduled"] and agreements.money()["paid"] == payments[0].amount_pence + demo.FINISHED_AWARD_PENCE
        draft = db.session.scalars(sa.select(GrantApplication).where(GrantApplication.state == "draft")).one()
        assert draft.round.name == demo.OPEN_ROUND and draft.organisation_id == funded.organisation_id
        demo_assessor_left = db.session.scalar(sa.select(sa.func.count(Assessment.id)).join(Assessment.assessor)
                                               .where(sa.literal_column("users.email") == "assessor@example.org"))
        assert 0 < demo_assessor_left < len(demo.GROUPS)  # some left for the demo assessor to score


def test_demo_shows_a_person_in_two_groups_and_a_round_with_extra_questions(app):
    from livesafe.auth.models import User
    from livesafe.grants import questions
    from livesafe.grants.models import Organisation, OrganisationMember

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        applicant = db.session.scalar(sa.select(User).where(User.email == "applicant@example.org"))
        groups = db.session.execute(sa.select(Organisation.name, OrganisationMember.lead).join(OrganisationMember)
                                    .where(OrganisationMember.user_id == applicant.id).order_by(OrganisationMember.id)).all()
        assert [tuple(g) for g in groups] == [("Riverside Youth Network", True), (demo.HINCKLEY, False)]
        hinckley_leads = db.session.scalars(sa.select(User.email).join(OrganisationMember).join(Organisation)
                                            .where(Organisation.name == demo.HINCKLEY, OrganisationMember.lead.is_(True))).all()
        assert hinckley_leads == [demo.HINCKLEY_LEAD]
        open_round = db.session.scalars(sa.select(GrantRound).where(GrantRound.name == demo.OPEN_ROUND)).one()
        assert [q.kind for q in questions.of_round(open_round.id)] == ["number", "choice", "long_text"]
        assert open_round.required_documents == ["safeguarding_policy", "bank_proof"]
