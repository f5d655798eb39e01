"""Demo data: a partner organisation, the demo partner account in it, and two clearly synthetic years of
each source (the latest full year and its baseline), uploaded through the same checks as a real file.

The latest year's extracts name the neighbourhood area of most city records (the optional area column), so the
priority areas show their own figures; the baseline year's do not, so it shows the city approximation. The survey
figures beside them come from the surveys demo's closed waves (livesafe/surveys/demo.py), read when the page is
shown."""
from datetime import date

import sqlalchemy as sa

from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.clock import today
from livesafe.extensions import db
from livesafe.partners import figures, generate, logic, sources
from livesafe.partners.models import PartnerAccount, PartnerOrganisation

ORGANISATION = "Demo Police Force (synthetic)"
AREA_SHARE = 0.85  # of the city's records in the latest year that name their neighbourhood area


def load(year: int | None = None) -> None:
    organisation = db.session.scalar(sa.select(PartnerOrganisation).where(PartnerOrganisation.name == ORGANISATION))
    if organisation is None:
        organisation = PartnerOrganisation(name=ORGANISATION, kind="police")
        db.session.add(organisation)
        db.session.flush()
    partner = db.session.scalar(sa.select(User).where(User.role == roles.PARTNER, User.email == "partner@example.org"))
    if partner is not None and db.session.get(PartnerAccount, partner.id) is None:
        db.session.add(PartnerAccount(user_id=partner.id, organisation_id=organisation.id))
    year = year or today().year - 1
    for key in sources.ORDER:
        for y in (year - 1, year):
            first, last = date(y, 1, 1), date(y, 12, 1)
            data = generate.csv_bytes(key, generate.rows(key, first, last, area_share=AREA_SHARE if y == year else None))
            checked, _ = logic.import_file(None, sources.get(key), data, first, last,
                                           filename=f"SYNTHETIC-{key}-{y}.csv", synthetic=True)
            assert checked.ok, checked.problems[:5]
    db.session.flush()
    picture = figures.local_picture()
    if picture:
        from livesafe.partners.models import LocalPicture
        from livesafe.partners.validation import month_of

        db.session.add(LocalPicture(data_to=month_of(picture["last"]), figures=picture))
    db.session.commit()
