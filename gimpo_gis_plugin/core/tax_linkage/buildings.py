"""Stage 1c: the building layer as the linkage reads it.

``prepare_buildings`` is the single entry point where buildings enter the linkage. It first calls
``normalise_buildings`` — the one place that turns a layer in whatever schema (GIS건물통합정보, 도로명주소
TL_SPBD_BULD, 건축물대장, the project's own) into the project's columns (``BUILDING_COLUMNS``); the
national-schema mapping (``building_schema``) plugs in there — and then finds each building's host
parcel: the PNU it carries when it names a parcel, else the parcel under it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..pnu import clean_pnu
from .vocabulary import building_use_classes

BUILDING_COLUMNS = {
    "bld_id": "",
    "pnu": "",
    "use_code": "",
    "use_name": "",
    "building_area": np.nan,
    "total_floor_area": np.nan,
    "floors_above": np.nan,
    "floors_below": np.nan,
    "approval_date": "",
}


def building_fields(names: list[str]) -> list[str]:
    """The building-layer fields the linkage reads (those of BUILDING_COLUMNS, in any case)."""
    return [name for name in names if name.lower() in BUILDING_COLUMNS]


def normalise_buildings(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer with the project's building columns (``BUILDING_COLUMNS``, lower case), whatever schema
    it came in. Today: the project's own names in any case; the national schemas map here."""
    lowered = {c: c.lower() for c in buildings.columns if isinstance(c, str) and c != buildings.geometry.name}
    frame = buildings.rename(columns=lowered)
    for column, default in BUILDING_COLUMNS.items():
        if column not in frame:
            frame[column] = default
    return frame


def prepare_buildings(buildings: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Buildings with a host parcel: the PNU they carry when it names a parcel, else the parcel under them."""
    frame = normalise_buildings(buildings)
    frame["bld_id"] = frame["bld_id"].fillna("").astype(str).str.strip()
    no_id = frame["bld_id"] == ""
    frame.loc[no_id, "bld_id"] = "GIS-" + pd.Series(
        np.flatnonzero(no_id.to_numpy()) + 1, index=frame.index[no_id]
    ).astype(str)
    frame["pnu"] = clean_pnu(frame["pnu"])
    frame["total_floor_area"] = pd.to_numeric(frame["total_floor_area"], errors="coerce")
    known = frame["pnu"].isin(parcels["PNU"])
    frame["host_source"] = np.where(known, "given", "")
    if (~known).any() and len(parcels):
        points = gpd.GeoDataFrame(geometry=frame.geometry[~known].representative_point(), crs=frame.crs)
        hits = gpd.sjoin(points, parcels[["PNU", parcels.geometry.name]], predicate="within", how="left")
        hits = hits[~hits.index.duplicated(keep="first")]
        found = hits["PNU"].notna()
        frame.loc[hits.index[found], "pnu"] = hits.loc[found, "PNU"].to_numpy()
        frame.loc[hits.index[found], "host_source"] = "spatial"
    frame["use_class"] = frame["use_code"].astype(str).map(building_use_classes()).fillna("")
    return frame
