"""Gate: limits and data hold across gunicorn workers and across two app instances sharing one database."""
import pytest

from tests.gates.servers import Client, gunicorn
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.commits]  # gunicorn reads what the test commits


@pytest.fixture
def two_instances(app, demo_users):
    with gunicorn(app.config, count=2, workers=2) as urls:
        yield urls


def test_login_throttling_holds_across_instances_and_workers(app, two_instances):
    first, second = two_instances
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for attempt in range(limit):
        url = (first, second)[attempt % 2]
        status, page, _ = Client().post(url + "/login", {"email": "staff@example.org", "password": "wrong guess"})
        assert status == 422, page[:300]
    # Fresh clients on either instance (any worker) are now refused, even with the right password.
    for url in (first, second, first, second):
        status, page, _ = Client().post(url + "/login", {"email": "staff@example.org", "password": PASSWORD})
        assert status == 429
        assert "Too many failed attempts" in page


def test_register_through_one_instance_sign_in_through_the_other(app, two_instances):
    import re

    import sqlalchemy as sa

    from livesafe.extensions import db
    from livesafe.mail.models import OutboxMessage

    first, second = two_instances
    status, _, _ = Client().post(first + "/register", {
        "email": "group@example.org", "password": "a long passphrase", "confirm": "a long passphrase"})
    assert status == 200
    with app.app_context():
        body = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.to == "group@example.org")).one()
    link = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)
    status, _, _ = Client().post(second + link, {"password": "a long passphrase"})
    assert status == 302
    client = Client()
    status, _, headers = client.post(second + "/login", {"email": "group@example.org", "password": "a long passphrase"})
    assert status == 302 and headers["Location"].endswith("/dashboard")
    # The session made by one instance is honoured by the other.
    status, page, _ = client.get(first + "/dashboard")
    assert status == 200 and "Community group member" in page
