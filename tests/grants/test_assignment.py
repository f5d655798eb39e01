"""Assessment at scale: per-application assignment by hand and automatically, what assessors see,
the progress page, community reviewers and their share, and two staff assigning at once."""
import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import assignment, scoring
from livesafe.grants.models import ApplicationAssessor, GrantRound, OrganisationMember, RoundAssessor
from livesafe.kernel import Conflict, Refused, RuleError
from tests.grants.conftest import answers, assign, make_application, make_organisation, make_round, score, uniform, user
from tests.helpers import at_once, post, sign_in


def _round_with(count, people=(), community=(), share=0):
    grant_round = make_round(status="assessment", opens=-10, closes=-1, community_share=share)
    for person in people:
        grant_round.assessors.append(RoundAssessor(user_id=person.id))
    for person in community:
        grant_round.assessors.append(RoundAssessor(user_id=person.id, community=True))
    db.session.commit()
    apps = [make_application(grant_round, make_organisation(f"g{n}@example.org", f"Group {n}"), state="in_assessment",
                             raw=answers(project={"title": f"Project {n}"})) for n in range(count)]
    return grant_round, apps


def _assessors(n):
    return [user(f"assessor{i}@example.org", "assessor") for i in range(n)]


def _pairs(grant_round):
    return db.session.execute(sa.select(ApplicationAssessor.application_id, ApplicationAssessor.user_id)
                              .order_by(ApplicationAssessor.application_id, ApplicationAssessor.user_id)).all()


# ---------------------------------------------------------------- the plan

def test_the_plan_balances_load_and_skips_blocked_and_existing_people():
    apps = [(i, 100 + i) for i in range(10)]
    picks, short = assignment.plan(apps, [1, 2, 3, 4], 2, existing={0: {1}}, loads={1: 1}, blocked={(2, 105)},
                                   not_counting=set())
    loads = {p: sum(1 for _, q in picks if q == p) for p in (1, 2, 3, 4)}
    loads[1] += 1  # the assignment it already had
    assert sorted(loads.values()) == [5, 5, 5, 5] and short == []
    assert (5, 2) not in picks  # person 2 belongs to / conflicts with organisation 105
    assert (0, 1) not in picks and sum(1 for a, _ in picks if a == 0) == 1  # it had one; one more makes 2
    assert all(sum(1 for a, _ in picks if a == app) == 2 for app, _ in apps[1:])


def test_the_plan_reports_applications_it_cannot_fill_and_replaces_a_conflicted_assessor():
    picks, short = assignment.plan([(1, 10), (2, 20)], [7, 8], 2, existing={2: {7}}, loads={7: 1}, blocked={(8, 10)},
                                   not_counting={(2, 7)})
    assert short == [1, 2]  # 1: person 8 is blocked; 2: person 7 declared a conflict and nobody else is left
    assert (1, 7) in picks and (2, 8) in picks and (2, 7) not in picks


# ---------------------------------------------------------------- automatic assignment

def test_auto_assign_gives_n_each_never_to_members_or_declared_conflicts(ctx, demo_users):
    people = _assessors(4)
    grant_round, apps = _round_with(6, people)
    # assessor0 belongs to Group 0 (any role can be a member row); assessor1 declared a conflict with Group 1 earlier.
    db.session.add(OrganisationMember(organisation_id=apps[0].organisation_id, user_id=people[0].id))
    db.session.commit()
    assign(apps[1], people[1])
    scoring.declare(people[1], apps[1], conflict=True, details="My sister runs it")
    db.session.commit()
    outcome = assignment.auto_assign(grant_round, 2, 0, account("staff"))
    db.session.commit()
    pairs = _pairs(grant_round)
    assert (apps[0].id, people[0].id) not in pairs
    for application in apps:
        counting = [u for a, u in pairs if a == application.id and not (application is apps[1] and u == people[1].id)]
        assert len(counting) == 2, application.id
    loads = sorted(sum(1 for _, u in pairs if u == p.id) for p in people)
    assert loads[-1] - loads[0] <= 1  # 13 assignments over 4 people: 3 or 4 each
    assert outcome.made == 12 and outcome.short == []
    # Running it again changes nothing: everyone already has their two.
    assert assignment.auto_assign(grant_round, 2, 0, account("staff")).made == 0


def test_auto_assign_fills_community_places_only_from_community_reviewers(ctx, demo_users):
    panel = [account("panel_member"), user("panel2@example.org", "panel_member")]
    people = _assessors(3)
    grant_round, apps = _round_with(4, people, community=panel, share=30)
    assignment.auto_assign(grant_round, 2, 1, account("staff"))
    db.session.commit()
    for application in apps:
        on_it = {u for a, u in _pairs(grant_round) if a == application.id}
        assert len(on_it & {p.id for p in people}) == 2 and len(on_it & {p.id for p in panel}) == 1


def test_only_staff_may_assign(ctx, demo_users):
    grant_round, apps = _round_with(1, _assessors(1))
    for role in ("assessor", "panel_member", "applicant"):
        with pytest.raises(Refused):
            assignment.auto_assign(grant_round, 1, 0, account(role))
        with pytest.raises(Refused):
            assignment.assign(apps[0], account("assessor").id, account(role))


def test_two_staff_auto_assigning_at_once_do_not_double_assign(app, ctx, demo_users):
    people = _assessors(5)
    grant_round, apps = _round_with(8, people)
    round_id = grant_round.id

    def work(index):
        staff = db.session.scalar(sa.select(User).where(User.email == ("staff@example.org" if index == 0 else "admin@example.org")))
        made = assignment.auto_assign(db.session.get(GrantRound, round_id), 3, 0, staff).made
        db.session.commit()
        return made

    results = at_once(app, 2, work)
    assert sorted(results, key=str) == [0, 24], results  # the second waited for the first, then had nothing to do
    db.session.expire_all()
    counts = db.session.execute(sa.select(ApplicationAssessor.application_id, sa.func.count())
                                .group_by(ApplicationAssessor.application_id)).all()
    assert sorted(c for _, c in counts) == [3] * 8


# ---------------------------------------------------------------- what an assessor sees

def test_an_assessor_sees_only_their_assignments_not_the_whole_round(client, ctx, demo_users):
    grant_round, (mine, theirs) = _round_with(2, [account("assessor")])
    assign(mine, account("assessor"))
    sign_in(client, "assessor")
    listing = client.get("/grants/assessments").get_data(as_text=True)
    assert "Project 0" in listing and "Project 1" not in listing
    assert client.get(f"/grants/applications/{mine.id}/assessment").status_code == 200
    assert client.get(f"/grants/applications/{theirs.id}/assessment").status_code == 404  # in the pool, not assigned


# ---------------------------------------------------------------- the pages

def test_progress_page_shows_what_is_missing(client, ctx, demo_users):
    people = _assessors(2)
    grant_round, (first, second) = _round_with(2, people)
    assign(first, *people)
    score(first, people[0], uniform(3))
    sign_in(client, "staff")
    page = client.get(f"/grants/rounds/{grant_round.id}/assignments").get_data(as_text=True)
    assert "needs 1 more" in page and "needs 3 more" in page  # 3 wanted by default: the first has 2, the second none
    assert "Not scored yet: assessor1" in page
    for role in ("assessor", "panel_member", "applicant"):
        other = client.application.test_client()
        sign_in(other, role)
        assert other.get(f"/grants/rounds/{grant_round.id}/assignments").status_code == 403


def test_auto_assign_form_bad_input_is_422_and_good_input_assigns(client, ctx, demo_users):
    grant_round, apps = _round_with(3, _assessors(2))
    sign_in(client, "staff")
    url = f"/grants/rounds/{grant_round.id}/assignments"
    for bad, message in (({"assessors_each": "three", "community_each": "0"}, "Enter a whole number of assessors"),
                         ({"assessors_each": "11", "community_each": "0"}, "Enter from 0 to 10 assessors"),
                         ({"assessors_each": "", "community_each": "0"}, "Enter how many assessors")):
        response = post(client, f"{url}/auto", bad, token_from=url)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert not _pairs(grant_round)
    response = post(client, f"{url}/auto", {"assessors_each": "2", "community_each": "0"}, token_from=url)
    assert response.status_code == 302
    assert len(_pairs(grant_round)) == 6
    other = client.application.test_client()
    sign_in(other, "assessor")
    assert other.post(f"{url}/auto", data={"assessors_each": "1", "community_each": "0"}).status_code in (400, 403)


def test_assign_and_take_off_by_hand(client, ctx, demo_users):
    people = _assessors(2)
    grant_round, (application,) = _round_with(1, people)
    outsider = user("outsider@example.org", "assessor")  # not in the round's pool
    member = people[1]
    db.session.add(OrganisationMember(organisation_id=application.organisation_id, user_id=member.id))
    db.session.commit()
    sign_in(client, "staff")
    page = f"/grants/applications/{application.id}"
    url = f"{page}/assessors"
    response = post(client, url, {"user_id": str(outsider.id)}, token_from=page)
    assert response.status_code == 422 and "this round&#39;s assessors" in response.get_data(as_text=True)
    response = post(client, url, {"user_id": str(member.id)}, token_from=page)
    assert response.status_code == 422 and "belongs to the organisation" in response.get_data(as_text=True)
    assert post(client, url, {"user_id": "not-a-number"}, token_from=page).status_code == 422
    assert post(client, url, {"user_id": str(people[0].id)}, token_from=page).status_code == 302
    assert post(client, url, {"user_id": str(people[0].id)}, token_from=page).status_code == 409
    assert _pairs(grant_round) == [(application.id, people[0].id)]
    score(application, people[0], uniform(4))
    remove = f"{url}/{people[0].id}/remove"
    assert post(client, remove, {}, token_from=page).status_code == 409  # scores are in: they stay
    assert _pairs(grant_round) == [(application.id, people[0].id)]
    assign(application, outsider)
    assert post(client, f"{url}/{outsider.id}/remove", {}, token_from=page).status_code == 302
    assert _pairs(grant_round) == [(application.id, people[0].id)]


# ---------------------------------------------------------------- community reviewers

def test_community_reviewers_count_for_the_rounds_share(ctx, demo_users):
    panel = account("panel_member")
    grant_round, (application,) = _round_with(1, [account("assessor")], community=[panel], share=25)
    score(application, account("assessor"), uniform(4))  # 400
    (entry,) = scoring.moderation(grant_round)
    assert entry.score == 80.0  # only the assessors have scored: their mean stands alone
    score(application, panel, uniform(2))  # 200
    (entry,) = scoring.moderation(grant_round)
    assert entry.mean_total == 400 * 0.75 + 200 * 0.25 and entry.score == 70.0
    assert assignment.combined_mean(None, 200, 25) == 200 and assignment.combined_mean(None, None, 25) is None


def test_the_pool_form_community_rules(client, ctx, demo_users):
    grant_round = make_round()
    sign_in(client, "staff")
    url = f"/grants/rounds/{grant_round.id}"
    assessor, panel = account("assessor"), account("panel_member")
    response = post(client, f"{url}/assessors", {"assessors": [str(assessor.id), str(panel.id)], "community": [str(assessor.id)],
                                                 "community_share": "20"}, token_from=url)
    assert response.status_code == 422  # an assessor is not a choice for the community part
    response = post(client, f"{url}/assessors", {"assessors": [str(assessor.id), str(panel.id)], "community": [str(panel.id)],
                                                 "community_share": "120"}, token_from=url)
    assert response.status_code == 422 and "from 0 to 100" in response.get_data(as_text=True)
    response = post(client, f"{url}/assessors", {"assessors": [str(assessor.id), str(panel.id)], "community": [str(panel.id)],
                                                 "community_share": "20"}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert {(a.user_id, a.community) for a in grant_round.assessors} == {(assessor.id, False), (panel.id, True)}
    assert grant_round.community_share == 20
    grant_round.status = "assessment"
    db.session.commit()
    response = post(client, f"{url}/assessors", {"assessors": [str(assessor.id), str(panel.id)], "community": [str(panel.id)],
                                                 "community_share": "50"}, token_from=url)
    assert response.status_code == 422 and "can no longer change" in response.get_data(as_text=True)


def test_refusals_are_rule_errors_not_crashes(ctx, demo_users):
    grant_round, (application,) = _round_with(1, _assessors(1))
    with pytest.raises(RuleError):
        assignment.auto_assign(grant_round, -1, 0, account("staff"))
    with pytest.raises(Conflict):
        assignment.unassign(application, account("assessor").id, account("staff"))
