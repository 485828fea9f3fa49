"""Small counts in the other published layers: primary suppression and protection against differencing.

A statistical or policy map layer may carry counts of the same events (민원 건수 per 행정동 or per 500 m
cell). Two rules make sure that no published value lets anyone recover a count below k:

1. primary: a count field value in 1..k-1 is withheld (and every other numeric value of that feature,
   since a rate or a score with its population would give the count back);
2. differencing: when a published feature of one layer contains published features of another (a 행정동
   and the grid cells inside it), its count minus theirs is the count of the rest of it; if that rest is
   in 1..k-1, the containing feature's count is withheld too. Repeated until nothing changes. A layer
   that publishes only class numbers (우선순위 1..5) gives no count back and takes no part in it.

The rest is computed from the published values only, i.e. what anybody holding the web map can compute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

SUPPRESSED_FIELD = "_suppressed"


@dataclass
class CountLayer:
    """A layer to publish with the names of its fields that count events (may be empty)."""

    name: str
    frame: gpd.GeoDataFrame
    count_fields: list[str]
    numeric_fields: list[str] = field(default_factory=list)  # published numbers, withheld with the counts
    derivable: bool = True  # its published values give its counts back (False: only class numbers published)


def _withhold(layer: CountLayer, mask: np.ndarray) -> int:
    """Null the counts and numeric values of the features in ``mask``; return how many were newly withheld."""
    frame = layer.frame
    new = mask & ~frame[SUPPRESSED_FIELD].to_numpy()
    if not new.any():
        return 0
    for column in dict.fromkeys(layer.count_fields + layer.numeric_fields):
        frame[column] = frame[column].astype("float64")
        frame.loc[new, column] = np.nan
    frame.loc[new, SUPPRESSED_FIELD] = True
    return int(new.sum())


def primary_suppression(layer: CountLayer, k: int) -> int:
    """Withhold the features whose count is 1..k-1; return how many."""
    if SUPPRESSED_FIELD not in layer.frame:
        layer.frame[SUPPRESSED_FIELD] = False
    small = np.zeros(len(layer.frame), dtype=bool)
    for column in layer.count_fields:
        values = pd.to_numeric(layer.frame[column], errors="coerce").to_numpy(dtype="float64")
        small |= (values > 0) & (values < k)
    return _withhold(layer, small)


def _residual_small(outer: CountLayer, inner: CountLayer, column: str, inner_column: str, k: int) -> np.ndarray:
    """Per published feature of ``outer``: its count minus the published counts of ``inner`` features inside it,
    is it in 1..k-1 (with at least one inner feature inside)?"""
    out_values = pd.to_numeric(outer.frame[column], errors="coerce").to_numpy(dtype="float64")
    in_values = pd.to_numeric(inner.frame[inner_column], errors="coerce").to_numpy(dtype="float64")
    published = ~np.isnan(in_values)
    if not published.any():
        return np.zeros(len(outer.frame), dtype=bool)
    inner_published = inner.frame.loc[published]
    inner_vals = in_values[published]
    # Inner features inside an outer one (a small tolerance: shared borders are not "outside").
    shrunk = inner_published.geometry.buffer(-0.01)
    pairs = gpd.sjoin(
        gpd.GeoDataFrame(geometry=shrunk.to_numpy(), crs=inner.frame.crs),
        gpd.GeoDataFrame(geometry=outer.frame.geometry.to_numpy(), crs=outer.frame.crs),
        predicate="within",
        how="inner",
    )
    sums = np.zeros(len(outer.frame))
    seen = np.zeros(len(outer.frame), dtype=bool)
    np.add.at(sums, pairs["index_right"].to_numpy(), inner_vals[pairs.index.to_numpy()])
    seen[pairs["index_right"].to_numpy()] = True
    rest = out_values - sums
    return seen & ~np.isnan(out_values) & (rest > 0) & (rest < k)


def protect(layers: list[CountLayer], k: int) -> dict[str, int]:
    """Apply both rules to every layer with count fields; return the features withheld per layer."""
    withheld = {layer.name: primary_suppression(layer, k) for layer in layers if layer.count_fields}
    counted = [layer for layer in layers if layer.count_fields and layer.derivable]
    changed = True
    while changed:
        changed = False
        for outer in counted:
            for inner in counted:
                if inner is outer:
                    continue
                for column in outer.count_fields:
                    for inner_column in inner.count_fields:
                        small = _residual_small(outer, inner, column, inner_column, k)
                        count = _withhold(outer, small)
                        if count:
                            withheld[outer.name] += count
                            changed = True
    return withheld
