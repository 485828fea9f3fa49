"""Clearance between buried lines of different types (이격거리 검토): crossings and parallel runs.

Separations are edge to edge (centre distance minus both radii) and compared with the pair's row in
``clearance.csv``. A *crossing* is two lines that intersect in plan: the vertical gap between the two
bodies at the crossing point must reach the required vertical separation. A *parallel run* is a stretch
of at least ``min_parallel_m`` where one line stays within the required horizontal separation of the
other; it is a conflict unless the two are also vertically apart by the required separation along the
whole stretch. Depths are taken at their worst case (see :func:`network.min_vertical_gap`); where a
depth is unknown the pair is reported with status ``unknown``, never passed as compliant.

All geometry work is vectorised over candidate pairs from one STRtree query, so 100,000 segments take
seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..progress import SILENT, Progress
from .network import min_vertical_gap, top_depth_bounds
from .rules import Clearance

CONFLICT_COLUMNS = [
    "conflict_id",
    "kind",
    "status",
    "code",
    "layer_a",
    "record_a",
    "type_a",
    "agency_a",
    "layer_b",
    "record_b",
    "type_b",
    "agency_b",
    "measured_h_m",
    "required_h_m",
    "measured_v_m",
    "required_v_m",
    "run_length_m",
    "rule_source",
    "rule_status",
]


@dataclass
class ClearanceResult:
    crossings: gpd.GeoDataFrame  # points
    parallels: gpd.GeoDataFrame  # lines
    pairs_checked: int


class _Lines:
    def __init__(self, network: gpd.GeoDataFrame) -> None:
        lines = network[np.isin(shapely.get_type_id(network.geometry.values), [1, 5])].reset_index(drop=True)
        self.frame = lines
        self.geoms = np.asarray(lines.geometry.values, dtype=object)
        self.types = lines["facility_type"].to_numpy()
        self.kind = lines["depth_kind"].to_numpy()
        self.a = lines["depth_a"].to_numpy(dtype=float)
        self.b = lines["depth_b"].to_numpy(dtype=float)
        self.known = lines["depth_known"].to_numpy(dtype=bool)
        self.diameter = lines["diameter_m"].to_numpy(dtype=float)

    def tops(self, rows: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fraction = shapely.line_locate_point(self.geoms[rows], points, normalized=True)
        return top_depth_bounds(self.kind[rows], self.a[rows], self.b[rows], fraction)


def check_clearance(
    network: gpd.GeoDataFrame,
    rules: dict[tuple[str, str], Clearance],
    min_parallel_m: float = 5.0,
    progress: Progress = SILENT,
) -> ClearanceResult:
    """Crossing and parallel-run conflicts between lines of different types in ``network``."""
    lines = _Lines(network)
    crs = network.crs
    if len(lines.geoms) == 0 or not rules:
        return ClearanceResult(_empty("Point", crs), _empty("LineString", crs), 0)
    tree = shapely.STRtree(lines.geoms)
    widest = max(rule.horizontal_m for rule in rules.values()) + float(np.nanmax(lines.diameter))
    left, right = tree.query(lines.geoms, predicate="dwithin", distance=widest)
    progress.set(0.3)
    keep = left < right
    left, right = left[keep], right[keep]
    pair_rules = [rules.get((a, b)) for a, b in zip(lines.types[left], lines.types[right], strict=True)]
    has_rule = np.array([rule is not None for rule in pair_rules], dtype=bool)
    left, right = left[has_rule], right[has_rule]
    pair_rules = [rule for rule, ok in zip(pair_rules, has_rule, strict=True) if ok]
    req_h = np.array([rule.horizontal_m for rule in pair_rules])
    req_v = np.array([rule.vertical_m for rule in pair_rules])
    radii = (lines.diameter[left] + lines.diameter[right]) / 2.0
    centre = shapely.distance(lines.geoms[left], lines.geoms[right])
    near = centre - radii < req_h
    left, right, req_h, req_v, radii, centre = (x[near] for x in (left, right, req_h, req_v, radii, centre))
    pair_rules = [rule for rule, ok in zip(pair_rules, near, strict=True) if ok]
    progress.set(0.5)
    crossings = _crossings(lines, left, right, req_h, req_v, centre, pair_rules, crs)
    progress.set(0.75)
    parallels = _parallels(lines, left, right, req_h, req_v, radii, pair_rules, min_parallel_m, crs)
    progress.set(1.0)
    return ClearanceResult(crossings, parallels, len(left))


def _empty(geometry_type: str, crs) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in CONFLICT_COLUMNS}, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def _describe(
    lines: _Lines,
    left: np.ndarray,
    right: np.ndarray,
    kind: str,
    measured_h: np.ndarray,
    req_h: np.ndarray,
    measured_v: np.ndarray,
    req_v: np.ndarray,
    run_length: np.ndarray,
    rules: list[Clearance],
    geometry: np.ndarray,
    crs,
) -> gpd.GeoDataFrame:
    """The pairs that conflict, as a layer: vertically closer than required, or of unknown depth
    (status 'unknown': never passed as compliant)."""
    unknown = ~(lines.known[left] & lines.known[right])
    keep = np.flatnonzero(unknown | (measured_v < req_v))
    status = np.where(unknown, "unknown", "conflict")[keep]
    left, right, measured_h, req_h = left[keep], right[keep], measured_h[keep], req_h[keep]
    measured_v, req_v, run_length, geometry = measured_v[keep], req_v[keep], run_length[keep], geometry[keep]
    rules = [rules[k] for k in keep]
    frame = lines.frame
    prefix = "CROSSING" if kind == "crossing" else "PARALLEL"
    codes = np.where(status == "unknown", f"{prefix}_DEPTH_UNKNOWN", f"{prefix}_TOO_CLOSE")
    data = {
        "conflict_id": [f"{prefix[0]}{i:06d}" for i in range(1, len(left) + 1)],
        "kind": kind,
        "status": status,
        "code": codes,
        "layer_a": frame["layer"].to_numpy()[left],
        "record_a": frame["record_id"].to_numpy()[left],
        "type_a": frame["type_ko"].to_numpy()[left],
        "agency_a": frame["agency"].to_numpy()[left],
        "layer_b": frame["layer"].to_numpy()[right],
        "record_b": frame["record_id"].to_numpy()[right],
        "type_b": frame["type_ko"].to_numpy()[right],
        "agency_b": frame["agency"].to_numpy()[right],
        "measured_h_m": np.round(measured_h, 3),
        "required_h_m": req_h,
        "measured_v_m": np.round(measured_v, 3),
        "required_v_m": req_v,
        "run_length_m": np.round(run_length, 2),
        "rule_source": [rule.source for rule in rules],
        "rule_status": [rule.status for rule in rules],
    }
    return gpd.GeoDataFrame(data, geometry=list(geometry), crs=crs)


def _crossings(lines, left, right, req_h, req_v, centre, rules, crs) -> gpd.GeoDataFrame:
    crossing = centre == 0
    left, right, req_h, req_v = left[crossing], right[crossing], req_h[crossing], req_v[crossing]
    rules = [rule for rule, ok in zip(rules, crossing, strict=True) if ok]
    if len(left) == 0:
        return _empty("Point", crs)
    meeting = shapely.intersection(lines.geoms[left], lines.geoms[right])
    points = shapely.get_point(shapely.get_geometry(meeting, 0), 0)  # a shared stretch: its first point
    singles = shapely.get_type_id(shapely.get_geometry(meeting, 0)) == 0
    points[singles] = shapely.get_geometry(meeting, 0)[singles]
    gap = min_vertical_gap(
        lines.tops(left, points), lines.diameter[left], lines.tops(right, points), lines.diameter[right]
    )
    zero = np.zeros(len(left))
    return _describe(lines, left, right, "crossing", zero, req_h, gap, req_v, zero, rules, points, crs)


def _parallels(lines, left, right, req_h, req_v, radii, rules, min_parallel_m, crs) -> gpd.GeoDataFrame:
    # the run is measured on the shorter line, inside the reach of the longer one
    swap = shapely.length(lines.geoms[left]) > shapely.length(lines.geoms[right])
    left, right = np.where(swap, right, left), np.where(swap, left, right)
    zones = shapely.buffer(lines.geoms[right], req_h + radii, quad_segs=4)
    runs = shapely.intersection(lines.geoms[left], zones)
    runs = shapely.line_merge(runs)
    length = shapely.length(runs)
    long_enough = length >= min_parallel_m
    if not long_enough.any():
        return _empty("LineString", crs)
    idx = np.flatnonzero(long_enough)
    left, right, runs, length = left[idx], right[idx], runs[idx], length[idx]
    req_h, req_v, radii = req_h[idx], req_v[idx], radii[idx]
    rules = [rules[k] for k in idx]
    # the closest approach along the run (lines that converge are closest at one end, not the middle)
    measured_h = np.maximum(0.0, shapely.distance(runs, lines.geoms[right]) - radii)
    # worst vertical gap over the run's two ends and middle: depth is linear along each line
    gaps = []
    for fraction in (0.0, 0.5, 1.0):
        on_left = shapely.line_interpolate_point(runs, fraction, normalized=True)
        on_right = shapely.line_interpolate_point(
            lines.geoms[right], shapely.line_locate_point(lines.geoms[right], on_left)
        )
        gaps.append(
            min_vertical_gap(
                lines.tops(left, on_left), lines.diameter[left], lines.tops(right, on_right), lines.diameter[right]
            )
        )
    gap = np.min(np.vstack(gaps), axis=0)
    return _describe(lines, left, right, "parallel", measured_h, req_h, gap, req_v, length, rules, runs, crs)


def issues_layer(issues: pd.DataFrame, network: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The store's data issues placed on their facility (issues of rejected records have no geometry)."""
    located = network[["layer", "record_id", "geometry"]].drop_duplicates(["layer", "record_id"])
    merged = issues.merge(located, on=["layer", "record_id"], how="left")
    centroids = shapely.point_on_surface(np.asarray(merged["geometry"].to_numpy(), dtype=object))
    merged = merged.drop(columns="geometry")
    return gpd.GeoDataFrame(merged, geometry=list(centroids), crs=network.crs)
