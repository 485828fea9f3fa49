"""Planning layers of the sample city for permit decision support (인허가): 용도지역 (zoning) with UQ
codes, restriction overlays, a batch of permit applications, and a 5 m DEM with 김포's hills.

Zoning is a seeded Voronoi partition of each 법정동 area, so zone boundaries cut through parcels (real
용도지역 boundaries do not always follow lot lines): many lots lie across two zones, some on either side
of the 330 m² rule of 국토계획법 §84. Urban areas also get a broad 도시지역 (UQA001) polygon under their
specific zones (the specific one wins), a few cells are only broad (주거지역 UQA100, not 세분), one cell
carries a code no rule knows (UQA124) and one rural cell has no zone at all, so the engine has every
"insufficient data" case to report.

The DEM is not a vector layer, so :func:`write_files` (called by the city writer) writes it as
``gimpo_dem_5m.tif`` next to the GeoPackage; :func:`dem_elevation` gives the same surface anywhere, so
the permit tests can build small DEMs without the big file. Hill positions and heights are approximate
(문수산 376 m, 가현산 215 m, 학운산, 수안산, 장릉산, 애기봉, 운유산 ...), not survey data.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ... import styles

DEM_NAME = "gimpo_dem_5m.tif"
DEM_RESOLUTION_M = 5.0
DEM_NODATA = -9999.0
# (name, lon, lat, peak height m, radius m, elongation, azimuth deg): approximate.
HILLS = [
    ("문수산", 126.5360, 37.7170, 376.0, 700.0, 1.6, 20.0),
    ("애기봉", 126.5900, 37.7560, 155.0, 500.0, 1.3, 60.0),
    ("운유산", 126.6050, 37.6950, 160.0, 550.0, 1.4, 150.0),
    ("수안산", 126.5700, 37.6330, 146.0, 500.0, 1.5, 30.0),
    ("가현산", 126.6420, 37.6060, 215.0, 650.0, 1.5, 120.0),
    ("학운산", 126.6230, 37.6200, 180.0, 550.0, 1.4, 80.0),
    ("장릉산", 126.7040, 37.6280, 151.0, 450.0, 1.6, 10.0),
    ("북성산", 126.5350, 37.6050, 110.0, 450.0, 1.3, 100.0),
    ("할미산", 126.6700, 37.6700, 90.0, 400.0, 1.2, 45.0),
]
# Application kinds and the uses planners see most in 김포 (건축물 용도 as applied for).
PERMIT_KINDS = ("건축허가", "개발행위허가")
USES = ("단독주택", "공동주택", "제1종근린생활시설", "제2종근린생활시설", "공장", "창고시설", "업무시설")
# Zone mix per setting: (code, weight). Codes follow the 토지이용규제정보 UQ codes.
URBAN_ZONES = [
    ("UQA121", 0.12),
    ("UQA122", 0.25),
    ("UQA123", 0.22),
    ("UQA130", 0.06),
    ("UQA220", 0.08),
    ("UQA230", 0.06),
    ("UQA330", 0.04),
    ("UQA430", 0.12),
    ("UQA420", 0.05),
]
TOWN_ZONES = [("UQA122", 0.2), ("UQA123", 0.1), ("UQA230", 0.05), ("UQB100", 0.35), ("UQA430", 0.15), ("UQB200", 0.15)]
RURAL_ZONES = [("UQB100", 0.3), ("UQB200", 0.25), ("UQC001", 0.3), ("UQB300", 0.1), ("UQA320", 0.05)]
HILL_ZONES = {"urban": "UQA410", "rural": "UQB300"}
ZONE_NAMES = {
    "UQA001": "도시지역",
    "UQA100": "주거지역",
    "UQA121": "제1종일반주거지역",
    "UQA122": "제2종일반주거지역",
    "UQA123": "제3종일반주거지역",
    "UQA124": "(미확인 코드)",
    "UQA130": "준주거지역",
    "UQA220": "일반상업지역",
    "UQA230": "근린상업지역",
    "UQA320": "일반공업지역",
    "UQA330": "준공업지역",
    "UQA410": "보전녹지지역",
    "UQA420": "생산녹지지역",
    "UQA430": "자연녹지지역",
    "UQB100": "계획관리지역",
    "UQB200": "생산관리지역",
    "UQB300": "보전관리지역",
    "UQC001": "농림지역",
}
# Cells per area by setting: ~one zone per 600 m (urban) / 1.2 km (rural) square.
CELL_SIZE_M = {"urban": 600.0, "rural": 1200.0}
APPLICATIONS_MAX = 300


def _to_tm(lon: float, lat: float) -> tuple[float, float]:
    return Transformer.from_crs("EPSG:4326", "EPSG:5186", always_xy=True).transform(lon, lat)


@functools.cache
def _hill_centres() -> list[tuple[float, float, float, float, float, float]]:
    """(x, y, height, radius, elongation, azimuth) of each hill in EPSG:5186, transformed once."""
    return [(*_to_tm(lon, lat), h, r, e, a) for _, lon, lat, h, r, e, a in HILLS]


def dem_elevation(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Ground height (m) at EPSG:5186 ``x``, ``y``: a low plain (2-15 m, lower towards the 한강 in the
    north-east) with elongated, steep-sided hills; smooth, so slopes are well defined."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    z = 8.0 + 4.0 * np.sin(x / 1700.0) * np.cos(y / 2300.0) - 3.0 * (y - 565000.0) / 12000.0
    for cx, cy, height, radius, elong, azimuth in _hill_centres():
        dx, dy = x - cx, y - cy
        if np.all((np.abs(dx) > 5 * radius * elong) | (np.abs(dy) > 5 * radius * elong)):
            continue
        angle = np.radians(azimuth)
        along = dx * np.sin(angle) + dy * np.cos(angle)
        across = dx * np.cos(angle) - dy * np.sin(angle)
        r2 = (along / (radius * elong)) ** 2 + (across / radius) ** 2
        z = z + height * np.exp(-r2)
    return np.maximum(z, 1.0).astype(np.float32)


def add_layers(city, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    zoning = _zoning(city.legal_dong_areas, rng)
    overlays = _overlays(city.admin_dongs)
    applications = sample_applications(city.parcels, rng, min(APPLICATIONS_MAX, max(50, len(city.parcels) // 15)))
    return {"zoning": zoning, "overlays": overlays, "permit_applications": applications}


def _zoning(areas: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    codes, geoms, broad = [], [], []
    for area in areas.itertuples(index=False):
        polygon = area.geometry
        setting = "urban" if area.is_urban else "rural"
        town = area.legal_dong_name.endswith("리") and area.admin_dong_name.endswith("읍")
        cells = _voronoi_cells(polygon, CELL_SIZE_M[setting], rng)
        if area.is_urban:  # broad 도시지역 under the specific zones
            codes.append("UQA001")
            geoms.append(polygon)
            broad.append(True)
        mix = URBAN_ZONES if area.is_urban else (TOWN_ZONES if town else RURAL_ZONES)
        names, weights = zip(*mix, strict=True)
        centres = shapely.get_coordinates(shapely.point_on_surface(np.array(cells, dtype=object)))
        heights = dem_elevation(centres[:, 0], centres[:, 1])
        for cell, height in zip(cells, heights, strict=True):
            hill = height > 60.0
            codes.append(HILL_ZONES[setting] if hill else str(rng.choice(names, p=np.array(weights) / sum(weights))))
            geoms.append(cell)
            broad.append(False)
    frame = gpd.GeoDataFrame({"uq_code": codes, "is_broad": broad}, geometry=geoms, crs=areas.crs)
    specific = np.flatnonzero(~frame["is_broad"].to_numpy())
    urban_specific = [i for i in specific if frame.loc[i, "uq_code"].startswith("UQA1")]
    rural_specific = [i for i in specific if frame.loc[i, "uq_code"].startswith(("UQB", "UQC"))]
    # Planted: 3 urban cells only broad (주거지역, not 세분), 1 unknown code, 1 rural cell without zone.
    planted = rng.choice(urban_specific, min(4, len(urban_specific)), replace=False)
    frame.loc[planted[:3], "uq_code"] = "UQA100"
    frame.loc[planted[3:], "uq_code"] = "UQA124"
    frame = frame.drop(index=rng.choice(rural_specific, min(1, len(rural_specific)), replace=False))
    frame = frame.reset_index(drop=True)
    frame["zone_id"] = [f"ZN-{i + 1:05d}" for i in range(len(frame))]
    frame["zone_name"] = frame["uq_code"].map(ZONE_NAMES).fillna("")
    frame["is_broad"] = frame["uq_code"].isin(["UQA001", "UQA100"]).astype(int)
    return frame[["zone_id", "uq_code", "zone_name", "is_broad", "geometry"]]


def _voronoi_cells(polygon, cell_size: float, rng: np.random.Generator) -> list:
    count = max(1, round(polygon.area / cell_size**2))
    if count == 1:
        return [polygon]
    minx, miny, maxx, maxy = polygon.bounds
    xy = np.column_stack([rng.uniform(minx, maxx, count * 3), rng.uniform(miny, maxy, count * 3)])
    inside = shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])
    xy = xy[inside][:count]
    if len(xy) < 2:
        return [polygon]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=polygon.envelope))
    parts = shapely.make_valid(shapely.intersection(cells, polygon))
    polygonal = [shapely.union_all([g for g in shapely.get_parts(p) if g.geom_type == "Polygon"]) for p in parts]
    return [p for p in polygonal if not p.is_empty and p.area > 1.0]


def _overlays(admin: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The five overlay kinds where 김포 has them (approximate): military zones along the 한강 and 염하
    shore in the north and west, the flight safety zone of 김포공항 in the south-east, 개발제한구역 on
    the 서울 side of 고촌, heritage zones around 김포 장릉 and 덕포진, a small 상수원보호구역."""
    city = shapely.union_all(admin.geometry.to_numpy())
    minx, _, maxx, maxy = city.bounds
    boundary = city.boundary
    north_strip = shapely.box(minx, maxy - 5500, maxx, maxy)
    shore = shapely.intersection(shapely.buffer(boundary, 700), north_strip)
    shore_wide = shapely.intersection(shapely.buffer(boundary, 2500), shapely.box(minx, maxy - 9000, maxx, maxy))
    airport = shapely.Point(_to_tm(126.7960, 37.5580))
    records = [
        ("군사기지 및 군사시설 보호구역", "통제보호구역", "한강 하구 통제보호구역", None, shore),
        ("군사기지 및 군사시설 보호구역", "제한보호구역", "한강 하구 제한보호구역", None, shore_wide.difference(shore)),
        ("비행안전구역", "제5구역", "김포공항 비행안전구역 (전이표면)", 45.0, airport.buffer(4500)),
        (
            "비행안전구역",
            "제6구역",
            "김포공항 비행안전구역 (수평표면)",
            60.0,
            airport.buffer(7500).difference(airport.buffer(4500)),
        ),
        ("개발제한구역", "", "고촌 개발제한구역", None, shapely.Point(_to_tm(126.7700, 37.6000)).buffer(1800)),
        (
            "국가유산 보존지역",
            "역사문화환경 보존지역",
            "김포 장릉 주변",
            None,
            shapely.Point(_to_tm(126.7019, 37.6246)).buffer(500),
        ),
        (
            "국가유산 보존지역",
            "역사문화환경 보존지역",
            "덕포진 주변",
            None,
            shapely.Point(_to_tm(126.5170, 37.6560)).buffer(500),
        ),
        ("상수원보호구역", "", "월곶 상수원보호구역", None, shapely.Point(_to_tm(126.5650, 37.7150)).buffer(600)),
    ]
    geoms = [shapely.intersection(g, city) for *_, g in records]
    return gpd.GeoDataFrame(
        {
            "overlay_id": [f"OV-{i + 1:03d}" for i in range(len(records))],
            "kind": [r[0] for r in records],
            "subkind": [r[1] for r in records],
            "name": [r[2] for r in records],
            "max_height_m": [r[3] for r in records],
        },
        geometry=geoms,
        crs=admin.crs,
    )


def sample_applications(parcels: gpd.GeoDataFrame, rng: np.random.Generator, count: int) -> pd.DataFrame:
    """``count`` applications on lots (not roads), most plausible, some over the limits, and planted
    bad rows: unknown PNU, zero and negative areas, floor area below building area, missing height."""
    lots = parcels[~parcels["jimok"].isin(["도", "구"])]
    picked = lots.iloc[np.sort(rng.choice(len(lots), min(count, len(lots)), replace=False))]
    area = picked.geometry.area.to_numpy()
    n = len(picked)
    # Most proposals are modest (the limits of 관리·녹지 zones are 20-40%), some push past them.
    coverage = np.where(rng.random(n) < 0.75, rng.uniform(0.08, 0.2, n), rng.uniform(0.2, 0.7, n))
    floors = rng.integers(1, 6, n)
    building_area = np.round(area * coverage, 1)
    floor_area = np.round(building_area * np.maximum(1.0, floors * rng.uniform(0.8, 1.0, n)), 1)
    kind = np.where(rng.random(n) < 0.8, PERMIT_KINDS[0], PERMIT_KINDS[1])
    frame = pd.DataFrame(
        {
            "application_id": [f"PA-2026-{i + 1:05d}" for i in range(n)],
            "pnu": picked["PNU"].to_numpy(),
            "permit_kind": kind,
            "proposed_use": rng.choice(USES, n),
            "building_area": building_area,
            "floor_area_above": floor_area,
            "floors": floors,
            "height": np.round(floors * 3.3 + rng.uniform(0.5, 2.5, n), 1),
        }
    )
    bad = rng.choice(n, min(6, n), replace=False)
    if len(bad) == 6:
        frame.loc[bad[0], "pnu"] = "4157099999100010000"  # no such parcel
        frame.loc[bad[1], "building_area"] = 0.0
        frame.loc[bad[2], "floor_area_above"] = -120.0
        frame.loc[bad[3], "floor_area_above"] = round(frame.loc[bad[3], "building_area"] * 0.5, 1)
        frame.loc[bad[4], "height"] = np.nan
        frame.loc[bad[5], "pnu"] = ""
    # 세부용도 (use_detail) as planners write it; drawn last so the columns above stay as they were.
    details = rng.random(n)
    frame["use_detail"] = [_detail(use, d) for use, d in zip(frame["proposed_use"], details, strict=True)]
    return frame


DETAILS = {
    "공동주택": ("아파트", "다세대주택", "연립주택"),
    "공장": ("인쇄업", "금속 주조업", "식료품 제조업", ""),
    "제2종근린생활시설": ("", "일반음식점", "단란주점"),
    "창고시설": ("", "농업용 창고"),
}


def _detail(use: str, draw: float) -> str:
    options = DETAILS.get(use)
    return options[int(draw * len(options))] if options else ""


def write_dem(folder: Path, bounds: tuple[float, float, float, float], resolution: float = DEM_RESOLUTION_M) -> Path:
    """Write the DEM over ``bounds`` (EPSG:5186) as a tiled, compressed Float32 GeoTIFF, block row by
    block row (the whole 5 m city is ~24 M cells), with a sidecar QML so QGIS shows it coloured.

    GDAL's own bindings write it: they share QGIS's PROJ database (a rasterio wheel brings its own
    PROJ, which rejects the system proj.db on this platform)."""
    from osgeo import gdal, osr

    from ...geopackage import atomic_path

    minx, miny, maxx, maxy = bounds
    minx, miny = np.floor(minx / resolution) * resolution, np.floor(miny / resolution) * resolution
    width = int(np.ceil((maxx - minx) / resolution))
    height = int(np.ceil((maxy - miny) / resolution))
    top_y = miny + height * resolution
    path = Path(folder) / DEM_NAME
    xs = minx + (np.arange(width) + 0.5) * resolution
    options = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3", "ZLEVEL=1"]
    with atomic_path(path, ".tif") as tmp:
        dataset = gdal.GetDriverByName("GTiff").Create(str(tmp), width, height, 1, gdal.GDT_Float32, options)
        dataset.SetGeoTransform((minx, resolution, 0.0, top_y, 0.0, -resolution))
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(5186)
        dataset.SetProjection(srs.ExportToWkt())
        band = dataset.GetRasterBand(1)
        band.SetNoDataValue(DEM_NODATA)
        for top in range(0, height, 256):
            rows = min(256, height - top)
            ys = top_y - (top + np.arange(rows) + 0.5) * resolution
            grid_x, grid_y = np.meshgrid(xs, ys)
            band.WriteArray(dem_elevation(grid_x, grid_y), 0, top)
        band.FlushCache()
        dataset = None  # closes the file
    path.with_suffix(".qml").write_text(
        styles.raster_pseudocolor(
            [(0.0, "#1a9850"), (30.0, "#a6d96a"), (80.0, "#fee08b"), (180.0, "#f46d43"), (380.0, "#a50026")],
            transparent_zero=False,
            opacity=0.6,
        ),
        encoding="utf-8",
    )
    return path


def write_files(city, folder: Path) -> dict[str, Path]:
    """Files beside the GeoPackage that are not vector layers: the 5 m DEM of the city."""
    return {"dem": write_dem(folder, tuple(city.admin_dongs.total_bounds))}


_ZONE_COLORS = {
    "UQA001": ("#ffffff", "도시지역 (broad)"),
    "UQA100": ("#fff7bc", "주거지역 (미세분)"),
    "UQA121": ("#fee391", "제1종일반주거"),
    "UQA122": ("#fec44f", "제2종일반주거"),
    "UQA123": ("#fe9929", "제3종일반주거"),
    "UQA130": ("#ec7014", "준주거"),
    "UQA220": ("#e31a1c", "일반상업"),
    "UQA230": ("#fb9a99", "근린상업"),
    "UQA320": ("#6a3d9a", "일반공업"),
    "UQA330": ("#cab2d6", "준공업"),
    "UQA410": ("#1b7837", "보전녹지"),
    "UQA420": ("#a6dba0", "생산녹지"),
    "UQA430": ("#5aae61", "자연녹지"),
    "UQB100": ("#dfc27d", "계획관리"),
    "UQB200": ("#c7eae5", "생산관리"),
    "UQB300": ("#80cdc1", "보전관리"),
    "UQC001": ("#b8e186", "농림"),
    "UQA124": ("#000000", "UQA124 (unknown)"),
}
_OVERLAY_COLORS = {
    "군사기지 및 군사시설 보호구역": "#4d4d4d",
    "비행안전구역": "#2166ac",
    "개발제한구역": "#1a9850",
    "국가유산 보존지역": "#8c510a",
    "상수원보호구역": "#35978f",
}

STYLES = {
    "zoning": styles.categorized(
        "uq_code",
        [
            styles.Category(code, f"{code} {label}", styles.Symbol("fill", color, "#7f7f7f", 0.2, opacity=0.55))
            for code, (color, label) in _ZONE_COLORS.items()
        ],
    ),
    "overlays": styles.categorized(
        "kind",
        [
            styles.Category(kind, kind, styles.Symbol("fill", color, color, 0.6, opacity=0.25))
            for kind, color in _OVERLAY_COLORS.items()
        ],
    ),
}
