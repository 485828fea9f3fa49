"""Buildings in the GIS건물통합정보 style, standing inside their parcels.

Field names are English (codes and identifiers stay English) and map onto GIS건물통합정보 columns:
bld_id (건물관리번호, 25 digits: PNU + 6-digit serial), pnu (고유번호), use_code/use_name (주용도코드/명),
structure_code/structure_name (구조코드/명), building_area (건축면적 ㎡), total_floor_area (연면적 ㎡),
floors_above/floors_below (지상/지하 층수), height (높이 m), approval_date (사용승인일 YYYYMMDD).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

# 건축물 주용도코드 (5 digits) and name, and the ledger's taxed-use class for each.
USES = {
    "01000": ("단독주택", "주거용"),
    "02000": ("공동주택", "주거용"),
    "03000": ("제1종근린생활시설", "상업용"),
    "04000": ("제2종근린생활시설", "상업용"),
    "07000": ("판매시설", "상업용"),
    "10000": ("교육연구시설", "기타"),
    "14000": ("업무시설", "상업용"),
    "17000": ("공장", "공업용"),
    "18000": ("창고시설", "공업용"),
    "21000": ("동물및식물관련시설", "기타"),
}
STRUCTURES = {"11": "벽돌구조", "21": "철근콘크리트구조", "31": "일반철골구조", "41": "목구조"}

# Which uses stand on which 지목 (land category), with weights.
USES_BY_JIMOK = {
    "대": {"01000": 0.42, "02000": 0.14, "03000": 0.18, "04000": 0.12, "07000": 0.04, "14000": 0.1},
    "장": {"17000": 0.85, "18000": 0.15},
    "창": {"18000": 1.0},
    "학": {"10000": 1.0},
    "종": {"10000": 1.0},
    "전": {"18000": 0.5, "21000": 0.5},
    "답": {"18000": 0.5, "21000": 0.5},
}
# Share of parcels of each 지목 with a building (the rest of 대 is 나대지, vacant building land).
BUILT_SHARE = {"대": 0.9, "장": 0.95, "창": 0.9, "학": 0.9, "종": 0.8, "전": 0.14, "답": 0.08}
# Share of built parcels with a second building (a house and its annex, a shop behind a shop).
SECOND_BUILDING = {"대": 0.5, "장": 0.6, "창": 0.5, "학": 0.8}


def generate_buildings(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    jimok = parcels["jimok"].to_numpy()
    share = np.array([BUILT_SHARE.get(j, 0.0) for j in jimok])
    built = rng.random(len(parcels)) < share
    second = rng.random(len(parcels)) < np.array([SECOND_BUILDING.get(j, 0.0) for j in jimok])
    count = np.where(built, np.where(second, 2, 1), 0)
    host = np.repeat(np.arange(len(parcels)), count)
    serial = np.concatenate([np.arange(c) for c in count]) if len(host) else np.array([], dtype=int)
    n = len(host)

    host_geom = parcels.geometry.to_numpy()[host]
    coverage = rng.uniform(0.3, 0.6, n) / np.where(count[host] == 2, 2.2, 1.0)
    footprint = _footprints(host_geom, serial, count[host], coverage)

    uses = np.array(
        [_pick(USES_BY_JIMOK.get(j, {"18000": 1.0}), u) for j, u in zip(jimok[host], rng.random(n), strict=True)]
    )
    floors = _floors(uses, rng)
    below = np.where(np.isin(uses, ["02000", "14000", "07000"]), rng.integers(1, 3, n), 0)
    building_area = np.round(shapely.area(footprint), 2)
    total_floor = np.round(building_area * floors * rng.uniform(0.92, 1.0, n), 2)
    structure = np.where(floors >= 5, "21", rng.choice(list(STRUCTURES), size=n, p=[0.25, 0.45, 0.25, 0.05]))
    structure = np.where(np.isin(uses, ["17000", "18000"]), "31", structure)
    year = np.where(uses == "02000", rng.integers(1995, 2025, n), rng.integers(1975, 2025, n))
    approval = [
        f"{y}{m:02d}{d:02d}" for y, m, d in zip(year, rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)
    ]
    pnu = parcels["PNU"].to_numpy()[host]
    frame = gpd.GeoDataFrame(
        {
            "bld_id": [f"{p}{i + 1:06d}" for p, i in zip(pnu, serial, strict=True)],
            "pnu": pnu,
            "use_code": uses,
            "use_name": [USES[u][0] for u in uses],
            "structure_code": structure,
            "structure_name": [STRUCTURES[s] for s in structure],
            "building_area": building_area,
            "total_floor_area": total_floor,
            "floors_above": floors,
            "floors_below": below,
            "height": np.round(floors * rng.uniform(3.0, 3.6, n) + np.where(uses == "17000", 4.0, 0.0), 1),
            "approval_date": approval,
        },
        geometry=footprint,
        crs=parcels.crs,
    )
    return frame[~frame.geometry.is_empty].reset_index(drop=True)


def _pick(weights: dict[str, float], u: float) -> str:
    cumulative = 0.0
    total = sum(weights.values())
    for key, weight in weights.items():
        cumulative += weight / total
        if u <= cumulative:
            return key
    return key


def _floors(uses: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(uses)
    floors = rng.integers(1, 4, n)
    floors = np.where(uses == "02000", rng.integers(4, 26, n), floors)
    floors = np.where(np.isin(uses, ["03000", "04000", "07000", "14000"]), rng.integers(2, 9, n), floors)
    floors = np.where(np.isin(uses, ["17000", "18000", "21000"]), rng.integers(1, 3, n), floors)
    return floors


def _footprints(hosts: np.ndarray, serial: np.ndarray, count: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """A rectangle inside each host parcel, centred (or side by side when a parcel has two)."""
    minx, miny, maxx, maxy = shapely.bounds(hosts).T
    width, depth = maxx - minx, maxy - miny
    scale = np.sqrt(coverage)
    cx = np.where(count == 2, minx + width * (0.27 + 0.46 * serial), (minx + maxx) / 2)
    w = np.where(count == 2, width * 0.4 * np.sqrt(coverage * 2.2), width * scale)
    d = depth * np.where(count == 2, 0.7, scale)
    cy = (miny + maxy) / 2
    boxes = shapely.box(cx - w / 2, cy - d / 2, cx + w / 2, cy + d / 2)
    inside = shapely.contains(hosts, boxes)
    if (~inside).any():  # clipped (irregular) parcels: keep the part inside the parcel
        clipped = shapely.intersection(boxes[~inside], hosts[~inside])
        clipped = np.array([g if g.geom_type == "Polygon" else shapely.Polygon() for g in clipped], dtype=object)
        boxes[~inside] = clipped
    return boxes
