"""One call from the facility store and the break layer to the styled plan: what the adapter runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from ..progress import SILENT, Progress
from .graph import NetworkOptions, WaterNetwork, build_network
from .inputs import load_water
from .isolation import Break, IsolationPlan, isolate
from .layers import hydrant_layer, plan_layers
from .notice import NoticeText, notice_html
from .served import buildings_without_water
from .styling import plan_styles


@dataclass(frozen=True)
class ResponseOptions:
    network: NetworkOptions = field(default_factory=NetworkOptions)
    break_snap_m: float = 5.0
    failed_valves: tuple[str, ...] = ()
    building_id_field: str = "bld_id"
    household_field: str | None = None
    service_buffer_m: float = 30.0
    notice: NoticeText = field(default_factory=NoticeText)


@dataclass
class Response:
    plan: IsolationPlan
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]
    styles: dict[str, str]
    notice: str


def breaks_from_frame(frame: gpd.GeoDataFrame, id_field: str | None, crs, where: str = "BREAKS") -> list[Break]:
    """Break points or dig polygons of a layer, each with its id (the id field, else its feature number)."""
    if frame is None or frame.empty:
        raise InputError(
            f"{where}: 파손 지점 레이어에 피처가 없습니다 (the break layer is empty).",
            "파손 지점(점)이나 굴착 구역(면)을 한 개 이상 그려 주십시오.",
        )
    if id_field and id_field not in frame.columns:
        raise InputError(f"{where}: 식별자 필드 {id_field!r}가 없습니다 (no such id field).", "있는 필드를 고르십시오.")
    if frame.crs is not None and crs is not None and not frame.crs.equals(crs):
        frame = frame.to_crs(crs)
    geometry = frame.geometry
    empty = geometry.isna() | geometry.is_empty
    if empty.any():
        row = int(empty.to_numpy().nonzero()[0][0])
        raise InputError(
            f"{where}: {row + 1}번째 피처에 도형이 없습니다 (feature without geometry).", "위치를 그려 주십시오."
        )
    ids = frame[id_field].astype(str).to_numpy() if id_field else [str(i) for i in range(1, len(frame) + 1)]
    return [Break(str(i), g) for i, g in zip(ids, geometry.to_numpy(), strict=True)]


def respond(
    store: str | Path | Mapping[str, gpd.GeoDataFrame] | WaterNetwork,
    breaks: Iterable[Break],
    buildings: gpd.GeoDataFrame | None = None,
    options: ResponseOptions | None = None,
    progress: Progress = SILENT,
) -> Response:
    """Plan the shut-off for ``breaks`` on the store (or an already built network) and lay it out."""
    options = options or ResponseOptions()
    network = store if isinstance(store, WaterNetwork) else build_network(load_water(store), options.network)
    progress.info(
        f"상수관망: 관로 {len(network.inputs.pipes):,}개 → 조각 {network.piece_count:,}개, "
        f"밸브 {len(network.valves):,}개"
    )
    progress.set(0.5)
    breaks = list(breaks)
    plan = isolate(network, breaks, options.failed_valves, options.break_snap_m)
    if buildings is not None and options.building_id_field not in buildings.columns:
        raise InputError(
            f"BUILDINGS: 건물 레이어에 식별자 필드 {options.building_id_field!r}가 없습니다 "
            "(no such building id field).",
            f"급수전의 bld_id와 같은 값을 가진 필드를 고르십시오 (fields: {', '.join(map(str, buildings.columns))}).",
        )
    if buildings is not None and buildings.crs is not None and not buildings.crs.equals(network.inputs.pipes.crs):
        buildings = buildings.to_crs(network.inputs.pipes.crs)
    dry = buildings_without_water(
        plan, buildings, options.building_id_field, options.household_field, options.service_buffer_m
    )
    progress.set(0.7)
    layers = plan_layers(plan, breaks, dry)
    return Response(plan, layers, plan_styles(layers), notice_html(plan, dry, hydrant_layer(plan), options.notice))
