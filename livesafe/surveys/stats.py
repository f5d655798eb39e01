"""Survey statistics and small-number suppression, as plain functions.

Confidence intervals: the Wilson score interval (95%), which stays inside 0-100%
and behaves well for small samples and for proportions near 0 or 1.
Wave comparison: the two-proportion z-test with a pooled standard error.

Suppression. A published table is a set of cells (counts) tied together by
sums (a row of cells adds up to the row total, and so on). Each table is
modelled as a directed graph whose arcs are the cells and whose nodes are the
sums, so every "these cells add up to that total" rule is flow conservation
at a node. Then:

1. primary: every count below the threshold (0 included) is hidden ("<10");
2. secondary: while a sum has exactly one hidden cell, the smallest visible
   cell in that sum is hidden too;
3. audit: a hidden cell can be worked out exactly only if no other table fits
   what is published. Another table exists exactly when there is a cycle
   through the cell in the residual graph (cells that can go up or down by one
   within what a reader knows: "<10" means 0..threshold-1, a secondary hidden
   cell is at least the threshold, visible cells are fixed). Any cell that
   fails the audit gets a neighbour hidden, and the loop repeats.
"""
from collections import deque
from dataclasses import dataclass
from math import erfc, sqrt
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)
SIGNIFICANCE = 0.05
SMALL_BASE = 30  # below this many answers a percentage is shaky: say so
SMALL_EXPECTED = 5  # the z-test needs at least this many expected in each cell

SHOWN, PRIMARY, SECONDARY = "shown", "primary", "secondary"
INFINITY = float("inf")


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


def round5(count: int) -> int:
    """Round to the nearest 5 (halves up), as ONS does for published counts."""
    return (count + 2) // 5 * 5


def shown_as(state: str, count: int, threshold: int) -> str:
    if state == PRIMARY:
        return f"<{threshold}"
    if state == SECONDARY:
        return "hidden"
    return str(count)


# Suppression -----------------------------------------------------------------

@dataclass
class Arc:
    tail: object
    head: object
    value: int


def _bounds(state: str, value: int, threshold: int) -> tuple[float, float]:
    """What a reader of the published table knows about a cell."""
    if state == PRIMARY:
        return 0, threshold - 1
    if state == SECONDARY:
        return threshold, INFINITY
    return value, value


def _residual(arcs: dict, states: dict, threshold: int) -> dict:
    """node -> [(next node, arc)]: the steps a hidden cell can take one up (forward) or one down (back)."""
    steps: dict = {}
    for key, arc in arcs.items():
        if states[key] == SHOWN or arc.tail == arc.head:
            continue
        low, high = _bounds(states[key], arc.value, threshold)
        if arc.value < high:
            steps.setdefault(arc.tail, []).append((arc.head, key))
        if arc.value > low:
            steps.setdefault(arc.head, []).append((arc.tail, key))
    return steps


def _path(steps: dict, skip, start, goal) -> bool:
    """Is there a path start -> goal in the residual graph that does not use the arc `skip`?"""
    if start == goal:
        return True
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        for following, key in steps.get(node, ()):
            if key == skip or following in seen:
                continue
            if following == goal:
                return True
            seen.add(following)
            queue.append(following)
    return False


def recoverable(arcs: dict, states: dict, threshold: int, key, steps: dict | None = None) -> bool:
    """Can a reader work out the hidden cell `key` exactly from what is published?

    Another table that fits everything published differs from the real one by a set of cycles,
    so the cell can be worked out exactly when no cycle through it can move it by one."""
    steps = _residual(arcs, states, threshold) if steps is None else steps
    arc = arcs[key]
    low, high = _bounds(states[key], arc.value, threshold)
    can_rise = arc.value < high and _path(steps, key, arc.head, arc.tail)
    can_fall = arc.value > low and _path(steps, key, arc.tail, arc.head)
    return not (can_rise or can_fall)


def exposed_cells(arcs: dict, states: dict, threshold: int) -> list:
    """Hidden cells a reader could still work out exactly."""
    steps = _residual(arcs, states, threshold)
    return [key for key in arcs if states[key] != SHOWN and recoverable(arcs, states, threshold, key, steps)]


def protect(arcs: dict, threshold: int, forced: dict | None = None) -> dict:
    """The state (shown, primary, secondary) of every cell. `forced` fixes some states (already published)."""
    forced = forced or {}
    if threshold <= 1:  # nothing is small enough to hide
        return {key: forced.get(key, SHOWN) for key in arcs}
    states = {key: forced.get(key, PRIMARY if arc.value < threshold else SHOWN) for key, arc in arcs.items()}
    free = [key for key in arcs if key not in forced]
    nodes: dict = {}
    for key, arc in arcs.items():
        if arc.tail != arc.head:
            nodes.setdefault(arc.tail, []).append(key)
            nodes.setdefault(arc.head, []).append(key)

    def hide_smallest(candidates) -> bool:
        visible = [key for key in candidates if states[key] == SHOWN and key in free]
        if not visible:
            return False
        states[min(visible, key=lambda k: arcs[k].value)] = SECONDARY
        return True

    while True:
        changed = False
        for members in nodes.values():
            if sum(states[key] != SHOWN for key in members) == 1:
                changed |= hide_smallest(members)
        if changed:
            continue
        exposed = exposed_cells(arcs, states, threshold)
        if not exposed:
            return states
        arc = arcs[exposed[0]]
        if not (hide_smallest(nodes.get(arc.tail, []) + nodes.get(arc.head, [])) or hide_smallest(arcs)):
            return states  # nothing left to hide


def one_way(counts: dict, base: int, threshold: int, additive: bool = True,
            forced_base: str | None = None) -> tuple[dict, str]:
    """States for a list of counts and its base. Additive: the counts add up to the base
    (single choice, rating); multiple-choice counts do not, so no total can expose them.
    forced_base: the base's state when it is already published elsewhere."""
    arcs = {("cell", key): Arc("sum" if additive else "free", "free", value) for key, value in counts.items()}
    arcs["base"] = Arc("free", "sum" if additive else "free", base)
    states = protect(arcs, threshold, {"base": forced_base} if forced_base else None)
    return {key: states[("cell", key)] for key in counts}, states["base"]


def cross(cells: dict, row_totals: dict, column_totals: dict, grand: int, threshold: int,
          additive: bool = True, forced_rows: dict | None = None, forced_grand: str | None = None):
    """States for a table of cells[(row, column)] with row totals, column totals and a grand total.

    Additive columns (single choice, rating): each column adds up to its total. For multiple choice
    only the rows add up (a respondent may be in several rows) and the column totals add up to the
    grand total. forced_rows / forced_grand: states already published elsewhere (the overall results).
    """
    arcs = {}
    for (row, column), value in cells.items():
        arcs[("cell", row, column)] = Arc(("row", row), ("column", column) if additive else "free", value)
    for row, value in row_totals.items():
        arcs[("row", row)] = Arc("source" if additive else "free", ("row", row), value)
    for column, value in column_totals.items():
        arcs[("column", column)] = (Arc(("column", column), "sink", value) if additive
                                    else Arc("free", "columns", value))
    arcs["grand"] = Arc("sink", "source", grand) if additive else Arc("columns", "free", grand)
    forced = {("row", row): state for row, state in (forced_rows or {}).items()}
    if forced_grand:
        forced["grand"] = forced_grand
    states = protect(arcs, threshold, forced)
    # Only possible when totals already published pin a small cell: then the breakdown is withheld.
    withheld = threshold > 1 and bool(exposed_cells(arcs, states, threshold))
    return (
        {(row, column): states[("cell", row, column)] for (row, column) in cells},
        {row: states[("row", row)] for row in row_totals},
        {column: states[("column", column)] for column in column_totals},
        states["grand"],
        withheld,
    )
