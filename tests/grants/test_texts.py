"""E-mail texts staff can change: defaults equal the old wording, the safe renderer, preview, save, reset."""
import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import logic, texts
from livesafe.grants.models import MessageTemplate
from livesafe.kernel import Refused, RuleError
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import make_application, make_organisation, make_round
from tests.helpers import post, sign_in


def test_the_defaults_are_the_wording_the_site_always_sent(ctx):
    subject, body = texts.render("declined", {"title": "Boxing club", "round": "Summer 2027", "organisation": "X",
                                              "reason": "Other bids fitted better."})
    assert subject == "Your application: Boxing club"
    assert body == ("Thank you for applying to Summer 2027 for “Boxing club”. We are sorry that we cannot fund it this time."
                    "\n\nWhy: Other bids fitted better.\n\nWhat happens next: you are welcome to ask us for feedback and to "
                    "apply to a future round. Open rounds are listed on the Live Safe funding page.")


def test_values_are_put_in_once_and_never_read_as_placeholders(ctx):
    subject, body = texts.render("declined", {"title": "{{ reason }}\nBcc: x@example.org", "round": "R", "organisation": "O",
                                              "reason": "<script>alert(1)</script>"})
    assert subject == "Your application: {{ reason }} Bcc: x@example.org"  # one line, not expanded
    assert "<script>alert(1)</script>" in body and "“{{ reason }}\nBcc" in body  # plain text: shown escaped on pages


def test_unknown_and_broken_placeholders_and_two_line_subjects_are_refused():
    assert texts.problems("declined", "About {{ title }}", "Hi {{ organisation }}") == []
    (field, message), = texts.problems("declined", "About {{ title }}", "Hi {{ amount }} {{ nope }}")
    assert field == "body" and "Unknown placeholder {{ amount }}, {{ nope }}" in message and "{{ reason }}" in message
    assert texts.problems("declined", "About {{ title", "Body")[0][0] == "subject"
    assert ("subject", "The subject must be a single line") in texts.problems("declined", "Two\nlines", "Body")


def test_changed_wording_is_used_for_the_next_email(ctx, demo_users):
    texts.save("submitted", "Got it: {{ title }}", "Thanks, {{ organisation }}. Closes {{ closes_at }}.", account("staff"))
    db.session.commit()
    application = make_application(make_round(), make_organisation())
    logic.submit(application, account("applicant"))
    db.session.commit()
    sent = db.session.scalar(sa.select(OutboxMessage))
    assert sent.subject == "Got it: Friday night football"
    assert sent.body.startswith("Thanks, Riverside Youth Club. Closes ")
    with pytest.raises(Refused):
        texts.save("submitted", "x", "y", account("applicant"))
    with pytest.raises(RuleError):
        texts.save("submitted", "x {{ link }}", "y", account("staff"))


def test_the_page_previews_saves_refuses_and_resets(client, ctx, demo_users):
    sign_in(client, "staff")
    url = "/grants/texts/awarded"
    assert client.get("/grants/texts").status_code == 200
    assert client.get("/grants/texts/no-such-message").status_code == 404
    response = post(client, url, {"subject": "Grant for {{ title }}", "body": "You get {{ amount }}. {{ sortcode }}",
                                  "action": "save"})
    assert response.status_code == 422 and "Unknown placeholder {{ sortcode }}" in response.get_data(as_text=True)
    assert "You get {{ amount }}. {{ sortcode }}" in response.get_data(as_text=True)  # what was typed is kept
    assert post(client, url, {"subject": "", "body": "x", "action": "save"}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(MessageTemplate.id))) == 0
    response = post(client, url, {"subject": "Grant for {{ title }}", "body": "<b>You get {{ amount }}</b>", "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Grant for Friday night football" in page
    assert "&lt;b&gt;You get £2,000.00&lt;/b&gt;" in page  # escaped, never HTML
    assert db.session.scalar(sa.select(sa.func.count(MessageTemplate.id))) == 0  # a preview saves nothing
    assert post(client, url, {"subject": "Grant for {{ title }}", "body": "You get {{ amount }}.", "action": "save"}).status_code == 302
    assert texts.current("awarded") == ("Grant for {{ title }}", "You get {{ amount }}.")
    assert post(client, url, {"subject": "x", "body": "y", "action": "reset"}).status_code == 302
    assert texts.current("awarded") == (texts.MESSAGES["awarded"].subject, texts.MESSAGES["awarded"].body)
    for role in ("assessor", "panel_member", "applicant"):
        other = client.application.test_client()
        sign_in(other, role)
        assert other.get(url).status_code == 403 and other.get("/grants/texts").status_code == 403
