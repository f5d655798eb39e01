"""The evidence check: which rated approaches an application describes.

The approaches, their ratings and the phrases that name them are data
(content/evidence.yaml); this module only matches text against them.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app

EVIDENCE_PAGE = "/articles/what-works-evidence"
RATINGS = ("high", "moderate", "low", "unclear", "harmful")
# Ratings the applicant is warned about before submitting.
CAUTION = ("harmful", "low", "unclear")
RECOGNISED = ("high", "moderate")
# "We will not use scare tactics" should not be flagged: a negation shortly before a phrase cancels it.
NEGATION = re.compile(r"\b(not|no|never|avoid|avoids|avoiding|without|instead of|rather than|unlike)\b[^.;:!?]{0,40}$")


@dataclass(frozen=True)
class Approach:
    key: str
    name: str
    rating: str
    explanation: str
    pattern: re.Pattern


def _compile(phrases: list[str]) -> re.Pattern:
    alternatives = sorted((re.escape(p.lower()).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w&])(?:" + "|".join(alternatives) + r")(?![\w&])")


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[Approach, ...]:
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    approaches = []
    for entry in entries:
        if entry["rating"] not in RATINGS:
            raise ValueError(f"{path}: unknown rating {entry['rating']!r} for {entry['key']}")
        approaches.append(
            Approach(entry["key"], entry["name"], entry["rating"], entry["explanation"].strip(), _compile(entry["phrases"]))
        )
    return tuple(approaches)


def approaches() -> tuple[Approach, ...]:
    return _load(str(Path(current_app.config["CONTENT_DIR"]) / "evidence.yaml"))


def _mentions(pattern: re.Pattern, text: str) -> bool:
    for match in pattern.finditer(text):
        if not NEGATION.search(text[max(0, match.start() - 60):match.start()]):
            return True
    return False


def check(text: str) -> list[Approach]:
    """The rated approaches the text describes, most concerning first."""
    text = " ".join(text.lower().split())
    found = [a for a in approaches() if _mentions(a.pattern, text)]
    order = {"harmful": 0, "unclear": 1, "low": 2, "high": 3, "moderate": 4}
    return sorted(found, key=lambda a: order[a.rating])


def by_keys(keys: list[str]) -> list[Approach]:
    known = {a.key: a for a in approaches()}
    return [known[k] for k in keys if k in known]
