"""Finding published items: the search entries follow publishing, hiding and redaction at once; the panels'
search page and the site search find them through the same analyser as the site index."""
import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.panels import finding, logic, redaction
from livesafe.panels.models import SearchEntry
from tests.panels.factory import feedback_in, published, user


def _found(query):
    return [entry.feedback_id for entry in finding.search(query)]


def test_only_published_visible_items_are_found_with_the_index_rules(ctx, world):
    shown = published(world.city, title="Knives found near the park", what_seen="Children scared")
    answered = feedback_in("response_published", world.city, title="Knives at the station")
    assert _found("knife") == [shown.id]  # "knives" and "knife" share a stem; unpublished is not found
    assert _found("child") == [shown.id]  # an irregular plural, as in the site index
    assert _found("knife park") == [shown.id] and _found("knife bus") == []
    assert _found("the") == [] and _found("") == [] and _found("%") == []
    logic.set_public(answered, True, user("staff"))
    assert set(_found("knife")) == {shown.id, answered.id}
    logic.set_public(answered, False, user("staff"))
    assert _found("knife") == [shown.id]


def test_hiding_and_unhiding_update_the_entry(ctx, world):
    item = published(world.city, title="Lighting in the underpass")
    logic.hide(logic.report(user("city2"), item, "abusive"), "Names a person", user("staff"))
    assert _found("underpass") == []
    assert db.session.get(SearchEntry, item.id) is None
    logic.unhide(item, "A mistake", user("staff"))
    assert _found("underpass") == [item.id]


def test_redacted_words_are_never_in_an_entry(ctx, world):
    item = published(world.city, title="Dealing outside Greenfield school", what_seen="Every day at Greenfield")
    entry = redaction.add(item, "Greenfield", user("staff"))
    assert _found("greenfield") == [] and _found("dealing") == [item.id]
    stored = db.session.get(SearchEntry, item.id)
    assert "Greenfield" not in stored.title + stored.text + stored.terms and "[redacted]" in stored.text
    redaction.remove(entry, user("staff"))
    assert _found("greenfield") == [item.id]


def test_a_timeline_note_and_a_corrected_response_are_found(ctx, world):
    item = published(world.city, title="Mentors")
    logic.move(item, "agree", user("staff"), note="Recruiting volunteers in Oadby", response="Funding agreed")
    assert _found("oadby") == [item.id] and _found("funding") == [item.id]


def test_rebuilding_writes_the_same_entries(ctx, world):
    item = published(world.city, title="Safe spaces")
    before = db.session.get(SearchEntry, item.id).terms
    db.session.execute(sa.delete(SearchEntry))
    assert finding.rebuild_all() == 1
    assert db.session.get(SearchEntry, item.id).terms == before


def test_the_panels_search_page(app, client, world):
    with app.app_context():
        item_id = published(world.city, title="Knives found near the park").id
        db.session.commit()
    page = client.get("/you-said-we-did/search?q=knife")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f"/you-said-we-did/items/{item_id}" in text and "1 recommendation found" in text
    assert "Nothing matches" in client.get("/you-said-we-did/search?q=zebra").get_data(as_text=True)
    long = client.get("/you-said-we-did/search?q=" + "a" * 300)
    assert long.status_code == 422 and "200 characters or fewer" in long.get_data(as_text=True)
    assert client.get("/you-said-we-did/search?q=%00%25").status_code == 200


@pytest.mark.parametrize("who", [None, "member"])
def test_the_site_search_finds_a_published_item_and_forgets_it_when_hidden(app, world, who):
    from tests.helpers import sign_in
    from tests.panels.factory import EMAILS

    client = app.test_client()
    if who:
        sign_in(client, email=EMAILS[who])
    with app.app_context():
        item = published(world.city, title="Zebra crossing outside the youth club")
        db.session.commit()
        item_id = item.id
    text = client.get("/search?q=zebra+crossing").get_data(as_text=True)
    assert f"/you-said-we-did/items/{item_id}" in text and "Panel recommendation" in text
    with app.app_context():
        item = db.session.get(logic.Feedback, item_id)
        logic.hide(logic.report(user("city2"), item, "abusive"), "Names a person", user("staff"))
        db.session.commit()
    assert f"/you-said-we-did/items/{item_id}" not in client.get("/search?q=zebra+crossing").get_data(as_text=True)
