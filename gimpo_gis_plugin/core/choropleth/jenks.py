"""Exact Jenks natural breaks (Fisher's optimal partition of sorted values into classes), fast.

The textbook dynamic programme is O(k·n²): minutes for 100,000 values. The within-class sum of squares
of a contiguous run satisfies the Monge (quadrangle) inequality, so the optimal split point of each
prefix is monotone in the prefix length, and each layer of the programme can be solved exactly by
divide and conquer in O(n log n). Here every level of that recursion is done at once with numpy, so
100,000 values take well under a second. Equal values are merged into one weighted value first (a
break never falls between equal values), which is exact and makes typical data much smaller. Ties
between equally good splits go to the smallest split index, so the result is deterministic.
"""

from __future__ import annotations

import numpy as np


def _unique_weighted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, counts = np.unique(np.asarray(values, dtype=float), return_counts=True)
    return x, counts.astype(float)


def _cost_table(x: np.ndarray, w: np.ndarray):
    """sse(j, i): weighted sum of squares of x[j:i] around its mean, vectorised over index arrays."""
    # Centre first: the prefix-sum formula loses precision on large values otherwise.
    x = x - np.average(x, weights=w)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    c1 = np.concatenate([[0.0], np.cumsum(w * x)])
    c2 = np.concatenate([[0.0], np.cumsum(w * x * x)])

    def sse(j: np.ndarray, i: np.ndarray) -> np.ndarray:
        weight = cw[i] - cw[j]
        total = c1[i] - c1[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            value = (c2[i] - c2[j]) - np.where(weight > 0, total * total / weight, 0.0)
        return np.maximum(value, 0.0)

    return sse


def _next_layer(previous: np.ndarray, classes: int, n: int, sse) -> tuple[np.ndarray, np.ndarray]:
    """best[i] = min over j of previous[j] + sse(j, i) for i in classes..n, by level-wise divide and conquer."""
    best = np.full(n + 1, np.inf)
    arg = np.zeros(n + 1, dtype=np.int64)
    # Open problems: rows i in [lo, hi], split j searched in [opt_lo, opt_hi].
    lo = np.array([classes]), np.array([n])
    opt = np.array([classes - 1]), np.array([n - 1])
    row_lo, row_hi = lo
    opt_lo, opt_hi = opt
    while row_lo.size:
        mid = (row_lo + row_hi) // 2
        top = np.minimum(opt_hi, mid - 1)
        span = top - opt_lo + 1
        owner = np.repeat(np.arange(mid.size), span)
        starts = np.concatenate([[0], np.cumsum(span)[:-1]])
        j = opt_lo[owner] + (np.arange(owner.size) - starts[owner])
        candidate = previous[j] + sse(j, mid[owner])
        low = np.minimum.reduceat(candidate, starts)
        # Smallest j reaching the minimum (deterministic ties).
        is_low = candidate <= low[owner]
        first = np.full(mid.size, np.iinfo(np.int64).max)
        np.minimum.at(first, owner[is_low], j[is_low])
        best[mid], arg[mid] = low, first
        left = mid - 1 >= row_lo
        right = mid + 1 <= row_hi
        row_lo, row_hi, opt_lo, opt_hi = (
            np.concatenate([row_lo[left], mid[right] + 1]),
            np.concatenate([mid[left] - 1, row_hi[right]]),
            np.concatenate([opt_lo[left], first[right]]),
            np.concatenate([first[left], opt_hi[right]]),
        )
    return best, arg


def jenks_breaks(values: np.ndarray, classes: int) -> list[float]:
    """Class bounds [min, b1, ..., max] minimising the within-class sum of squares (exact).

    Fewer distinct values than ``classes`` gives one class per distinct value.
    """
    x, w = _unique_weighted(values[np.isfinite(values)])
    if x.size == 0:
        return []
    k = max(1, min(int(classes), x.size))
    if k == 1:
        return [float(x[0]), float(x[-1])]
    n = x.size
    sse = _cost_table(x, w)
    layer = np.full(n + 1, np.inf)
    layer[1:] = sse(np.zeros(n, dtype=np.int64), np.arange(1, n + 1))
    splits = []
    for c in range(2, k + 1):
        layer, arg = _next_layer(layer, c, n, sse)
        splits.append(arg)
    # Walk back: the last class starts at splits[-1][n], and so on.
    ends = [n]
    for arg in reversed(splits):
        ends.append(int(arg[ends[-1]]))
    ends.reverse()  # ends[0] is the end of the first class
    return [float(x[0])] + [float(x[e - 1]) for e in ends]


def jenks_breaks_quadratic(values: np.ndarray, classes: int) -> list[float]:
    """The plain O(k·n²) programme on the same weighted values: the reference the fast one is tested against."""
    x, w = _unique_weighted(values[np.isfinite(values)])
    if x.size == 0:
        return []
    k = max(1, min(int(classes), x.size))
    n = x.size
    sse = _cost_table(x, w)
    layer = np.full(n + 1, np.inf)
    layer[1:] = sse(np.zeros(n, dtype=np.int64), np.arange(1, n + 1))
    splits = []
    for c in range(2, k + 1):
        new, arg = np.full(n + 1, np.inf), np.zeros(n + 1, dtype=np.int64)
        for i in range(c, n + 1):
            j = np.arange(c - 1, i)
            cand = layer[j] + sse(j, np.full(j.size, i))
            arg[i] = j[np.argmin(cand)]
            new[i] = cand.min()
        layer = new
        splits.append(arg)
    ends = [n]
    for arg in reversed(splits):
        ends.append(int(arg[ends[-1]]))
    ends.reverse()
    return [float(x[0])] + [float(x[e - 1]) for e in ends]


def goodness_of_variance_fit(values: np.ndarray, breaks: list[float]) -> float:
    """GVF = 1 − SDCM/SDAM: 1 is a perfect classification (reported to the user)."""
    values = values[np.isfinite(values)]
    total = float(((values - values.mean()) ** 2).sum())
    if total == 0 or len(breaks) < 2:
        return 1.0
    classes = np.clip(np.searchsorted(np.asarray(breaks[1:-1]), values, side="left"), 0, len(breaks) - 2)
    within = sum(float(((values[classes == c] - values[classes == c].mean()) ** 2).sum()) for c in np.unique(classes))
    return 1.0 - within / total
