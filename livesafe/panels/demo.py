"""Demo panels: two panels, meetings, feedback in every state, supports, comments and local places.

Safe to run twice: it does nothing if the City panel already exists.
"""
from datetime import timedelta

import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.auth.demo import PASSWORD, account
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.panels import demo_accountability, logic, meetings, papers
from livesafe.mail.models import OutboxMessage
from livesafe.panels.models import Comment, Panel, Support
from livesafe import clock
from livesafe.clock import utcnow

# Extra demo panel members (the foundation creates panel@example.org).
MEMBERS = [
    ("panel2@example.org", "Demo County Member"),
    ("panel3@example.org", "Demo City Member"),
]


def _member(email: str, name: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=roles.PANEL_MEMBER)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def _feedback(panel, author, when, **fields):
    item = logic.start_draft(panel, author, **fields)
    item.created_at = when
    logic.submit(item, author, now=when)
    return item


def load():
    if db.session.scalar(sa.select(Panel.id).where(Panel.name == "City panel")):
        return
    last_message = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    staff = account(roles.STAFF)
    admin = account(roles.ADMIN)
    city_member = account(roles.PANEL_MEMBER)
    county_member, second_city_member = (_member(email, name) for email, name in MEMBERS)
    now = utcnow()
    today = clock.today()
    days = timedelta(days=1)

    city = logic.create_panel("City panel", "Community leaders from across Leicester.", staff)
    county = logic.create_panel("County panel", "Community leaders from the Leicestershire districts and Rutland.", staff)
    for panel, member in ((city, city_member), (city, second_city_member), (county, county_member)):
        logic.add_member(panel, member.email, staff)

    # Meetings: one past with a published note, upcoming ones open for agenda items.
    past = logic.add_meeting(city, now - 21 * days, "in_person", "Community room, Highfields Centre, Leicester", staff)
    logic.add_agenda_item(past, city_member, "Safer routes home from school", "", now=past.starts_at - 5 * days)
    logic.add_agenda_item(past, staff, "Update on the community grants round", "", now=past.starts_at - 5 * days)
    logic.publish_note(past, "We talked about the walk home from school in the East of the city and agreed to map "
                       "where young people feel unsafe.\nStaff shared the dates of the next grants round.", staff,
                       now=past.starts_at + 2 * days)
    papers.load_demo(past, staff)
    upcoming = logic.add_meeting(city, now + 14 * days, "online", "Online: the joining link is e-mailed to members", staff)
    logic.add_agenda_item(upcoming, second_city_member, "Knife crime talks in schools: what works?",
                          "The evidence says talks alone have little effect. Can we ask about MVP instead?", now=now)
    logic.add_meeting(county, now + 10 * days, "in_person", "Village hall, Melton Mowbray", staff)
    meetings.load_demo(city, past, upcoming, staff, [city_member, second_city_member])

    # Feedback in several states.
    closing = _feedback(city, city_member, now - 60 * days, title="Youth club closes early on Fridays",
                        concerns="other", areas=["leicester"], urgency="medium", show_name=False,
                        what_seen="The youth club near the park closes at 7pm on Fridays. Young people then hang "
                                  "around the shops and there has been trouble.",
                        recommendation="Fund later Friday opening through the community grants.")
    logic.assign(closing, staff.id, (now - 46 * days).date(), staff)
    logic.move(closing, "review", staff, now=now - 55 * days)
    logic.move(closing, "respond", staff, now=now - 50 * days,
                       response="Thank you. We agree Friday evenings matter. The club can apply to the next grants "
                                "round for later opening, and we will help with the application.")
    logic.move(closing, "agree", staff, note="The club applied and was funded.", now=now - 30 * days)
    logic.move(closing, "finish", staff, note="The club now opens until 10pm on Fridays.", now=now - 7 * days)
    logic.set_public(closing, True, staff, now=now - 7 * days)

    mentoring = _feedback(city, second_city_member, now - 40 * days, title="More mentors in the West of the city",
                          concerns="community_mentoring", areas=["leicester"], urgency="medium", show_name=True,
                          what_seen="Parents say there is a long wait for a mentor in the West of the city.",
                          recommendation="Recruit more credible community mentors from the area.")
    logic.assign(mentoring, staff.id, (now - 26 * days).date(), staff)
    logic.move(mentoring, "review", staff, now=now - 35 * days)
    logic.move(mentoring, "respond", staff, now=now - 28 * days,
                       response="We are recruiting four more mentors for the West and Charnwood and will report back "
                                "at the next panel meeting.")
    logic.set_public(mentoring, True, staff, now=now - 27 * days)

    bus = _feedback(county, county_member, now - 35 * days, title="Late buses from Melton",
                    concerns="other", areas=["melton"], urgency="low", show_name=False,
                    what_seen="Young people say the last bus home leaves them waiting in the dark.",
                    recommendation="Ask the bus company for a later service.")
    logic.assign(bus, admin.id, (now - 20 * days).date(), admin)
    logic.move(bus, "decline", admin, now=now - 21 * days,
                       note="Bus timetables are outside what the VRN can change. We have passed this to the "
                            "district council's transport team.")
    logic.set_public(bus, True, admin, now=now - 20 * days)

    overdue = _feedback(city, city_member, now - 20 * days, title="Data on violence near schools at home time",
                        concerns="data", areas=["leicester", "charnwood"], urgency="high", show_name=True,
                        what_seen="We keep hearing about fights at the end of the school day but never see numbers.",
                        recommendation="Share the 3-4pm figures by area with the panel.")
    logic.assign(overdue, staff.id, today - 3 * days, staff)
    logic.move(overdue, "review", staff, now=now - 15 * days)

    vip = _feedback(county, county_member, now - 2 * days, title="Hospital youth workers in Hinckley",
                    concerns="vip", areas=["hinckley-and-bosworth"], urgency="medium", show_name=False,
                    what_seen="Families in Hinckley do not know the hospital youth workers exist.",
                    recommendation="Tell GP surgeries and schools about the service.")
    logic.assign(vip, staff.id, today + 12 * days, staff)

    draft = logic.start_draft(city, city_member, title="Safe spaces in the city centre", concerns="", areas=[],
                              what_seen="", recommendation="", urgency="", show_name=False)
    draft.created_at = now - days

    db.session.add_all([
        Support(feedback_id=closing.id, user_id=second_city_member.id, created_at=now - 58 * days),
        Support(feedback_id=overdue.id, user_id=second_city_member.id, created_at=now - 19 * days),
        Support(feedback_id=mentoring.id, user_id=city_member.id, created_at=now - 39 * days),
        Comment(feedback_id=overdue.id, author_id=second_city_member.id, created_at=now - 18 * days,
                body="The same happens near the college in Loughborough."),
        Comment(feedback_id=overdue.id, author_id=staff.id, created_at=now - 14 * days,
                body="Thank you both. We are checking which figures we can share safely."),
    ])

    places = [
        ("Eastside Youth Club", "youth_club", "leicester", 11, 18, "Mon, Wed and Fri, 6pm to 10pm",
         "A youth club with sport, music and a quiet room. Youth workers are there every session."),
        ("Loughborough Boxing Gym", "sports_club", "charnwood", 10, 25, "Weekdays 4pm to 8pm",
         "Boxing and fitness sessions with free places for young people referred by schools or mentors."),
        ("Rutland Young People's Mentoring", "mentoring", "rutland", 13, 25, "By appointment",
         "One-to-one mentoring from trained local volunteers."),
    ]
    for name, kind, district, low, high, hours, description in places:
        asset = logic.add_asset(staff, name=name, kind=kind, district=district, description=description,
                                min_age=low, max_age=high, opening_times=hours, contact="", website="")
        logic.verify_asset(asset, staff, now=now - 5 * days)
    logic.add_asset(city_member, name="Saturday Football in the Park", kind="sports_club", district="leicester",
                    description="Free football on Saturday mornings, run by volunteers.", min_age=8, max_age=16,
                    opening_times="Saturdays, 10am to 12 noon", contact="", website="")
    demo_accountability.load(city, county, staff, (city_member, second_city_member),
                             {"closing": closing, "mentoring": mentoring, "overdue": overdue}, now)
    # The demo's history is in the past: do not e-mail anyone about it now.
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > last_message))
    db.session.commit()
