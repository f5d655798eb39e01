"""Demo data for accountability, finding and following: older answered items (so the figures and the chart
have months to show; not published, so "You said, we did" keeps its three), progress on agreed actions,
follows and a reply. Called once by panels.demo.load."""
from datetime import timedelta

from livesafe.panels import accountability, following, logic

# Older recommendations: (title, topic, area, days ago received, days to answer, answered on time).
OLDER = [
    ("Football after school in Oadby", "community_mentoring", "oadby-and-wigston", 200, 20, True),
    ("Talk to parents about county lines", "campaigns", "charnwood", 160, 40, False),
    ("Share the survey results with schools", "surveys", "blaby", 120, 12, True),
]


def load(city, county, staff, members, items, now):
    """items: the demo's own items by name (closing, mentoring, overdue); members: the City panel's two."""
    days = timedelta(days=1)
    first, second = members
    for title, topic, area, ago, took, on_time in OLDER:
        received = now - ago * days
        item = logic.start_draft(county if area != "oadby-and-wigston" else city,
                                 first if area == "oadby-and-wigston" else _county_member(county),
                                 title=title, concerns=topic, areas=[area], urgency="medium", show_name=False,
                                 what_seen="Panel members raised this at a meeting.",
                                 recommendation=title + ".")
        item.created_at = received
        logic.submit(item, item.author, now=received)
        deadline = (received + (took + (5 if on_time else -10)) * days).date()
        logic.assign(item, staff.id, deadline, staff)
        logic.move(item, "review", staff, now=received + 3 * days)
        logic.move(item, "respond", staff, now=received + took * days,
                   response="Thank you. We agree, and we have asked the team that runs it to act on this.")

    accountability.set_progress(items["closing"], 100, "The club now opens until 10pm on Fridays.", staff,
                                now=now - 7 * days)
    accountability.set_progress(items["mentoring"], 50, "Two of the four new mentors are recruited and trained.",
                                staff, now=now - 3 * days)
    following.follow(items["overdue"], second, "immediate")
    following.follow(items["mentoring"], first, "weekly")
    question = next(c for c in logic.visible_comments(items["overdue"].id) if c.author_id == second.id)
    following.reply(items["overdue"], question, first, "Yes, and near the bus station in Loughborough too.")


def _county_member(county):
    return county.memberships[0].user
