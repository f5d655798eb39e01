"""Assessment: conflicts, blind scoring, comments, weighted scores, the funding line, decisions."""
import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import logic, scoring
from livesafe.grants.models import ApplicationAssessor, Assessment, GrantApplication, RoundAssessor
from livesafe.kernel import Conflict
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import answers, assign, make_application, make_organisation, make_round, score, uniform, user
from tests.helpers import post, sign_in


def _assessing_round(budget=1_000_000, assessors=("assessor@example.org",)):
    grant_round = make_round(status="assessment", budget=budget, opens=-10, closes=-1)
    for email in assessors:
        assessor_id = user(email, "assessor").id
        grant_round.assessors.append(RoundAssessor(user_id=assessor_id))
    db.session.commit()
    return grant_round


def _applications(grant_round, count, requested_pounds=2000, first=0):
    made = []
    for n in range(first, first + count):
        organisation = make_organisation(f"group{n}@example.org", f"Group {n}")
        raw = answers(project={"title": f"Project {n}"}, budget={"item_1": "Costs", "amount_1": str(requested_pounds), "item_2": "", "amount_2": ""})
        application = make_application(grant_round, organisation, state="in_assessment", raw=raw)
        db.session.add_all(ApplicationAssessor(application_id=application.id, user_id=a.user_id) for a in grant_round.assessors)
        db.session.commit()
        made.append(application)
    return made


def test_weighted_score_uses_the_rounds_weights():
    criteria = [{"key": "a", "name": "A", "weight": 70}, {"key": "b", "name": "B", "weight": 30}]
    total = scoring.weighted_total(criteria, {"a": (5, ""), "b": (0, "")})
    assert total == 350  # 70% of the way to full marks
    assert total / 5 == 70.0


def test_comments_are_required_for_0_1_and_5():
    criteria = list(logic.DEFAULT_CRITERIA)
    entries = {c["key"]: (3, "") for c in criteria}
    assert scoring.score_problems(criteria, entries) == []
    for extreme in (0, 1, 5):
        entries["need"] = (extreme, "")
        assert scoring.score_problems(criteria, entries) == [("comment_need", f"Explain a score of {extreme} for Need and evidence of need in a comment")]
        entries["need"] = (extreme, "Because")
        assert scoring.score_problems(criteria, entries) == []
    entries["value"] = (None, "")
    assert scoring.score_problems(criteria, entries) == [("score_value", "Give a score for Value for money")]


def test_moderation_mean_spread_disagreement_and_flag(ctx, demo_users):
    grant_round = _assessing_round(assessors=("assessor@example.org", "a2@example.org"))
    first, second = _applications(grant_round, 2)
    first.evidence_harmful = True
    db.session.commit()
    score(first, account("assessor"), uniform(4))
    score(first, user("a2@example.org"), {**uniform(4), "need": 2})
    score(second, account("assessor"), uniform(3))
    score(second, user("a2@example.org"), {**uniform(3), "value": 4})
    ranked = {r.id: r for r in scoring.moderation(grant_round)}
    # first: 400 and 400 - 2*25 = 350 -> mean 375 -> 75.0; spread 50 -> 10.0
    assert ranked[first.id].score == 75.0 and ranked[first.id].spread_score == 10.0
    assert ranked[first.id].disagreement is True and ranked[first.id].evidence_harmful is True
    # second: 300 and 315 -> mean 307.5 -> 61.5; differ by 1 only
    assert ranked[second.id].score == 61.5 and ranked[second.id].disagreement is False
    assert [r.rank for r in (ranked[first.id], ranked[second.id])] == [1, 2]


def test_the_funding_line_is_drawn_where_the_budget_runs_out():
    def entry(id, total, requested, state="in_assessment"):
        return scoring.Ranked(id=id, title="", organisation="", state=state, requested_pence=requested, awarded_pence=None,
                              evidence_harmful=False, mean_total=total, spread=0, assessors=3, disagreement=False)

    ranked = scoring.rank([entry(1, 300, 4000), entry(2, 450, 5000), entry(3, 400, 2000), entry(4, None, 10), entry(5, 100, 10)], 9000)
    assert [r.id for r in ranked] == [2, 3, 1, 5, 4]
    # 5000 + 2000 fit; 4000 more would make 11000 > 9000: the line is drawn there, and nothing below jumps it.
    assert [r.above_line for r in ranked] == [True, True, False, False, False]
    # A declined application takes no money: the line moves down past it.
    ranked = scoring.rank([entry(1, 300, 4000), entry(2, 450, 5000, state="declined"), entry(3, 400, 2000)], 9000)
    assert [(r.id, r.above_line) for r in ranked] == [(2, False), (3, True), (1, True)]


def test_an_assessor_must_declare_before_seeing_the_application(client, ctx, demo_users):
    grant_round = _assessing_round()
    (application,) = _applications(grant_round, 1)
    sign_in(client, "assessor")
    page = client.get(f"/grants/applications/{application.id}/assessment").get_data(as_text=True)
    assert "Do you have a conflict of interest" in page
    assert "Weekly football sessions" not in page  # the answers are not shown yet
    response = post(client, f"/grants/applications/{application.id}/assessment/conflict", {"conflict": "yes"},
                    token_from=f"/grants/applications/{application.id}/assessment")
    assert response.status_code == 422
    assert "Describe the conflict of interest" in response.get_data(as_text=True)


def test_a_declared_conflict_blocks_scoring_and_is_recorded(client, ctx, demo_users):
    grant_round = _assessing_round()
    (application,) = _applications(grant_round, 1)
    sign_in(client, "assessor")
    url = f"/grants/applications/{application.id}/assessment"
    post(client, f"{url}/conflict", {"conflict": "yes", "details": "My sister runs the group"}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "you cannot score this application" in page and "Submit scores" not in page
    post(client, url, {**{f"score_{k}": "3" for k in uniform(3)}, "action": "submit"}, token_from="/grants/assessments")
    assessment = db.session.scalar(sa.select(Assessment))
    assert assessment.conflict is True and assessment.conflict_details == "My sister runs the group"
    assert assessment.submitted_at is None and assessment.scores == []
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "grant_assessment.conflict_declared"))


def test_scoring_through_the_page_with_missing_comment_keeps_what_was_typed(client, ctx, demo_users):
    grant_round = _assessing_round()
    (application,) = _applications(grant_round, 1)
    sign_in(client, "assessor")
    url = f"/grants/applications/{application.id}/assessment"
    post(client, f"{url}/conflict", {"conflict": "no"}, token_from=url)
    data = {f"score_{k}": "3" for k in uniform(3)}
    data.update({"score_need": "5", "comment_value": "Fair costs", "action": "submit"})
    response = post(client, url, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Explain a score of 5 for Need and evidence of need in a comment" in page
    assert "Fair costs" in page
    db.session.expire_all()
    assessment = db.session.scalar(sa.select(Assessment))
    assert assessment.submitted_at is None and {s.criterion: s.score for s in assessment.scores}["need"] == 5
    data["comment_need"] = "Strong local data"
    assert post(client, url, data).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Assessment)).weighted_total == 5 * 25 + 3 * 75


def test_scores_are_blind_until_you_submit_your_own(client, ctx, demo_users):
    grant_round = _assessing_round(assessors=("assessor@example.org", "a2@example.org"))
    (application,) = _applications(grant_round, 1)
    score(application, user("a2@example.org"), uniform(2), comment="Other assessor's secret comment")
    sign_in(client, "assessor")
    url = f"/grants/applications/{application.id}/assessment"
    post(client, f"{url}/conflict", {"conflict": "no"}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "secret comment" not in page
    assert scoring.visible_scores(account("assessor"), application) == []
    post(client, url, {**{f"score_{k}": "4" for k in uniform(4)}, "action": "draft"})
    assert "secret comment" not in client.get(url).get_data(as_text=True)  # a draft is not a submission
    post(client, url, {**{f"score_{k}": "4" for k in uniform(4)}, "action": "submit"})
    page = client.get(url).get_data(as_text=True)
    assert "secret comment" in page
    assert "a2@example.org" not in page  # others are shown as "Assessor 1", not by name


def test_decisions_notify_and_departures_need_a_reason(client, ctx, demo_users):
    grant_round = _assessing_round(budget=300_000)
    top, bottom = _applications(grant_round, 2)
    score(top, account("assessor"), uniform(5))
    score(bottom, account("assessor"), uniform(2))
    sign_in(client, "staff")
    # bottom is below the line (only one £2,000 request fits in £3,000 after the top one)
    response = post(client, f"/grants/applications/{bottom.id}/decision",
                    {"outcome": "award", "amount": "1000", "reason": "Good local reach"}, token_from=f"/grants/applications/{bottom.id}")
    assert response.status_code == 422
    assert "below the funding line. Explain why you are departing from the rank order" in response.get_data(as_text=True)
    assert db.session.get(GrantApplication, bottom.id).state == "in_assessment"
    response = post(client, f"/grants/applications/{top.id}/decision",
                    {"outcome": "award", "amount": "1800.50", "reason": "Strong on every criterion"}, token_from=f"/grants/applications/{top.id}")
    assert response.status_code == 302
    db.session.expire_all()
    top_saved = db.session.get(GrantApplication, top.id)
    assert (top_saved.state, top_saved.awarded_pence) == ("awarded", 180050)
    message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "group0@example.org")).one()
    assert "£1,800.50" in message.body and "What happens next" in message.body
    response = post(client, f"/grants/applications/{bottom.id}/decision",
                    {"outcome": "award", "amount": "1000", "reason": "Good local reach", "departure_reason": "Only group in Melton"},
                    token_from=f"/grants/applications/{bottom.id}")
    assert response.status_code == 302
    # Over budget is refused.
    (third,) = _applications(grant_round, 1, first=2)
    score(third, account("assessor"), uniform(1), comment="Weak")
    response = post(client, f"/grants/applications/{third.id}/decision",
                    {"outcome": "award", "amount": "500", "reason": "x", "departure_reason": "y"}, token_from=f"/grants/applications/{third.id}")
    assert response.status_code == 422 and "over the round" in response.get_data(as_text=True)
    response = post(client, f"/grants/applications/{third.id}/decision",
                    {"outcome": "decline", "reason": "Not enough evidence of need"}, token_from=f"/grants/applications/{third.id}")
    assert response.status_code == 302
    declined = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "group2@example.org")).one()
    assert "cannot fund" in declined.body and "What happens next" in declined.body


def test_the_applicant_sees_the_outcome(client, ctx, demo_users):
    grant_round = _assessing_round()
    organisation = make_organisation()
    application = make_application(grant_round, organisation, state="in_assessment")
    score(application, account("assessor"), uniform(4))
    scoring.decide(application, "award", account("staff"), "Clear need and a good plan", 150000)
    db.session.commit()
    sign_in(client, "applicant")
    page = client.get(f"/grants/applications/{application.id}").get_data(as_text=True)
    assert "Grant offered" in page and "£1,500.00" in page and "Clear need and a good plan" in page
    assert "Withdraw this application" not in page


def test_starting_assessment_moves_submitted_applications(ctx, demo_users):
    grant_round = make_round()
    organisation = make_organisation()
    application = make_application(grant_round, organisation)
    logic.submit(application, account("applicant"))
    logic.change_round(grant_round, "close", account("staff"))
    assert logic.change_round(grant_round, "start_assessment", account("staff")) == 1
    assert application.state == "in_assessment"
    with pytest.raises(Conflict, match="cannot be changed that way"):
        logic.change_round(grant_round, "open", account("staff"))
    assert grant_round.status == "assessment"


def test_assessors_and_staff_see_the_evidence_flag(client, ctx, demo_users):
    grant_round = _assessing_round()
    organisation = make_organisation()
    raw = answers(project={"activities": "A prison visit, then a boot camp weekend."})
    application = make_application(grant_round, organisation, state="in_assessment", raw=raw)
    assign(application, account("assessor"))
    sign_in(client, "assessor")
    url = f"/grants/applications/{application.id}/assessment"
    post(client, f"{url}/conflict", {"conflict": "no"}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "Evidence flag: describes an approach rated harmful" in page
    assert "Boot camps" in page and "Prison awareness" in page
    staff = client.application.test_client()
    sign_in(staff, "staff")
    assert "Evidence flag" in staff.get(f"/grants/rounds/{grant_round.id}/moderation").get_data(as_text=True)
    assert "Evidence flag: describes an approach rated harmful" in staff.get(f"/grants/applications/{application.id}").get_data(as_text=True)
