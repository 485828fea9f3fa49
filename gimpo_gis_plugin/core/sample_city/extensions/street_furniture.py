"""Street furniture of the sample city: streetlights along its roads, CCTV at junctions and on poles,
and the safety zones (어린이보호구역, 주거밀집지역) a camera plan is judged against.

Layers follow :mod:`gimpo_gis_plugin.core.facilities.above_ground`. The camera layer carries what real
CCTV registers carry, faults included: 회전형 (PTZ) cameras have no fixed azimuth (left empty), and a
few records have an impossible field of view (0, negative, over 360) or no managing agency, so the
coverage tool's rejects table has something real to report. Everything is vectorised per layer; the
5,000-parcel city gets its furniture in well under a second.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import styles

SPACING_M = {"main": 40.0, "local": 55.0}  # largest 가로등 spacing on 대로 and 소로
POLE_HEIGHT_M = {"main": 10.0, "local": 7.0}
# Share of junctions with a camera, and of streetlights on local roads carrying a 방범 camera.
JUNCTION_CAMERA_SHARE = 0.25
LIGHT_CAMERA_SHARE = 0.05
PTZ_SHARE = 0.08  # 회전형: azimuth unknown in the register
SCHOOL_ZONE_M = 300.0  # 어린이보호구역: up to 300 m from the school
CITY_AGENCIES = ("김포시 스마트도시과", "김포시 도로과")
POLICE = "김포경찰서"
EDUCATION = "김포교육지원청"
# Planted faults: (fov_deg, agency) replacing a camera's own values; None keeps the original.
BAD_CAMERAS = [(0.0, None), (-15.0, None), (0.0, None), (400.0, None), (720.0, None), (None, ""), (None, "")]
BAD_CAMERAS += [(None, None)]  # fov missing altogether: the engine's default is used and flagged


def add_layers(city, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    lights = _streetlights(city.roads, rng)
    cameras = _cameras(city.roads, lights, rng)
    zones = _safety_zones(city.parcels, city.buildings)
    return {"streetlights": lights, "cctv": cameras, "safety_zones": zones}


def _streetlights(roads: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Points evenly along each road at most SPACING_M apart, on its edge, staggered on main roads."""
    geoms = roads.geometry.to_numpy()
    length = shapely.length(geoms)
    road_class = roads["road_class"].to_numpy()
    spacing = np.where(road_class == "main", SPACING_M["main"], SPACING_M["local"])
    count = np.ceil(length / spacing).astype(int)
    owner = np.repeat(np.arange(len(roads)), count)
    k = np.concatenate([np.arange(c) for c in count]) if owner.size else np.array([], dtype=int)
    along = (k + 0.5) * length[owner] / count[owner]
    here = shapely.get_coordinates(shapely.line_interpolate_point(geoms[owner], along))
    ahead = shapely.get_coordinates(
        shapely.line_interpolate_point(geoms[owner], np.minimum(along + 1.0, length[owner]))
    )
    direction = ahead - here
    direction /= np.maximum(np.hypot(direction[:, 0], direction[:, 1]), 1e-9)[:, None]
    normal = np.column_stack([-direction[:, 1], direction[:, 0]])
    side = np.where((road_class[owner] == "main") & (k % 2 == 1), -1.0, 1.0)
    offset = (roads["width_m"].to_numpy()[owner] / 2 + 0.5) * side
    xy = here + normal * offset[:, None]
    n = len(xy)
    classes = road_class[owner]
    return gpd.GeoDataFrame(
        {
            "light_id": [f"SL-{i + 1:06d}" for i in range(n)],
            "agency": np.full(n, "김포시 도로과"),
            "install_year": rng.integers(1998, 2026, n),
            "road_id": roads["road_id"].to_numpy()[owner],
            "pole_height_m": np.array([POLE_HEIGHT_M[c] for c in classes]),
            "lamp_type": np.where(rng.random(n) < 0.7, "LED", "나트륨"),
        },
        geometry=shapely.points(xy),
        crs=roads.crs,
    )


def _junctions(roads: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Road ends shared by three or more centerlines (T and X junctions) and the widest road there."""
    # A road clipped by its area's boundary can be a MultiLineString: each part has its own ends.
    parts, owner = shapely.get_parts(roads.geometry.to_numpy(), return_index=True)
    parts, owner = parts[~shapely.is_empty(parts)], owner[~shapely.is_empty(parts)]
    ends = np.vstack(
        [shapely.get_coordinates(shapely.get_point(parts, 0)), shapely.get_coordinates(shapely.get_point(parts, -1))]
    )
    widths = np.tile(roads["width_m"].to_numpy()[owner], 2)
    keys, inverse, degree = np.unique(np.round(ends, 1), axis=0, return_inverse=True, return_counts=True)
    widest = np.zeros(len(keys))
    np.maximum.at(widest, inverse.ravel(), widths)
    junction = degree >= 3
    return keys[junction], widest[junction]


def _cameras(roads: gpd.GeoDataFrame, lights: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    junctions, widest = _junctions(roads)
    at_junction = np.sort(rng.choice(len(junctions), round(JUNCTION_CAMERA_SHARE * len(junctions)), replace=False))
    # Cameras stand on a corner of the junction and look along one of its four arms.
    corner = rng.integers(0, 4, len(at_junction))
    diagonal = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], dtype=float)[corner]
    junction_xy = junctions[at_junction] + diagonal * (widest[at_junction] / 2 + 1.0)[:, None]
    junction_azimuth = (rng.integers(0, 4, len(at_junction)) * 90.0 + rng.normal(0, 8, len(at_junction))) % 360

    local = np.flatnonzero(
        lights["road_id"].isin(roads.loc[roads["road_class"] == "local", "road_id"]).to_numpy()
        & (rng.random(len(lights)) < LIGHT_CAMERA_SHARE)
    )
    light_xy = shapely.get_coordinates(lights.geometry.to_numpy()[local])
    light_azimuth = rng.uniform(0, 360, len(local))

    n_j, n = len(at_junction), len(at_junction) + len(local)
    xy = np.vstack([junction_xy, light_xy])
    purpose = np.concatenate(
        [
            rng.choice(["방범", "교통단속", "어린이보호"], n_j, p=[0.5, 0.35, 0.15]),
            rng.choice(["방범", "어린이보호"], len(local), p=[0.85, 0.15]),
        ]
    )
    agency = np.where(
        purpose == "교통단속", POLICE, np.where(purpose == "어린이보호", EDUCATION, rng.choice(CITY_AGENCIES, n))
    ).astype(object)
    traffic = purpose == "교통단속"
    azimuth = np.concatenate([junction_azimuth, light_azimuth]).round(1)
    fov = np.where(traffic, rng.uniform(30, 50, n), rng.uniform(60, 100, n)).round(0)
    ptz = rng.random(n) < PTZ_SHARE
    azimuth = np.where(ptz, np.nan, azimuth)
    fov = np.where(ptz, 360.0, fov).astype(object)
    frame = pd.DataFrame(
        {
            "cctv_id": [f"GP-CCTV-{i + 1:05d}" for i in range(n)],
            "agency": agency,
            "install_year": rng.integers(2008, 2026, n),
            "mount_height_m": np.where(traffic, rng.uniform(6, 9, n), rng.uniform(3.5, 6.5, n)).round(1),
            "azimuth_deg": azimuth,
            "fov_deg": fov,
            "range_m": np.where(traffic, rng.uniform(60, 100, n), rng.uniform(30, 60, n)).round(0),
            "tilt_deg": rng.uniform(10, 30, n).round(0),
            "purpose": purpose,
            "light_id": [None] * n_j + list(lights["light_id"].to_numpy()[local]),
        }
    )
    planted = rng.choice(n, min(len(BAD_CAMERAS), n), replace=False)
    for row, (fov_value, agency_value) in zip(planted, BAD_CAMERAS, strict=False):
        if fov_value is not None:
            frame.loc[row, "fov_deg"] = fov_value
        if agency_value is not None:
            frame.loc[row, "agency"] = agency_value
        if fov_value is None and agency_value is None:
            frame.loc[row, "fov_deg"] = None
    frame["fov_deg"] = pd.to_numeric(frame["fov_deg"])
    return gpd.GeoDataFrame(frame, geometry=shapely.points(xy), crs=roads.crs)


def _safety_zones(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """어린이보호구역 around school parcels (지목 학) and 주거밀집지역: residential lots closed over
    their local streets (a 5 m buffer bridges an 8 m street, not a 20 m main road), one zone per area."""
    schools = parcels[parcels["jimok"] == "학"]
    # Neighbouring school parcels (one campus, or schools side by side) share one 보호구역.
    merged_zones = shapely.union_all(shapely.buffer(schools.geometry.to_numpy(), SCHOOL_ZONE_M, quad_segs=8))
    school_zones = shapely.get_parts(merged_zones) if len(schools) else np.array([], dtype=object)
    school_pnus = [
        ",".join(schools["PNU"][shapely.intersects(zone, schools.geometry.to_numpy())]) for zone in school_zones
    ]
    homes = buildings[buildings["use_code"].isin(["01000", "02000"])]["pnu"].unique()
    residential = parcels[parcels["PNU"].isin(homes) & (parcels["jimok"] == "대")]
    residential_zones, area_ids = [], []
    for area_id, group in residential.groupby("area_id", sort=True):
        if len(group) < 10:  # a few houses are not a neighbourhood
            continue
        merged = shapely.buffer(shapely.union_all(shapely.buffer(group.geometry.to_numpy(), 5.0)), -5.0)
        residential_zones.append(merged)
        area_ids.append(area_id)
    kinds = ["어린이보호구역"] * len(school_zones) + ["주거밀집지역"] * len(residential_zones)
    names = [f"학교 주변 ({pnus})" for pnus in school_pnus] + [f"주거지 {a}" for a in area_ids]
    n = len(kinds)
    return gpd.GeoDataFrame(
        {
            "zone_id": [f"SZ-{i + 1:04d}" for i in range(n)],
            "zone_kind": kinds,
            "name": names,
            "weight": [2.0] * len(school_zones) + [1.0] * len(residential_zones),
        },
        geometry=np.array([*school_zones, *residential_zones], dtype=object),
        crs=parcels.crs,
    )


STYLES = {
    "streetlights": styles.single_symbol(styles.Symbol("marker", "#ffd92f", "#8c6d00", size=1.2)),
    "cctv": styles.categorized(
        "purpose",
        [
            styles.Category("방범", "방범 (crime prevention)", styles.Symbol("marker", "#e41a1c", size=2.2)),
            styles.Category("교통단속", "교통단속 (traffic)", styles.Symbol("marker", "#377eb8", size=2.2)),
            styles.Category("어린이보호", "어린이보호 (school zone)", styles.Symbol("marker", "#4daf4a", size=2.2)),
        ],
    ),
    "safety_zones": styles.categorized(
        "zone_kind",
        [
            styles.Category(
                "어린이보호구역", "어린이보호구역", styles.Symbol("fill", "#fdb462", "#d95f02", 0.4, opacity=0.35)
            ),
            styles.Category(
                "주거밀집지역", "주거밀집지역", styles.Symbol("fill", "#bebada", "#6a51a3", 0.3, opacity=0.3)
            ),
        ],
    ),
}
