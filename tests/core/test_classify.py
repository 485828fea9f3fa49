"""Class breaks: exact Jenks (against brute force and the O(k·n²) programme), the other methods, and the
degenerate inputs (all values equal, fewer values than classes, no values)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gimpo_gis_plugin.core.choropleth import classify, jenks_breaks
from gimpo_gis_plugin.core.choropleth.jenks import jenks_breaks_quadratic
from gimpo_gis_plugin.core.errors import InputError


def brute_force_jenks(values: np.ndarray, k: int) -> list[float]:
    """Every way to cut the sorted values into k runs; the one with the least within-class squares."""
    x = np.sort(values)
    best, best_cuts = np.inf, None
    for cuts in itertools.combinations(range(1, len(x)), k - 1):
        runs = np.split(x, cuts)
        cost = sum(float(((r - r.mean()) ** 2).sum()) for r in runs)
        if cost < best - 1e-12:
            best, best_cuts = cost, cuts
    return [float(x[0])] + [float(x[c - 1]) for c in best_cuts] + [float(x[-1])]


@pytest.mark.parametrize("seed", range(12))
def test_jenks_equals_brute_force_on_small_data(seed):
    rng = np.random.default_rng(seed)
    values = rng.gamma(2.0, 3.0, int(rng.integers(6, 13)))
    k = int(rng.integers(2, 5))
    assert jenks_breaks(values, k) == pytest.approx(brute_force_jenks(values, k))


def test_jenks_equals_the_quadratic_programme_with_ties():
    rng = np.random.default_rng(3)
    values = np.round(rng.lognormal(2, 1, 1500), 1)  # many repeated values
    for k in (2, 5, 7):
        assert jenks_breaks(values, k) == jenks_breaks_quadratic(values, k)


def test_jenks_on_100000_values_is_deterministic_and_separates_clusters():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(c, 1.0, 20_000) for c in (0, 20, 40, 60, 80)])
    breaks = jenks_breaks(values, 5)
    assert breaks == jenks_breaks(rng.permutation(values), 5)
    classes = classify(values, "jenks", 5).classes_of(values)
    assert (classes == np.repeat(np.arange(1, 6), 20_000)).all()  # each cluster is one class


@pytest.mark.parametrize("method", ["jenks", "quantile", "equal_interval", "stddev", "pretty"])
def test_every_method_covers_all_values_in_increasing_classes(method):
    values = np.random.default_rng(1).lognormal(3, 1, 500)
    result = classify(values, method, 5)
    assert result.breaks == sorted(result.breaks)
    assert result.breaks[0] <= values.min() and result.breaks[-1] >= values.max()
    classes = result.classes_of(values)
    assert classes.min() >= 1 and classes.max() <= result.count
    assert 2 <= result.count <= 7


def test_equal_interval_and_quantile_breaks():
    values = np.arange(0, 101, dtype=float)
    assert classify(values, "equal_interval", 4).breaks == [0, 25, 50, 75, 100]
    assert classify(values, "quantile", 4).breaks == [0, 25, 50, 75, 100]


def test_pretty_breaks_are_round():
    assert classify(np.array([3.2, 17.0, 41.9, 88.0]), "pretty", 5).breaks == [0, 20, 40, 60, 80, 100]


def test_value_on_a_break_belongs_to_the_lower_class():
    result = classify(np.array([0.0, 25.0, 50.0, 75.0, 100.0]), "equal_interval", 4)
    assert result.classes_of(np.array([0.0, 25.0, 25.1, 100.0, np.nan])).tolist() == [1, 1, 2, 4, 0]


@pytest.mark.parametrize("method", ["jenks", "quantile", "equal_interval", "stddev", "pretty"])
def test_all_values_equal_give_one_class(method):
    result = classify(np.full(20, 7.0), method, 5)
    assert result.count == 1 and result.breaks == [7.0, 7.0]
    assert (result.classes_of(np.full(20, 7.0)) == 1).all()
    assert "equal" in result.notes[0]


def test_fewer_values_than_classes():
    result = classify(np.array([1.0, 2.0, 3.0]), "jenks", 5)
    assert result.count == 3
    assert result.classes_of(np.array([1.0, 2.0, 3.0])).tolist() == [1, 2, 3]
    assert "3 distinct values" in result.notes[0]


def test_no_values_and_bad_parameters():
    assert classify(np.array([np.nan, np.nan]), "jenks", 5).count == 0
    with pytest.raises(InputError, match="Unknown classification method 'kmeans'"):
        classify(np.arange(5.0), "kmeans", 5)
    with pytest.raises(InputError, match="Number of classes"):
        classify(np.arange(5.0), "jenks", 0)
