"""Getis-Ord Gi* against a hand-computed case, and the Benjamini-Hochberg adjustment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.policy import benjamini_hochberg, gi_star
from gimpo_gis_plugin.core.policy.hotspot import neighbour_weights, permutation_p


def test_gi_star_hand_computed_line_of_five():
    # x = 1 2 3 4 10 at 0..4 m, band 1 m. Mean 4, S² = 130/5 − 16 = 10. Every neighbourhood has W_i = 2 or 3
    # and n·W_i − W_i² = 6, so the denominator is √10 · √(6/4) = √15 for all.
    xy = np.column_stack([np.arange(5.0), np.zeros(5)])
    result = gi_star(xy, np.array([1.0, 2, 3, 4, 10]), distance=1.0)
    expected = np.array([3 - 8, 6 - 12, 9 - 12, 17 - 12, 14 - 8]) / math.sqrt(15)
    assert result.z == pytest.approx(expected)
    assert result.neighbours.tolist() == [2, 3, 3, 3, 2]
    assert result.p[4] == pytest.approx(math.erfc(6 / math.sqrt(15) / math.sqrt(2)))


def test_gi_star_k_nearest_finds_a_planted_cluster():
    rng = np.random.default_rng(2)
    gx, gy = np.meshgrid(np.arange(10.0), np.arange(10.0))
    xy = np.column_stack([gx.ravel(), gy.ravel()]) * 100
    values = rng.normal(0, 1, 100)
    cluster = (gx.ravel() < 3) & (gy.ravel() < 3)
    values[cluster] += 4
    result = gi_star(xy, values, k=8)
    hot = result.significant & (result.z > 0)
    assert hot[cluster].sum() >= 6
    assert not hot[(gx.ravel() > 6) & (gy.ravel() > 6)].any()


def test_gi_star_equal_values_and_bad_input():
    xy = np.column_stack([np.arange(5.0), np.zeros(5)])
    result = gi_star(xy, np.ones(5), k=2)
    assert (result.z == 0).all() and not result.significant.any()
    with pytest.raises(InputError, match="only 5 areas"):
        gi_star(xy, np.arange(5.0), k=5)
    with pytest.raises(InputError, match="at least 3 areas"):
        gi_star(xy[:2], np.arange(2.0), k=1)


def test_benjamini_hochberg_hand_computed():
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2]))
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_permutation_p_matches_the_exact_randomisation_distribution():
    # 7 areas on a line, 2 nearest neighbours: each area's two neighbours drawn from the 6 others can be
    # enumerated (15 pairs), so the exact conditional-randomisation p-value is known.
    from itertools import combinations

    xy = np.column_stack([np.arange(7.0) * 100, np.zeros(7)])
    values = np.array([1.0, 5, 2, 8, 3, 13, 4])
    result = gi_star(xy, values, k=2, permutations=19_999, seed=7)
    rows, cols = neighbour_weights(xy, k=2)
    for i in range(7):
        neighbours = [c for r, c in zip(rows, cols, strict=True) if r == i and c != i]
        observed = values[neighbours].sum()
        rest = np.delete(values, i)
        sums = np.array([a + b for a, b in combinations(rest, 2)])
        expected = 2 * rest.mean()
        exact = (np.abs(sums - expected) >= abs(observed - expected) - 1e-9).mean()
        assert result.p[i] == pytest.approx(exact, abs=0.012), i


def test_permutations_find_the_planted_cluster_and_repeat_exactly():
    rng = np.random.default_rng(2)
    gx, gy = np.meshgrid(np.arange(10.0), np.arange(10.0))
    xy = np.column_stack([gx.ravel(), gy.ravel()]) * 100
    values = rng.gamma(1.0, 2.0, 100)  # skewed, like complaint counts
    cluster = (gx.ravel() < 3) & (gy.ravel() < 3)
    values[cluster] += 8
    first = gi_star(xy, values, k=8, permutations=999)
    again = gi_star(xy, values, k=8, permutations=999)
    assert np.array_equal(first.p, again.p)  # seeded
    assert first.p.min() >= 1 / 1000
    hot = first.significant & (first.z > 0)
    assert hot[cluster].sum() >= 6 and not hot[(gx.ravel() > 6) & (gy.ravel() > 6)].any()
    with pytest.raises(InputError, match="at least 1"):
        permutation_p(values, values, np.full(100, 9), 0)
