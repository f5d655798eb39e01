"""Demo data: an open round, a round in assessment with scored applications (one returned to its group for
more information), a funded grant with its accepted agreement, a payment made and one due, and a return reporting a
safeguarding incident, and a finished grant with returns over three periods (for the dashboards). Safe to run twice:
it does nothing if the rounds already exist."""
from datetime import timedelta

import sqlalchemy as sa

from livesafe.audit.logic import record
from livesafe.auth import roles
from livesafe.auth.demo import PASSWORD, account
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import agreements, documents, info_requests, logic, monitoring, scoring
from livesafe.grants.models import ApplicationAssessor, GrantApplication, GrantRound, Organisation, OrganisationMember, RoundAssessor
from livesafe.clock import utcnow

OPEN_ROUND = "Community grants: spring 2027"
ASSESSING_ROUND = "Community grants: autumn 2026"
FUNDED_ROUND = "Community grants: 2025-26"
TWO_STAGE_ROUND = "Youth-led projects: expressions of interest 2027"
RETURNED_TITLE = "Bystander workshops for young people"  # the application sent back to its group for more information
EXTRA_ASSESSORS = ("assessor2@example.org", "assessor3@example.org")

# (organisation, kind, district, project title, activities, approach, requested pounds, scores by three assessors)
GROUPS = [
    ("Highfields Boxing Club", "charity", "Leicester", "Boxing and mentoring after school",
     "Three boxing sessions a week at the end of the school day, each followed by time with a trained mentor.",
     "Sport with one-to-one mentoring from coaches who grew up locally.", "4800", (4, 4, 5)),
    ("Loughborough Young Voices", "constituted", "Charnwood", "Youth voice and social skills",
     "Weekly group sessions on social skills, conflict resolution and speaking up, led by youth workers.",
     "Social skills training in small groups, with a trusted adult.", "3500", (4, 3, 4)),
    ("Braunstone Community Kitchen", "cic", "Leicester", "Cook, eat, talk",
     "Friday evening cooking sessions for 14-19 year olds with mentors from the estate.",
     "Positive activities and mentoring with credible local adults.", "2500", (3, 3, 3)),
    ("Melton Street Dance", "constituted", "Melton", "Dance crews for safer streets",
     "Dance crews that meet twice a week and perform at local events.",
     "Positive activities with trusted adults; after-school club format.", "2000", (3, 2, 4)),
    ("Coalville Youth Outreach", "charity", "North West Leicestershire", "Knife crime reality day",
     "A day-long boot camp with a prison visit and shock talks about knife crime.",
     "Scare tactics to show young people where knife crime leads.", "5000", (1, 1, 2)),
    ("Belgrave Faith Forum", "faith", "Leicester", "Bystander workshops for young people",
     "Active bystander workshops in youth clubs and places of worship.",
     "A bystander programme adapted for community settings.", "3000", (4, 4, 3)),
]


def _user(email: str, role: str, name: str) -> User:
    found = db.session.scalar(sa.select(User).where(User.email == email))
    if found is None:
        found = User(email=email, role=role, name=name)
        found.set_password(PASSWORD)
        db.session.add(found)
        db.session.flush()
    return found


def _organisation(name, kind, district, member=None) -> Organisation:
    organisation = Organisation(name=name, kind=kind, charity_number="1100000" if kind == "charity" else "",
                                company_number="12000000" if kind == "cic" else "", postcode="LE1 1AA",
                                district=district, safeguarding_policy=True, safeguarding_lead="Safeguarding lead",
                                works_with_under_18s=True)
    if member is not None:
        organisation.members.append(OrganisationMember(user_id=member.id))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def _answers(title, activities, approach, district, pounds) -> dict:
    whole = int(pounds)
    return {
        "organisation": {"about": "A volunteer-led group working with young people locally.", "years_running": "6", "annual_income": "18000"},
        "project": {"title": title, "summary": f"{title}: {activities}", "activities": activities, "district": district,
                    "venue": "Our community centre", "start_date": "2027-01-04", "end_date": "2027-12-17"},
        "beneficiaries": {"age_bands": ["10-14", "15-19"], "young_people": "45", "priority_groups": ["boys-15-19", "excluded"],
                          "reach": "Through schools, youth workers and word of mouth."},
        "theory": {"need": "Young people here tell us they do not feel safe after school.", "activities": activities,
                   "outputs": "40 sessions and 45 young people taking part.", "outcomes": "Trusted adults, new skills, safer evenings."},
        "approach": {"approach": approach, "evidence": "We have read the evidence summary and built on mentoring and positive activities."},
        "budget": {"item_1": "Sessional workers", "amount_1": f"{whole * 0.6:.2f}", "item_2": "Venue hire", "amount_2": f"{whole * 0.3:.2f}",
                   "item_3": "Equipment", "amount_3": f"{whole * 0.1:.2f}"},
        "safeguarding": {"arrangements": "Two checked adults at every session; our safeguarding lead is on call.", "checks": "yes",
                         "risks": "Travel home late: sessions end before dark and we walk groups to the bus."},
        "declarations": {"true_information": "y", "monitoring": "y", "safeguarding": "y", "data": "y"},
    }


def _round(name, status, opens, closes, budget_pounds, **extra) -> GrantRound:
    grant_round = GrantRound(
        name=name, status=status, opens_at=opens, closes_at=closes, budget_pence=budget_pounds * 100,
        min_award_pence=50000, max_award_pence=500000, priority_areas=["Leicester", "Charnwood"],
        description="Small grants for grassroots groups working to keep young people safe from violence.",
        guidance="Tell us about the need, what you will do, and how it relates to the evidence. Ask us if you need help.",
        eligibility_questions=list(logic.DEFAULT_ELIGIBILITY), criteria=list(logic.DEFAULT_CRITERIA),
        monitoring_months=list(logic.DEFAULT_MONITORING_MONTHS), **extra)
    db.session.add(grant_round)
    db.session.flush()
    return grant_round


def _application(grant_round, organisation, raw, creator, state, now) -> GrantApplication:
    application = GrantApplication(round_id=grant_round.id, organisation_id=organisation.id, created_by_id=creator.id if creator else None,
                                   eligibility_answers={"0": "yes", "1": "yes", "2": "yes", "3": "no"}, answers={}, completed_sections=[],
                                   created_at=now, updated_at=now)
    db.session.add(application)
    db.session.flush()
    for section, values in raw.items():
        logic.save_section(application, section, values, True, creator)
    if state != logic.DRAFT:
        application.state = state
        application.submitted_at = now
    db.session.flush()
    return application


def load():
    if db.session.scalar(sa.select(GrantRound.id).where(GrantRound.name == OPEN_ROUND)):
        _two_groups_and_questions()  # demo data loaded before these existed gets them too
        db.session.commit()
        return
    now = utcnow()
    staff, applicant = account(roles.STAFF), account(roles.APPLICANT)
    assessors = [account(roles.ASSESSOR)] + [_user(e, roles.ASSESSOR, f"Demo Assessor {i + 2}") for i, e in enumerate(EXTRA_ASSESSORS)]
    riverside = _organisation("Riverside Youth Network", "charity", "Leicester", member=applicant)

    # An open round, with the demo applicant's draft half done.
    open_round = _round(OPEN_ROUND, "open", now - timedelta(days=7), now + timedelta(days=30), 60000)
    draft_raw = _answers("Friday night football and mentoring", "Football on Friday nights with a mentor for every player.",
                         "Sport and mentoring.", "Leicester", "3000")
    draft = _application(open_round, riverside, {k: draft_raw[k] for k in ("organisation", "project", "beneficiaries")}, applicant,
                         logic.DRAFT, now)
    record(applicant, "grant_application.draft", draft, after={"state": logic.DRAFT})
    documents.load_demo(draft, applicant)

    # A two-stage round: expressions of interest first. One group has sent theirs; staff will shortlist.
    two_stage = _round(TWO_STAGE_ROUND, "open", now - timedelta(days=3), now + timedelta(days=45), 40000, two_stage=True)
    hinckley = _organisation("Hinckley Youth Forum", "constituted", "Hinckley and Bosworth")
    interest_raw = _answers("Young people design their own safe spaces", "Young people plan and run evening drop-ins with youth workers.",
                            "Youth-led design with trusted adults.", "Hinckley and Bosworth", "2500")
    interest = _application(two_stage, hinckley, {"project": interest_raw["project"]}, None, logic.EOI_SENT, now - timedelta(days=1))
    record(None, "grant_application.send_eoi", interest, before={"state": logic.EOI}, after={"state": logic.EOI_SENT})

    # A round closed and in assessment: two extra assessors have scored everything, the demo assessor some.
    assessing = _round(ASSESSING_ROUND, "assessment", now - timedelta(days=60), now - timedelta(days=14), 15000)
    assessing.assessors.extend(RoundAssessor(user_id=a.id) for a in assessors)
    db.session.flush()
    for index, (name, kind, district, title, activities, approach, pounds, scores) in enumerate(GROUPS):
        organisation = _organisation(name, kind, district)
        application = _application(assessing, organisation, _answers(title, activities, approach, district, pounds), None,
                                   logic.IN_ASSESSMENT, now - timedelta(days=20))
        db.session.add_all(ApplicationAssessor(application_id=application.id, user_id=a.id, assigned_by_id=staff.id)
                           for a in assessors)
        for assessor, value in zip(assessors, scores):
            if assessor is assessors[0] and index % 2:
                continue  # left for the demo assessor to do
            assessment = scoring.declare(assessor, application, conflict=False, now=now - timedelta(days=5))
            entries = {c["key"]: (value, "Demo comment: the reasons for this score.") for c in logic.DEFAULT_CRITERIA}
            scoring.save_scores(assessment, entries, submit=True, now=now - timedelta(days=4))

    # One application returned to its group: the budget and the evidence need more detail.
    returned = db.session.scalar(sa.select(GrantApplication).where(GrantApplication.round_id == assessing.id,
                                                                   GrantApplication.title == RETURNED_TITLE))
    info_requests.request_info(returned, staff, {
        "budget": "Say how many sessions the sessional workers' costs cover, and at what hourly rate.",
        "approach": "Tell us which bystander programme you are adapting, and how you will know it is working."},
        "Thank you for your application. We would like a little more detail before the panel meets.", now=now - timedelta(days=2))

    # Last year's round: the demo applicant's grant is funded and has sent its first monitoring return.
    funded_round = _round(FUNDED_ROUND, "assessment", now - timedelta(days=420), now - timedelta(days=380), 50000)
    funded_raw = _answers("Summer holiday mentoring", "Mentoring and sport through the summer holidays.", "Mentoring with sport.",
                          "Leicester", "4000")
    funded = _application(funded_round, riverside, funded_raw, applicant, logic.IN_ASSESSMENT, now - timedelta(days=385))
    decided = now - timedelta(days=200)
    # Decided before its round was scored on Live Safe, so set as it was rather than through the funding line.
    funded.state, funded.awarded_pence, funded.decided_at, funded.decided_by_id = logic.AWARDED, 380000, decided, staff.id
    funded.decision_reason = "A clear need, a strong plan built on mentoring, and good links with local schools."
    record(staff, "grant_application.award", funded, before={"state": logic.IN_ASSESSMENT},
           after={"state": logic.AWARDED, "awarded_pence": 380000})
    db.session.flush()
    # The agreement, accepted online by the group; the first payment paid, the second due with the first return.
    agreements.generate(funded, staff, now=decided)
    returns = agreements.accept(funded, applicant, now=decided + timedelta(days=3))
    first_payment = agreements.agreement_of(funded).payments[0]
    agreements.record_paid(first_payment, staff, (decided + timedelta(days=5)).date(), "BACS LLRVRN-0042",
                           now=decided + timedelta(days=5))
    monitoring.submit_return(returns[0], applicant, {
        "reached": {"age:10-14": 14, "age:15-19": 22, "age:20-25": 2, "district:leicester": 34, "district:blaby": 4},
        "sessions_delivered": 30, "young_people_mentored": 18, "referrals_made": 5,
        "what_changed": "Young people told us they have an adult they trust, and school attendance improved for several.",
        "safeguarding_incidents": 1,
        "safeguarding_details": "A disclosure at a session was passed to the safeguarding lead and referred the same day.",
    }, now=decided + timedelta(days=95))  # the incident alerts the safeguarding lead (SAFEGUARDING_LEAD_EMAIL, or staff)
    _finished_grant(funded_round, staff, now)
    _two_groups_and_questions()
    db.session.commit()


# A grant that ran its course: three returns over three back-to-back periods, each counting the young people
# of its own period, with the group's unique figure to date; both payments made; closed.
FINISHED_AWARD_PENCE = 450000
FINISHED_RETURNS = (
    ({"age:10-14": 12, "age:15-19": 16, "district:oadby-and-wigston": 20, "district:leicester": 8}, 28, 2, 14),
    ({"age:10-14": 15, "age:15-19": 18, "age:20-25": 2, "district:oadby-and-wigston": 22, "district:leicester": 10,
      "district:elsewhere": 3}, 49, 1, 16),
    ({"age:10-14": 13, "age:15-19": 18, "district:oadby-and-wigston": 19, "district:blaby": 12}, 61, 0, 15),
)


def _finished_grant(funded_round, staff, now) -> None:
    coach = _user("coach@example.org", roles.APPLICANT, "Demo Coach")
    group = _organisation("Oadby Youth Sports", "charity", "Oadby and Wigston", member=coach)
    application = _application(funded_round, group, _answers(
        "Saturday sports club", "Multi-sport sessions every Saturday with mentors from local clubs.", "Sport with mentoring.",
        "Oadby and Wigston", "4500"), coach, logic.IN_ASSESSMENT, now - timedelta(days=420))
    decided = now - timedelta(days=400)
    application.state, application.awarded_pence = logic.AWARDED, FINISHED_AWARD_PENCE
    application.decided_at, application.decided_by_id = decided, staff.id
    application.decision_reason = "Good reach in Oadby and Wigston, where little else runs for young people on Saturdays."
    record(staff, "grant_application.award", application, before={"state": logic.IN_ASSESSMENT},
           after={"state": logic.AWARDED, "awarded_pence": FINISHED_AWARD_PENCE})
    db.session.flush()
    agreements.generate(application, staff, now=decided)
    returns = agreements.accept(application, coach, now=decided + timedelta(days=3))
    for item, (reached, to_date, interventions, mentored) in zip(returns, FINISHED_RETURNS):
        monitoring.submit_return(item, coach, {
            "reached": reached, "reached_to_date": to_date, "sessions_delivered": 12, "young_people_mentored": mentored,
            "interventions_developed": interventions, "referrals_made": 2, "safeguarding_incidents": 0, "safeguarding_details": "",
            "what_changed": "More young people come every Saturday, and several have joined local clubs.",
        }, now=item.due_at - timedelta(days=2))
    for number, payment in enumerate(agreements.agreement_of(application).payments, start=1):
        paid = payment.due_at + timedelta(days=2)
        agreements.record_paid(payment, staff, paid.date(), f"BACS LLRVRN-01{number:02d}", now=paid)
    monitoring.close_grant(application, staff, now=returns[-1].due_at)


RIVERSIDE = "Riverside Youth Network"
HINCKLEY = "Hinckley Youth Forum"
HINCKLEY_LEAD = "hinckley.lead@example.org"
QUESTIONS = (
    {"label": "How many volunteers help run your sessions?", "hint": "Count people who help at least once a month.",
     "kind": "number", "required": "yes", "minimum": "0", "maximum": "500"},
    {"label": "How did you hear about this round?", "hint": "", "kind": "choice", "required": "yes",
     "options": "A school or college\nAnother community group\nSocial media\nThe Violence Reduction Network"},
    {"label": "Is there anything else you would like the panel to know?", "hint": "", "kind": "long_text", "required": "no"},
)


def _two_groups_and_questions() -> None:
    """The demo applicant leads Riverside and is also a member of Hinckley Youth Forum (led by someone else), so
    the "Acting for" switch shows; the open round asks three extra questions and requires two documents.
    Each part is added only if missing, so running it again changes nothing."""
    from livesafe.grants import questions

    applicant, staff = account(roles.APPLICANT), account(roles.STAFF)
    db.session.execute(sa.update(OrganisationMember).where(  # the demo applicant set up Riverside
        OrganisationMember.user_id == applicant.id,
        OrganisationMember.organisation_id.in_(sa.select(Organisation.id).where(Organisation.name == RIVERSIDE)))
        .values(lead=True).execution_options(synchronize_session=False))
    hinckley = db.session.scalar(sa.select(Organisation).where(Organisation.name == HINCKLEY))
    if hinckley is not None and not hinckley.members:
        lead = _user(HINCKLEY_LEAD, roles.APPLICANT, "Priya Shah")
        hinckley.members.append(OrganisationMember(user_id=lead.id, lead=True))
        hinckley.members.append(OrganisationMember(user_id=applicant.id, lead=False))
    open_round = db.session.scalar(sa.select(GrantRound).where(GrantRound.name == OPEN_ROUND))
    if open_round is not None and not questions.of_round(open_round.id):
        open_round.required_documents = ["safeguarding_policy", "bank_proof"]
        for values in QUESTIONS:
            questions.add(open_round, {"minimum": "", "maximum": "", "options": "", **values}, staff)
    db.session.flush()
