"""Excavation impact (굴착 영향): which buried facilities a dig reaches in 3-D, and how badly.

A dig is a prism from the surface down to its depth. Each facility's envelope is its body widened by
the type's horizontal margin and deepened by its vertical margin (``excavation_margins.csv``). The dig
reaches a facility when, somewhere along it within the horizontal reach (margin plus half the
diameter), the pipe's top is less than the vertical margin below the dig's bottom. Depth is
interpolated along the pipe (``profile``), or taken at its shallowest (``range``/``constant``);
a facility whose depth is unknown is reported whenever it is within horizontal reach — an unknown
depth is a risk, never a clearance.

Survey accuracy (``survey_accuracy.csv``): a pipe recorded from as-built drawings (grade C) or of
unknown origin (D) may lie a metre or two from where the map draws it, so with an accuracy table each
facility's margins grow by its grade's horizontal and vertical tolerance (a missing grade counts as the
least certain one). The columns position_tolerance_m and depth_tolerance_m show what was added.

The STRtree is built once per store (:class:`FacilityIndex`); a query then touches only the few
facilities near the dig, so it answers in milliseconds on hundreds of thousands of segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from .network import top_depth_bounds
from .rules import UNKNOWN_GRADE, Margin, Tolerance

RISK_LABELS = {
    3: "높음: 굴착이 시설물에 닿음 (dig reaches the facility)",
    2: "중간: 안전거리 침범 (inside the safety margin)",
}
IMPACT_COLUMNS = [
    "dig_id",
    "risk_rank",
    "risk_level",
    "risk_label",
    "record_id",
    "layer",
    "facility_type",
    "type_ko",
    "agency",
    "horizontal_distance_m",
    "horizontal_margin_m",
    "depth_closest_m",
    "depth_min_m",
    "dig_depth_m",
    "vertical_clearance_m",
    "vertical_margin_m",
    "depth_known",
    "diameter_m",
    "diameter_assumed",
    "acc_grade",
    "position_tolerance_m",
    "depth_tolerance_m",
]


@dataclass(frozen=True)
class MarginOverride:
    """Margins the user gives for this dig instead of the per-type table (None keeps the table)."""

    horizontal_m: float | None = None
    vertical_m: float | None = None


class FacilityIndex:
    """The network (from :func:`network.network_frame`) with an STRtree and per-facility envelopes.

    ``accuracy`` (from :func:`rules.read_accuracy`) widens each facility's envelope by the tolerance of
    its survey grade; without it positions and depths are taken as exact.
    """

    def __init__(
        self, network: gpd.GeoDataFrame, margins: dict[str, Margin], accuracy: dict[str, Tolerance] | None = None
    ) -> None:
        self.network = network.reset_index(drop=True)
        geometry = self.network.geometry.values
        self.geoms = np.asarray(geometry, dtype=object)
        types = self.network["facility_type"].to_numpy()
        self.types = types
        self.kind = self.network["depth_kind"].to_numpy()
        self.depth_a = self.network["depth_a"].to_numpy(dtype=float)
        self.depth_b = self.network["depth_b"].to_numpy(dtype=float)
        self.known = self.network["depth_known"].to_numpy(dtype=bool)
        self.radius = self.network["diameter_m"].to_numpy(dtype=float) / 2.0
        self.is_line = np.isin(shapely.get_type_id(self.geoms), [1, 5])
        self.h_margin = np.array([margins[t].horizontal_m for t in types], dtype=float)
        self.v_margin = np.array([margins[t].vertical_m for t in types], dtype=float)
        self.hazard = np.array([margins[t].hazard_weight for t in types], dtype=float)
        self.h_tolerance, self.v_tolerance = _tolerances(self.network["acc_grade"].to_numpy(), accuracy)
        self.tree = shapely.STRtree(self.geoms)

    def __len__(self) -> int:
        return len(self.geoms)

    def query(self, dig: shapely.Geometry, depth_m: float, override: MarginOverride | None = None) -> pd.DataFrame:
        """Facilities the dig polygon ``dig`` (down to ``depth_m``) reaches, most at risk first."""
        if depth_m is None or not np.isfinite(depth_m) or depth_m <= 0:
            raise InputError(f"Dig depth must be a number of metres above 0; got {depth_m!r}.")
        override = override or MarginOverride()
        h_safety = self.h_margin if override.horizontal_m is None else np.full(len(self), override.horizontal_m)
        v_safety = self.v_margin if override.vertical_m is None else np.full(len(self), override.vertical_m)
        # A survey tolerance is doubt about the data, not a safety margin: it is added to either.
        h_all, v_all = h_safety + self.h_tolerance, v_safety + self.v_tolerance
        widest = float((h_all + self.radius).max()) if len(self) else 0.0
        candidates = self.tree.query(dig, predicate="dwithin", distance=widest)
        if len(candidates) == 0:
            return pd.DataFrame(columns=[c for c in IMPACT_COLUMNS if c != "dig_id"])
        candidates = np.sort(candidates)
        reach = h_all[candidates] + self.radius[candidates]
        centre_distance = shapely.distance(dig, self.geoms[candidates])
        inside = centre_distance <= reach
        candidates, reach, centre_distance = candidates[inside], reach[inside], centre_distance[inside]
        if len(candidates) == 0:
            return pd.DataFrame(columns=[c for c in IMPACT_COLUMNS if c != "dig_id"])
        closest_depth, min_depth, critical, parts = self._depths_in_reach(dig, candidates, reach)
        clearance = min_depth - depth_m
        v_margin = v_all[candidates]
        known = self.known[candidates]
        reached = ~known | (clearance < v_margin)
        edge = np.maximum(0.0, centre_distance - self.radius[candidates])
        level = np.where((edge <= 0) & (~known | (clearance < 0)), 3, 2)
        frame = pd.DataFrame(
            {
                "risk_level": level,
                "record_id": self.network["record_id"].to_numpy()[candidates],
                "layer": self.network["layer"].to_numpy()[candidates],
                "facility_type": self.types[candidates],
                "type_ko": self.network["type_ko"].to_numpy()[candidates],
                "agency": self.network["agency"].to_numpy()[candidates],
                "horizontal_distance_m": np.round(edge, 3),
                "horizontal_margin_m": h_safety[candidates],
                "depth_closest_m": np.round(closest_depth, 3),
                "depth_min_m": np.round(min_depth, 3),
                "dig_depth_m": float(depth_m),
                "vertical_clearance_m": np.round(clearance, 3),
                "vertical_margin_m": v_safety[candidates],
                "depth_known": known,
                "diameter_m": self.radius[candidates] * 2.0,
                "diameter_assumed": self.network["diameter_assumed"].to_numpy()[candidates],
                "acc_grade": self.network["acc_grade"].to_numpy()[candidates],
                "position_tolerance_m": self.h_tolerance[candidates],
                "depth_tolerance_m": self.v_tolerance[candidates],
                "hazard": self.hazard[candidates],
                "geometry": critical,
                "reach_part": parts,
            }
        )[reached]
        frame["risk_label"] = [
            RISK_LABELS[lv]
            if k
            else "높음: 깊이 미상 (depth unknown)"
            if lv == 3
            else "중간: 깊이 미상 (depth unknown)"
            for lv, k in zip(frame["risk_level"], frame["depth_known"], strict=True)
        ]
        frame = frame.sort_values(
            ["risk_level", "hazard", "vertical_clearance_m", "horizontal_distance_m"],
            ascending=[False, False, True, True],
            na_position="first",
            kind="stable",
        ).reset_index(drop=True)
        frame.insert(0, "risk_rank", np.arange(1, len(frame) + 1))
        return frame.drop(columns="hazard")

    def _depths_in_reach(
        self, dig: shapely.Geometry, candidates: np.ndarray, reach: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Top depth at the closest point, the shallowest top within reach, where that is, and the
        stretch of each facility within reach."""
        geoms = self.geoms[candidates]
        kind, depth_a, depth_b = self.kind[candidates], self.depth_a[candidates], self.depth_b[candidates]
        closest_points = shapely.get_point(shapely.shortest_line(geoms, dig), 0)
        fraction = self._fraction(candidates, closest_points)
        closest_depth = top_depth_bounds(kind, depth_a, depth_b, fraction)[0]
        zones = shapely.buffer(dig, reach, quad_segs=16)
        parts = shapely.intersection(geoms, zones)
        # the part can miss by a rounding hair when the pipe only grazes the reach: use the closest point
        empty = shapely.is_empty(parts)
        parts[empty] = closest_points[empty]
        coords, owner = shapely.get_coordinates(parts, return_index=True)
        vertex_points = shapely.points(coords)
        vertex_fraction = self._fraction(candidates[owner], vertex_points)
        shallow = top_depth_bounds(kind[owner], depth_a[owner], depth_b[owner], vertex_fraction)[0]
        order = np.lexsort((np.nan_to_num(shallow, nan=np.inf), owner))
        first = np.unique(owner[order], return_index=True)[1]
        best = order[first]
        min_depth = np.full(len(candidates), np.nan)
        min_depth[owner[best]] = shallow[best]
        critical = closest_points.copy()
        critical[owner[best]] = vertex_points[best]
        return closest_depth, min_depth, critical, parts

    def _fraction(self, rows: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Fraction (0..1) along each facility line of the given points; 0 for point facilities."""
        fraction = np.zeros(len(rows))
        lines = self.is_line[rows]
        if lines.any():
            fraction[lines] = shapely.line_locate_point(self.geoms[rows][lines], points[lines], normalized=True)
        return fraction


def _tolerances(grades: np.ndarray, accuracy: dict[str, Tolerance] | None) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical survey tolerance per facility (zeros without an accuracy table)."""
    if accuracy is None:
        return np.zeros(len(grades)), np.zeros(len(grades))
    grade = pd.Series(grades, dtype=object)
    unknown = accuracy[UNKNOWN_GRADE]
    return tuple(
        grade.map({g: getattr(t, side) for g, t in accuracy.items()}).fillna(getattr(unknown, side)).to_numpy(float)
        for side in ("horizontal_m", "vertical_m")
    )


def dig_polygons(geometries: gpd.GeoSeries, width_m: float | None) -> np.ndarray:
    """Polygons of the digs: polygons as given, lines (trenches) buffered by half ``width_m``, flat ends."""
    geoms = np.asarray(geometries.values, dtype=object)
    kinds = shapely.get_type_id(geoms)
    polygons = np.isin(kinds, [3, 6])
    lines = np.isin(kinds, [1, 5])
    result = geoms.copy()
    if lines.any():
        if width_m is None or not width_m > 0:
            raise InputError(
                "The dig layer has lines (trenches) but no trench width was given.",
                "Give the trench width in metres (e.g. 1.2), or draw the dig as polygons.",
            )
        result[lines] = shapely.buffer(geoms[lines], width_m / 2.0, cap_style="flat", join_style="mitre")
    other = ~(polygons | lines)
    if other.any():
        raise InputError(
            f"굴착 레이어에 면도 선도 아닌 객체가 {int(other.sum())}개 있습니다. "
            f"The dig layer has {int(other.sum())} feature(s) that are neither polygons nor lines "
            f"(e.g. a {shapely.get_type_id(geoms[other][0])!s}-type geometry).",
            "굴착 범위를 면으로, 또는 굴착 폭과 함께 선으로 그리세요. "
            "Draw digs as polygons, or as lines with a trench width.",
        )
    return result


def excavation_impact(
    index: FacilityIndex,
    digs: gpd.GeoDataFrame,
    depth_m: float,
    width_m: float | None = None,
    depth_field: str | None = None,
    id_field: str | None = None,
    override: MarginOverride | None = None,
) -> gpd.GeoDataFrame:
    """Every affected facility for every dig (``dig_id`` from ``id_field`` or the row number), as a point
    at its most exposed spot; :func:`affected_stretches` gives the stretches of lines within reach."""
    if digs.empty:
        raise InputError("The dig layer is empty.", "Draw the planned excavation as a polygon or a line.")
    polygons = dig_polygons(digs.geometry, width_m)
    ids = digs[id_field].astype(str).to_numpy() if id_field else np.arange(1, len(digs) + 1).astype(str)
    depths = _dig_depths(digs, depth_m, depth_field)
    results = []
    for dig_id, polygon, depth in zip(ids, polygons, depths, strict=True):
        hits = index.query(polygon, float(depth), override)
        hits.insert(0, "dig_id", dig_id)
        results.append(hits)
    combined = pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=IMPACT_COLUMNS)
    geometry = combined.pop("geometry") if "geometry" in combined else []
    stretches = combined.pop("reach_part") if "reach_part" in combined else pd.Series([], dtype=object)
    result = gpd.GeoDataFrame(combined[IMPACT_COLUMNS], geometry=list(geometry), crs=digs.crs)
    result.attrs["reach_parts"] = list(stretches)
    return result


def affected_stretches(impact: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The part of each affected line within the dig's reach (points facilities left out): what a
    planner sees on the map as 'this stretch of pipe is at risk'."""
    parts = np.asarray(impact.attrs.get("reach_parts", [None] * len(impact)), dtype=object)
    lineal = np.isin(shapely.get_type_id(parts), [1, 5])
    frame = impact.loc[lineal].drop(columns=impact.geometry.name)
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=list(parts[lineal]), crs=impact.crs)


def _dig_depths(digs: gpd.GeoDataFrame, depth_m: float, depth_field: str | None) -> np.ndarray:
    if not depth_field:
        return np.full(len(digs), depth_m, dtype=float)
    if depth_field not in digs.columns:
        raise InputError(f"The dig layer has no field {depth_field!r} for the depth.", "Choose an existing field.")
    values = pd.to_numeric(digs[depth_field], errors="coerce").to_numpy(dtype=float)
    bad = ~(values > 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"굴착 레이어 {row + 1}번째 객체: 깊이 필드 {depth_field} 값 {digs[depth_field].iat[row]!r}은(는) "
            f"0보다 큰 미터 값이 아닙니다. "
            f"Dig feature {row + 1}: {depth_field} = {digs[depth_field].iat[row]!r} is not a depth in metres > 0.",
            "모든 굴착의 깊이를 채우거나, 깊이 필드를 비워 한 깊이(DEPTH)를 쓰세요. "
            "Fill the depth of every dig, or leave the depth field empty to use one depth for all.",
        )
    return values
