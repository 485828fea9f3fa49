"""Class breaks for choropleth maps: equal interval, quantile, natural breaks (Jenks), standard
deviation and pretty, with the degenerate cases (all values equal, fewer values than classes) handled
by giving fewer classes instead of failing.

Breaks are ``[lower, b1, ..., upper]``; a value belongs to the first class whose upper bound it does not
exceed (QGIS graduated renderer convention: lower < v ≤ upper, the first class closed at its lower end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .jenks import goodness_of_variance_fit, jenks_breaks

METHODS = ("jenks", "quantile", "equal_interval", "stddev", "pretty")
METHOD_LABELS = {
    "jenks": "자연 구분 (Jenks natural breaks)",
    "quantile": "분위수 (quantile)",
    "equal_interval": "등간격 (equal interval)",
    "stddev": "표준편차 (standard deviation)",
    "pretty": "보기 좋은 구간 (pretty breaks)",
}
# The QGIS classification method id of each, so the saved style reopens with the same method selected.
QGIS_METHOD_IDS = {
    "jenks": "Jenks",
    "quantile": "Quantile",
    "equal_interval": "EqualInterval",
    "stddev": "StdDev",
    "pretty": "Pretty",
}
MAX_CLASSES = 12


@dataclass(frozen=True)
class Classification:
    method: str
    breaks: list[float]  # lower bound, then the upper bound of every class
    requested: int
    notes: list[str]
    gvf: float  # goodness of variance fit (1 = perfect)

    @property
    def count(self) -> int:
        return max(0, len(self.breaks) - 1)

    def classes_of(self, values: np.ndarray) -> np.ndarray:
        """1-based class of each value; 0 for missing values (NaN)."""
        values = np.asarray(values, dtype=float)
        result = np.zeros(values.size, dtype=np.int64)
        finite = np.isfinite(values)
        if self.count == 0:
            return result
        inner = np.asarray(self.breaks[1:-1])
        result[finite] = np.searchsorted(inner, values[finite], side="left") + 1
        return np.clip(result, 0, self.count)


def classify(values: np.ndarray, method: str, classes: int) -> Classification:
    """Breaks of ``values`` (NaN ignored) by ``method`` into at most ``classes`` classes."""
    if method not in METHODS:
        raise InputError(f"Unknown classification method {method!r}.", f"Use one of: {', '.join(METHODS)}.")
    if not 1 <= int(classes) <= MAX_CLASSES:
        raise InputError(f"Number of classes must be 1 to {MAX_CLASSES}; got {classes}.", "Use 5 for most maps.")
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    notes: list[str] = []
    if finite.size == 0:
        return Classification(method, [], classes, ["No values to classify: every area has no value."], 1.0)
    distinct = np.unique(finite)
    if distinct.size == 1:
        value = float(distinct[0])
        notes.append(f"All values are equal ({value:g}): one class.")
        return Classification(method, [value, value], classes, notes, 1.0)
    k = int(classes)
    if distinct.size < k:
        notes.append(f"Only {distinct.size} distinct values for {k} classes: {distinct.size} classes.")
        k = distinct.size
    breaks = _BREAKS[method](finite, k)
    breaks = _dedupe(breaks)
    if len(breaks) - 1 < k and method != "stddev" and method != "pretty":
        notes.append(f"{method}: {len(breaks) - 1} distinct classes instead of {k} (repeated values).")
    return Classification(method, breaks, classes, notes, goodness_of_variance_fit(finite, breaks))


def _dedupe(breaks: list[float]) -> list[float]:
    """Drop repeated bounds; the first class may be a single value (lower == upper, closed class)."""
    out = [breaks[0], breaks[1]]
    for value in breaks[2:]:
        if value > out[-1]:
            out.append(value)
    return out


def _equal_interval(values: np.ndarray, k: int) -> list[float]:
    lo, hi = float(values.min()), float(values.max())
    return [lo + (hi - lo) * i / k for i in range(k)] + [hi]


def _quantile(values: np.ndarray, k: int) -> list[float]:
    return [float(q) for q in np.quantile(values, np.linspace(0, 1, k + 1))]


def _stddev(values: np.ndarray, k: int) -> list[float]:
    """Classes one standard deviation wide, centred on the mean (odd k: a class around the mean)."""
    mean, sd = float(values.mean()), float(values.std())
    lo, hi = float(values.min()), float(values.max())
    inner = [mean + sd * (i - k / 2) for i in range(1, k)]
    return [lo, *[b for b in inner if lo < b < hi], hi]


def _pretty(values: np.ndarray, k: int) -> list[float]:
    """Round bounds (1, 2, 5 × 10ⁿ steps) giving about k classes, as R's pretty() does."""
    lo, hi = float(values.min()), float(values.max())
    raw = (hi - lo) / k
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10)), key=lambda s: abs((hi - lo) / s - k))
    start = math.floor(lo / step) * step
    bounds = [start]
    while bounds[-1] < hi:
        bounds.append(round(bounds[-1] + step, 12))
    return bounds


_BREAKS = {
    "jenks": jenks_breaks,
    "quantile": _quantile,
    "equal_interval": _equal_interval,
    "stddev": _stddev,
    "pretty": _pretty,
}
