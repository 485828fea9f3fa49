"""Getis-Ord Gi* hot-spot statistics with a distance band or k nearest neighbours, and the
Benjamini-Hochberg false-discovery-rate correction of their p-values.

Gi* (Getis & Ord 1992; Ord & Getis 1995) includes each area in its own neighbourhood (w_ii = 1), with
binary weights: z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n Σ_j w_ij² − W_i²) / (n − 1))), S² = Σx²/n − x̄².
Neighbours are found from area centroids with a KD-tree (scipy), so thousands of areas take milliseconds.

p-values come from the normal approximation, or, with ``permutations``, from conditional randomisation
(Anselin 1995): each area keeps its own value while its neighbours' values are drawn at random from all
the other areas, ``permutations`` times; the pseudo p-value is the share of draws whose neighbourhood sum
lies at least as far from its expected value as the observed one, (count + 1) / (permutations + 1).
It needs no normality, which matters for skewed indicators such as complaint counts. The draws are
seeded, so a run repeats exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ..errors import InputError


@dataclass
class HotSpots:
    z: np.ndarray
    p: np.ndarray  # two-sided: normal approximation, or pseudo p-values from conditional permutations
    q: np.ndarray  # Benjamini-Hochberg adjusted p-values
    significant: np.ndarray  # q <= alpha
    neighbours: np.ndarray  # neighbourhood size including the area itself
    notes: list[str]


def neighbour_weights(xy: np.ndarray, distance: float | None = None, k: int | None = None):
    """Binary Gi* weights as (row, col) index pairs, self included."""
    n = len(xy)
    tree = cKDTree(xy)
    if distance is not None:
        if distance <= 0:
            raise InputError(f"Distance band must be more than 0 m; got {distance}.", "Use e.g. 1000 (m).")
        pairs = tree.query_pairs(distance, output_type="ndarray")
        rows = np.concatenate([np.arange(n), pairs[:, 0], pairs[:, 1]])
        cols = np.concatenate([np.arange(n), pairs[:, 1], pairs[:, 0]])
        return rows, cols
    if k is None or k < 1:
        raise InputError(f"Number of neighbours must be at least 1; got {k}.", "Use e.g. 8.")
    if k >= n:
        raise InputError(f"{k} nearest neighbours asked for but there are only {n} areas.", f"Use at most {n - 1}.")
    _, index = tree.query(xy, k=k + 1)  # the nearest is the area itself
    rows = np.repeat(np.arange(n), k + 1)
    cols = index.ravel()
    return rows, cols


def gi_star(
    xy: np.ndarray,
    values: np.ndarray,
    distance: float | None = None,
    k: int | None = None,
    alpha: float = 0.05,
    permutations: int = 0,
    seed: int = 41570,
) -> HotSpots:
    values = np.asarray(values, dtype=float)
    n = len(values)
    notes: list[str] = []
    if n < 3:
        raise InputError(f"Hot-spot analysis needs at least 3 areas; got {n}.", "Use smaller areas (a grid).")
    if not np.isfinite(values).all():
        raise InputError("Hot-spot analysis got areas without a value.", "Leave those areas out first.")
    rows, cols = neighbour_weights(xy, distance, k)
    mean = values.mean()
    s = math.sqrt(max((values**2).mean() - mean**2, 0.0))
    w_sum = np.bincount(rows, minlength=n).astype(float)
    lagged = np.bincount(rows, weights=values[cols], minlength=n)
    denominator = s * np.sqrt((n * w_sum - w_sum**2) / (n - 1))  # binary weights: Σw² = Σw
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(denominator > 0, (lagged - mean * w_sum) / denominator, 0.0)
    if s == 0:
        notes.append("All values are equal: no hot or cold spots.")
    alone = int((w_sum <= 1).sum())
    if alone:
        notes.append(f"{alone} areas have no neighbour within the band: their z is 0.")
    if permutations > 0:
        p = permutation_p(values, lagged, w_sum.astype(np.int64), permutations, seed)
    else:
        p = np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z])
    q = benjamini_hochberg(p)
    return HotSpots(z, p, q, q <= alpha, w_sum.astype(np.int64), notes)


def permutation_p(
    values: np.ndarray, lagged: np.ndarray, sizes: np.ndarray, permutations: int, seed: int = 41570
) -> np.ndarray:
    """Two-sided pseudo p-values of each area's neighbourhood sum under conditional randomisation.

    ``lagged`` is the observed sum over each neighbourhood (self included) and ``sizes`` its size. One
    table of draws (``permutations`` rows of distinct indices into the n − 1 other areas) serves every
    area, each using its first m columns: a prefix of a random sample without replacement is itself one.
    """
    if permutations < 1:
        raise InputError(f"Permutations must be at least 1; got {permutations}.", "Use e.g. 999, or 0 for none.")
    n = len(values)
    others = sizes - 1
    widest = int(others.max()) if n else 0
    rng = np.random.default_rng(seed)
    draws = np.array([rng.choice(n - 1, widest, replace=False) for _ in range(permutations)], dtype=np.int64)
    total = values.sum()
    p = np.ones(n)
    for i in np.flatnonzero(others > 0):
        m = int(others[i])
        picked = draws[:, :m]
        sums = values[picked + (picked >= i)].sum(axis=1)  # indices past i skip the area itself
        expected = m * (total - values[i]) / (n - 1)
        observed = abs(lagged[i] - values[i] - expected)
        # a relative hair so that draws equal to the observation count as "at least as far"
        extreme = np.abs(sums - expected) >= observed - 1e-9 * max(abs(observed), 1.0)
        p[i] = (int(extreme.sum()) + 1) / (permutations + 1)
    return p


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """BH-adjusted p-values (q-values): q_(i) = min_{j ≥ i} p_(j) n / j, capped at 1."""
    p = np.asarray(p, dtype=float)
    n = p.size
    if n == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = p[order] * n / np.arange(1, n + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(adjusted, 1.0)
    return q
