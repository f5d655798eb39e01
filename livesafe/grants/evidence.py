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
# "We will not use scare tactics" should not be flagged: a negation cancels a mention only when it governs
# it, i.e. it comes at most four words before, in the same clause. "Young people with no positive role
# models will attend a boot camp" is still flagged: there the "no" belongs to another noun.
NEGATION = re.compile(r"\b(?:not|no|never|nor|avoid|avoids|avoiding|without|instead of|rather than|unlike|"
                      r"won't|don't|doesn't|wouldn't|shouldn't|cannot|can't)((?:\s+[\w'&]+){0,4})\s*$")
CLAUSE_BREAK = re.compile(r"[.;:!?()\n]|\bbut\b|\bwhere\b|\bwhich\b|\bthen\b")


@dataclass(frozen=True)
class Approach:
    key: str
    name: str
    rating: str
    explanation: str
    pattern: re.Pattern


def normalise(text: str) -> str:
    """Lower case, hyphens and dashes as spaces ("scared-straight style" = "scared straight style"), one space."""
    return " ".join(re.sub(r"[-\u2010-\u2015]", " ", text.lower()).split())


def _compile(phrases: list[str], patterns: list[str]) -> re.Pattern:
    """Phrases match as whole words; patterns (regular expressions over normalised text) catch the ways
    people describe an approach without naming it: "a trip to HMP Leicester where prisoners talk"."""
    alternatives = sorted((re.escape(normalise(p)).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w&])(?:" + "|".join(alternatives + list(patterns)) + r")(?![\w&])")


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[Approach, ...]:
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    approaches = []
    for entry in entries:
        if entry["rating"] not in RATINGS:
            raise ValueError(f"{path}: unknown rating {entry['rating']!r} for {entry['key']}")
        approaches.append(
            Approach(entry["key"], entry["name"], entry["rating"], entry["explanation"].strip(), _compile(entry["phrases"], entry.get("patterns", [])))
        )
    return tuple(approaches)


def approaches() -> tuple[Approach, ...]:
    return _load(str(Path(current_app.config["CONTENT_DIR"]) / "evidence.yaml"))


def _negated(before: str) -> bool:
    clause = CLAUSE_BREAK.split(before[-80:])[-1]
    return NEGATION.search(clause) is not None


def _mentions(pattern: re.Pattern, text: str) -> bool:
    return any(not _negated(text[:match.start()]) for match in pattern.finditer(text))


def check(text: str) -> list[Approach]:
    """The rated approaches the text describes, most concerning first."""
    text = normalise(text)
    found = [a for a in approaches() if _mentions(a.pattern, text)]
    order = {"harmful": 0, "unclear": 1, "low": 2, "high": 3, "moderate": 4}
    return sorted(found, key=lambda a: order[a.rating])


def by_keys(keys: list[str]) -> list[Approach]:
    known = {a.key: a for a in approaches()}
    return [known[k] for k in keys if k in known]
