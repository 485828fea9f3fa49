"""The shut-off plan as output layers: valves to close, pipes without water, buildings, hydrants, summary."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .isolation import Break, IsolationPlan
from .served import BASIS_BUFFER

PIPE_COLUMNS = ["pipe_id", "cause", "cause_ko", "diameter_mm", "material", "from_m", "to_m", "length_m", "breaks"]


def pipe_layer(plan: IsolationPlan, pieces: np.ndarray, cause: str) -> gpd.GeoDataFrame:
    """One line per pipe piece (a pipe is cut where a valve or junction splits it)."""
    network = plan.network
    pipes = network.inputs.pipes
    rows = network.piece_pipe[pieces]
    component = network.piece_component[pieces]
    breaks = [", ".join(plan.area_breaks.get(int(c), [])) for c in component] if cause == "isolated" else ""
    frame = gpd.GeoDataFrame(
        {
            "pipe_id": network.pipe_ids[rows],
            "cause": cause,
            "cause_ko": "단수 구간 (isolated)" if cause == "isolated" else "하류 단수 (cut off downstream)",
            "diameter_mm": pipes["std_dip"].to_numpy(dtype=float)[rows],
            "material": pipes["mop_cde"].to_numpy()[rows],
            "from_m": np.round(network.piece_from[pieces], 2),
            "to_m": np.round(network.piece_to[pieces], 2),
            "length_m": np.round(network.piece_to[pieces] - network.piece_from[pieces], 2),
            "breaks": breaks,
        },
        geometry=list(network.piece_geometry(pieces)),
        crs=pipes.crs,
    )
    return frame[frame["length_m"] > 0].reset_index(drop=True)


def hydrant_layer(plan: IsolationPlan) -> gpd.GeoDataFrame:
    """Hydrants (소화전) on a main without water: out of service until the water is back."""
    network = plan.network
    hydrants = network.inputs.hydrants
    columns = {"hydrant_id": [], "pipe_id": [], "cause": []}
    if hydrants is None:
        return gpd.GeoDataFrame(columns, geometry=[], crs=network.inputs.pipes.crs)
    piece = network.hydrant_piece
    attached = piece >= 0
    dry = np.zeros(len(hydrants), dtype=bool)
    dry[attached] = plan.without_water()[piece[attached]]
    rows = np.flatnonzero(dry)
    component = network.piece_component[piece[rows]]
    return gpd.GeoDataFrame(
        {
            "hydrant_id": hydrants["record_id"].astype(str).to_numpy()[rows],
            "pipe_id": network.pipe_ids[network.piece_pipe[piece[rows]]],
            "cause": np.where(plan.area[component], "isolated", "cut_off"),
        },
        geometry=hydrants.geometry.to_numpy()[rows],
        crs=network.inputs.pipes.crs,
    )


def break_layer(plan: IsolationPlan, breaks: list[Break]) -> gpd.GeoDataFrame:
    info = plan.breaks
    return gpd.GeoDataFrame(
        {
            "break_id": info["break_id"].astype(str),
            "pipe_id": info["pipe_id"].astype(str),
            "distance_m": info["distance_m"],
            "pieces": info["pieces"],
        },
        geometry=[b.geometry for b in breaks],
        crs=plan.network.inputs.pipes.crs,
    )


def summary_table(plan: IsolationPlan, buildings: gpd.GeoDataFrame, hydrants: gpd.GeoDataFrame) -> pd.DataFrame:
    """Measure / value / note rows; the notes carry every assumption a reader must know."""
    network = plan.network
    isolated, cut = plan.isolated_pieces, plan.cut_off_pieces
    length = network.piece_to - network.piece_from
    households = buildings["households"] if len(buildings) else pd.Series(dtype=float)
    off = network.unplaced["layer"] if len(network.unplaced) else pd.Series(dtype=str)
    rows = [
        ("breaks", len(plan.breaks), ", ".join(plan.breaks["break_id"].astype(str))),
        ("valves_to_close", len(plan.to_close), "닫을 밸브 (ordered: largest main first)"),
        ("valves_not_needed", len(plan.not_needed), "경계 밸브 중 너머에 급수원이 없어 닫지 않아도 되는 밸브"),
        ("valves_failed", len(plan.failed), "조작불가/현장 실패로 다음 밸브까지 확장한 밸브"),
        ("valves_already_closed", len(plan.already_closed), "이미 닫힌 경계 밸브: 현장에서 닫혀 있는지 확인"),
        ("isolated_pipe_m", round(float(length[isolated].sum()), 1), "단수 구간 관로 연장"),
        ("cut_off_pipe_m", round(float(length[cut].sum()), 1), "급수원과 끊겨 함께 단수되는 관로 연장"),
        ("buildings_without_water", len(buildings), ""),
        ("households_without_water", float(households.sum()) if len(households) else 0.0,
         f"세대수 미상 건물 {int(households.isna().sum())}동" if households.isna().any() else ""),
        ("buildings_by_buffer", int((buildings["basis"] == BASIS_BUFFER).sum()) if len(buildings) else 0,
         "급수전 정보가 없어 가까운 관로로 추정한 건물"),
        ("hydrants_out_of_service", len(hydrants), "사용 중지 소화전: 소방서 통보"),
        ("feeding_points", len(network.source_components),
         "급수원 정보 없음: 관망별 최대 구경 관로를 유입점으로 가정" if network.sources_assumed else "wtl_serv_ps"),
        ("feeding_points_inside", len(plan.sources_inside), "; ".join(plan.sources_inside)),
        ("network_pieces", network.piece_count, "밸브와 분기점에서 나눈 관로 조각 수"),
        ("network_unfed_pipe_m", round(float(length[~network.baseline[network.piece_component]].sum()), 1),
         "파손 전부터 급수원과 연결되지 않은 관로 (data check)"),
        ("valves_off_network", int((off == "valve_ps").sum()), "상수관로 위에 없어 쓰지 않은 밸브 (rejects)"),
        ("points_off_network", int((off != "valve_ps").sum()), "관로에서 먼 소화전·급수전·급수원 (rejects)"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["measure", "value", "note"]).astype({"value": float})


def plan_layers(
    plan: IsolationPlan, breaks: list[Break], buildings: gpd.GeoDataFrame
) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    hydrants = hydrant_layer(plan)
    rejects = pd.concat([plan.network.inputs.rejects, plan.network.unplaced], ignore_index=True)
    return {
        "valves_to_close": plan.to_close,
        "valves_not_needed": plan.not_needed,
        "valves_failed": plan.failed,
        "valves_already_closed": plan.already_closed,
        "isolated_pipes": pipe_layer(plan, plan.isolated_pieces, "isolated"),
        "cut_off_pipes": pipe_layer(plan, plan.cut_off_pieces, "cut_off"),
        "buildings_without_water": buildings,
        "hydrants_out_of_service": hydrants,
        "breaks": break_layer(plan, breaks),
        "summary": summary_table(plan, buildings, hydrants),
        "data_issues": plan.network.inputs.issues,
        "rejects": rejects,
    }
