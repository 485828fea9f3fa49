"""Parcels (연속지적도 schema) and roads of the sample city, generated in blocks separated by roads.

Every 법정동 area gets a grid of blocks (rows of lots) with local and main roads between them; the lots
nearest the area's centre are kept until its quota is met, so a small city is a set of developed
clusters and a large one covers its areas. Lots and road strips are clipped to their area, so parcels
never overlap. All of it is vectorised: 200,000 parcels take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# 지목 (land category) abbreviations as they appear in JIBUN, and their share per setting. The rural
# shares follow the real 월곶면 extract (답 28%, 전 22%, 임 14%, 대 13% ...).
URBAN_JIMOK = {
    "대": 0.72,
    "전": 0.06,
    "답": 0.04,
    "잡": 0.04,
    "장": 0.03,
    "공": 0.025,
    "학": 0.02,
    "주": 0.02,
    "창": 0.015,
    "종": 0.01,
    "구": 0.01,
}
RURAL_JIMOK = {
    "답": 0.33,
    "전": 0.25,
    "임": 0.16,
    "대": 0.12,
    "장": 0.04,
    "잡": 0.03,
    "구": 0.03,
    "창": 0.015,
    "과": 0.01,
    "묘": 0.01,
    "제": 0.005,
}

URBAN_LOTS_PER_BLOCK_ROW = 6
RURAL_LOTS_PER_BLOCK_ROW = 4
ROWS_PER_BLOCK = 2
MAIN_ROAD_EVERY = 4


@dataclass(frozen=True)
class AreaLayout:
    lot_width: float
    lot_depth: float
    local_road: float
    main_road: float


def _layout(urban: bool, area_m2: float, quota: int, rng: np.random.Generator) -> AreaLayout:
    if urban:
        width, depth, local, main = rng.uniform(15, 20), rng.uniform(22, 28), 8.0, 20.0
    else:
        width, depth, local, main = rng.uniform(35, 45), rng.uniform(45, 60), 4.0, 8.0
    lots_per_row = URBAN_LOTS_PER_BLOCK_ROW if urban else RURAL_LOTS_PER_BLOCK_ROW
    block_w = lots_per_row * width + local
    block_h = ROWS_PER_BLOCK * depth + local
    gross_per_lot = block_w * block_h / (lots_per_row * ROWS_PER_BLOCK)
    needed = quota * gross_per_lot
    if needed > 0.85 * area_m2:  # a big city: shrink the lots (and the local roads a little) to fit
        scale = np.sqrt(0.85 * area_m2 / needed)
        width, depth = width * scale, depth * scale
        local = max(4.0, local * scale)
    return AreaLayout(width, depth, local, main)


def _gap_widths(count: int, layout: AreaLayout) -> np.ndarray:
    """Width of the road before each block row/column (index count: the one after the last)."""
    widths = np.full(count + 1, layout.local_road)
    widths[::MAIN_ROAD_EVERY] = layout.main_road
    return widths


def generate_parcels_and_roads(
    areas: gpd.GeoDataFrame, lot_quota: np.ndarray, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Lots and road parcels for every area (one frame), and road centerlines with widths."""
    lot_frames, road_frames = [], []
    for area, quota in zip(areas.itertuples(index=False), lot_quota, strict=True):
        if quota <= 0:
            continue
        lots, roads = _area_parcels(area, int(quota), rng)
        lot_frames.append(lots)
        road_frames.append(roads)
    parcels = pd.concat(lot_frames, ignore_index=True)
    roads = pd.concat(road_frames, ignore_index=True)
    return (
        gpd.GeoDataFrame(parcels, geometry="geometry", crs=areas.crs),
        gpd.GeoDataFrame(roads, geometry="geometry", crs=areas.crs),
    )


def _area_parcels(area, quota: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    polygon = area.geometry
    urban = bool(area.is_urban)
    layout = _layout(urban, polygon.area, quota, rng)
    lots_per_row = URBAN_LOTS_PER_BLOCK_ROW if urban else RURAL_LOTS_PER_BLOCK_ROW
    minx, miny, maxx, maxy = polygon.bounds
    block_w = lots_per_row * layout.lot_width
    block_h = ROWS_PER_BLOCK * layout.lot_depth
    n_bx = int(np.ceil((maxx - minx) / (block_w + layout.local_road))) + 1
    n_by = int(np.ceil((maxy - miny) / (block_h + layout.local_road))) + 1
    gx, gy = _gap_widths(n_bx, layout), _gap_widths(n_by, layout)
    block_x0 = minx + np.cumsum(gx[:n_bx]) + np.arange(n_bx) * block_w  # left edge of block column
    block_y0 = miny + np.cumsum(gy[:n_by]) + np.arange(n_by) * block_h

    # Every lot cell of the grid: block column/row and position inside the block.
    bx, by, col, row = np.meshgrid(
        np.arange(n_bx), np.arange(n_by), np.arange(lots_per_row), np.arange(ROWS_PER_BLOCK), indexing="ij"
    )
    bx, by, col, row = bx.ravel(), by.ravel(), col.ravel(), row.ravel()
    x0 = block_x0[bx] + col * layout.lot_width
    y0 = block_y0[by] + row * layout.lot_depth
    cx, cy = x0 + layout.lot_width / 2, y0 + layout.lot_depth / 2
    inside = shapely.contains_xy(polygon, cx, cy)
    centre = polygon.representative_point() if not urban else polygon.centroid
    if not shapely.contains(polygon, centre):
        centre = polygon.representative_point()
    distance = np.hypot(cx - centre.x, cy - centre.y)
    distance[~inside] = np.inf
    keep = np.argsort(distance, kind="stable")[: min(quota, int(inside.sum()))]
    keep.sort()
    lots = pd.DataFrame(
        {
            "area_id": area.area_id,
            "block_x": bx[keep],
            "block_y": by[keep],
            "lot_col": col[keep],
            "lot_row": row[keep],
            "is_road": False,
            "geometry": _clip(
                shapely.box(x0[keep], y0[keep], x0[keep] + layout.lot_width, y0[keep] + layout.lot_depth), polygon
            ),
        }
    )

    # Roads around every block that has a kept lot.
    blocks = np.unique(np.stack([bx[keep], by[keep]], axis=1), axis=0)
    roads, road_parcels = _roads_around(blocks, block_x0, block_y0, block_w, block_h, gx, gy, polygon)
    road_parcels["area_id"] = area.area_id
    lots = pd.concat([lots, road_parcels], ignore_index=True)
    lots = lots[~shapely.is_empty(lots["geometry"].to_numpy())]
    roads["area_id"] = area.area_id
    roads["road_class"] = np.where(roads["width_m"] >= layout.main_road, "main", "local")
    return lots, roads


def _clip(boxes: np.ndarray, polygon: shapely.Geometry) -> np.ndarray:
    """Boxes fully inside ``polygon`` stay boxes; the others are cut to it (their polygonal part)."""
    shapely.prepare(polygon)
    result = boxes.copy()
    partial = ~shapely.contains(polygon, boxes)
    if partial.any():
        cut = shapely.intersection(boxes[partial], polygon)
        result[partial] = [_polygonal(g) for g in cut]
    return result


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _roads_around(blocks, block_x0, block_y0, block_w, block_h, gx, gy, polygon):
    """Centerlines (with width) and road parcels (지목 도) on the four sides of each block."""
    lines, widths, strips = [], [], []
    horizontal = {(int(b), int(r)) for b, r in blocks} | {(int(b), int(r) + 1) for b, r in blocks}
    vertical = {(int(c), int(r)) for c, r in blocks} | {(int(c) + 1, int(r)) for c, r in blocks}
    for b, gap in sorted(horizontal):  # the road below block row ``gap`` in block column b
        if gap >= len(block_y0):
            continue
        y_top = block_y0[gap]
        y_mid = y_top - gy[gap] / 2
        x_left, x_right = block_x0[b], block_x0[b] + block_w
        lines.append(shapely.LineString([(x_left - gx[b] / 2, y_mid), (x_right + gx[b + 1] / 2, y_mid)]))
        widths.append(gy[gap])
        strips.append(shapely.box(x_left, y_top - gy[gap], x_right, y_top))
    for gap, r in sorted(vertical):  # the road left of block column ``gap`` in block row r
        if gap >= len(block_x0):
            continue
        x_right = block_x0[gap]
        x_mid = x_right - gx[gap] / 2
        y_bottom, y_top = block_y0[r], block_y0[r] + block_h
        lines.append(shapely.LineString([(x_mid, y_bottom - gy[r] / 2), (x_mid, y_top + gy[r + 1] / 2)]))
        widths.append(gx[gap])
        # The vertical strip also takes the crossing square above it, so the road parcels tile.
        strips.append(shapely.box(x_right - gx[gap], y_bottom, x_right, y_top + gy[r + 1]))
    line_geoms = shapely.intersection(np.array(lines, dtype=object), polygon)
    roads = pd.DataFrame({"width_m": np.array(widths, dtype=float), "geometry": line_geoms})
    roads = roads[shapely.length(roads["geometry"].to_numpy()) > 1.0].reset_index(drop=True)
    road_parcels = pd.DataFrame({"is_road": True, "geometry": _clip(np.array(strips, dtype=object), polygon)})
    return roads, road_parcels
