"""Who is without water: the buildings and 세대 behind the isolated and cut-off pipes.

A service connection (급수전 계량기, wtl_meta_ps) says which main feeds a building (its 관로관리번호, or
the nearest main) and how many 가구 it serves: that is the answer where the store has one. A building
with no service connection in the store is taken as fed by the nearest main within ``buffer_m`` (the
service buffer), and its row says so (``basis``), since that is an estimate. 세대 come from the
connections' 가구수, else from the building layer's household field, else they are unknown (NULL),
never zero.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .isolation import IsolationPlan

BASIS_CONNECTION = "급수전 (service connection)"
BASIS_BUFFER = "관로 근접 추정 (nearest main within the service buffer)"
CAUSE_KO = {"isolated": "단수 구간 (isolated)", "cut_off": "하류 단수 (cut off downstream)"}


def _cause(plan: IsolationPlan, pieces: np.ndarray) -> np.ndarray:
    component = plan.network.piece_component[pieces]
    return np.where(plan.area[component], "isolated", np.where(plan.cut_off[component], "cut_off", ""))


def buildings_without_water(
    plan: IsolationPlan,
    buildings: gpd.GeoDataFrame | None,
    id_field: str = "bld_id",
    household_field: str | None = None,
    buffer_m: float = 30.0,
) -> gpd.GeoDataFrame:
    """One row per building (or per served id, without a building layer) that loses water."""
    network = plan.network
    services = network.inputs.services
    rows = []
    served_ids: set[str] = set()
    if services is not None:
        piece = network.service_piece
        attached = piece >= 0
        cause = np.full(len(services), "", dtype=object)
        cause[attached] = _cause(plan, piece[attached])
        key = services["bld_id"].astype("string").fillna(services["record_id"].astype("string"))
        frame = pd.DataFrame(
            {
                "bld_id": key.astype(str).to_numpy(),
                "cause": cause,
                "households": pd.to_numeric(services["hom_cnt"], errors="coerce").to_numpy(),
                "pipe_id": np.where(attached, network.pipe_ids[network.piece_pipe[piece]], ""),
                "geometry": services.geometry.to_numpy(),
            }
        )
        served_ids = set(frame["bld_id"])
        for bld_id, group in frame.groupby("bld_id", sort=True):
            if (group["cause"] == "").any():  # a building with another connection that still has water
                continue
            households = group["households"].sum(min_count=1)
            rows.append(
                {
                    "bld_id": bld_id,
                    "cause": "isolated" if (group["cause"] == "isolated").any() else "cut_off",
                    "households": households,
                    "basis": BASIS_CONNECTION,
                    "pipe_id": ", ".join(sorted(set(group["pipe_id"]))),
                    "geometry": group["geometry"].iloc[0],
                }
            )
    found = pd.DataFrame(rows, columns=["bld_id", "cause", "households", "basis", "pipe_id", "geometry"])
    crs = network.inputs.pipes.crs
    if buildings is None:
        return _finish(gpd.GeoDataFrame(found, geometry="geometry", crs=crs))
    ids = buildings[id_field].astype(str).to_numpy() if id_field in buildings else buildings.index.astype(str)
    polygons = np.asarray(buildings.geometry.values, dtype=object)
    by_id = pd.Series(np.arange(len(ids)), index=ids)
    by_id = by_id[~by_id.index.duplicated()]
    at = by_id.reindex(found["bld_id"]).to_numpy()
    known = ~np.isnan(at)
    found.loc[known, "geometry"] = polygons[at[known].astype(int)]
    if household_field and household_field in buildings:
        counts = pd.to_numeric(buildings[household_field], errors="coerce").to_numpy()
        missing = known & found["households"].isna().to_numpy()
        found.loc[missing, "households"] = counts[at[missing].astype(int)]
    unserved = np.flatnonzero(~np.isin(ids, list(served_ids)))
    guessed = _by_buffer(plan, ids[unserved], polygons[unserved], buffer_m)
    if household_field and household_field in buildings and len(guessed):
        counts = pd.to_numeric(buildings[household_field], errors="coerce").to_numpy()
        guessed["households"] = counts[unserved][guessed.pop("row").to_numpy()]
    else:
        guessed = guessed.drop(columns="row")
    parts = [part for part in (found, guessed) if len(part)]
    merged = pd.concat(parts, ignore_index=True) if parts else found
    return _finish(gpd.GeoDataFrame(merged, geometry="geometry", crs=crs))


def _by_buffer(plan: IsolationPlan, ids: np.ndarray, polygons: np.ndarray, buffer_m: float) -> pd.DataFrame:
    network = plan.network
    columns = ["bld_id", "cause", "households", "basis", "pipe_id", "geometry", "row"]
    if len(polygons) == 0:
        return pd.DataFrame(columns=columns)
    (which, pipe) = network.tree.query_nearest(polygons, max_distance=buffer_m)
    which, first = np.unique(which, return_index=True)
    pipe = pipe[first]
    nearest = shapely.get_point(shapely.shortest_line(network.pipe_geoms[pipe], polygons[which]), 0)
    pieces = network.locate(pipe, shapely.line_locate_point(network.pipe_geoms[pipe], nearest))
    cause = _cause(plan, pieces)
    dry = cause != ""
    return pd.DataFrame(
        {
            "bld_id": ids[which[dry]],
            "cause": cause[dry],
            "households": np.nan,
            "basis": BASIS_BUFFER,
            "pipe_id": network.pipe_ids[pipe[dry]],
            "geometry": polygons[which[dry]],
            "row": which[dry],
        },
        columns=columns,
    )


def _finish(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame["cause_ko"] = frame["cause"].map(CAUSE_KO)
    frame["households"] = pd.to_numeric(frame["households"], errors="coerce")
    return frame.sort_values(["cause", "bld_id"], kind="stable").reset_index(drop=True)
