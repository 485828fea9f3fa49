"""Getis-Ord Gi* against a hand-computed case, and the Benjamini-Hochberg adjustment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.policy import benjamini_hochberg, gi_star


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
