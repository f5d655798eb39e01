"""Writes ptable.csv (run once by hand when the parameters change: python -m livesafe.disclosure.make_ptable).

The table is kept as data so staff and auditors can read it; this script only documents how it was made.
One row per (cell value, cell key): the noise added to a cell of that value with that key.

Large counts: noise -6..+6 with the chances below (out of 256), nearly flat from -4 to +4 so that the
difference of two published figures is seldom exactly the difference of the true counts, and a rare +-5/+-6
so the documented largest noise is almost never reached (ranges worked out from it stay wide). A small count
v takes the same chances with every noise below -v moved, together with its mirror image above +v, onto 0:
it stays symmetric (so unbiased) and can never go below zero.

Which keys get which noise is a fixed shuffle, not runs of neighbouring keys: a cell's key is the sum of
its parts' keys, and with runs the noise of a total would follow the noises of its parts, so a total minus
its parts would be the true remainder far more often than chance.
"""
import random
from pathlib import Path

KEY_RANGE = 256
LARGE = {-6: 1, -5: 6, -4: 21, -3: 27, -2: 29, -1: 30, 0: 28, 1: 30, 2: 29, 3: 27, 4: 21, 5: 6, 6: 1}
SHUFFLE_SEED = 20260311  # fixed: the table must never change while published figures exist


def rows():
    width = max(LARGE)
    order = list(range(KEY_RANGE))
    random.Random(SHUFFLE_SEED).shuffle(order)  # order[i] is the key that gets the i-th noise
    for value in range(width + 1):  # the last row (value = width) serves every larger count too
        chances = dict(LARGE)
        for noise in range(-width, -value):
            chances[0] += chances.pop(noise) + chances.pop(-noise)
        noises = [noise for noise, chance in sorted(chances.items()) for _ in range(chance)]
        for key, noise in sorted(zip(order, noises)):
            yield value, key, noise


if __name__ == "__main__":
    assert sum(LARGE.values()) == KEY_RANGE and all(LARGE[n] == LARGE[-n] for n in LARGE)
    lines = ["value,key,noise"] + [f"{v},{k},{n}" for v, k, n in rows()]
    (Path(__file__).parent / "ptable.csv").write_text("\n".join(lines) + "\n")
