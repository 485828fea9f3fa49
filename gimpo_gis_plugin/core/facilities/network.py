"""All underground facilities as one frame with one depth model, for the 3-D analyses.

Each table states depth its own way (see :mod:`.schema`); here every facility gets ``depth_a``,
``depth_b`` and ``depth_kind`` so that :func:`top_depth_bounds` gives, at any fraction along a line,
the shallowest and deepest the pipe's top can be. Analyses use the worst case of that interval, so a
water main known only by its 최저/최고깊이 is never assumed deeper than its data allows.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .loader import FacilityStore
from .rules import Margin
from .schema import FACILITY_TYPES, UNDERGROUND_LAYERS

NETWORK_COLUMNS = [
    "record_id",
    "layer",
    "facility_type",
    "type_ko",
    "agency",
    "acc_grade",
    "material",
    "ist_ymd",
    "diameter_m",
    "diameter_assumed",
    "depth_kind",
    "depth_a",
    "depth_b",
    "depth_known",
]


def network_frame(store: FacilityStore, margins: dict[str, Margin], points: bool = True) -> gpd.GeoDataFrame:
    """Lines (and, if ``points``, manholes and valves) of the store in the common form."""
    parts = []
    for name, frame in store.layers.items():
        spec = UNDERGROUND_LAYERS[name]
        if spec.geometry == "Point" and not points:
            continue
        if frame.empty:
            continue
        parts.append(_common_form(spec.name, spec.facility_type, spec.depth_kind, spec.depth_fields, frame, margins))
    if not parts:
        return gpd.GeoDataFrame({c: [] for c in NETWORK_COLUMNS}, geometry=gpd.GeoSeries([], crs="EPSG:5186"))
    combined = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(combined, geometry="geometry", crs=parts[0].crs)


def _common_form(
    layer: str,
    facility_type: str,
    depth_kind: str,
    depth_fields: tuple[str, ...],
    frame: gpd.GeoDataFrame,
    margins: dict[str, Margin],
) -> gpd.GeoDataFrame:
    count = len(frame)
    has_diameter = "std_dip" in frame.columns
    diameter = frame["std_dip"].to_numpy(dtype=float) / 1000.0 if has_diameter else np.full(count, np.nan)
    assumed = ~(diameter > 0)
    diameter = np.where(assumed, margins[facility_type].default_diameter_m, diameter)
    first = frame[depth_fields[0]].to_numpy(dtype=float)
    second = frame[depth_fields[-1]].to_numpy(dtype=float)
    if facility_type == "manhole":
        # A manhole is a shaft from the surface: its top is at 0 m, whatever its floor depth.
        first, second = np.zeros(count), np.where(np.isnan(first), np.nan, first)
    known = np.isfinite(first) & np.isfinite(second)
    kind = depth_kind if depth_kind != "point" else "constant"
    if facility_type == "manhole":
        kind = "constant"
        known = np.ones(count, dtype=bool)  # the shaft reaches the surface even without a floor depth
    if "net_type" in frame.columns:
        type_ko = [
            f"{FACILITY_TYPES[facility_type][0]}({FACILITY_TYPES[t][0]})"
            if isinstance(t, str)
            else FACILITY_TYPES[facility_type][0]
            for t in frame["net_type"]
        ]
    else:
        type_ko = [FACILITY_TYPES[facility_type][0]] * count
    return gpd.GeoDataFrame(
        {
            "record_id": frame["record_id"].astype(str).to_numpy(),
            "layer": layer,
            "facility_type": facility_type,
            "type_ko": type_ko,
            "agency": frame["agency"].astype(str).to_numpy(),
            "acc_grade": frame["acc_grade"].to_numpy(),
            "material": frame["mop_cde"].to_numpy(),
            "ist_ymd": frame["ist_ymd"].to_numpy(),
            "diameter_m": diameter,
            "diameter_assumed": assumed,
            "depth_kind": kind,
            "depth_a": first,
            "depth_b": second,
            "depth_known": known,
        },
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs,
    )


def top_depth_bounds(
    kind: np.ndarray, depth_a: np.ndarray, depth_b: np.ndarray, fraction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(shallowest, deepest) possible top depth at ``fraction`` (0 start .. 1 end) along each line."""
    profile = kind == "profile"
    interpolated = depth_a + fraction * (depth_b - depth_a)
    shallow = np.where(profile, interpolated, np.minimum(depth_a, depth_b))
    deep = np.where(profile, interpolated, np.maximum(depth_a, depth_b))
    return shallow, deep


def min_vertical_gap(
    top_a: tuple[np.ndarray, np.ndarray],
    diameter_a: np.ndarray,
    top_b: tuple[np.ndarray, np.ndarray],
    diameter_b: np.ndarray,
) -> np.ndarray:
    """Smallest possible clear vertical gap between two pipes whose tops lie in the given intervals.

    Negative means the bodies can overlap in depth. With tops ``d_a``, ``d_b`` the gap is
    ``max(d_b - d_a - D_a, d_a - d_b - D_b)``, a function of ``s = d_b - d_a`` that is smallest at
    ``s = (D_a - D_b) / 2``; the worst case is that ``s`` clamped to what the intervals allow.
    """
    low_s = top_b[0] - top_a[1]
    high_s = top_b[1] - top_a[0]
    s = np.clip((diameter_a - diameter_b) / 2.0, low_s, high_s)
    return np.maximum(s - diameter_a, -s - diameter_b)
