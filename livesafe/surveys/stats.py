"""Survey statistics, as plain functions. Small numbers are handled by livesafe.disclosure: every count
given to these functions is a published (perturbed) count.

Confidence intervals: the Wilson score interval (95%), which stays inside 0-100%
and behaves well for small samples and for proportions near 0 or 1.
Wave comparison: the two-proportion z-test with a pooled standard error.
"""
from dataclasses import dataclass
from math import erfc, sqrt
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)
SIGNIFICANCE = 0.05
SMALL_BASE = 30  # below this many answers a percentage is shaky: say so
SMALL_EXPECTED = 5  # the z-test needs at least this many expected in each cell



def percent(count: int, base: int) -> float | None:
    return 100.0 * count / base if base else None


def wilson(count: int, base: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for count/base, as proportions (0-1)."""
    if base <= 0:
        return None
    p = count / base
    denominator = 1 + z * z / base
    centre = (p + z * z / (2 * base)) / denominator
    half = z * sqrt(p * (1 - p) / base + z * z / (4 * base * base)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Comparison:
    change_points: float  # percentage points, this wave minus the earlier one
    z: float
    p_value: float
    significant: bool
    small_sample: bool
    adjusted_p: float | None = None  # after Holm's adjustment, when asked for


def compare(count: int, base: int, earlier_count: int, earlier_base: int) -> Comparison | None:
    """Two-proportion z-test (two-sided) of this wave's proportion against an earlier wave's."""
    if base <= 0 or earlier_base <= 0:
        return None
    p1, p2 = count / base, earlier_count / earlier_base
    pooled = (count + earlier_count) / (base + earlier_base)
    se = sqrt(pooled * (1 - pooled) * (1 / base + 1 / earlier_base))
    z = (p1 - p2) / se if se else 0.0
    p_value = erfc(abs(z) / sqrt(2))
    expected = min(base * pooled, base * (1 - pooled), earlier_base * pooled, earlier_base * (1 - pooled))
    small = min(base, earlier_base) < SMALL_BASE or expected < SMALL_EXPECTED
    return Comparison(100 * (p1 - p2), z, p_value, p_value < SIGNIFICANCE, small)


def format_p(p_value: float) -> str:
    """p-values as statisticians write them: very small ones as "p < 0.001", never "p = 0.000"."""
    if p_value < 0.001:
        return "p < 0.001"
    return f"p = {p_value:.3f}" if p_value < 0.1 else f"p = {p_value:.2f}"


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment for many comparisons: adjusted p-values in the same order.
    (Each is compared with the same 0.05; it controls the chance of any false "significant".)"""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def format_interval(low: float, high: float) -> str:
    """A 95% interval in percent: whole numbers, or one decimal when both ends would round alike."""
    if round(low) == round(high):
        return f"{low:.1f}% to {high:.1f}%"
    return f"{low:.0f}% to {high:.0f}%"
