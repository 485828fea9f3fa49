"""Which cameras see an incident's spot (119 긴급출동 영상공유), ranked by how well they see it.

The expensive part, every camera's visible ground among the buildings, is built once
(:func:`build_view_index`, the same ray casting as the coverage analysis) or taken from the
``camera_views`` layer a coverage run already wrote. One incident is then a spatial-index query of a
small disc around the spot against those views: milliseconds, so a dispatcher's click answers at once.

A camera *sees* the spot when its view covers the spot's centre; it *partly sees* it when its view
reaches only part of the disc. The score a camera is ranked by is the product of three figures a
control-room operator weighs: the share of the disc in view, how close the spot is relative to the
camera's range (picture detail), and how near the spot lies to the optical axis (a fixed camera shows
the edge of its picture distorted and small; a rotating camera, 회전형/PTZ, can be turned to it and
scores 1 there but takes a 0.8 factor, flagged as needing a turn). A camera that does not see the
spot but is near says why: out of range, facing away, behind a building, or under the pole (the near blind zone).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from ..progress import SILENT, Progress
from .inputs import CameraDefaults, CameraFields, Rejects, prepare_buildings, prepare_cameras
from .visibility import TWO_PI, Obstacles, view_polygons

# Why a nearby camera does not see the spot (codes stay English; sentences are Korean first).
SEES = "SEES"
PARTLY = "PARTLY"
OUT_OF_RANGE = "OUT_OF_RANGE"
FACING_AWAY = "FACING_AWAY"
OCCLUDED = "OCCLUDED"
UNDER_POLE = "UNDER_POLE"

# A rotating camera must first be turned to the spot (and may be on a preset tour): ranked a little below
# a fixed camera that shows the spot as well right now.
PTZ_TURN_FACTOR = 0.8

REASON_TEXT = {
    SEES: "사건 지점이 화면 안에 있음",
    PARTLY: "사건 지점 주변 일부만 보임",
    OUT_OF_RANGE: "촬영 거리 밖",
    FACING_AWAY: "카메라 방향이 다름",
    OCCLUDED: "건물에 가려짐",
    UNDER_POLE: "기둥 바로 아래 사각지대",
}


@dataclass
class CameraViewIndex:
    """The views of every usable camera with what ranking needs, and a spatial index over them."""

    records: pd.DataFrame  # cctv_id, agency, control_no (관제번호) where given, ptz flag
    x: np.ndarray
    y: np.ndarray
    start: np.ndarray  # sector start, radians counter-clockwise from east
    span: np.ndarray  # 2π for a full circle (회전형/PTZ or unknown direction)
    reach: np.ndarray
    blind_radius: np.ndarray
    views: np.ndarray  # shapely polygons, possibly empty
    crs: object

    def __post_init__(self) -> None:
        self.tree = shapely.STRtree(self.views)
        self.positions = shapely.STRtree(shapely.points(self.x, self.y))

    def __len__(self) -> int:
        return len(self.views)


def build_view_index(
    cameras: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame | None = None,
    fields: CameraFields | None = None,
    defaults: CameraDefaults | None = None,
    building_height_field: str | None = "height",
    control_field: str | None = None,
    angular_step_deg: float = 1.0,
    progress: Progress = SILENT,
) -> tuple[CameraViewIndex, pd.DataFrame]:
    """Views of every camera with building occlusion, once; returns the index and the rejects table."""
    if cameras is None or len(cameras) == 0:
        raise InputError("CCTV 카메라 레이어가 비어 있습니다: 카메라 위치가 든 점 레이어를 지정하세요. (no cameras)")
    if buildings is not None and buildings.crs is not None and cameras.crs != buildings.crs:
        raise InputError(
            f"CCTV 카메라({cameras.crs})와 건물({buildings.crs})의 좌표계가 다릅니다: 같은 좌표계로 맞추세요."
        )
    fields, defaults = fields or CameraFields(), defaults or CameraDefaults()
    rejects = Rejects()
    prepared = prepare_cameras(cameras, rejects, fields, defaults)
    if len(prepared.records) == 0:
        raise InputError(
            "쓸 수 있는 CCTV 카메라가 없습니다: 모든 카메라가 거부되었습니다(거부 사유는 rejects 표). "
            "(no usable camera)"
        )
    footprints, heights = prepare_buildings(buildings, rejects, building_height_field, "bld_id")
    obstacles = Obstacles(footprints, heights) if len(footprints) else None
    progress.info(f"카메라 {len(prepared.records):,}대의 촬영 범위 계산 (건물 {len(footprints):,}동)")
    views = view_polygons(prepared.arrays, obstacles, angular_step_deg, progress=progress)
    arrays = prepared.arrays
    records = _records(prepared.records, cameras, fields, control_field)
    index = CameraViewIndex(
        records, arrays.x, arrays.y, arrays.start, arrays.span, arrays.reach, arrays.blind_radius, views, cameras.crs
    )
    return index, rejects.frame()


def index_from_views(
    views: gpd.GeoDataFrame,
    cameras: gpd.GeoDataFrame,
    fields: CameraFields | None = None,
    defaults: CameraDefaults | None = None,
    control_field: str | None = None,
) -> tuple[CameraViewIndex, pd.DataFrame]:
    """The index from a coverage run's ``camera_views`` layer (no ray casting), joined to the cameras by id."""
    if views is None or len(views) == 0:
        raise InputError("촬영 범위(camera_views) 레이어가 비어 있습니다: CCTV 촬영범위 분석의 결과를 지정하세요.")
    fields, defaults = fields or CameraFields(), defaults or CameraDefaults()
    if fields.cctv_id not in views.columns:
        raise InputError(
            f"촬영 범위 레이어에 카메라 ID 필드 '{fields.cctv_id}'가 없습니다: "
            "CCTV 촬영범위 분석의 camera_views 레이어를 쓰세요."
        )
    rejects = Rejects()
    prepared = prepare_cameras(cameras, rejects, fields, defaults)
    ids = prepared.records["cctv_id"].astype(str).to_numpy()
    by_id = dict(zip(views[fields.cctv_id].astype(str), views.geometry.array, strict=False))
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise InputError(
            f"촬영 범위 레이어에 카메라 {len(missing):,}대의 범위가 없습니다(예: {', '.join(missing[:3])}): "
            "카메라 레이어가 바뀌었으면 CCTV 촬영범위 분석을 다시 실행하세요."
        )
    arrays = prepared.arrays
    geoms = np.array([by_id[i] for i in ids], dtype=object)
    geoms[shapely.is_missing(geoms)] = shapely.Polygon()
    records = _records(prepared.records, cameras, fields, control_field)
    index = CameraViewIndex(
        records, arrays.x, arrays.y, arrays.start, arrays.span, arrays.reach, arrays.blind_radius, geoms, cameras.crs
    )
    return index, rejects.frame()


def _records(
    prepared: gpd.GeoDataFrame, cameras: gpd.GeoDataFrame, fields: CameraFields, control_field: str | None
) -> pd.DataFrame:
    records = pd.DataFrame(
        {
            "cctv_id": prepared["cctv_id"].astype(str).to_numpy(),
            "agency": prepared["agency"].to_numpy() if "agency" in prepared.columns else None,
            "ptz": prepared["full_circle_assumed"].to_numpy(dtype=bool)
            if "full_circle_assumed" in prepared.columns
            else False,
        }
    )
    if control_field:
        if control_field not in cameras.columns:
            raise InputError(
                f"카메라 레이어에 관제번호 필드 '{control_field}'가 없습니다: "
                f"있는 필드 {', '.join(map(str, cameras.columns))}"
            )
        by_id = dict(zip(cameras[fields.cctv_id].astype(str), cameras[control_field], strict=False))
        records["control_no"] = [None if pd.isna(v := by_id.get(i)) else str(v) for i in records["cctv_id"]]
    else:
        records["control_no"] = None
    return records


def cameras_seeing(index: CameraViewIndex, spot: shapely.Point, spot_radius_m: float = 10.0) -> pd.DataFrame:
    """Every camera whose view reaches the disc of ``spot_radius_m`` around ``spot``, best first, plus the
    cameras within their range of the spot that do not see it, with the reason."""
    if spot_radius_m <= 0:
        raise InputError(f"사건 지점 반경은 0보다 커야 합니다 (받은 값 {spot_radius_m} m).")
    disc = spot.buffer(spot_radius_m, quad_segs=16)
    disc_area = disc.area
    hits = index.tree.query(disc, predicate="intersects")
    seen = np.zeros(len(index), dtype=bool)
    rows = []
    for i in hits.tolist():
        view = index.views[i]
        share = shapely.intersection(view, disc).area / disc_area
        if share <= 0:
            continue
        seen[i] = True
        covers_centre = bool(shapely.covers(view, spot))
        rows.append(_row(index, i, spot, share, SEES if covers_centre else PARTLY))
    longest = float(index.reach.max()) if len(index) else 0.0
    near = index.positions.query(spot.buffer(longest + spot_radius_m))
    for i in near.tolist():
        if seen[i]:
            continue
        distance = float(np.hypot(index.x[i] - spot.x, index.y[i] - spot.y))
        if distance > index.reach[i] + spot_radius_m:
            if distance > 2 * index.reach[i]:
                continue  # far away: not worth naming
            reason = OUT_OF_RANGE
        else:
            reason = _why_not(index, i, spot)
        rows.append(_row(index, i, spot, 0.0, reason))
    columns = [
        "rank",
        "cctv_id",
        "control_no",
        "agency",
        "status",
        "reason",
        "score",
        "visible_share",
        "distance_m",
        "off_axis_deg",
        "needs_turn",
        "x",
        "y",
    ]
    table = pd.DataFrame(rows, columns=columns[1:])
    if table.empty:
        return pd.DataFrame(columns=columns)
    seeing = table["status"].isin([SEES, PARTLY])
    table = pd.concat(
        [
            table[seeing].sort_values(["score", "distance_m"], ascending=[False, True], kind="stable"),
            table[~seeing].sort_values("distance_m", kind="stable"),
        ]
    )
    table.insert(0, "rank", np.where(table["status"].isin([SEES, PARTLY]), np.arange(1, len(table) + 1), 0))
    return table.reset_index(drop=True)


def _row(index: CameraViewIndex, i: int, spot: shapely.Point, share: float, status: str) -> dict[str, object]:
    dx, dy = spot.x - index.x[i], spot.y - index.y[i]
    distance = float(np.hypot(dx, dy))
    full = index.span[i] >= TWO_PI - 1e-9
    off_axis = 0.0 if full else _off_axis(index.start[i], index.span[i], np.arctan2(dy, dx))
    if status in (SEES, PARTLY):
        closeness = max(0.0, 1.0 - distance / max(index.reach[i], 1e-9))
        centred = 1.0 if full else float(np.cos(min(off_axis / np.degrees(index.span[i] / 2), 1.0) * np.pi / 2) ** 0.5)
        turn = PTZ_TURN_FACTOR if full and bool(index.records["ptz"].iat[i]) else 1.0
        score = round(share * (0.25 + 0.75 * closeness) * (0.25 + 0.75 * centred) * turn, 4)
    else:
        score = 0.0
    record = index.records.iloc[i]
    return {
        "cctv_id": record["cctv_id"],
        "control_no": record["control_no"],
        "agency": record["agency"],
        "status": status,
        "reason": REASON_TEXT[status],
        "score": score,
        "visible_share": round(share, 4),
        "distance_m": round(distance, 1),
        "off_axis_deg": round(off_axis, 1),
        "needs_turn": bool(full and record["ptz"]),
        "x": float(index.x[i]),
        "y": float(index.y[i]),
    }


def _off_axis(start: float, span: float, bearing: float) -> float:
    """Degrees between the optical axis (middle of the sector) and the bearing to the spot."""
    axis = start + span / 2
    return float(np.degrees(abs((bearing - axis + np.pi) % TWO_PI - np.pi)))


def _why_not(index: CameraViewIndex, i: int, spot: shapely.Point) -> str:
    dx, dy = spot.x - index.x[i], spot.y - index.y[i]
    distance = float(np.hypot(dx, dy))
    if distance > index.reach[i]:
        return OUT_OF_RANGE
    if distance < index.blind_radius[i]:
        return UNDER_POLE
    if index.span[i] < TWO_PI - 1e-9:
        off = (np.arctan2(dy, dx) - index.start[i]) % TWO_PI
        if off > index.span[i]:
            return FACING_AWAY
    return OCCLUDED


def gap_sentence(table: pd.DataFrame, spot_radius_m: float) -> str:
    """One Korean sentence for the dispatch room: who sees the scene, or why nobody does."""
    seeing = table[table["status"] == SEES]
    partly = table[table["status"] == PARTLY]
    if len(seeing):
        best = seeing.iloc[0]
        label = best["control_no"] or best["cctv_id"]
        return (
            f"사건 지점을 보는 CCTV {len(seeing)}대 (일부만 보는 CCTV {len(partly)}대). "
            f"가장 잘 보는 카메라: {label} ({best['distance_m']:.0f} m)."
        )
    if len(partly):
        best = partly.iloc[0]
        return (
            f"사건 지점 자체를 보는 CCTV는 없고, 반경 {spot_radius_m:.0f} m 안의 일부를 보는 "
            f"CCTV {len(partly)}대가 있습니다 "
            f"(가장 잘 보는 카메라 {best['control_no'] or best['cctv_id']}, 보이는 비율 {best['visible_share']:.0%})."
        )
    if len(table):
        nearest = table.iloc[0]
        return (
            "사건 지점을 보는 CCTV가 없습니다 (사각지대). "
            f"가장 가까운 카메라 {nearest['control_no'] or nearest['cctv_id']}는 "
            f"{nearest['distance_m']:.0f} m 떨어져 있으나 {nearest['reason']}."
        )
    return "사건 지점을 보는 CCTV가 없습니다 (사각지대): 주변에 카메라가 없습니다."
