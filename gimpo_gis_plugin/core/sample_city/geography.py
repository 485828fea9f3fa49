"""The sample city's areas: the 14 real 행정동 of 김포 and synthetic 법정동 areas inside them.

The 행정동 boundaries are real (bundled, CC BY 4.0). Real 법정동 boundaries are not public in a form we
may bundle, so each 행정동 is split into one area per 법정동 that lies in it (읍/면: their 리; 동: the
approximate split in ``legal_dong_admin_dong_sample.csv``), by a seeded Voronoi partition. Names and
codes come from the real national 법정동 code table.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..legal_dong import legal_dongs_of
from ..paths import resource

CRS = "EPSG:5186"
GIMPO_SIGUNGU = "41570"


def load_admin_dongs() -> gpd.GeoDataFrame:
    """The 14 행정동 of 김포 in EPSG:5186: admin_dong_code, admin_dong_name, geometry."""
    raw = gpd.read_file(resource("data", "hangjeongdong_gimpo_2021.geojson"))
    frame = gpd.GeoDataFrame(
        {
            "admin_dong_code": raw["adm_cd2"].astype(str),
            "admin_dong_name": raw["adm_nm"].str.split(" ").str[-1],
        },
        geometry=raw.geometry.make_valid(),
        crs=raw.crs or "OGC:CRS84",
    ).to_crs(CRS)
    return frame.sort_values("admin_dong_code").reset_index(drop=True)


def _legal_dongs_by_admin_dong(admin: gpd.GeoDataFrame) -> dict[str, list[tuple[str, str]]]:
    """admin_dong_code -> [(legal_dong_code, legal_dong_name)], names as written in addresses."""
    table = legal_dongs_of(GIMPO_SIGUNGU)
    names = dict(zip(table["code"], table["full_name"].str.split(" ").str[2:].str.join(" "), strict=True))
    mapping: dict[str, list[tuple[str, str]]] = {}
    explicit = pd.read_csv(resource("data", "legal_dong_admin_dong_sample.csv"), dtype=str)
    for admin_code in admin["admin_dong_code"]:
        rows = explicit[explicit["admin_dong_code"] == admin_code]["legal_dong_code"].tolist()
        if not rows:  # 읍/면: every 리 under it, e.g. 4157025000 -> 41570250xx (but not the 읍 row)
            prefix = admin_code[:8]
            rows = [c for c in table["code"] if c.startswith(prefix) and not c.endswith("00")]
        mapping[admin_code] = [(code, names[code]) for code in rows]
    return mapping


def build_legal_dong_areas(admin: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """One polygon per (행정동, 법정동) pair; a 법정동 split over two 행정동 has two areas with one code."""
    mapping = _legal_dongs_by_admin_dong(admin)
    records = []
    for admin_code, admin_name, polygon in admin[["admin_dong_code", "admin_dong_name", "geometry"]].itertuples(
        index=False
    ):
        legal = mapping[admin_code]
        pieces = _split_polygon(polygon, len(legal), rng)
        for (code, name), piece in zip(legal, pieces, strict=True):
            records.append(
                {
                    "legal_dong_code": code,
                    "legal_dong_name": name,
                    "admin_dong_code": admin_code,
                    "admin_dong_name": admin_name,
                    "is_urban": name.endswith("동"),
                    "geometry": piece,
                }
            )
    areas = gpd.GeoDataFrame(records, geometry="geometry", crs=admin.crs)
    areas["area_id"] = np.arange(len(areas), dtype=np.int32)
    return areas


def _split_polygon(polygon: shapely.Geometry, parts: int, rng: np.random.Generator) -> list[shapely.Geometry]:
    """Split ``polygon`` into ``parts`` contiguous pieces by a Voronoi partition of seeded points."""
    if parts == 1:
        return [polygon]
    minx, miny, maxx, maxy = polygon.bounds
    seeds: list[tuple[float, float]] = []
    prepared = shapely.prepared.prep(polygon)
    while len(seeds) < parts:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(shapely.Point(x, y)):
            seeds.append((x, y))
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=polygon.envelope.buffer(1000))
    seed_points = shapely.points(np.array(seeds))
    ordered = []
    for point in seed_points:
        cell = next(c for c in cells.geoms if c.contains(point))
        ordered.append(shapely.make_valid(cell.intersection(polygon)))
    return ordered
