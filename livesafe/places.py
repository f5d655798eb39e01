"""The one vocabulary of places: the nine districts of Leicester, Leicestershire and Rutland and the
priority areas. Every feature, survey definition and export takes its district names and codes from here.

Each district is a Community Safety Partnership area. `key` is what forms and stored rows use; `code` is
the ONS local authority code that partners' data (police, health) is keyed on.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    key: str
    name: str
    code: str
    county: str  # the upper-tier area: Leicester (unitary), Leicestershire or Rutland (unitary)


DISTRICTS = (
    District("leicester", "Leicester", "E06000016", "Leicester"),
    District("blaby", "Blaby", "E07000129", "Leicestershire"),
    District("charnwood", "Charnwood", "E07000130", "Leicestershire"),
    District("harborough", "Harborough", "E07000131", "Leicestershire"),
    District("hinckley-and-bosworth", "Hinckley and Bosworth", "E07000132", "Leicestershire"),
    District("melton", "Melton", "E07000133", "Leicestershire"),
    District("north-west-leicestershire", "North West Leicestershire", "E07000134", "Leicestershire"),
    District("oadby-and-wigston", "Oadby and Wigston", "E07000135", "Leicestershire"),
    District("rutland", "Rutland", "E06000017", "Rutland"),
)
NAMES = tuple(d.name for d in DISTRICTS)
KEYS = tuple(d.key for d in DISTRICTS)
BY_KEY = {d.key: d for d in DISTRICTS}
BY_NAME = {d.name: d for d in DISTRICTS}
BY_CODE = {d.code: d for d in DISTRICTS}
# (key, name) pairs for a form's choices.
CHOICES = tuple((d.key, d.name) for d in DISTRICTS)

# Where the partnership focuses: four Leicester neighbourhood policing areas and Charnwood (DOMAIN.md, Places).
PRIORITY_AREAS = ("West Leicester", "Central Leicester", "East Leicester", "South Leicester", "Charnwood")


def district(value: str) -> District | None:
    """A district from its key, name or ONS code, or None."""
    return BY_KEY.get(value) or BY_NAME.get(value) or BY_CODE.get(value)
