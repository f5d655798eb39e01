"""'You said, we did': nothing unpublished ever appears, names only by consent, filters, escaping."""
import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic
from tests.panels.factory import feedback_in, published, user


def _page(client, query=""):
    response = client.get("/you-said-we-did" + query)
    return response, response.get_data(as_text=True)


@pytest.mark.parametrize("state", ["draft", "received", "under_review"])
def test_unanswered_items_cannot_be_published(ctx, world, state):
    item = feedback_in(state, world.city)
    with pytest.raises(RuleError):
        logic.set_public(item, True, user("staff"))
    assert not item.public


@pytest.mark.parametrize("state", ["response_published", "action_agreed", "done", "not_taken_forward"])
def test_answered_items_can_be_published_and_the_author_is_told(ctx, world, state):
    item = feedback_in(state, world.city)
    logic.set_public(item, True, user("staff"))
    db.session.commit()
    assert logic.is_public(item) and item.published_at is not None
    subjects = db.session.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.to == "panel@example.org")).all()
    assert "Your panel feedback is now public" in subjects


def test_only_staff_publish(ctx, world):
    item = feedback_in("response_published", world.city)
    with pytest.raises(Refused):
        logic.set_public(item, True, user("member"))


def test_hidden_items_cannot_be_published_and_never_show(ctx, world):
    item = published(world.city, title="Hidden later")
    item.hidden_at = item.published_at
    db.session.commit()
    assert logic.public_feedback() == []
    other = feedback_in("response_published", world.city)
    other.hidden_at = other.created_at
    with pytest.raises(RuleError):
        logic.set_public(other, True, user("staff"))


def test_the_public_page_lists_only_published_items(app, client, world):
    with app.app_context():
        feedback_in("draft", world.city, title="A draft title")
        feedback_in("under_review", world.city, title="Under review title")
        feedback_in("response_published", world.city, title="Answered but private")
        published(world.city, title="Published title", recommendation="Open the club later")
        withdrawn = published(world.county, author="county", title="Withdrawn title")
        logic.set_public(withdrawn, False, user("staff"))
        db.session.commit()
    response, page = _page(client)
    assert response.status_code == 200
    assert "Published title" in page and "Open the club later" in page and "We will fund later opening." in page
    for private in ("A draft title", "Under review title", "Answered but private", "Withdrawn title"):
        assert private not in page


def test_names_only_by_consent_and_never_the_email(app, client, world):
    with app.app_context():
        published(world.city, author="member", title="Named item", show_name=True)
        published(world.city, author="city2", title="Anonymous item", show_name=False)
        db.session.commit()
    _, page = _page(client)
    assert "Pat Member" in page  # consented
    assert "Casey City" not in page
    assert "@example.org" not in page


def test_consent_without_a_name_shows_no_name_and_no_email(app, client, world):
    with app.app_context():
        user("member").name = ""
        published(world.city, author="member", title="Consent but no name", show_name=True)
        db.session.commit()
    _, page = _page(client)
    assert "Consent but no name" in page
    assert "panel@example.org" not in page


def test_user_text_is_escaped(app, client, world):
    with app.app_context():
        published(world.city, title="<script>alert(1)</script>", what_seen="<img src=x onerror=alert(2)>")
        db.session.commit()
    _, page = _page(client)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_filters_by_area_topic_and_status(app, client, world):
    with app.app_context():
        published(world.city, title="City data item", areas=["leicester"], concerns="data")
        published(world.county, author="county", title="Melton mentoring item", areas=["melton", "rutland"],
                  concerns="community_mentoring")
        done = feedback_in("done", world.county, author="county", title="Rutland done item", areas=["rutland"],
                           concerns="data")
        logic.set_public(done, True, user("staff"))
        db.session.commit()
    _, page = _page(client, "?area=rutland")
    assert "Melton mentoring item" in page and "Rutland done item" in page and "City data item" not in page
    _, page = _page(client, "?topic=data")
    assert "City data item" in page and "Rutland done item" in page and "Melton mentoring item" not in page
    _, page = _page(client, "?status=done")
    assert "Rutland done item" in page and "City data item" not in page
    _, page = _page(client, "?area=rutland&topic=data&status=done")
    assert "Rutland done item" in page and "Melton mentoring item" not in page


def test_an_unknown_filter_value_is_a_clear_422_not_an_error(app, client, world):
    with app.app_context():
        published(world.city, title="Still listed")
        db.session.commit()
    response, page = _page(client, "?area=%27%20OR%201%3D1--&status=<b>")
    assert response.status_code == 422
    assert "There is a problem" in page and "<title>Error: " in page
    assert "Still listed" in page
    assert "<b>" not in page


def test_htmx_filtering_returns_only_the_results_fragment(app, client, world):
    with app.app_context():
        published(world.city, title="City data item", areas=["leicester"])
        db.session.commit()
    response = client.get("/you-said-we-did?area=leicester", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment and "City data item" in fragment
    assert "1 recommendation found" in fragment
    boosted = client.get("/you-said-we-did?area=leicester", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)
    restore = client.get("/you-said-we-did?area=leicester",
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_the_public_page_shows_the_timeline_and_not_taken_forward_reason(app, client, world):
    with app.app_context():
        item = feedback_in("not_taken_forward", world.city, title="Buses")
        logic.set_public(item, True, user("staff"))
        db.session.commit()
    _, page = _page(client)
    assert "Outside our remit." in page and "Not taken forward" in page and "Received" in page


def test_signed_out_visitors_see_no_report_links_and_signed_in_do(app, client, world):
    from tests.helpers import sign_in

    with app.app_context():
        item_id = published(world.city, title="Reportable").id
        db.session.commit()
    _, page = _page(client)
    assert f"/panels/feedback/{item_id}/report" not in page
    sign_in(client, email="applicant@example.org")
    _, page = _page(client)
    assert f"/panels/feedback/{item_id}/report" in page


def test_the_public_list_is_paged_and_keeps_its_filters(app, client, world):
    with app.app_context():
        for n in range(logic.PUBLIC_PAGE_SIZE + 3):
            published(world.city, title=f"Item number {n:02d}", areas=["rutland"])
        published(world.city, title="Elsewhere", areas=["melton"])
        db.session.commit()
    _, first = _page(client, "?area=rutland")
    assert f"{logic.PUBLIC_PAGE_SIZE + 3} recommendations found, page 1 of 2" in first
    assert first.count("<article") == logic.PUBLIC_PAGE_SIZE
    assert "/you-said-we-did?page=2&amp;area=rutland&amp;topic=&amp;status=" in first
    _, second = _page(client, "?area=rutland&page=2")
    assert second.count("<article") == 3 and "Elsewhere" not in second
    assert "Newer recommendations" in second and "Older recommendations" not in second
    _, beyond = _page(client, "?area=rutland&page=99")
    assert "page 2 of 2" in beyond
