"""Check the layers of a coverage run and turn them into arrays, reporting every record with a problem.

Each problem becomes one row of the rejects table: which layer and feature, the record's id, the field
and value, a code, a planner-readable reason, and what was done (``rejected``, or ``used: ...`` when a
stated default or assumption let the record stay in). Nothing is dropped without a row here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from ..facilities.above_ground import CCTV, problems_of
from . import optics
from .visibility import CameraArrays, sector_angles

REJECT_COLUMNS = ["layer", "feature", "record_id", "field", "value", "problem", "reason", "action"]
REJECTED = "rejected"


@dataclass(frozen=True)
class CameraFields:
    """Column names in the camera layer (defaults: the schema in facilities.above_ground)."""

    cctv_id: str = "cctv_id"
    mount_height_m: str = "mount_height_m"
    azimuth_deg: str = "azimuth_deg"
    fov_deg: str = "fov_deg"
    range_m: str = "range_m"
    tilt_deg: str = "tilt_deg"
    agency: str = "agency"
    vfov_deg: str = "vfov_deg"  # optional; derived from fov_deg (16:9 sensor) when absent


@dataclass(frozen=True)
class CameraDefaults:
    """Values used, and reported, when a camera record leaves a field empty."""

    mount_height_m: float = 5.0
    fov_deg: float = 90.0
    range_m: float = 50.0
    tilt_deg: float = 15.0


@dataclass
class Rejects:
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        layer: str,
        feature: int,
        record_id: object,
        fld: str,
        value: object,
        problem: str,
        reason: str,
        action: str = REJECTED,
    ) -> None:
        self.rows.append(
            {
                "layer": layer,
                "feature": int(feature) + 1,  # 1-based, as the attribute table counts
                "record_id": None if record_id is None else str(record_id),
                "field": fld,
                "value": None if value is None else str(value),
                "problem": problem,
                "reason": reason,
                "action": action,
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=REJECT_COLUMNS)


@dataclass
class PreparedCameras:
    """The usable cameras: their records (id, agency, values used, flags) and arrays for the engine."""

    records: gpd.GeoDataFrame
    arrays: CameraArrays


_TYPE_NAMES = np.array(
    [
        "Point",
        "LineString",
        "LinearRing",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        None,  # -1: no geometry
    ],
    dtype=object,
)


def _kinds(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(geometry type name or None, missing or empty) of every record, at once (150,000 buildings one
    by one through Python cost a second)."""
    kinds = _TYPE_NAMES[shapely.get_type_id(geoms)]
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    return kinds, empty


def _points_only(frame: gpd.GeoDataFrame, layer: str, ids: list[object], rejects: Rejects) -> np.ndarray:
    """Mask of records that are one point; single-part MultiPoints count. Others go to the rejects."""
    geoms = frame.geometry.to_numpy()
    kinds, empty = _kinds(geoms)
    single_multi = (kinds == "MultiPoint") & ~empty & (shapely.get_num_geometries(geoms) == 1)
    ok = ((kinds == "Point") | single_multi) & ~empty
    for row in np.flatnonzero(~ok):
        what = "no geometry" if empty[row] else f"a {kinds[row]}"
        rejects.add(layer, row, ids[row], "geometry", kinds[row], "wrong_geometry", f"{what}, expected one point")
    return ok


def _record_ids(frame: pd.DataFrame, column: str, layer: str, rejects: Rejects) -> tuple[list[object], np.ndarray]:
    """Ids as text, and a mask of records with a usable (present, not duplicated) id."""
    if column not in frame.columns:
        raise InputError(
            f"The {layer} layer has no id field '{column}'.",
            f"Choose the field that identifies each record (fields: {', '.join(map(str, frame.columns))}).",
        )
    raw = frame[column]
    blank = raw.isna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
    ids = [None if b else str(v) for v, b in zip(raw.to_numpy(), blank, strict=True)]
    duplicated = pd.Series(ids).duplicated(keep="first").to_numpy() & ~blank
    for row in np.flatnonzero(blank):
        rejects.add(layer, row, None, column, None, "id_missing", f"{column} is empty: the record cannot be named")
    for row in np.flatnonzero(duplicated):
        rejects.add(layer, row, ids[row], column, ids[row], "id_duplicate", f"{column} {ids[row]} appears earlier")
    return ids, ~blank & ~duplicated


def prepare_cameras(
    frame: gpd.GeoDataFrame,
    rejects: Rejects,
    fields: CameraFields = CameraFields(),
    defaults: CameraDefaults = CameraDefaults(),
    layer: str = "cameras",
) -> PreparedCameras:
    """Validate cameras against the CCTV schema; apply (and report) defaults; build the engine arrays.

    Rejected: no id, duplicate id, not a point, no agency, field of view ≤ 0 or > 360, height ≤ 0 or
    > 100 m, range ≤ 0, tilt outside 0..90°, non-numbers. Kept with a flag: azimuth empty (full circle
    assumed), other numeric fields empty (the stated default).
    """
    ids, ok = _record_ids(frame, fields.cctv_id, layer, rejects)
    ok &= _points_only(frame, layer, ids, rejects)
    renamed = pd.DataFrame(index=frame.index)
    for name in CCTV.names:
        source = getattr(fields, name, None)
        if source is not None and source in frame.columns:
            renamed[name] = frame[source].to_numpy()
    if "agency" not in renamed.columns:
        raise InputError(
            f"The {layer} layer has no agency field '{fields.agency}' (관리기관).",
            "Choose the field naming each camera's managing agency; cameras without one are rejected.",
        )
    checked = [n for n in ("agency", "mount_height_m", "azimuth_deg", "fov_deg", "range_m", "tilt_deg") if n in renamed]
    for problem in problems_of(renamed.reset_index(drop=True), CCTV, checked).itertuples(index=False):
        source = getattr(fields, problem.field)
        reason = problem.reason.replace(problem.field, source)
        if problem.field == "agency":
            reason += ": every camera needs its managing agency (관리기관) to be notified"
        rejects.add(layer, problem.row, ids[problem.row], source, problem.value, problem.reason_code, reason)
        ok[problem.row] = False

    n = len(frame)
    notes: list[list[str]] = [[] for _ in range(n)]
    values: dict[str, np.ndarray] = {}
    for name, default in (
        ("mount_height_m", defaults.mount_height_m),
        ("fov_deg", defaults.fov_deg),
        ("range_m", defaults.range_m),
        ("tilt_deg", defaults.tilt_deg),
    ):
        column = (
            pd.to_numeric(renamed[name], errors="coerce") if name in renamed else pd.Series(np.nan, index=frame.index)
        )
        numbers = column.to_numpy(dtype=float)
        missing = np.isnan(numbers)
        for row in np.flatnonzero(missing & ok):
            rejects.add(
                layer,
                row,
                ids[row],
                getattr(fields, name),
                None,
                f"{name}_missing",
                f"{getattr(fields, name)} is empty",
                f"used: default {default:g}",
            )
            notes[row].append(f"{name}={default:g} (default)")
        values[name] = np.where(missing, default, numbers)
    azimuth = (
        pd.to_numeric(renamed["azimuth_deg"], errors="coerce").to_numpy(dtype=float)
        if "azimuth_deg" in renamed
        else np.full(n, np.nan)
    )
    full_circle = np.isnan(azimuth)
    for row in np.flatnonzero(full_circle & ok):
        rejects.add(
            layer,
            row,
            ids[row],
            fields.azimuth_deg,
            None,
            "azimuth_missing",
            f"{fields.azimuth_deg} is empty (e.g. a 회전형/PTZ camera)",
            "used: full circle assumed",
        )
        notes[row].append("azimuth unknown: full circle assumed")
    outside = ok & ~full_circle & ((azimuth < 0) | (azimuth >= 360))
    for row in np.flatnonzero(outside):
        rejects.add(
            layer,
            row,
            ids[row],
            fields.azimuth_deg,
            azimuth[row],
            "azimuth_outside_0_360",
            f"{fields.azimuth_deg} = {azimuth[row]:g} is not a compass bearing 0..360",
            f"used: {azimuth[row] % 360:g}",
        )
    azimuth = azimuth % 360

    vfov = optics.vertical_fov(np.where(full_circle, np.minimum(values["fov_deg"], 360), values["fov_deg"]))
    if fields.vfov_deg in frame.columns:
        given = pd.to_numeric(frame[fields.vfov_deg], errors="coerce").to_numpy(dtype=float)
        usable = (given > 0) & (given <= 180)
        vfov = np.where(usable, given, vfov)
    height, tilt = values["mount_height_m"], values["tilt_deg"]
    blind = optics.near_blind_radius(height, tilt, vfov)
    reach = np.minimum(values["range_m"], optics.far_ground_limit(height, tilt, vfov))
    start, span = sector_angles(np.where(full_circle, np.nan, azimuth), values["fov_deg"])
    empty_view = ok & (blind >= reach)
    for row in np.flatnonzero(empty_view):
        rejects.add(
            layer,
            row,
            ids[row],
            fields.tilt_deg,
            tilt[row],
            "sees_no_ground",
            f"the picture's lower edge meets the ground at {blind[row]:.1f} m, beyond its range "
            f"{reach[row]:.1f} m: check height, tilt and range",
        )
    ok &= ~empty_view

    geoms = frame.geometry.to_numpy()
    points = np.array([shapely.get_geometry(g, 0) if ok[i] else None for i, g in enumerate(geoms)], dtype=object)
    keep = np.flatnonzero(ok)
    records = gpd.GeoDataFrame(
        {
            "cctv_id": [ids[i] for i in keep],
            "agency": renamed["agency"].to_numpy()[keep].astype(str),
            "mount_height_m": height[keep],
            "azimuth_deg": np.where(full_circle[keep], np.nan, azimuth[keep]),
            "fov_deg": np.where(full_circle[keep], 360.0, values["fov_deg"][keep]),
            "range_m": values["range_m"][keep],
            "tilt_deg": tilt[keep],
            "vfov_deg": np.round(vfov[keep], 1),
            "effective_range_m": np.round(reach[keep], 2),
            "blind_radius_m": np.round(blind[keep], 2),
            "full_circle_assumed": full_circle[keep],
            "assumptions": ["; ".join(notes[i]) for i in keep],
        },
        geometry=list(points[keep]),
        crs=frame.crs,
    )
    xy = shapely.get_coordinates(points[keep]) if keep.size else np.zeros((0, 2))
    arrays = CameraArrays(xy[:, 0], xy[:, 1], height[keep], start[keep], span[keep], reach[keep], blind[keep])
    return PreparedCameras(records, arrays)


def prepare_buildings(
    frame: gpd.GeoDataFrame | None, rejects: Rejects, height_field: str | None = "height", id_field: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Footprints (repaired when invalid) and heights; NaN height = unknown, which blocks every view.

    Non-polygons are rejected; unknown or non-positive heights are kept as blocking and reported.
    """
    if frame is None or len(frame) == 0:
        return np.array([], dtype=object), np.array([], dtype=float)
    layer = "buildings"
    ids = frame[id_field].astype(str).to_list() if id_field and id_field in frame.columns else [None] * len(frame)
    geoms = frame.geometry.to_numpy()
    kinds, empty = _kinds(geoms)
    polygonal = np.isin(kinds, ["Polygon", "MultiPolygon"]) & ~empty
    for row in np.flatnonzero(~polygonal):
        what = "no geometry" if empty[row] else f"a {kinds[row]}"
        rejects.add(layer, row, ids[row], "geometry", kinds[row], "wrong_geometry", f"{what}, expected a footprint")
    invalid = polygonal & ~shapely.is_valid(geoms)
    for row in np.flatnonzero(invalid):
        geoms[row] = shapely.make_valid(geoms[row])
        rejects.add(
            layer,
            row,
            ids[row],
            "geometry",
            None,
            "invalid_geometry",
            "self-intersecting footprint",
            "used: repaired (make_valid)",
        )
    if height_field and height_field in frame.columns:
        heights = pd.to_numeric(frame[height_field], errors="coerce").to_numpy(dtype=float)
    else:
        heights = np.full(len(frame), np.nan)
    unknown = polygonal & ~(heights > 0)
    if height_field and height_field in frame.columns:
        for row in np.flatnonzero(unknown):
            rejects.add(
                layer,
                row,
                ids[row],
                height_field,
                frame[height_field].iloc[row],
                "height_unknown",
                f"{height_field} is empty or not positive",
                "used: assumed to block every view",
            )
    heights = np.where(unknown, np.nan, heights)
    parts, owner = shapely.get_parts(geoms[polygonal], return_index=True)
    is_area = np.isin(shapely.get_type_id(parts), [3])  # GeometryCollections from make_valid: keep polygons
    return parts[is_area], heights[polygonal][owner[is_area]]


def prepare_points(
    frame: gpd.GeoDataFrame, rejects: Rejects, id_field: str, layer: str
) -> tuple[list[str], np.ndarray]:
    """Candidate sites: ids and points; records without an id or not a point are rejected."""
    ids, ok = _record_ids(frame, id_field, layer, rejects)
    ok &= _points_only(frame, layer, ids, rejects)
    keep = np.flatnonzero(ok)
    points = np.asarray(shapely.get_geometry(frame.geometry.to_numpy()[keep], 0), dtype=object)
    return [ids[i] for i in keep], points


def prepare_targets(
    frame: gpd.GeoDataFrame, rejects: Rejects, id_field: str | None, weight_field: str | None
) -> gpd.GeoDataFrame:
    """Target areas (polygons) with a weight ≥ 0; empty weights are 1 (reported), bad ones rejected."""
    layer = "target_areas"
    if id_field and id_field in frame.columns:
        ids, ok = _record_ids(frame, id_field, layer, rejects)
    else:
        ids, ok = [str(i + 1) for i in range(len(frame))], np.ones(len(frame), dtype=bool)
    geoms = frame.geometry.to_numpy().copy()
    kinds = np.array([None if g is None else g.geom_type for g in geoms], dtype=object)
    empty = np.array([g is None or g.is_empty for g in geoms])
    polygonal = np.isin(kinds, ["Polygon", "MultiPolygon"]) & ~empty
    for row in np.flatnonzero(~polygonal):
        what = "no geometry" if empty[row] else f"a {kinds[row]}"
        rejects.add(layer, row, ids[row], "geometry", kinds[row], "wrong_geometry", f"{what}, expected an area")
    ok &= polygonal
    invalid = ok & ~shapely.is_valid(geoms)
    geoms[invalid] = [_areal(shapely.make_valid(g)) for g in geoms[invalid]]
    weights = np.ones(len(frame))
    if weight_field:
        if weight_field not in frame.columns:
            raise InputError(f"The target area layer has no weight field '{weight_field}'.", "Choose another field.")
        raw = pd.to_numeric(frame[weight_field], errors="coerce").to_numpy(dtype=float)
        for row in np.flatnonzero(ok & np.isnan(raw)):
            rejects.add(
                layer, row, ids[row], weight_field, None, "weight_missing", f"{weight_field} is empty", "used: weight 1"
            )
        for row in np.flatnonzero(ok & (raw < 0)):
            rejects.add(
                layer,
                row,
                ids[row],
                weight_field,
                raw[row],
                "weight_negative",
                f"{weight_field} = {raw[row]:g} is negative",
            )
        ok &= ~(raw < 0)
        weights = np.where(np.isnan(raw), 1.0, raw)
    keep = np.flatnonzero(ok)
    return gpd.GeoDataFrame(
        {"target_id": [ids[i] for i in keep], "weight": weights[keep]}, geometry=list(geoms[keep]), crs=frame.crs
    )


def _areal(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
