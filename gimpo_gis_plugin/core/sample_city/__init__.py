"""A deterministic, seeded, scalable sample of 김포시: areas, parcels, roads, buildings, the tax ledger.

``build_sample_city(parcels=N, seed=S)`` gives the same city for the same N and S on any machine.
Later features add their own layers (zoning, utilities, complaints ...) through extension modules in
:mod:`gimpo_gis_plugin.core.sample_city.extensions`: each defines ``add_layers(city, rng)`` returning
new layers, so the city stays coherent (pipes under its roads, cameras on its streets).
"""

from __future__ import annotations

import pkgutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import SILENT, Progress
from . import extensions
from .buildings import generate_buildings
from .cadastre import assign_land_categories, assign_pnu
from .geography import CRS, build_legal_dong_areas, load_admin_dongs
from .ledger import Ledger, build_ledger
from .parcels import generate_parcels_and_roads

MAX_PARCELS = 5_000_000
# Share of lots (not road parcels) that goes to the urban 동 areas: 김포's built-up new towns.
URBAN_SHARE = 0.55
PARCEL_COLUMNS = ["PNU", "JIBUN", "BCHK", "SGG_OID", "COL_ADM_SE"]


@dataclass
class SampleCity:
    """Every layer of the city (EPSG:5186) plus the ledger tables; ``layers`` holds extension layers."""

    seed: int
    admin_dongs: gpd.GeoDataFrame
    legal_dong_areas: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame  # 연속지적도 columns + jimok, legal_dong_code, area_id, quirk
    roads: gpd.GeoDataFrame  # centerlines with width_m, road_class
    buildings: gpd.GeoDataFrame
    ledger: Ledger
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame] = field(default_factory=dict)
    styles: dict[str, str] = field(default_factory=dict)

    @property
    def crs(self) -> str:
        return CRS


def _lot_quota(areas: gpd.GeoDataFrame, lots: int) -> np.ndarray:
    """Lots per area: the urban share spread over 동 areas, the rest over 리 areas, by area size."""
    size = areas.geometry.area.to_numpy()
    urban = areas["is_urban"].to_numpy()
    weights = np.where(urban, URBAN_SHARE * size / size[urban].sum(), (1 - URBAN_SHARE) * size / size[~urban].sum())
    quota = np.floor(weights * lots).astype(np.int64)
    quota[np.argsort(-(weights * lots - quota))[: lots - quota.sum()]] += 1  # largest remainders
    return quota


def build_sample_city(parcels: int = 5000, seed: int = 41570, progress: Progress = SILENT) -> SampleCity:
    """Generate the city with about ``parcels`` parcels (lots plus road parcels)."""
    if not isinstance(parcels, int | np.integer) or parcels < 100 or parcels > MAX_PARCELS:
        raise InputError(
            f"Number of parcels must be a whole number from 100 to {MAX_PARCELS:,}; got {parcels!r}.",
            "Use about 5,000 for tests, 200,000 for a city the size of 김포.",
        )
    stage = [np.random.default_rng([seed, k]) for k in range(5)]  # one stream per stage
    progress.info(f"Building the sample city: {parcels:,} parcels, seed {seed}")
    admin = load_admin_dongs()
    areas = build_legal_dong_areas(admin, stage[0])
    progress.set(0.05)
    lots, roads = _parcels_near(areas, parcels, seed)
    progress.set(0.35)
    assign_land_categories(lots, areas, stage[2])
    assign_pnu(lots, areas, stage[2])
    progress.set(0.5)
    buildings = generate_buildings(lots, stage[3])
    progress.set(0.6)
    ledger = build_ledger(lots, buildings, areas, stage[4])
    progress.set(0.75)
    roads = roads.copy()
    roads["road_id"] = np.arange(1, len(roads) + 1)
    city = SampleCity(
        seed=seed,
        admin_dongs=admin,
        legal_dong_areas=areas,
        parcels=lots[[*PARCEL_COLUMNS, "jimok", "legal_dong_code", "area_id", "quirk", "geometry"]],
        roads=roads[["road_id", "width_m", "road_class", "area_id", "geometry"]],
        buildings=buildings,
        ledger=ledger,
    )
    for name, module in extension_modules():
        progress.check()
        progress.info(f"Adding {name} layers")
        city.layers.update(module.add_layers(city, np.random.default_rng([seed, _stable_hash(name)])))
        city.styles.update(getattr(module, "STYLES", {}))
    progress.set(0.8)
    return city


def _parcels_near(areas: gpd.GeoDataFrame, target: int, seed: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Lots plus road parcels close to ``target`` (within 2%): how many road parcels a layout needs
    depends on its density, so the lot count is corrected from the measured total, a few times at most."""
    lots_wanted = round(target * 0.85)
    for _ in range(4):
        lots, roads = generate_parcels_and_roads(
            areas, _lot_quota(areas, lots_wanted), np.random.default_rng([seed, 1])
        )
        if abs(len(lots) - target) <= 0.02 * target:
            break
        lots_wanted = max(50, round(lots_wanted * target / len(lots)))
    return lots.reset_index(drop=True), roads


def _stable_hash(name: str) -> int:
    return int.from_bytes(name.encode("utf-8"), "little") % (2**31)


def extension_modules() -> list[tuple[str, ModuleType]]:
    """(name, module) of every extension module with ``add_layers``, in name order (deterministic)."""
    found = []
    for info in sorted(pkgutil.iter_modules(extensions.__path__), key=lambda m: m.name):
        name = f"{extensions.__name__}.{info.name}"
        __import__(name)  # through the builtin hook, so a reloading QGIS purges it with the plugin
        module = sys.modules[name]
        if hasattr(module, "add_layers"):
            found.append((info.name, module))
    return found


def write_sample_city(
    city: SampleCity, folder: str | Path, write_xlsx: bool = True, progress: Progress = SILENT
) -> dict[str, Path]:
    from .writer import write_city

    return write_city(city, Path(folder), write_xlsx=write_xlsx, progress=progress)
