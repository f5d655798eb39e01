"""Disclosure control: the one module every published count goes through.

The cell key method (as the ONS used for Census 2021 tables), plus a threshold:

- every stored record (a survey response) gets a random record key, 0..KEY_RANGE-1, when it is stored;
- a cell (a count of records) gets a cell key: the sum of its records' keys, modulo KEY_RANGE;
- a fixed perturbation table (ptable.csv, kept as data) maps (cell value, cell key) to a small noise,
  added to the count. The same set of records always gets the same key and so the same published
  figure, in every table; two sets that differ by even one record get unrelated noise, so subtracting
  one published figure from another gives noise, not a person;
- a published count (after noise) below the threshold is shown as "<10" and nothing is worked out
  from it; true zeros go through the same steps, so "<10" never tells a zero apart.

Percentages and intervals must be worked out from published counts only (Published.count).
DISCLOSURE_CELL_KEY=false switches the noise off: only so the attacker test can show what it protects.
"""
import csv
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context

KEY_RANGE = 256
PTABLE = Path(__file__).with_name("ptable.csv")


def new_record_key() -> int:
    """A record's key, drawn when it is stored and never changed."""
    return secrets.randbelow(KEY_RANGE)


def cell_key(keys) -> int:
    """The cell key of a cell whose records have these keys (or of a precomputed sum of keys)."""
    return (keys if isinstance(keys, int) else sum(keys)) % KEY_RANGE


@cache
def ptable() -> dict[int, list[int]]:
    """value -> the noise for each cell key (a list of KEY_RANGE noises). The last row serves larger values."""
    table: dict[int, list] = {}
    with PTABLE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(int(row["value"]), [None] * KEY_RANGE)[int(row["key"])] = int(row["noise"])
    for value, noises in table.items():
        if None in noises:
            raise ValueError(f"p-table row {value} lacks a noise for key {noises.index(None)}")
    return table


def noise(value: int, key: int) -> int:
    table = ptable()
    return table[min(value, max(table))][key % KEY_RANGE]


def _setting(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


def threshold() -> int:
    return int(_setting("SUPPRESSION_THRESHOLD", 10))


@dataclass(frozen=True)
class Published:
    """A count as published: count is None when it is below the threshold (then label is "<10")."""

    count: int | None
    label: str

    @property
    def shown(self) -> bool:
        return self.count is not None


def publish(value: int, key_sum: int, limit: int | None = None) -> Published:
    """The published form of a cell of `value` records whose keys add up to `key_sum`."""
    limit = threshold() if limit is None else limit
    if _setting("DISCLOSURE_CELL_KEY", True):
        value = value + noise(value, cell_key(key_sum))
    if value < limit:
        return Published(None, f"<{limit}")
    return Published(value, str(value))


@dataclass
class Tally:
    """A cell being counted: how many records and the sum of their keys (both simply add up)."""

    count: int = 0
    key_sum: int = 0

    def add(self, count: int, key_sum: int) -> None:
        self.count += count
        self.key_sum += key_sum

    def publish(self, limit: int | None = None) -> Published:
        return publish(self.count, self.key_sum, limit)


def publish_table(cells: dict, limit: int | None = None) -> dict:
    """{cell: Tally or (count, key_sum)} -> {cell: Published}."""
    return {key: (cell.publish(limit) if isinstance(cell, Tally) else publish(cell[0], cell[1], limit))
            for key, cell in cells.items()}


def describe() -> dict:
    """The method's parameters in words staff can check against the page (see templates/disclosure/_method.html)."""
    large = ptable()[max(ptable())]
    usual = min(n for n in range(max(large) + 1) if sum(abs(x) > n for x in large) < KEY_RANGE / 10)
    return {
        "threshold": threshold(),
        "largest_noise": max(large),
        "usual_noise": usual,  # most figures move by at most this much
        "beyond_usual_percent": round(100 * sum(abs(x) > usual for x in large) / KEY_RANGE),
        "unchanged_percent": round(100 * large.count(0) / KEY_RANGE),
        "key_range": KEY_RANGE,
        "cell_key": bool(_setting("DISCLOSURE_CELL_KEY", True)),
    }
