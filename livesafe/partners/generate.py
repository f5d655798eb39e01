"""Made-up extracts for the demo, the tests and the benchmark: clearly synthetic, shaped like the real thing
(more in the city, mostly young men, peaks at the end of the school day and late in the evening, about
one offence in ten with a knife, about a third linked to the night-time economy)."""
import csv
import io
import random
from datetime import date

from livesafe import places
from livesafe.partners import sources

DISTRICT_WEIGHTS = {"leicester": 57, "charnwood": 11, "north-west-leicestershire": 6, "hinckley-and-bosworth": 6,
                    "blaby": 5, "oadby-and-wigston": 4, "harborough": 4, "melton": 4, "rutland": 3}
AGE_WEIGHTS = {"0-9": 2, "10-14": 12, "15-19": 24, "20-24": 18, "25-34": 20, "35-44": 12, "45+": 10, "unknown": 2}
# A year's records per source for the whole area (the benchmark multiplies these).
YEARLY = {"police": 3000, "ae": 2000, "admissions": 240, "ambulance": 1500}
# How a city record's neighbourhood area is drawn, when records carry one (West and Central have the most).
AREA_WEIGHTS = {"west-leicester": 35, "central-leicester": 30, "east-leicester": 20, "south-leicester": 15}


def _hour(rng: random.Random, weekday: int) -> int:
    school_day = weekday < 5
    weights = [1] * 24
    for h in (15, 16):
        weights[h] = 6 if school_day else 2
    for h in (22, 23, 0, 1):
        weights[h] = 7 if weekday >= 4 else 4
    for h in range(3, 8):
        weights[h] = 0.3
    return rng.choices(range(24), weights)[0]


def rows(source_key: str, first: date, last: date, per_year: int | None = None, seed: int = 1,
         area_share: float | None = None) -> list[dict]:
    """Records of one source. With `area_share`, the optional area column is filled for that share of the
    city's records (0 to 1); without it the column is left out, as most extracts will."""
    from livesafe.partners.figures import month_span

    rng = random.Random(f"{source_key}-{first}-{seed}")
    source = sources.get(source_key)
    months = month_span(first, last)
    count = round((per_year or YEARLY[source_key]) * len(months) / 12)
    districts, district_weights = zip(*DISTRICT_WEIGHTS.items())
    bands, band_weights = zip(*AGE_WEIGHTS.items())
    out = []
    for _ in range(count):
        weekday = rng.choices(range(7), (12, 12, 12, 13, 15, 19, 17))[0]
        hour = _hour(rng, weekday)
        night = hour >= 21 or hour <= 2
        weapon = rng.choices(("knife_or_sharp", "bodily", "blunt", "firearm", "other", "none", "unknown"),
                             (10, 50, 8, 1, 6, 20, 5))[0]
        row = {
            "month": f"{rng.choice(months):%Y-%m}",
            "day_of_week": sources.WEEKDAYS[weekday] if rng.random() > 0.02 else "",
            "hour": str(hour) if rng.random() > 0.03 else "",
            "district": places.BY_KEY[rng.choices(districts, district_weights)[0]].code,
            "age_band": rng.choices(bands, band_weights)[0],
            "sex": rng.choices(("male", "female", "unknown"), (74, 24, 2))[0],
            "offence": rng.choices(("violence_with_injury", "robbery", "sexual_violence", "weapon_possession", "homicide"),
                                   (70, 14, 10, 6, 0.3))[0],
            "weapon": "knife_or_sharp" if source_key == "admissions" else weapon,
            "location_type": "night_time_economy" if night and rng.random() < 0.6 else rng.choices(
                ("street", "home", "school", "transport", "retail", "park", "other", "unknown"),
                (40, 25, 6 if 8 <= hour <= 16 and weekday < 5 else 1, 6, 8, 6, 6, 3))[0],
            "domestic": rng.choices(("no", "yes", "unknown"), (72, 25, 3))[0],
        }
        if area_share is not None:
            in_city = row["district"] == places.BY_KEY["leicester"].code
            row["area"] = (rng.choices(*zip(*AREA_WEIGHTS.items()))[0]
                           if in_city and rng.random() < area_share else "")
        out.append({column: row[column] for column in source.columns if column in row})
    return out


def csv_bytes(source_key: str, records: list[dict]) -> bytes:
    buffer = io.StringIO()
    present = set(records[0]) if records else set()
    columns = [c for c in sources.get(source_key).columns if c in present or c in sources.get(source_key).required_columns]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")
