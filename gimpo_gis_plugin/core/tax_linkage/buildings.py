"""Stage 1c: the building layer as the linkage reads it.

``prepare_buildings`` is the single entry point where buildings enter the linkage. It first calls
``normalise_buildings`` — the one place that turns a layer in whatever schema (GIS건물통합정보 in its
Korean, A0-A28 or coded names, 도로명주소 TL_SPBD_BULD, 건축물대장 fields, the project's own) into the
project's columns, with real ids, host PNUs and use classes (``building_layer``, schemas from
``building_schema``) — and then finds the host parcel of each building whose PNU names none: the parcel
under it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .building_layer import PreparedBuildings, prepare_building_layer
from .building_schema import fields_to_read

# The building columns every later stage may read (and buildings_tax shows), whatever the schema.
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


def building_fields(names: list[str]) -> list[str] | None:
    """The building-layer fields the linkage reads: those of the schema the layer is in
    (``building_schema``); None (all) when no schema is recognised, so that the refusal lists them."""
    return fields_to_read(names)


def normalise_buildings(buildings: gpd.GeoDataFrame, ledger_ids: pd.Series | None = None) -> PreparedBuildings:
    """The layer in the project's building columns, whatever schema it came in, with the aliases of each
    building's other ids and the log of what was recognised. ``ledger_ids`` (the ledger's 건물관리번호
    column) chooses which of the layer's id fields the buildings are known by."""
    return prepare_building_layer(buildings, ledger_ids)


def prepare_buildings(
    buildings: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, ledger_ids: pd.Series | None = None
) -> PreparedBuildings:
    """Buildings with a host parcel: the PNU they carry (field, lot fields or 건물관리번호) when it names
    a parcel, else the parcel under them (``host_source`` given / spatial / "")."""
    prepared = normalise_buildings(buildings, ledger_ids)
    frame = prepared.frame
    known = frame["pnu"].isin(parcels["PNU"])
    frame["host_source"] = np.where(known, "given", "")
    if (~known).any() and len(parcels):
        points = gpd.GeoDataFrame(geometry=frame.geometry[~known].representative_point(), crs=frame.crs)
        hits = gpd.sjoin(points, parcels[["PNU", parcels.geometry.name]], predicate="within", how="left")
        hits = hits[~hits.index.duplicated(keep="first")]
        found = hits["PNU"].notna()
        frame.loc[hits.index[found], "pnu"] = hits.loc[found, "PNU"].to_numpy()
        frame.loc[hits.index[found], "host_source"] = "spatial"
    return prepared
