"""Grants fixtures: a round, organisations, complete answers and applications in any state."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import logic, scoring
from livesafe.grants.models import GrantApplication
from livesafe.clock import utcnow

PASSWORD = "livesafe-demo"


def user(email, role="applicant"):
    found = db.session.scalar(sa.select(User).where(User.email == email))
    if found is None:
        found = User(email=email, role=role, name=email.split("@")[0])
        found.set_password(PASSWORD)
        db.session.add(found)
        db.session.commit()
    return found


def make_round(status="open", budget=1_000_000, minimum=50_000, maximum=500_000, opens=-1, closes=7, **extra):
    now = utcnow()
    values = {
        "name": extra.pop("name", "Test round"), "description": "Small grants for youth work.", "guidance": "Read this first.",
        "opens_at": now + timedelta(days=opens), "closes_at": now + timedelta(days=closes),
        "budget_pence": budget, "min_award_pence": minimum, "max_award_pence": maximum,
        "priority_areas": ["Leicester", "Charnwood"], "eligibility_questions": list(logic.DEFAULT_ELIGIBILITY),
        "criteria": list(logic.DEFAULT_CRITERIA), "monitoring_months": [3, 6], **extra,
    }
    grant_round = logic.save_round(None, values)
    grant_round.status = status
    db.session.commit()
    return grant_round


def make_organisation(email="applicant@example.org", name="Riverside Youth Club", **extra):
    member = user(email)
    values = {"name": name, "kind": "charity", "charity_number": "1234567", "company_number": "", "postcode": "LE1 1AA",
              "district": "Leicester", "safeguarding_policy": True, "safeguarding_lead": "Club secretary",
              "works_with_under_18s": True, **extra}
    organisation = logic.save_organisation(member, values)
    db.session.commit()  # logic flushes; the request (here, the test) commits
    return organisation


ELIGIBLE = {"0": "yes", "1": "yes", "2": "yes", "3": "no"}


def answers(**overrides):
    """A complete, valid set of answers: the budget adds up to £2,000.50."""
    data = {
        "organisation": {"about": "We run youth sessions.", "years_running": "5", "annual_income": "12000"},
        "project": {"title": "Friday night football", "summary": "Football and mentoring on Friday nights.",
                    "activities": "Weekly football sessions with mentoring from trained volunteers.",
                    "district": "Leicester", "venue": "Community centre", "start_date": "2027-01-01", "end_date": "2027-12-31"},
        "beneficiaries": {"age_bands": ["10-14", "15-19"], "young_people": "40", "priority_groups": ["boys-15-19"],
                          "reach": "Through schools and youth workers."},
        "theory": {"need": "Rising violence locally.", "activities": "Football and mentoring.", "outputs": "40 sessions.",
                   "outcomes": "Trusted adults and safer evenings."},
        "approach": {"approach": "Sport with mentoring.", "evidence": "Mentoring is rated moderate impact."},
        "budget": {"item_1": "Coaches", "amount_1": "1500", "item_2": "Pitch hire", "amount_2": "500.50"},
        "safeguarding": {"arrangements": "Two adults at every session.", "checks": "yes", "risks": "Travel home: we walk groups."},
        "declarations": {"true_information": "y", "monitoring": "y", "safeguarding": "y", "data": "y"},
    }
    for key, value in overrides.items():
        data[key] = {**data[key], **value}
    return data


def make_application(grant_round, organisation, state="draft", complete=True, raw=None, member_email=None):
    member = organisation.members[0].user if member_email is None else user(member_email)
    application = logic.start_application(grant_round, organisation, member, ELIGIBLE) if grant_round.status == "open" and logic.accepting(grant_round) else None
    if application is None:
        application = GrantApplication(round_id=grant_round.id, organisation_id=organisation.id, created_by_id=member.id,
                                       answers={}, completed_sections=[], eligibility_answers=ELIGIBLE)
        db.session.add(application)
        db.session.commit()
    for section, values in (answers() if raw is None else raw).items():
        logic.save_section(application, section, values, complete, member)
    db.session.commit()
    if state != "draft":
        application.state = state
        application.submitted_at = utcnow()
        db.session.commit()
    return application


def score(application, assessor, values: dict[str, int], comment="Reasoned comment"):
    assessment = scoring.declare(assessor, application, conflict=False)
    entries = {key: (value, comment) for key, value in values.items()}
    scoring.save_scores(assessment, entries, submit=True)
    db.session.commit()
    return assessment


def uniform(value):
    return {c["key"]: value for c in logic.DEFAULT_CRITERIA}


@pytest.fixture(autouse=True)
def one_user_per_request(app):
    """Tests here keep an app context open to set data up, and Flask reuses it for requests made
    inside it; forget the signed-in user and CSRF token cached in `g` so each request reads its own cookie."""
    @app.before_request
    def forget_cached_user():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)


@pytest.fixture
def open_round(ctx, demo_users):
    return make_round()


@pytest.fixture
def organisation(ctx, demo_users):
    return make_organisation()


def award(application, amount, reason="Good"):
    """Award through the one decision path (unscored applications sit below the line, hence a departure reason)."""
    from livesafe.auth.demo import account

    told = scoring.decide(application, "award", account("staff"), reason, amount, departure_reason="Agreed by the panel")
    db.session.commit()
    return told


def assign(application, *people, community=False):
    """Put people in the round's pool and assign them to the application (what staff do on the progress page)."""
    from livesafe.grants.models import ApplicationAssessor, RoundAssessor

    for person in people:
        if not db.session.scalar(sa.select(RoundAssessor.id).where(RoundAssessor.round_id == application.round_id,
                                                                   RoundAssessor.user_id == person.id)):
            db.session.add(RoundAssessor(round_id=application.round_id, user_id=person.id, community=community))
        db.session.add(ApplicationAssessor(application_id=application.id, user_id=person.id))
    db.session.commit()
def agreed(application, now=None):
    """The grant agreement prepared by staff and accepted by a member: monitoring starts. Returns the returns."""
    from livesafe.auth.demo import account
    from livesafe.grants import agreements

    agreements.generate(application, account("staff"), now=now)
    returns = agreements.accept(application, application.organisation.members[0].user, now=now)
    db.session.commit()
    return returns
