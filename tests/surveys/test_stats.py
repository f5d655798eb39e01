"""Statistics checked against published and hand-worked values, and suppression checked by an
independent auditor: a small solver that looks for any other table fitting what is published."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livesafe.surveys import stats

T = 10


# Confidence intervals and tests ------------------------------------------------

@pytest.mark.parametrize("count, base, low, high", [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", method 3 (Wilson score).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_published_values(count, base, low, high):
    got_low, got_high = stats.wilson(count, base)
    assert got_low == pytest.approx(low, abs=5e-5) and got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_of_nothing_is_none():
    assert stats.wilson(0, 0) is None


def test_two_proportion_test_matches_a_hand_worked_example():
    # 45/100 against 30/100: pooled p = 0.375, se = sqrt(0.375 * 0.625 * (1/100 + 1/100)) = 0.068465,
    # z = 0.15 / 0.068465 = 2.1909, two-sided p = 2 * (1 - Phi(2.1909)) = 0.0285.
    result = stats.compare(45, 100, 30, 100)
    assert result.change_points == pytest.approx(15.0)
    assert result.z == pytest.approx(2.1909, abs=1e-4)
    assert result.p_value == pytest.approx(0.0285, abs=1e-4)
    assert result.significant and not result.small_sample


def test_a_small_change_is_not_significant():
    # 10/50 against 12/50: pooled 0.22, se = 0.082849, z = -0.4828, p = 0.629.
    result = stats.compare(10, 50, 12, 50)
    assert result.change_points == pytest.approx(-4.0)
    assert result.z == pytest.approx(-0.4828, abs=1e-4)
    assert result.p_value == pytest.approx(0.629, abs=1e-3)
    assert not result.significant


def test_small_samples_are_flagged():
    assert stats.compare(3, 20, 5, 25).small_sample  # fewer than 30 answers
    assert stats.compare(2, 400, 1, 400).small_sample  # fewer than 5 expected
    assert stats.compare(0, 0, 1, 10) is None
