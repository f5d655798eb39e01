"""Statistics checked against published and hand-worked values, and suppression checked by an
independent auditor: a small solver that looks for any other table fitting what is published."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livesafe.surveys import stats
from livesafe.surveys.stats import PRIMARY, SECONDARY, SHOWN

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


@pytest.mark.parametrize("count, rounded", [(10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (102, 100)])
def test_counts_round_to_the_nearest_five(count, rounded):
    assert stats.round5(count) == rounded


def test_display_of_suppressed_counts():
    assert stats.shown_as(PRIMARY, 3, 10) == "<10"
    assert stats.shown_as(SECONDARY, 40, 10) == "hidden"
    assert stats.shown_as(SHOWN, 40, 10) == "40"


# Suppression: examples -------------------------------------------------------

def test_a_lone_small_count_gets_a_second_cell_hidden():
    states, base = stats.one_way({"a": 4, "b": 30, "c": 50}, 84, T)
    assert states == {"a": PRIMARY, "b": SECONDARY, "c": SHOWN} and base == SHOWN


def test_multiple_choice_counts_need_no_secondary_suppression():
    states, base = stats.one_way({"a": 4, "b": 30, "c": 50}, 70, T, additive=False)
    assert states == {"a": PRIMARY, "b": SHOWN, "c": SHOWN} and base == SHOWN


def test_two_small_counts_that_pin_each_other_get_more_hidden():
    # 9 + 9 = 18 would tell a reader both are 9 (each is at most 9), so a third cell must go.
    states, _ = stats.one_way({"a": 9, "b": 9, "c": 40}, 58, T)
    assert states["c"] == SECONDARY


def test_a_small_base_hides_everything():
    states, base = stats.one_way({"a": 3, "b": 4}, 7, T)
    assert set(states.values()) == {PRIMARY} and base == PRIMARY


# Suppression: an independent auditor ---------------------------------------

def _solvable(domains: dict, equations: list) -> bool:
    """Is there an integer assignment within `domains` satisfying every equation (sum of terms = 0)?

    equations: lists of (variable, coefficient +1/-1). Interval propagation plus backtracking."""
    domains = dict(domains)
    changed = True
    while changed:
        changed = False
        for terms in equations:
            for var, coef in terms:
                rest_low = sum(c * (domains[v][0] if c > 0 else domains[v][1]) for v, c in terms if v != var)
                rest_high = sum(c * (domains[v][1] if c > 0 else domains[v][0]) for v, c in terms if v != var)
                # coef * var = -rest  =>  var in [-rest_high, -rest_low] / coef
                low, high = (-rest_high, -rest_low) if coef > 0 else (rest_low, rest_high)
                old = domains[var]
                new = (max(old[0], low), min(old[1], high))
                if new[0] > new[1]:
                    return False
                if new != old:
                    domains[var] = new
                    changed = True
    open_vars = [v for v, (lo, hi) in domains.items() if lo < hi]
    if not open_vars:
        return True
    var = min(open_vars, key=lambda v: domains[v][1] - domains[v][0])
    low, high = domains[var]
    return any(_solvable({**domains, var: (value, value)}, equations) for value in range(low, high + 1))


def _exposed(values: dict, states: dict, equations: list, cap: int) -> list:
    """Hidden cells whose value no other table can change: a reader could work them out exactly."""
    def domain(key, state):
        if state == PRIMARY:
            return (0, T - 1)
        if state == SECONDARY:
            return (T, cap)
        return (values[key], values[key])

    exposed = []
    for key, state in states.items():
        if state == SHOWN:
            continue
        base = {k: domain(k, s) for k, s in states.items()}
        low, high = base[key]
        alternatives = [v for v in (values[key] - 1, values[key] + 1) if low <= v <= high]
        if not any(_solvable({**base, key: (v, v)}, equations) for v in alternatives):
            exposed.append(key)
    return exposed


small_counts = st.one_of(st.integers(0, 12), st.integers(0, 45))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(small_counts, min_size=1, max_size=7))
def test_no_hidden_count_in_a_list_can_be_worked_out_from_its_total(counts):
    keyed = {i: n for i, n in enumerate(counts)}
    total = sum(counts)
    states, base_state = stats.one_way(keyed, total, T)
    values = {**{("cell", i): n for i, n in keyed.items()}, "total": total}
    all_states = {**{("cell", i): s for i, s in states.items()}, "total": base_state}
    equations = [[(("cell", i), 1) for i in keyed] + [("total", -1)]]
    assert all(s == PRIMARY for k, s in all_states.items() if values[k] < T)
    assert _exposed(values, all_states, equations, total + 1) == []


def _table(draw, additive: bool):
    rows = draw(st.integers(1, 4))
    columns = draw(st.integers(1, 4))
    cells = {(r, c): draw(small_counts) for r in range(rows) for c in range(columns)}
    row_totals = {r: sum(cells[(r, c)] for c in range(columns)) for r in range(rows)}
    if additive:
        column_totals = {c: sum(cells[(r, c)] for r in range(rows)) for c in range(columns)}
    else:  # multiple choice: people answering in a group, at least the largest count in its column
        column_totals = {c: max(cells[(r, c)] for r in range(rows)) + draw(st.integers(0, 15))
                         for c in range(columns)}
    return cells, row_totals, column_totals


@st.composite
def tables(draw):
    additive = draw(st.booleans())
    return (additive, *_table(draw, additive))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_in_a_breakdown_can_be_worked_out_from_the_totals(table):
    """The breakdown is published beside the overall results (its row totals and grand total),
    so both are audited together."""
    additive, cells, row_totals, column_totals = table
    grand = sum(column_totals.values())
    overall, overall_base = stats.one_way(row_totals, grand, T, additive=additive)
    cell_states, row_states, column_states, grand_state, withheld = stats.cross(
        cells, row_totals, column_totals, grand, T, additive=additive,
        forced_rows=overall, forced_grand=overall_base)
    assert row_states == overall and grand_state == overall_base  # the same figures everywhere

    values = {**{("cell", *k): v for k, v in cells.items()}, **{("row", r): v for r, v in row_totals.items()},
              **{("column", c): v for c, v in column_totals.items()}, "grand": grand}
    states = {**{("cell", *k): s for k, s in cell_states.items()}, **{("row", r): s for r, s in row_states.items()},
              **{("column", c): s for c, s in column_states.items()}, "grand": grand_state}
    rows, columns = sorted(row_totals), sorted(column_totals)
    equations = [[(("cell", r, c), 1) for c in columns] + [(("row", r), -1)] for r in rows]
    equations.append([(("column", c), 1) for c in columns] + [("grand", -1)])
    if additive:
        equations += [[(("cell", r, c), 1) for r in rows] + [(("column", c), -1)] for c in columns]
        equations.append([(("row", r), 1) for r in rows] + [("grand", -1)])
    assert all(s != SHOWN for k, s in states.items() if values[k] < T)
    # Either nothing hidden can be worked out, or (only when the published overall totals pin a cell)
    # the breakdown is withheld: not shown at all, so it says nothing beyond the overall results.
    assert withheld or _exposed(values, states, equations, grand + 1) == []
