"""Input layers the permit check refuses before any verdict: empty layers, coordinates that cannot be
in 김포 for the declared CRS (degrees labelled EPSG:5186), text in a numeric road field; and zoning
polygons that are repaired (make_valid) and counted rather than crashing GEOS.

A verdict computed on such input would be a silent wrong answer ("자료 부족" for every application,
or verdicts from an empty zoning layer), so the run stops with a Korean message naming the layer,
the row and the field and saying what to do.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import CrsError, InputError
from .access import WIDTH_COLUMNS
from .geometry import polygonal

# EPSG:5186 (중부원점, false easting 200 km, northing 600 km): the whole of Korea lies well inside this box.
KOREA_5186 = (-100_000.0, -100_000.0, 700_000.0, 1_200_000.0)
LABELS = {
    "applications": "신청(APPLICATIONS)",
    "zoning": "용도지역(ZONING)",
    "parcels": "지적(PARCELS)",
    "overlays": "중첩 규제(OVERLAYS)",
    "roads": "도로(ROADS)",
}


def _looks_like_degrees(bounds: np.ndarray) -> bool:
    minx, miny, maxx, maxy = bounds
    return minx >= 120.0 and maxx <= 135.0 and miny >= 30.0 and maxy <= 45.0


def check_extent(name: str, layer: gpd.GeoDataFrame) -> None:
    geoms = layer.geometry.to_numpy()
    present = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    if not len(present):
        raise InputError(
            f"{LABELS[name]} 레이어에 도형이 하나도 없습니다 (the {name} layer has no geometries).",
            "도형이 있는 레이어를 주십시오.",
        )
    bounds = shapely.total_bounds(present)
    if _looks_like_degrees(bounds):
        raise CrsError(
            f"{LABELS[name]} 레이어의 좌표 ({bounds[0]:.4f}, {bounds[1]:.4f}) 는 경위도(도)인데 좌표계는 미터 단위 "
            "EPSG:5186으로 되어 있습니다 (degrees labelled as metres).",
            "레이어 좌표계를 EPSG:4326으로 바로잡거나 EPSG:5186으로 변환(재투영)한 뒤 다시 실행하십시오.",
        )
    x0, y0, x1, y1 = KOREA_5186
    if bounds[0] < x0 or bounds[1] < y0 or bounds[2] > x1 or bounds[3] > y1:
        raise CrsError(
            f"{LABELS[name]} 레이어의 범위 {np.round(bounds).tolist()} 는 EPSG:5186에서 한국 밖입니다.",
            "레이어의 실제 좌표계를 확인하고 EPSG:5186으로 변환하십시오.",
        )


def check_layers(
    zoning: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame | None,
    overlays: gpd.GeoDataFrame | None,
    roads: gpd.GeoDataFrame | None,
) -> None:
    """Refuse empty zoning/parcels, mislabelled CRSs and text in the road width (see module doc)."""
    if len(zoning) == 0:
        raise InputError(
            "용도지역(ZONING) 레이어가 비어 있습니다: 용도지역 없이 판정할 수 없습니다 (empty zoning layer).",
            "도시관리계획 용도지역 레이어(uq_code 포함)를 주십시오.",
        )
    if parcels is not None and len(parcels) == 0:
        raise InputError(
            "지적(PARCELS) 레이어가 비어 있습니다: PNU로 대지를 찾을 수 없습니다 (empty parcel layer).",
            "연속지적도 레이어(PNU 포함)를 주거나 신청 자료에 대지 도형을 넣어 주십시오.",
        )
    layers = {"zoning": zoning, "parcels": parcels, "overlays": overlays, "roads": roads}
    for name, layer in layers.items():
        if layer is not None and len(layer):
            check_extent(name, layer)
    if roads is not None and len(roads):
        column = next((c for c in WIDTH_COLUMNS if c in roads.columns), None)
        if column is not None:
            values = roads[column]
            numbers = pd.to_numeric(values, errors="coerce")
            bad = numbers.isna() & values.notna() & values.astype(str).str.strip().ne("")
            if bad.any():
                rows = np.flatnonzero(bad.to_numpy())
                first = int(rows[0])
                raise InputError(
                    f"도로(ROADS) 레이어 {first + 1}번째 객체의 '{column}' 값 '{values.iloc[first]}' 는 "
                    "숫자가 아닙니다 "
                    f"(모두 {len(rows):,}건; text in a numeric field).",
                    f"'{column}' 에 도로 너비를 미터 숫자(예: 6)로 적어 주십시오. "
                    "모르면 비워 두십시오: 그 도로는 접도 계산에서 빠집니다.",
                )
            if not pd.api.types.is_numeric_dtype(values):
                roads[column] = numbers


def repaired_zoning(zoning: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Invalid (e.g. self-intersecting) zoning polygons made valid, as QGIS's "Fix geometries" does."""
    geoms = zoning.geometry.to_numpy()
    present = ~shapely.is_missing(geoms)
    invalid = present & ~shapely.is_valid(geoms)
    count = int(invalid.sum())
    if not count:
        return zoning, 0
    fixed = geoms.copy()
    fixed[invalid] = [polygonal(g) for g in shapely.make_valid(geoms[invalid])]
    zoning = zoning.copy()
    zoning[zoning.geometry.name] = gpd.GeoSeries(fixed, index=zoning.index, crs=zoning.crs)
    return zoning[~shapely.is_missing(zoning.geometry.to_numpy())], count
