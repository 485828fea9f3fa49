"""The water tables of the facility store, checked for what an isolation needs, with Korean messages.

The store's loader validates every record (ids, geometry, numbers, depths); here the water main table
must exist and hold pipes, and at least one water valve must exist, or there is no plan to make. Valves
of other networks (``net_type`` gas/heat) are set aside; a valve without ``net_type`` counts as a water
valve when it lies on a water main (checked when the network is built).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from ..facilities.loader import FacilityStore, load_store
from ..facilities.schema import VALVE, WATER, WATER_SERVICE_LAYERS

PIPES, VALVES = WATER.name, VALVE.name
HYDRANTS, SOURCES, SERVICES = "wtl_fire_ps", "wtl_serv_ps", "wtl_meta_ps"


@dataclass
class WaterInputs:
    """Validated water tables (the loader's columns: record_id, src_row and the schema fields)."""

    pipes: gpd.GeoDataFrame
    valves: gpd.GeoDataFrame
    hydrants: gpd.GeoDataFrame | None
    sources: gpd.GeoDataFrame | None
    services: gpd.GeoDataFrame | None
    issues: pd.DataFrame
    rejects: pd.DataFrame


def load_water(
    source: str | Path | Mapping[str, gpd.GeoDataFrame], today: date | None = None, where: str = "FACILITIES"
) -> WaterInputs:
    """Read and check the water tables of a facility store (a GeoPackage, PostGIS schema or frames)."""
    wanted = {PIPES: WATER, VALVES: VALVE}
    try:
        core = load_store(source, today, wanted, require_any=True)
    except InputError as exc:
        raise InputError(
            f"{where}: 상수관로(wtl_pipe_lm)와 제수밸브(valve_ps)를 읽을 수 없습니다 — {exc.message}",
            exc.hint or "지하시설물 통합DB 형식의 GeoPackage를 주십시오 (the facility store).",
        ) from exc
    extra = load_store(source, today, WATER_SERVICE_LAYERS, require_any=False)
    return _checked(core, extra, where)


def _checked(core: FacilityStore, extra: FacilityStore, where: str) -> WaterInputs:
    pipes = core.layers.get(PIPES)
    if pipes is None:
        raise InputError(
            f"{where}: 상수관로 테이블 wtl_pipe_lm이 없습니다 (no water main table).",
            "상수관로를 wtl_pipe_lm(WTL_PIPE_LM) 레이어로 넣어 주십시오.",
        )
    if pipes.empty:
        raise InputError(
            f"{where}: 상수관로 wtl_pipe_lm에 쓸 수 있는 관로가 없습니다 (the water main layer is empty"
            f"{', every record was rejected' if len(core.rejects) else ''}).",
            "관로 도형이 있는 레코드를 넣거나 rejects 표의 사유를 고쳐 주십시오.",
        )
    valves = core.layers.get(VALVES)
    if valves is not None and "net_type" in valves.columns:
        valves = valves[valves["net_type"].isna() | (valves["net_type"] == "water")].reset_index(drop=True)
    if valves is None or valves.empty:
        raise InputError(
            f"{where}: 제수밸브가 없습니다 — valve_ps에 상수(net_type = water) 밸브가 한 개도 없습니다 "
            "(no water valves).",
            "제수밸브(WTL_VALV_PS)를 valve_ps 레이어에 net_type = water로 넣어 주십시오; "
            "밸브 없이는 단수 계획을 세울 수 없습니다.",
        )
    issues = pd.concat([core.issues, extra.issues], ignore_index=True)
    rejects = pd.concat([core.rejects, extra.rejects], ignore_index=True)
    return WaterInputs(
        pipes=pipes.reset_index(drop=True),
        valves=valves,
        hydrants=_nonempty(extra.layers.get(HYDRANTS)),
        sources=_nonempty(extra.layers.get(SOURCES)),
        services=_nonempty(extra.layers.get(SERVICES)),
        issues=issues,
        rejects=rejects,
    )


def _nonempty(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    return None if frame is None or frame.empty else frame.reset_index(drop=True)
