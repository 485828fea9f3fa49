"""Civic data of the sample city: 민원 (civil complaints), 체납 (tax arrears), population per 행정동 and per
100 m grid cell, all derived from the city's own buildings, roads and parcels so maps of them agree.

Residents live in the residential buildings (단독주택: one or two households; 공동주택: one household per
~85 ㎡ of floor area), so population grows with the city size and sits where the houses are. Complaints are
drawn from the objects they are about: 불법주정차, 도로파손 and 가로등고장 lie on roads (urban roads weighted
more), 쓰레기 and 소음 next to residential or commercial buildings, weighted by residents; a few seeded
hot spots around commercial buildings attract extra complaints, so hot-spot analysis has something real
to find. Arrears points sit on real taxable parcels (their PNU), with amounts from the ledger's tax.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import styles
from ..ledger import NON_TAXABLE_JIMOK

COMPLAINT_YEAR = 2025
COMPLAINTS_PER_RESIDENT = 0.05  # a year of 민원 per resident (the scale of a busy 시 office)
ARREARS_SHARE = 0.03  # share of taxable parcels in arrears
GRID_M = 100.0
PERSONS_PER_HOUSEHOLD = 2.4
FLOOR_AREA_PER_FLAT_M2 = 85.0
HOT_SPOT_RADIUS_M = 250.0
# Category -> (drawn from, share of all complaints, monthly profile Jan..Dec)
CATEGORIES = {
    "불법주정차": ("road", 0.34, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    "쓰레기": ("building", 0.24, [0.8, 0.8, 0.9, 1, 1.1, 1.3, 1.5, 1.5, 1.2, 1, 0.9, 0.8]),
    "소음": ("building", 0.18, [0.7, 0.7, 0.9, 1, 1.1, 1.3, 1.5, 1.5, 1.2, 1, 0.8, 0.7]),
    "도로파손": ("road", 0.14, [1.6, 1.8, 1.5, 1.1, 0.9, 0.8, 1.2, 1.2, 0.8, 0.7, 0.8, 1.2]),
    "가로등고장": ("road", 0.10, [1.3, 1.2, 1, 0.9, 0.8, 0.8, 0.9, 0.9, 1, 1.1, 1.2, 1.3]),
}
CATEGORY_COLORS = {
    "불법주정차": "#e41a1c",
    "쓰레기": "#4daf4a",
    "소음": "#984ea3",
    "도로파손": "#ff7f00",
    "가로등고장": "#377eb8",
}
RESIDENTIAL = ("01000", "02000")
COMMERCIAL = ("03000", "04000", "07000", "14000")


def add_layers(city, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    residents = _residents(city.buildings, rng)
    admin = city.admin_dongs
    hot_spots = _hot_spots(city.buildings, city.legal_dong_areas, rng)
    return {
        "complaints": _complaints(city, residents, hot_spots, rng),
        "tax_arrears": _arrears(city, rng),
        "population_admin_dong": _population_by_admin_dong(admin, city.buildings, residents),
        "population_grid": _population_grid(city.buildings, residents),
    }


def _residents(buildings: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Households and population of every building (zero outside housing)."""
    use = buildings["use_code"].to_numpy()
    flats = np.maximum(1, np.round(buildings["total_floor_area"].to_numpy() / FLOOR_AREA_PER_FLAT_M2))
    households = np.where(use == "02000", flats, np.where(use == "01000", rng.integers(1, 3, len(use)), 0))
    # Household size varies around the 2.4 of 김포 (2020 census): Poisson per household, at least one each.
    population = np.where(households > 0, households + rng.poisson((PERSONS_PER_HOUSEHOLD - 1) * households), 0)
    return pd.DataFrame({"households": households.astype(np.int64), "population": population.astype(np.int64)})


def _hot_spots(buildings: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, rng: np.random.Generator) -> np.ndarray:
    """A few commercial buildings in the urban 동 (about one per 2,000 buildings, 2 to 12) as hot-spot centres."""
    commercial = np.flatnonzero(np.isin(buildings["use_code"].to_numpy(), COMMERCIAL))
    if commercial.size == 0:
        return np.empty((0, 2))
    count = int(np.clip(len(buildings) // 2000, 2, 12))
    chosen = rng.choice(commercial, size=min(count, commercial.size), replace=False)
    return shapely.get_coordinates(shapely.centroid(buildings.geometry.to_numpy()[np.sort(chosen)]))


def _hot_spot_boost(xy: np.ndarray, hot_spots: np.ndarray) -> np.ndarray:
    if hot_spots.size == 0:
        return np.ones(len(xy))
    nearest = np.full(len(xy), np.inf)
    for centre in hot_spots:
        nearest = np.minimum(nearest, np.hypot(xy[:, 0] - centre[0], xy[:, 1] - centre[1]))
    return 1.0 + 6.0 * np.exp(-0.5 * (nearest / HOT_SPOT_RADIUS_M) ** 2)


def _complaints(city, residents: pd.DataFrame, hot_spots: np.ndarray, rng: np.random.Generator) -> gpd.GeoDataFrame:
    total = max(50, round(COMPLAINTS_PER_RESIDENT * residents["population"].sum()))
    roads, buildings = city.roads, city.buildings
    urban_area = city.legal_dong_areas.set_index("area_id")["is_urban"]
    road_geoms = roads.geometry.to_numpy()
    road_len = shapely.length(road_geoms)
    road_mid = shapely.get_coordinates(shapely.line_interpolate_point(road_geoms, 0.5, normalized=True))
    road_urban = urban_area.reindex(roads["area_id"]).fillna(False).to_numpy(dtype=bool)
    building_xy = shapely.get_coordinates(shapely.centroid(buildings.geometry.to_numpy()))
    commercial = np.isin(buildings["use_code"].to_numpy(), COMMERCIAL)
    frames = []
    for category, (source, share, _) in CATEGORIES.items():
        n = round(total * share)
        if source == "road":
            urban_factor = 4.0 if category == "불법주정차" else 2.0
            weight = road_len * np.where(road_urban, urban_factor, 1.0) * _hot_spot_boost(road_mid, hot_spots)
            picked = rng.choice(len(roads), size=n, p=weight / weight.sum())
            along = rng.random(n)
            xy = shapely.get_coordinates(shapely.line_interpolate_point(road_geoms[picked], along, normalized=True))
            xy += rng.normal(0.0, 2.0, (n, 2))  # a few metres off the centreline: kerbs, parked cars
        else:
            weight = residents["population"].to_numpy() + 5.0 * commercial
            weight = weight * _hot_spot_boost(building_xy, hot_spots)
            picked = rng.choice(len(buildings), size=n, p=weight / weight.sum())
            xy = building_xy[picked] + rng.normal(0.0, 8.0, (n, 2))
        frames.append(pd.DataFrame({"category": category, "x": xy[:, 0], "y": xy[:, 1]}))
    points = pd.concat(frames, ignore_index=True)
    points["received_date"] = _dates(points["category"].to_numpy(), rng)
    points = points.sort_values(["received_date", "category"], kind="stable").reset_index(drop=True)
    weight = np.where(rng.random(len(points)) < 0.88, 1.0, rng.integers(2, 6, len(points)).astype(float))
    frame = gpd.GeoDataFrame(
        {
            "complaint_id": [f"C{COMPLAINT_YEAR}-{i:06d}" for i in range(1, len(points) + 1)],
            "received_date": points["received_date"].to_numpy(),
            "category": points["category"].to_numpy(),
            "weight": weight,
        },
        geometry=shapely.points(points[["x", "y"]].to_numpy()),
        crs=city.crs,
    )
    return _with_admin_dong(frame, city.admin_dongs)


def _dates(categories: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """'YYYY-MM-DD' dates in COMPLAINT_YEAR following each category's seasonal profile."""
    days = pd.date_range(f"{COMPLAINT_YEAR}-01-01", f"{COMPLAINT_YEAR}-12-31", freq="D")
    out = np.empty(len(categories), dtype=object)
    for category, (_, _, profile) in CATEGORIES.items():
        mask = categories == category
        weight = np.asarray(profile, dtype=float)[days.month - 1]
        weight *= np.where(days.dayofweek < 5, 1.0, 0.6)  # fewer filed at weekends
        picked = rng.choice(len(days), size=int(mask.sum()), p=weight / weight.sum())
        out[mask] = days[picked].strftime("%Y-%m-%d").to_numpy()
    return out


def _with_admin_dong(points: gpd.GeoDataFrame, admin: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """admin_dong_code/name by point-in-polygon; points jittered out of the city snap to the nearest 동."""
    admin_geoms = admin.geometry.to_numpy()
    tree = shapely.STRtree(admin_geoms)
    point_index, polygon_index = tree.query(points.geometry.to_numpy(), predicate="within")
    owner = np.full(len(points), -1)
    owner[point_index] = polygon_index
    outside = np.flatnonzero(owner < 0)
    if outside.size:
        pts = points.geometry.to_numpy()[outside]
        _, nearest = tree.query_nearest(pts, return_distance=False, all_matches=False)
        owner[outside] = nearest
        # Move the point 2 m inside its 동 so a point-in-polygon count agrees with the code.
        shrunk = shapely.buffer(admin_geoms[nearest], -2.0)
        inside = shapely.get_point(shapely.shortest_line(shrunk, pts), 0)
        geoms = points.geometry.to_numpy().copy()
        geoms[outside] = inside
        points = points.set_geometry(gpd.GeoSeries(geoms, crs=points.crs))
    points.insert(3, "admin_dong_code", admin["admin_dong_code"].to_numpy()[owner])
    points.insert(4, "admin_dong_name", admin["admin_dong_name"].to_numpy()[owner])
    return points


def _arrears(city, rng: np.random.Generator) -> gpd.GeoDataFrame:
    parcels = city.parcels
    taxable = np.flatnonzero(~parcels["jimok"].isin(NON_TAXABLE_JIMOK).to_numpy())
    count = max(5, round(ARREARS_SHARE * len(taxable)))
    chosen = np.sort(rng.choice(taxable, size=min(count, len(taxable)), replace=False))
    pnu = parcels["PNU"].to_numpy()[chosen]
    rows = city.ledger.rows
    annual = rows[rows["pnu"].isin(pnu)].groupby("pnu")["tax"].sum().reindex(pnu).fillna(0).to_numpy()
    annual = np.where(annual > 0, annual, rng.integers(20, 300, len(pnu)) * 1000)
    months = np.minimum(60, rng.geometric(0.12, len(pnu)))
    unpaid_bills = np.ceil(months / 6)  # 재산세 is billed twice a year (July, September)
    amount = np.round(annual / 2 * unpaid_bills * (1.03 + 0.0075 * np.minimum(months, 60)), -1).astype(np.int64)
    return gpd.GeoDataFrame(
        {
            "arrears_id": [f"A{COMPLAINT_YEAR + 1}-{i:06d}" for i in range(1, len(pnu) + 1)],
            "pnu": pnu,
            "amount": amount,
            "months_overdue": months.astype(np.int64),
        },
        geometry=shapely.point_on_surface(parcels.geometry.to_numpy()[chosen]),
        crs=city.crs,
    )


def _population_by_admin_dong(
    admin: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, residents: pd.DataFrame
) -> gpd.GeoDataFrame:
    centroids = shapely.centroid(buildings.geometry.to_numpy())
    point_index, polygon_index = shapely.STRtree(admin.geometry.to_numpy()).query(centroids, predicate="within")
    owner = np.full(len(buildings), -1)
    owner[point_index] = polygon_index
    housed = owner >= 0
    population = np.bincount(owner[housed], residents["population"].to_numpy()[housed], minlength=len(admin))
    households = np.bincount(owner[housed], residents["households"].to_numpy()[housed], minlength=len(admin))
    multi = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in admin.geometry]
    return gpd.GeoDataFrame(
        {
            "admin_dong_code": admin["admin_dong_code"].to_numpy(),
            "admin_dong_name": admin["admin_dong_name"].to_numpy(),
            "population": population.astype(np.int64),
            "households": households.astype(np.int64),
        },
        geometry=multi,
        crs=admin.crs,
    )


def _population_grid(buildings: gpd.GeoDataFrame, residents: pd.DataFrame) -> gpd.GeoDataFrame:
    """Populated 100 m cells (aligned to multiples of 100 m in EPSG:5186); empty cells are left out."""
    xy = shapely.get_coordinates(shapely.centroid(buildings.geometry.to_numpy()))
    has_people = residents["population"].to_numpy() > 0
    col = np.floor(xy[has_people, 0] / GRID_M).astype(np.int64)
    row = np.floor(xy[has_people, 1] / GRID_M).astype(np.int64)
    table = (
        pd.DataFrame(
            {
                "col": col,
                "row": row,
                "population": residents["population"].to_numpy()[has_people],
                "households": residents["households"].to_numpy()[has_people],
            }
        )
        .groupby(["col", "row"], sort=True)[["population", "households"]]
        .sum()
        .reset_index()
    )
    x0, y0 = table["col"].to_numpy() * GRID_M, table["row"].to_numpy() * GRID_M
    return gpd.GeoDataFrame(
        {
            "cell_id": [f"E{x:.0f}N{y:.0f}" for x, y in zip(x0, y0, strict=True)],
            "population": table["population"].to_numpy(np.int64),
            "households": table["households"].to_numpy(np.int64),
        },
        geometry=shapely.box(x0, y0, x0 + GRID_M, y0 + GRID_M),
        crs=buildings.crs,
    )


def _quantile_ranges(values: list[float], field_label: str, colors: list[str]) -> list[styles.Range]:
    """Fixed class ranges for the bundled style (the layer's own values are known only at run time)."""
    edges = values
    chosen = styles.ramp(colors, len(edges) - 1)
    return [
        styles.Range(
            float(lo), float(hi), f"{lo:,.0f} – {hi:,.0f}{field_label}", styles.Symbol("fill", c, "#7f7f7f", 0.1)
        )
        for lo, hi, c in zip(edges[:-1], edges[1:], chosen, strict=True)
    ]


STYLES = {
    "complaints": styles.categorized(
        "category",
        [
            styles.Category(name, name, styles.Symbol("marker", color, "#ffffff", size=1.6, opacity=0.8))
            for name, color in CATEGORY_COLORS.items()
        ],
    ),
    "tax_arrears": styles.single_symbol(styles.Symbol("marker", "#b2182b", "#ffffff", size=2.2)),
    "population_admin_dong": styles.graduated(
        "population",
        _quantile_ranges([0, 1_000, 3_000, 10_000, 30_000, 100_000, 10_000_000], "명", styles.YELLOW_ORANGE_RED),
        "Custom",
        styles.label_field("admin_dong_name", 9),
    ),
    "population_grid": styles.graduated(
        "population",
        _quantile_ranges([0, 10, 50, 200, 500, 1_000, 1_000_000], "명", styles.BLUES),
        "Custom",
    ),
}
