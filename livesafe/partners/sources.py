"""The four sources and their published schemas, kept as data in livesafe/partners/schemas/*.yaml.

A schema lists its columns (a Frictionless Table Schema, so the same file checks uploads and documents
the format for whoever prepares an extract), with code lists from codes.yaml and districts from
livesafe.places. Columns map onto IncidentRecord: see COLUMNS.
"""
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from livesafe import places

HERE = Path(__file__).with_name("schemas")
ORDER = ("police", "ae", "admissions", "ambulance")
# CSV column -> IncidentRecord attribute.
COLUMNS = {"month": "month", "day_of_week": "weekday", "hour": "hour", "district": "district", "age_band": "age_band",
           "sex": "sex", "weapon": "weapon", "location_type": "location", "offence": "offence", "domestic": "domestic",
           "area": "area"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
YOUNG_BANDS = ("10-14", "15-19", "20-24")  # the bands counted as young people (ages 10 to 24)


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    short: str
    unit: str
    provider: str
    description: str
    fields: tuple[dict, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f["name"] for f in self.fields)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """The columns every file must have (an `optional: true` column may be left out)."""
        return tuple(f["name"] for f in self.fields if not f.get("optional"))

    def has(self, column: str) -> bool:
        return column in self.columns

    def descriptor(self, header: list[str] | None = None) -> dict:
        """The Frictionless Table Schema: every column's type and constraints, code lists spelt out. Given a
        file's header, optional columns the file leaves out are left out of the schema it is checked against."""
        return {"fields": [_frictionless_field(f) for f in self.fields
                           if header is None or not f.get("optional") or f["name"] in header]}


@cache
def codes() -> dict[str, dict[str, str]]:
    lists = yaml.safe_load((HERE / "codes.yaml").read_text())
    lists["district"] = {d.code: d.name for d in places.DISTRICTS}
    lists["area"] = {key: area["name"] for key, area in areas().items()}
    return lists


@cache
def areas() -> dict[str, dict]:
    """The neighbourhood areas a record may name (schemas/areas.yaml): key -> {name, district}, checked
    against livesafe.places so the area vocabulary cannot drift from the priority areas."""
    found = yaml.safe_load((HERE / "areas.yaml").read_text())["areas"]
    for key, area in found.items():
        assert area["name"] in places.PRIORITY_AREAS, f"area {key}: {area['name']} is not a priority area"
        assert key == area["name"].lower().replace(" ", "-"), f"area {key}: the key must be its name, hyphenated"
        assert area["district"] in places.BY_KEY, f"area {key}: no district {area['district']}"
    return found


def allowed(field: dict) -> list[str] | None:
    if "codes" in field:
        return list(codes()[field["codes"]])
    return field.get("constraints", {}).get("enum")


def _frictionless_field(field: dict) -> dict:
    out = {k: v for k, v in field.items() if k in ("name", "title", "description", "type")}
    constraints = dict(field.get("constraints", {}))
    if "codes" in field:
        constraints["enum"] = allowed(field)
    if constraints:
        out["constraints"] = constraints
    return out


@cache
def all_sources() -> dict[str, Source]:
    found = {}
    for key in ORDER:
        data = yaml.safe_load((HERE / f"{key}.yaml").read_text())
        assert data["key"] == key, f"{key}.yaml describes {data['key']}"
        found[key] = Source(key, data["title"], data["short"], data["unit"], data["provider"],
                            data["description"].strip(), tuple(data["fields"]))
    return found


def get(key: str) -> Source | None:
    return all_sources().get(key)


CHOICES = tuple((key, s.title) for key, s in all_sources().items())


def label(code_list: str, value) -> str:
    if value is None:
        return "Not recorded"
    return codes().get(code_list, {}).get(value, str(value))


@cache
def population() -> dict:
    return yaml.safe_load((HERE / "population.yaml").read_text())


def young_people(district_key: str) -> int:
    return int(population()["young_people"][district_key])


def population_note() -> str:
    """What the rates' denominators are, said wherever a rate is shown (page, export)."""
    p = population()
    if p.get("verified"):
        return f"Young people aged {p['ages']}: {p['source']} ({p['as_of']})."
    return (f"Indicative only: the numbers of young people aged {p['ages']} behind these rates are approximate "
            f"({p['source']}). Do not quote the rates as official figures.")
