"""Writes ptable.csv (run once by hand when the parameters change: python -m livesafe.disclosure.make_ptable).

The table is kept as data so staff and auditors can read it; this script only documents how it was made.
Large counts: noise -4..+4 (rarely beyond -2..+2) with the chances below (out of 256). A small count v takes the same table
with every noise below -v moved, together with its mirror image above +v, onto 0: it stays symmetric
(so unbiased) and can never go below zero.
"""
from pathlib import Path

KEY_RANGE = 256
LARGE = {-4: 6, -3: 18, -2: 32, -1: 42, 0: 60, 1: 42, 2: 32, 3: 18, 4: 6}  # out of 256; P(0) = 60/256 = 23%


def rows():
    width = max(LARGE)
    for value in range(width + 1):  # the last row (value = width) serves every larger count too
        chances = dict(LARGE)
        for noise in range(-width, -value):
            chances[0] += chances.pop(noise) + chances.pop(-noise)
        for noise, chance in sorted(chances.items()):
            yield value, noise, chance


if __name__ == "__main__":
    assert sum(LARGE.values()) == KEY_RANGE
    lines = ["value,noise,chance"] + [f"{v},{n},{c}" for v, n, c in rows()]
    (Path(__file__).parent / "ptable.csv").write_text("\n".join(lines) + "\n")
