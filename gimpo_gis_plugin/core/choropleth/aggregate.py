"""Aggregate points (or the attributes of polygons such as parcels and buildings) into areas.

A point belongs to every area it intersects, as QGIS's ``native:countpointsinpolygon`` counts it (a point
on a shared border counts in both), so our counts equal QGIS's. A polygon is placed by its point on
surface. Records that fall in no area, or lack the value field, are returned as rejects with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError, MissingColumnsError

STATISTICS = ("count", "sum", "mean", "median", "density", "rate")
STATISTIC_LABELS = {
    "count": "건수 (count)",
    "sum": "합계 (sum)",
    "mean": "평균 (mean)",
    "median": "중앙값 (median)",
    "density": "밀도 (per km²)",
    "rate": "인구 천 명당 (per 1,000 residents)",
}
NEEDS_FIELD = {"sum", "mean", "median"}


@dataclass
class Aggregation:
    areas: gpd.GeoDataFrame  # the areas with n_records, value (and population_used for rate)
    rejects: pd.DataFrame  # record index, reason
    notes: list[str]


def aggregate(
    records: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    statistic: str,
    field: str | None = None,
    population: np.ndarray | None = None,
) -> Aggregation:
    """Aggregate ``records`` into ``areas``: ``value`` per area by ``statistic``.

    ``field`` is the value for sum/mean/median, and an optional weight for count/density/rate.
    ``population`` (one number per area) is needed for ``rate``.
    """
    if statistic not in STATISTICS:
        raise InputError(f"Unknown statistic {statistic!r}.", f"Use one of: {', '.join(STATISTICS)}.")
    if len(areas) == 0:
        raise InputError("The area layer has no features.", "Give a polygon layer with areas, or a grid size.")
    if statistic in NEEDS_FIELD and not field:
        raise InputError(f"The statistic {statistic} needs a value field.", "Choose the numeric field to aggregate.")
    if field and field not in records.columns:
        raise MissingColumnsError(
            f"The input layer has no field {field!r}.",
            f"Available fields: {', '.join(c for c in records.columns if c != records.geometry.name)}.",
        )
    if statistic == "rate" and population is None:
        raise InputError(
            "The statistic rate (per 1,000 residents) needs a population per area.",
            "Give a population field of the area layer, or a population layer.",
        )
    notes: list[str] = []
    rejects = []
    values = np.ones(len(records))
    if field:
        numeric = pd.to_numeric(records[field], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(numeric)
        if bad.any():
            rejects.append(pd.DataFrame({"record": np.flatnonzero(bad), "reason": f"{field} is empty or not a number"}))
            notes.append(f"{int(bad.sum()):,} records without a number in {field} left out (see rejects).")
        values = np.where(bad, np.nan, numeric)
    geoms = records.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    is_point = shapely.get_type_id(geoms) == 0
    anchor = np.where(is_point | empty, geoms, shapely.point_on_surface(np.where(empty, None, geoms)))
    if (~is_point & ~empty).any():
        notes.append("Lines and polygons are placed by their point on surface.")
    record_index, area_index = shapely.STRtree(areas.geometry.to_numpy()).query(anchor, predicate="intersects")
    placed = np.zeros(len(records), dtype=bool)
    placed[record_index] = True
    outside = ~placed & ~empty
    if empty.any():
        rejects.append(pd.DataFrame({"record": np.flatnonzero(empty), "reason": "no geometry"}))
    if outside.any():
        rejects.append(pd.DataFrame({"record": np.flatnonzero(outside), "reason": "outside every area"}))
        notes.append(f"{int(outside.sum()):,} records outside every area (see rejects).")
    ok = np.isfinite(values[record_index])
    record_index, area_index = record_index[ok], area_index[ok]
    v = values[record_index]
    n = len(areas)
    counts = np.bincount(area_index, minlength=n).astype(np.int64)
    sums = np.bincount(area_index, weights=v, minlength=n)
    result = areas.copy()
    result["n_records"] = counts
    km2 = shapely.area(areas.geometry.to_numpy()) / 1e6
    with np.errstate(invalid="ignore", divide="ignore"):
        if statistic == "count":
            value = sums if field else counts.astype(float)
        elif statistic == "sum":
            value = sums
        elif statistic == "mean":
            value = np.where(counts > 0, sums / counts, np.nan)
        elif statistic == "median":
            value = _medians(area_index, v, n)
        elif statistic == "density":
            value = np.where(km2 > 0, sums / km2, np.nan)
        else:
            population = np.asarray(population, dtype=float)
            value = np.where(population > 0, sums / population * 1000.0, np.nan)
            result["population_used"] = population
            zero = int((~(population > 0)).sum())
            if zero:
                notes.append(f"{zero:,} areas have no population: their rate is left empty (not infinite).")
    result["value"] = value
    frame = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame({"record": [], "reason": []})
    return Aggregation(result, frame, notes)


def _medians(area_index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    if area_index.size == 0:
        return out
    order = np.lexsort((values, area_index))
    a, v = area_index[order], values[order]
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    ends = np.r_[starts[1:], a.size]
    lo, hi = starts + (ends - starts - 1) // 2, starts + (ends - starts) // 2
    out[a[starts]] = (v[lo] + v[hi]) / 2
    return out


def apportion_population(
    areas: gpd.GeoDataFrame, population_layer: gpd.GeoDataFrame, field: str
) -> tuple[np.ndarray, list[str]]:
    """Population per area from a population layer (행정동, 100 m cells) by share of overlapping area."""
    if field not in population_layer.columns:
        names = [c for c in population_layer.columns if c != population_layer.geometry.name]
        raise MissingColumnsError(
            f"The population layer has no field {field!r}.", f"Available fields: {', '.join(names)}."
        )
    pop = pd.to_numeric(population_layer[field], errors="coerce").fillna(0).to_numpy(dtype=float)
    source = population_layer.geometry.to_numpy()
    target = areas.geometry.to_numpy()
    ti, si = shapely.STRtree(source).query(target, predicate="intersects")
    overlap = shapely.area(shapely.intersection(target[ti], source[si]))
    share = np.where(shapely.area(source[si]) > 0, overlap / shapely.area(source[si]), 0.0)
    result = np.bincount(ti, weights=pop[si] * share, minlength=len(areas))
    return result, ["Population apportioned to the areas by overlapping area (areal weighting)."]
