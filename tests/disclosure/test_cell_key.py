"""The cell key method: the p-table's promises, and publish()."""
import random
from collections import Counter

import pytest

from livesafe import disclosure
from livesafe.disclosure import KEY_RANGE, Tally, cell_key, noise, publish, ptable


def test_every_row_of_the_ptable_is_unbiased_and_never_makes_a_count_negative():
    for value, noises in ptable().items():
        assert len(noises) == KEY_RANGE
        assert sum(noises) == 0, value  # mean exactly 0 over the cell keys (which are uniform)
        assert min(noises) >= -value


def test_noise_is_the_rule_for_every_count_that_can_be_shown():
    for value in range(4, 200):
        noises = [noise(value, key) for key in range(KEY_RANGE)]
        assert noises.count(0) / KEY_RANGE < 0.25, value
        # Two unrelated cells cancel (a difference of published figures equals the true one) rarely.
        chances = Counter(noises)
        assert sum((c / KEY_RANGE) ** 2 for c in chances.values()) < 0.12


@pytest.mark.parametrize("parts", [2, 3])
def test_the_noise_of_a_total_does_not_follow_the_noises_of_its_parts(parts):
    """A total's key is the sum of its parts' keys: were neighbouring keys given neighbouring noises, a total
    minus its parts would land on one value (the true remainder, or a fixed offset from it) far more often
    than unrelated noises do (with runs of keys: 41% for three parts)."""
    rng = random.Random(parts)
    differences = Counter()
    for _ in range(20000):
        keys = [rng.randrange(KEY_RANGE) for _ in range(parts)]
        differences[noise(100, sum(keys)) - sum(noise(50, key) for key in keys)] += 1
    assert differences.most_common(1)[0][1] / 20000 < 0.1


def test_large_counts_stay_close():
    noises = ptable()[max(ptable())]
    assert max(noises) == 6 and sum(abs(n) >= 5 for n in noises) <= 14  # +-5 or +-6 for about 1 in 20


def test_cell_key_is_the_sum_of_record_keys_modulo_the_range():
    assert cell_key([250, 10]) == 4 and cell_key(260) == 4 and cell_key([]) == 0


def test_the_same_records_always_get_the_same_published_figure(ctx):
    keys = [disclosure.new_record_key() for _ in range(40)]
    assert publish(40, sum(keys)) == publish(40, sum(keys)) == Tally(40, sum(keys)).publish()


def test_counts_below_the_threshold_are_shown_as_less_than_ten_zeros_included(ctx):
    assert publish(0, 0).label == "<10" and publish(0, 0).count is None
    for key in range(KEY_RANGE):
        assert publish(3, key).label == "<10"
        shown = publish(50, key)
        assert shown.shown and 44 <= shown.count <= 56 and shown.label == str(shown.count)


def test_the_switch_turns_the_noise_off_only_when_asked(app):
    with app.app_context():
        perturbed = {publish(100, key).count for key in range(KEY_RANGE)}
        app.config["DISCLOSURE_CELL_KEY"] = False
        assert {publish(100, key).count for key in range(KEY_RANGE)} == {100}
    assert len(perturbed) == 13


@pytest.mark.parametrize("value", [7, 8, 9, 10, 11, 12])
def test_values_near_the_threshold_can_land_either_side(ctx, value):
    labels = {publish(value, key).label for key in range(KEY_RANGE)}
    assert "<10" in labels and any(label != "<10" for label in labels)
