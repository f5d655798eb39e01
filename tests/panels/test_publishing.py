"""Point 1, safe publishing: places checked before they are public (every field, a preview, personal contacts held
back), edited, rejected and un-verified; redaction of items and comments; name consent withdrawn at any time."""
import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic, redaction
from livesafe.panels.models import Asset, Feedback, Redaction
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, feedback_in, published, user

PLACE = dict(name="Eastside Youth Club", kind="youth_club", district="leicester", description="Music and sport",
             min_age=11, max_age=18, opening_times="Fridays 6pm to 10pm", contact="07700 900123",
             website="https://eastside.example.org")


def _client(app, who):
    client = app.test_client()
    sign_in(client, email=EMAILS[who])
    return client


def _mail_to(email):
    query = sa.select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("contact", [
    "07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0044 7700 900 123", "+44 (0) 7700-900-123",
    "Call Jo on 07700 900 123 after 6", "jo.bloggs@gmail.com", "Jo <JO@Hotmail.co.uk>", "me@btinternet.com",
])
def test_personal_phone_numbers_and_emails_are_flagged(contact):
    assert logic.contact_concerns(contact)


@pytest.mark.parametrize("contact", [
    "0116 496 0000", "+44 116 496 0000", "hello@eastside.org.uk", "info@leics.gov.uk", "", "Ask at reception",
    "0800 123 4567", "071234567",  # too short to be a mobile
])
def test_organisation_contacts_are_not_flagged(contact):
    assert logic.contact_concerns(contact) == []


def test_a_personal_contact_is_held_back_until_the_member_confirms_it(app, world):
    with app.app_context():
        asset = logic.add_asset(user("member"), **PLACE)
        logic.verify_asset(asset, user("staff"))
        db.session.commit()
        asset_id = asset.id
    public = app.test_client().get(f"/local-places/{asset_id}").get_data(as_text=True)
    assert "Fridays 6pm to 10pm" in public and "07700" not in public
    member = _client(app, "member")
    assert "07700 900123" in member.get("/panels/assets").get_data(as_text=True)  # the member sees why
    # Someone else cannot confirm it for them.
    assert post(_client(app, "city2"), f"/panels/assets/{asset_id}/confirm-contact", {},
                token_from="/panels/assets").status_code == 403
    assert post(member, f"/panels/assets/{asset_id}/confirm-contact", {}, token_from="/panels/assets").status_code == 302
    assert "07700 900123" in app.test_client().get(f"/local-places/{asset_id}").get_data(as_text=True)
    # Nothing left to confirm: a clear refusal, not a 500.
    assert post(member, f"/panels/assets/{asset_id}/confirm-contact", {}, token_from="/panels/assets").status_code == 409


def test_changing_a_confirmed_contact_needs_confirming_again(ctx, world):
    asset = logic.add_asset(user("member"), **PLACE)
    logic.confirm_contact(asset, user("member"))
    assert logic.public_contact(asset) == "07700 900123"
    logic.edit_asset(asset, user("staff"), **{**PLACE, "contact": "07700 900999"})
    assert logic.public_contact(asset) == ""
    logic.edit_asset(asset, user("staff"), **{**PLACE, "contact": "0116 496 0000"})
    assert logic.public_contact(asset) == "0116 496 0000"


def test_staff_see_every_field_and_a_preview_before_verifying(app, world):
    with app.app_context():
        asset_id = logic.add_asset(user("member"), **PLACE).id
        db.session.commit()
    page = _client(app, "staff").get(f"/panels/assets/{asset_id}").get_data(as_text=True)
    for shown in ("07700 900123", "Fridays 6pm to 10pm", "https://eastside.example.org", "Music and sport",
                  'id="preview"', 'id="contact-concerns"', "Pat Member"):
        assert shown in page, shown
    preview = page.split('id="preview"')[1].split("</div>")[0]
    assert "07700" not in preview  # the preview shows what the public would see
    assert _client(app, "member").get(f"/panels/assets/{asset_id}").status_code == 403


def test_staff_reject_with_a_reason_and_the_member_is_told(app, world):
    with app.app_context():
        asset_id = logic.add_asset(user("member"), **PLACE).id
        db.session.commit()
    staff = _client(app, "staff")
    url = f"/panels/assets/{asset_id}/reject"
    empty = post(staff, url, {"reject-reason": "  "}, token_from=f"/panels/assets/{asset_id}")
    assert empty.status_code == 422 and "Give the reason" in empty.get_data(as_text=True)
    assert post(staff, url, {"reject-reason": "We could not find this club"},
                token_from=f"/panels/assets/{asset_id}").status_code == 302
    with app.app_context():
        assert db.session.get(Asset, asset_id).state == "rejected"
        [mail] = _mail_to(EMAILS["member"])
        assert "We could not find this club" in mail.body
    # Rejecting twice is a conflict shown on the page, not a 500; verifying after a correction still works.
    assert post(staff, url, {"reject-reason": "again"}, token_from=f"/panels/assets/{asset_id}").status_code == 409
    assert post(staff, f"/panels/assets/{asset_id}/verify", {}, token_from="/panels/assets").status_code == 302
    with app.app_context():
        assert db.session.get(Asset, asset_id).state == "verified"


def test_unverifying_takes_a_place_off_the_public_list_and_search(app, world):
    with app.app_context():
        asset = logic.add_asset(user("member"), **PLACE)
        logic.verify_asset(asset, user("staff"))
        db.session.commit()
        asset_id = asset.id
    assert app.test_client().get(f"/local-places/{asset_id}").status_code == 200
    assert "Eastside Youth Club" in app.test_client().get("/search?q=eastside").get_data(as_text=True)
    staff = _client(app, "staff")
    assert post(staff, f"/panels/assets/{asset_id}/unverify", {"unverify-reason": "Closed down"},
                token_from=f"/panels/assets/{asset_id}").status_code == 302
    assert app.test_client().get(f"/local-places/{asset_id}").status_code == 404
    assert "Eastside Youth Club" not in app.test_client().get("/search?q=eastside").get_data(as_text=True)
    with app.app_context():
        assert "Closed down" in _mail_to(EMAILS["member"])[-1].body
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"panels.asset.verify", "panels.asset.unverify"} <= actions


def test_who_may_edit_a_place(app, world):
    with app.app_context():
        asset_id = logic.add_asset(user("member"), **PLACE).id
        db.session.commit()
    url = f"/panels/assets/{asset_id}/edit"
    form = {**PLACE, "min_age": "11", "max_age": "18", "name": "Eastside Club"}
    assert _client(app, "city2").get(url).status_code == 403
    assert post(_client(app, "member"), url, form).status_code == 302
    bad = post(_client(app, "member"), url, {**form, "min_age": "19", "name": ""})
    assert bad.status_code == 422 and "Enter the name" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Asset, asset_id).name == "Eastside Club"  # the bad post lost nothing
        logic.verify_asset(db.session.get(Asset, asset_id), user("staff"))
        db.session.commit()
    # Once verified, only staff change it.
    assert _client(app, "member").get(url).status_code == 403
    assert post(_client(app, "staff"), url, {**form, "name": "Eastside Youth Hub"}).status_code == 302
    assert "Eastside Youth Hub" in app.test_client().get(f"/local-places/{asset_id}").get_data(as_text=True)


# --- Redaction ----------------------------------------------------------------------------------


def test_redaction_shows_a_mark_to_the_public_and_the_original_to_the_author(app, world):
    with app.app_context():
        item = published(world.city, what_seen="Jo Bloggs at 12 Elm Road sells knives.")
        db.session.commit()
        item_id = item.id
    staff = _client(app, "staff")
    triage = f"/panels/feedback/{item_id}/triage"
    missing = post(staff, f"/panels/feedback/{item_id}/redactions", {"target": "feedback", "phrase": "not in it"},
                   token_from=triage)
    assert missing.status_code == 422 and "not in the text" in missing.get_data(as_text=True)
    assert post(staff, f"/panels/feedback/{item_id}/redactions", {"target": "nonsense", "phrase": "Elm"},
                token_from=triage).status_code == 422
    assert post(staff, f"/panels/feedback/{item_id}/redactions", {"target": "feedback", "phrase": "jo bloggs"},
                token_from=triage).status_code == 302
    assert post(staff, f"/panels/feedback/{item_id}/redactions", {"target": "feedback", "phrase": "Jo Bloggs"},
                token_from=triage).status_code == 409
    public = app.test_client().get("/you-said-we-did").get_data(as_text=True)
    assert "Jo Bloggs" not in public and "[redacted] at 12 Elm Road" in public
    other = _client(app, "city2").get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert "Jo Bloggs" not in other and "[redacted]" in other
    author = _client(app, "member").get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert "Jo Bloggs at 12 Elm Road" in author and 'id="redactions"' in author
    with app.app_context():
        assert db.session.get(Feedback, item_id).what_seen == "Jo Bloggs at 12 Elm Road sells knives."
        row_id = db.session.scalar(sa.select(Redaction.id))
    # Only staff redact or undo.
    assert post(_client(app, "member"), f"/panels/redactions/{row_id}/remove", {},
                token_from="/dashboard").status_code == 403
    assert post(staff, f"/panels/redactions/{row_id}/remove", {}, token_from=triage).status_code == 302
    assert "Jo Bloggs" in app.test_client().get("/you-said-we-did").get_data(as_text=True)


def test_redacting_a_comment_and_a_response(ctx, world):
    item = feedback_in("response_published", world.city)
    comment = logic.add_comment(item, user("city2"), "My neighbour Sam Smith saw it too")
    redaction.add(comment, "Sam Smith", user("staff"))
    redaction.add(item, "fund later", user("staff"))  # in the response
    assert redaction.redact(comment.body, redaction.phrases_for("comment", [comment.id])[comment.id]) == \
        "My neighbour [redacted] saw it too"
    assert "[redacted]" in redaction.redact(item.response, redaction.phrases_for("feedback", [item.id])[item.id])
    with pytest.raises(Refused):
        redaction.add(item, "Youth", user("member"))
    with pytest.raises(RuleError):
        redaction.add(item, "", user("staff"))


def test_supporters_are_emailed_the_redacted_words_and_nothing_about_hidden_items(ctx, world):
    item = feedback_in("received", world.city, title="Knife seen near Elm Road")
    logic.set_support(item, user("city2"), True)
    redaction.add(item, "Elm Road", user("staff"))
    logic.move(item, "review", user("staff"), note="Spoke to Elm Road school")
    [to_supporter] = _mail_to(EMAILS["city2"])
    assert "Elm Road" not in to_supporter.body + to_supporter.subject and "[redacted]" in to_supporter.body
    assert "Elm Road" in _mail_to(EMAILS["member"])[-1].body  # the author reads their own words
    item.hidden_at = item.submitted_at
    logic.move(item, "respond", user("staff"), response="Done")
    assert len(_mail_to(EMAILS["city2"])) == 1  # a link they could not open is not sent


def test_withdrawing_name_consent_takes_the_name_off_the_public_page_at_once(app, world):
    with app.app_context():
        item_id = published(world.city, show_name=True).id
        db.session.commit()
    assert "Pat Member" in app.test_client().get("/you-said-we-did").get_data(as_text=True)
    url = f"/panels/feedback/{item_id}/name"
    page = f"/panels/feedback/{item_id}"
    assert post(_client(app, "city2"), url, {"show_name": "0"}, token_from=page).status_code == 403
    assert post(_client(app, "staff"), url, {"show_name": "0"}, token_from=page).status_code == 403
    assert post(_client(app, "member"), url, {"show_name": "maybe"}, token_from=page).status_code == 400
    assert post(_client(app, "member"), url, {"show_name": "0"}, token_from=page).status_code == 302
    assert "Pat Member" not in app.test_client().get("/you-said-we-did").get_data(as_text=True)
    assert "Pat Member" not in app.test_client().get("/you-said-we-did", headers={"HX-Request": "true"}).get_data(
        as_text=True)
    assert post(_client(app, "member"), url, {"show_name": "1"}, token_from=page).status_code == 302
    assert "Pat Member" in app.test_client().get("/you-said-we-did").get_data(as_text=True)
