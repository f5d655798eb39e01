from datetime import date

import pytest

from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.partners import generate, logic, sources
from livesafe.partners.models import PartnerAccount, PartnerOrganisation

YEAR = 2024


@pytest.fixture
def partner_org(ctx, demo_users):
    """The demo partner account in an organisation (as the demo loader does)."""
    organisation = PartnerOrganisation(name="Test Police", kind="police")
    db.session.add(organisation)
    db.session.flush()
    db.session.add(PartnerAccount(user_id=account(roles.PARTNER).id, organisation_id=organisation.id))
    db.session.commit()
    return organisation


def upload(source_key, first=date(YEAR, 1, 1), last=date(YEAR, 12, 1), per_year=None, seed=1, records=None):
    """Generated records of one source stored through the same checks as a file (committed)."""
    records = records if records is not None else generate.rows(source_key, first, last, per_year=per_year, seed=seed)
    checked, saved = logic.import_file(account(roles.STAFF), sources.get(source_key),
                                       generate.csv_bytes(source_key, records), first, last, filename="test.csv")
    assert checked.ok, checked.problems[:3]
    db.session.commit()
    return saved


SIZES = {"police": 1200, "ae": 800, "admissions": 240, "ambulance": 600}  # a year; small enough to be quick


@pytest.fixture
def two_years(partner_org):
    for key in sources.ORDER:
        upload(key, date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 1), per_year=SIZES[key], seed=2)
        upload(key, per_year=SIZES[key])
