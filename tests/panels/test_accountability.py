"""Accountability anyone can check: the figures (overall and per panel), owner and deadline before an item is
accepted, progress per item, and the open-data export."""
import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from livesafe.extensions import db
from livesafe.kernel import RuleError
from livesafe.panels import accountability, logic, redaction
from livesafe.panels.models import Feedback, Panel
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, FIELDS, published, user

TODAY = date(2025, 6, 10)
NOON = datetime(2025, 6, 10, 11, tzinfo=UTC)
DAY = timedelta(days=1)


def _item(panel_id, received, steps=(), deadline=None, author="member", **fields):
    """An item received at `received`, then each (action, when) step taken by staff."""
    item = logic.start_draft(db.session.get(Panel, panel_id), user(author), **{**FIELDS, **fields})
    logic.submit(item, user(author), now=received)
    if deadline is not None:
        logic.assign(item, user("staff").id, deadline, user("staff"))
    for action, when in steps:
        values = {"respond": {"response": "We will act."}, "decline": {"note": "Outside our remit."}}.get(action, {})
        logic.move(item, action, user("staff"), now=when, **values)
    return item


@pytest.fixture
def four(ctx, world):
    """City: A waiting and overdue (default deadline), B answered on time, C answered late; County: D declined."""
    a = _item(world.city, NOON - 40 * DAY, [("review", NOON - 39 * DAY)])
    b = _item(world.city, NOON - 10 * DAY, [("review", NOON - 8 * DAY), ("respond", NOON - 5 * DAY)])
    c = _item(world.city, NOON - 50 * DAY, [("review", NOON - 48 * DAY), ("respond", NOON - 30 * DAY)],
              deadline=TODAY - 45 * DAY)
    d = _item(world.county, NOON - 20 * DAY, [("decline", NOON - 17 * DAY)], author="county")
    db.session.flush()
    return a, b, c, d


def test_the_figures_overall_and_per_panel(four, world):
    overall = accountability.figures(today=TODAY)
    assert (overall.raised, overall.answered, overall.on_time, overall.waiting, overall.overdue) == (4, 3, 2, 1, 1)
    assert overall.median_days == 5.0  # of 5, 20 and 3 days
    assert overall.on_time_percent == 67
    city = accountability.figures(world.city, today=TODAY)
    assert (city.raised, city.answered, city.on_time, city.waiting, city.overdue) == (3, 2, 1, 1, 1)
    assert city.median_days == 12.5
    county = accountability.figures(world.county, today=TODAY)
    assert (county.raised, county.answered, county.on_time, county.median_days) == (1, 1, 1, 3.0)


def test_items_by_state_at_each_months_end(four):
    found = accountability.figures(today=TODAY)
    assert found.months[-1] == "2025-06" and len(found.months) == accountability.MONTHS_SHOWN
    june, april = found.months.index("2025-06"), found.months.index("2025-04")
    assert {state: counts[june] for state, counts in found.by_state.items()} == {
        "received": 0, "under_review": 1, "response_published": 2, "action_agreed": 0, "done": 0,
        "not_taken_forward": 1}
    # C arrived on 21 April and was reviewed on 23 April: under review at April's end; A came in May.
    assert found.by_state["under_review"][april] == 1 and found.by_state["received"][april] == 0
    may = found.months.index("2025-05")
    assert (found.raised_by_month[april], found.raised_by_month[may], found.raised_by_month[june]) == (1, 3, 0)


@pytest.mark.parametrize("answered_at,on_time", [
    (datetime(2025, 6, 1, 22, 30, tzinfo=UTC), True),  # 23:30 on 1 June in London: the due date
    (datetime(2025, 6, 1, 23, 30, tzinfo=UTC), False),  # 00:30 on 2 June in London: a day late
])
def test_on_time_is_judged_on_the_london_date(ctx, world, answered_at, on_time):
    _item(world.city, datetime(2025, 5, 20, 10, tzinfo=UTC), [("review", datetime(2025, 5, 21, tzinfo=UTC)),
                                                            ("respond", answered_at)], deadline=date(2025, 6, 1))
    assert accountability.figures(today=TODAY).on_time == (1 if on_time else 0)


def test_a_default_deadline_is_28_london_days_after_receipt(ctx, world):
    # Received at 23:30 UTC on 3 May = 00:30 on 4 May in London: due 1 June; answered on 1 June, on time.
    _item(world.city, datetime(2025, 5, 3, 23, 30, tzinfo=UTC),
          [("review", datetime(2025, 5, 5, tzinfo=UTC)), ("respond", datetime(2025, 6, 1, 12, tzinfo=UTC))])
    assert accountability.figures(today=TODAY).on_time == 1


def test_no_items_gives_no_median_and_an_empty_chart(ctx, world):
    found = accountability.figures(today=TODAY)
    assert (found.raised, found.median_days, found.on_time_percent) == (0, None, None)
    assert all(count == 0 for counts in found.by_state.values() for count in counts)


def test_the_public_page_shows_the_figures_with_a_chart_and_a_table(app, client, world):
    with app.app_context():
        published(world.city)
        db.session.commit()
    page = client.get("/accountability")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'role="img"' in text and "<table" in text and "Recommendations raised" in text
    assert 'data-figure="raised">1<' in text and 'data-figure="answered">1<' in text
    assert "/you-said-we-did/export.csv" in text
    panel = client.get(f"/accountability/panels/{world.county}")
    assert panel.status_code == 200 and 'data-figure="raised">0<' in panel.get_data(as_text=True)
    assert client.get("/accountability/panels/999999").status_code == 404


# --- Owner and deadline before accepting ---------------------------------------------------------


def test_an_item_cannot_be_agreed_without_an_owner_and_a_deadline(ctx, world):
    item = _item(world.city, NOON - 5 * DAY, [("review", NOON - 4 * DAY), ("respond", NOON - 3 * DAY)])
    with pytest.raises(RuleError, match="choose its owner and set a deadline") as refused:
        logic.move(item, "agree", user("staff"))
    assert refused.value.field == "action" and item.state == "response_published"
    logic.assign(item, user("staff").id, None, user("staff"))
    with pytest.raises(RuleError, match="set a deadline"):
        logic.move(item, "agree", user("staff"))
    logic.assign(item, user("staff").id, TODAY + 30 * DAY, user("staff"))
    logic.move(item, "agree", user("staff"))
    assert item.state == "action_agreed"


def test_agreeing_without_an_owner_over_http_is_a_422_and_keeps_the_typed_response(app, client, world):
    with app.app_context():
        item = _item(world.city, NOON - 5 * DAY, [("review", NOON - 4 * DAY), ("respond", NOON - 3 * DAY)])
        db.session.commit()
        item_id = item.id
    sign_in(client, email=EMAILS["staff"])
    url = f"/panels/feedback/{item_id}/triage"
    response = post(client, url + "/state", {"action": "agree", "response": "A corrected answer"}, token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "choose its owner and set a deadline" in page and "A corrected answer" in page
    with app.app_context():
        assert db.session.get(Feedback, item_id).state == "response_published"


# --- Progress ------------------------------------------------------------------------------------


def test_staff_record_progress_and_the_public_sees_it_on_the_item(app, client, world):
    with app.app_context():
        item = published(world.city)
        db.session.commit()
        item_id = item.id
    sign_in(client, email=EMAILS["staff"])
    url = f"/panels/feedback/{item_id}/progress"
    assert client.get(url).status_code == 200
    response = post(client, url, {"progress": "40", "progress_note": "Two of five schools visited"})
    assert response.status_code == 302
    anonymous = app.test_client()
    for page in (f"/you-said-we-did/items/{item_id}", "/you-said-we-did"):
        text = anonymous.get(page).get_data(as_text=True)
        assert "40% done" in text and "Two of five schools visited" in text, page


@pytest.mark.parametrize("sent,message", [
    ({"progress": "150", "progress_note": ""}, "Enter a percentage from 0 to 100"),
    ({"progress": "-1", "progress_note": ""}, "Enter a percentage from 0 to 100"),
    ({"progress": "forty", "progress_note": ""}, "Enter the percentage as a whole number"),
    ({"progress": "", "progress_note": ""}, "Enter a percentage, a milestone, or both"),
    ({"progress": "10", "progress_note": "x" * 501}, "500 characters or fewer"),
])
def test_bad_progress_is_a_422_and_keeps_what_was_saved(app, client, world, sent, message):
    with app.app_context():
        item = published(world.city)
        accountability.set_progress(item, 20, "Started", user("staff"))
        db.session.commit()
        item_id = item.id
    sign_in(client, email=EMAILS["staff"])
    response = post(client, f"/panels/feedback/{item_id}/progress", sent)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(Feedback, item_id)
        assert (item.progress, item.progress_note) == (20, "Started")


def test_progress_waits_for_a_response(ctx, world):
    item = _item(world.city, NOON, [])
    with pytest.raises(RuleError, match="once a response is published"):
        accountability.set_progress(item, 10, "", user("staff"))


@pytest.mark.parametrize("who,status", [("member", 403), ("applicant", 403), ("admin", 200)])
def test_only_staff_record_progress(app, client, world, who, status):
    with app.app_context():
        item_id = published(world.city).id
        db.session.commit()
    sign_in(client, email=EMAILS[who])
    assert client.get(f"/panels/feedback/{item_id}/progress").status_code == status
    if status == 403:
        assert post(client, f"/panels/feedback/{item_id}/progress", {"progress": "50"},
                    token_from="/dashboard").status_code == 403


# --- The public item and the export --------------------------------------------------------------


def _export_world(world):
    staff = user("staff")
    named = published(world.city, title="Safer routes home", what_seen="Seen near Bramble Lane school",
                      show_name=True, author="member")
    redaction.add(named, "Bramble Lane", staff)
    formula = published(world.city, title="=HYPERLINK(\"http://x\")", author="city2")
    hidden = published(world.city, title="Hidden item")
    logic.hide(logic.report(user("city2"), hidden, "abusive"), "Names a person", staff)
    unpublished = _item(world.city, NOON, [("review", NOON), ("respond", NOON)], title="Not published")
    db.session.commit()
    return named.id, formula.id, hidden.id, unpublished.id


def test_the_export_has_published_items_only_redacted_and_without_personal_data(app, client, world):
    with app.app_context():
        named, formula, hidden, unpublished = _export_world(world)
        author = user("member")
        name, email = author.name, author.email
    data = client.get("/you-said-we-did/export.json")
    assert data.status_code == 200 and data.mimetype == "application/json"
    assert "attachment" in data.headers["Content-Disposition"]
    items = {row["id"]: row for row in json.loads(data.get_data(as_text=True))["items"]}
    assert set(items) == {named, formula}
    assert items[named]["what_was_seen"] == "Seen near [redacted] school"
    assert items[named]["answered_on_time"] is True and items[named]["state"] == "Response published"
    sheet = client.get("/you-said-we-did/export.csv")
    assert sheet.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True))))
    assert {int(row["id"]) for row in rows} == {named, formula}
    assert next(row for row in rows if int(row["id"]) == formula)["title"].startswith("'=")
    for text in (data.get_data(as_text=True), sheet.get_data(as_text=True)):
        for secret in (name, email, "Bramble Lane", "Hidden item", "Not published", "Names a person"):
            assert secret not in text


def test_the_public_item_page_shows_only_published_items(app, client, world):
    with app.app_context():
        named, _, hidden, unpublished = _export_world(world)
    assert client.get(f"/you-said-we-did/items/{named}").status_code == 200
    assert "[redacted]" in client.get(f"/you-said-we-did/items/{named}").get_data(as_text=True)
    for item_id in (hidden, unpublished, 999999):
        assert client.get(f"/you-said-we-did/items/{item_id}").status_code == 404


def test_the_export_and_figures_are_queried_in_sql_not_per_item(app, client, world):
    from tests.helpers import assert_flat

    def more(count):
        with app.app_context():
            for n in range(count):
                item = published(world.city, title=f"Item {n}")
                logic.add_comment(item, user("city2"), "A comment")
            db.session.commit()

    with app.app_context():
        published(world.city)
        db.session.commit()
    for url in ("/accountability", "/you-said-we-did/export.json", "/you-said-we-did/export.csv",
                "/you-said-we-did/search?q=youth"):
        assert_flat(client, url, more, more=3)
