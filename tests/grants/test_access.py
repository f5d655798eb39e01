"""Every grants route, for every role: who may, who may not, and no id-swapping."""
from datetime import timedelta

import pytest
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants.models import GrantApplication, RoundAssessor
from livesafe.clock import utcnow
from tests.grants.conftest import agreed, assign, award, make_application, make_organisation, make_round
from tests.helpers import csrf_token, sign_in

EVERYONE = ("admin", "staff", "assessor", "panel_member", "applicant")
STAFF = ("admin", "staff")


@pytest.fixture
def world(ctx, demo_users):
    """The demo applicant's draft, an application in assessment, a funded grant, and another group's draft."""
    open_round = make_round(name="Open")
    assessing = make_round(name="Assessing", status="assessment", opens=-20, closes=-10)
    assessing.assessors.append(RoundAssessor(user_id=account("assessor").id))
    db.session.commit()
    mine = make_organisation()
    draft = make_application(open_round, mine)
    assessed = make_application(assessing, mine, state="in_assessment")
    assign(assessed, account("assessor"))
    funded_round = make_round(name="Funded", status="assessment", opens=-400, closes=-300)
    funded = make_application(funded_round, mine, state="in_assessment")
    award(funded, 100000)
    agreed(funded, now=utcnow() - timedelta(days=10))
    db.session.commit()
    theirs = make_application(open_round, make_organisation("other@example.org", "Other Group"))
    unassigned_round = make_round(name="Unassigned", status="assessment", opens=-20, closes=-10)
    unassigned = make_application(unassigned_round, make_organisation("third@example.org", "Third Group"), state="in_assessment")
    return {"open": open_round.id, "draft": draft.id, "assessed": assessed.id, "funded": funded.id,
            "return": funded.returns[0].id, "theirs": theirs.id, "unassigned": unassigned.id, "assessing": assessing.id}


def pages(w):
    """(url, roles allowed a 200)"""
    return [
        ("/grants/organisation", ("applicant",)),
        (f"/funding/{w['open']}/apply", ()),  # the applicant already has a draft: a redirect, checked below
        ("/grants/applications", ("applicant",)),
        (f"/grants/applications/{w['draft']}", ("applicant",) + STAFF),
        (f"/grants/applications/{w['draft']}/project", ("applicant",)),
        (f"/grants/applications/{w['draft']}/check", ("applicant",)),
        (f"/grants/applications/{w['draft']}/withdraw", ("applicant",)),
        (f"/grants/applications/{w['funded']}/returns/{w['return']}", ("applicant",) + STAFF),
        ("/grants/assessments", ("assessor", "panel_member")),
        (f"/grants/applications/{w['assessed']}/assessment", ("assessor",)),
        ("/grants/rounds", STAFF),
        ("/grants/rounds/new", STAFF),
        (f"/grants/rounds/{w['assessing']}", STAFF),
        (f"/grants/rounds/{w['assessing']}/edit", STAFF),
        (f"/grants/rounds/{w['assessing']}/moderation", STAFF),
        (f"/grants/rounds/{w['assessing']}/report", STAFF),
        ("/grants/report", STAFF),
        (f"/grants/rounds/{w['assessing']}/export/applications.csv", STAFF),
        (f"/grants/rounds/{w['assessing']}/export/360giving.csv", STAFF),
        (f"/grants/rounds/{w['assessing']}/export/360giving.json", STAFF),
    ]


def _clients(app):
    clients = {}
    for role in EVERYONE:
        clients[role] = app.test_client()
        sign_in(clients[role], role)
    return clients


def test_every_page_for_every_role(app, world):
    clients = _clients(app)
    anonymous = app.test_client()
    for url, allowed in pages(world):
        response = anonymous.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url
        for role, client in clients.items():
            status = client.get(url).status_code
            if role in allowed:
                assert status == 200, (url, role, status)
            elif url.endswith("/apply") and role == "applicant":
                assert status == 302, (url, role, status)
            elif url.endswith("/assessment") and role == "panel_member":
                assert status == 404, (url, role, status)  # not assigned to this round
            else:
                assert status == 403, (url, role, status)


def test_funding_page_is_public(app, world):
    assert app.test_client().get("/funding").status_code == 200


def test_posts_are_refused_to_the_wrong_role(app, world):
    clients = _clients(app)
    w = world
    posts = [
        (f"/grants/applications/{w['draft']}/submit", ("applicant",)),
        (f"/grants/applications/{w['draft']}/withdraw", ("applicant",)),
        (f"/grants/applications/{w['draft']}/project", ("applicant",)),
        (f"/grants/applications/{w['assessed']}/decision", STAFF),
        (f"/grants/applications/{w['assessed']}/state", STAFF),
        (f"/grants/rounds/{w['assessing']}/status", STAFF),
        (f"/grants/rounds/{w['assessing']}/assessors", STAFF),
        (f"/grants/applications/{w['assessed']}/assessment/conflict", ("assessor", "panel_member")),
        ("/grants/organisation/invitations", ("applicant",)),
        ("/grants/organisation/leave", ("applicant",)),
        ("/grants/invitations/not-a-real-token", ("applicant",)),
    ]
    for url, allowed in posts:
        for role, client in clients.items():
            if role in allowed:
                continue
            response = client.post(url, data={"csrf_token": csrf_token(client, "/dashboard")})
            assert response.status_code == 403, (url, role, response.status_code)
        assert app.test_client().post(url).status_code in (302, 400), url  # signed out: to sign-in, or no CSRF token


def test_an_applicant_cannot_reach_another_organisations_application(app, world):
    client = _clients(app)["applicant"]
    theirs = world["theirs"]
    for path in ("", "/project", "/check", "/withdraw"):
        assert client.get(f"/grants/applications/{theirs}{path}").status_code == 403, path
    token = csrf_token(client, "/dashboard")
    for path in ("/project", "/submit", "/withdraw", "/project/autosave"):
        response = client.post(f"/grants/applications/{theirs}{path}", data={"csrf_token": token, "title": "Hijacked", "action": "draft"})
        assert response.status_code == 403, path
    db.session.expire_all()
    other = db.session.get(GrantApplication, theirs)
    assert other.state == "draft" and other.title == "Friday night football"
    # Another grant's return id under your own application is not found.
    assert client.get(f"/grants/applications/{world['draft']}/returns/{world['return']}").status_code == 404
    assert client.get("/grants/applications/999999").status_code == 404


def test_an_assessor_cannot_see_unassigned_applications(app, world):
    client = _clients(app)["assessor"]
    assert client.get(f"/grants/applications/{world['unassigned']}/assessment").status_code == 404
    token = csrf_token(client, "/dashboard")
    response = client.post(f"/grants/applications/{world['unassigned']}/assessment/conflict", data={"csrf_token": token, "conflict": "no"})
    assert response.status_code == 404
    listing = client.get("/grants/assessments").get_data(as_text=True)
    assert f"/grants/applications/{world['assessed']}/assessment" in listing
    assert f"/grants/applications/{world['unassigned']}/assessment" not in listing
    assert client.get(f"/grants/applications/{world['assessed']}").status_code == 403  # the applicant's view
    assert client.get(f"/grants/applications/{world['draft']}/assessment").status_code == 404  # a draft is not assessed


def test_navigation_and_dashboard_fit_the_role(app, world):
    clients = _clients(app)
    assert 'href="/funding"' in app.test_client().get("/").get_data(as_text=True)
    assert 'href="/grants/applications"' in clients["applicant"].get("/dashboard").get_data(as_text=True)
    assert 'href="/grants/assessments"' in clients["assessor"].get("/dashboard").get_data(as_text=True)
    assert 'href="/grants/rounds"' in clients["admin"].get("/dashboard").get_data(as_text=True)
    assert 'href="/grants/rounds"' not in clients["applicant"].get("/dashboard").get_data(as_text=True)
