"""Event points (민원, 사건) published only as grid counts with at least k events per published cell.

A point of a complaint is a household's address: it is never published. The events are counted on a square
grid aligned to multiples of the cell size (so two runs and two layers with the same cell size share their
cells), and a cell is published only when it holds at least ``k`` events. Smaller cells are left out
altogether, not drawn as "fewer than k": a drawn small cell would still say that somebody there complained,
and a left-out cell cannot be told from an empty one. No total is published (a total minus the published
cells would give the sum of the suppressed ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import box

from ..errors import InputError

COUNT_FIELD = "count"


@dataclass(frozen=True)
class EventGrid:
    """The published cells (``cells``: cell_id, count, geometry) and what was held back, for the legend."""

    cells: gpd.GeoDataFrame
    cell_size: float
    k: int
    events_read: int
    cells_with_events: int
    cells_suppressed: int
    events_suppressed: int


def aggregate_events(points: gpd.GeoDataFrame, cell_size: float, k: int, label: str = "EVENTS") -> EventGrid:
    """Count ``points`` (a projected CRS in metres) per ``cell_size`` grid cell; keep cells with >= k."""
    if cell_size <= 0:
        raise InputError(f"{label}: 격자 크기 {cell_size} m는 0보다 커야 합니다.", "예: 250")
    if k < 2:
        raise InputError(
            f"{label}: k={k}는 2 이상이어야 합니다 (1이면 한 사람의 위치가 그대로 공개됩니다).", "기본값 5"
        )
    if points.crs is None or not points.crs.is_projected:
        raise InputError(f"{label}: 점 레이어의 좌표계가 미터 단위 투영 좌표계가 아닙니다.", "EPSG:5186으로 읽으세요.")
    geometry = points.geometry
    usable = geometry.notna() & ~geometry.is_empty
    kinds = set(geometry[usable].geom_type)
    if kinds - {"Point", "MultiPoint"}:
        raise InputError(f"{label}: 점이 아닌 도형({', '.join(sorted(kinds))})이 있습니다.", "점 레이어를 주세요.")
    centres = geometry[usable].centroid
    x, y = centres.x.to_numpy(), centres.y.to_numpy()
    column = np.floor(x / cell_size).astype(np.int64)
    row = np.floor(y / cell_size).astype(np.int64)
    keys = pd.DataFrame({"col": column, "row": row}).value_counts().rename(COUNT_FIELD).reset_index()
    kept = keys[keys[COUNT_FIELD] >= k].sort_values(["row", "col"]).reset_index(drop=True)
    dropped = keys[keys[COUNT_FIELD] < k]
    cells = gpd.GeoDataFrame(
        {
            "cell_id": [f"{int(c)}_{int(r)}" for c, r in zip(kept["col"], kept["row"], strict=True)],
            COUNT_FIELD: kept[COUNT_FIELD].astype("int64"),
        },
        geometry=[
            box(c * cell_size, r * cell_size, (c + 1) * cell_size, (r + 1) * cell_size)
            for c, r in zip(kept["col"], kept["row"], strict=True)
        ],
        crs=points.crs,
    )
    return EventGrid(
        cells=cells,
        cell_size=float(cell_size),
        k=int(k),
        events_read=int(usable.sum()),
        cells_with_events=len(keys),
        cells_suppressed=len(dropped),
        events_suppressed=int(dropped[COUNT_FIELD].sum()),
    )
