"""The shut-off plan for one or more breaks (or a dig): valves to close, pipes isolated, pipes cut off.

For the broken pieces the isolated area is their components (see :mod:`.graph`): closing every
closable valve on its boundary stops the water, and a valve that cannot be turned has already joined
the next component outward (the next ring), so the plan closes that one's outer valves instead and
names the valve that failed. Valves the crew found stuck on site (``failed_valves``) do the same for
this run. Valves already closed (상시폐쇄) bound the area without being touched.

The set is minimal: after the area is cut out, a boundary valve whose far side no feeding point reaches
any more need not be closed (no water comes from there); that far side is *cut off* and loses water
too, as does everything only fed through the area ("downstream"). Parts that no feeding point reached
before the break are not blamed on it (they are reported as a data problem). Several breaks are one
plan: their areas and cut-offs are the union, and each valve lists the breaks it serves.

Valves to close are ordered by the diameter of their main (the largest inflow stopped first, which
limits the water lost), then by their distance from the nearest break, then by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from ..errors import InputError
from .graph import WaterNetwork, closable_edges, reached_components


@dataclass(frozen=True)
class Break:
    """A break point, a dig polygon or a stretch of main; ``pipe_id`` limits it to that main's record."""

    break_id: str
    geometry: shapely.Geometry
    pipe_id: str | None = None


@dataclass
class IsolationPlan:
    network: WaterNetwork
    breaks: pd.DataFrame  # break_id, pipe_id, distance_m, pieces
    area: np.ndarray  # per component: isolated
    cut_off: np.ndarray  # per component: loses water because the area is shut
    to_close: pd.DataFrame
    not_needed: pd.DataFrame
    failed: pd.DataFrame
    already_closed: pd.DataFrame
    sources_inside: list[str] = field(default_factory=list)
    area_breaks: dict[int, list[str]] = field(default_factory=dict)  # component -> breaks in its area

    @property
    def isolated_pieces(self) -> np.ndarray:
        return np.flatnonzero(self.area[self.network.piece_component])

    @property
    def cut_off_pieces(self) -> np.ndarray:
        return np.flatnonzero(self.cut_off[self.network.piece_component])

    def without_water(self) -> np.ndarray:
        """Per piece: isolated or cut off."""
        component = self.network.piece_component
        return self.area[component] | self.cut_off[component]


VALVE_COLUMNS = ["seq", "valve_id", "depth_m", "diameter_mm", "pipe_id", "breaks", "distance_m", "note"]


def isolate(
    network: WaterNetwork, breaks: Iterable[Break], failed_valves: Iterable[str] = (), break_snap_m: float = 5.0
) -> IsolationPlan:
    """The plan for all ``breaks`` at once; ``failed_valves`` are valve ids (ftr_idn) that would not turn."""
    breaks = list(breaks)
    if not breaks:
        raise InputError(
            "파손 지점이 없습니다 (no break point or dig given).", "파손 지점이나 굴착 구역을 한 개 이상 주십시오."
        )
    valves = network.valves
    failed = _failed_mask(network.valve_ids, failed_valves)
    label = _rings(network, failed)
    rows, break_pieces = [], {}
    for item in breaks:
        pieces, pipe_id, distance = _pieces_of(network, item, break_snap_m)
        break_pieces[item.break_id] = pieces
        rows.append({"break_id": item.break_id, "pipe_id": pipe_id, "distance_m": distance, "pieces": len(pieces)})
    hit = np.unique(label[network.piece_component[np.concatenate(list(break_pieces.values()))]])
    area = np.isin(label, hit)
    area_breaks: dict[int, list[str]] = {}
    for break_id, pieces in break_pieces.items():
        for ring in np.unique(label[network.piece_component[pieces]]):
            area_breaks.setdefault(int(ring), []).append(break_id)

    edges = closable_edges(network)
    after = reached_components(network, edges, network.source_components, removed=area)
    cut_off = network.baseline & ~after & ~area
    ca, cb = network.component[network.valve_a], network.component[network.valve_b]
    usable = ~valves["closed"].to_numpy() & valves["operable"].to_numpy() & ~failed
    on_edge = usable & (area[ca] ^ area[cb])
    inside = np.where(area[ca], ca, cb)
    outside = np.where(area[ca], cb, ca)
    needed = on_edge & after[outside]
    skip = on_edge & ~after[outside]
    geometry_of_breaks = shapely.union_all([b.geometry for b in breaks])
    to_close = _valve_table(network, np.flatnonzero(needed), inside, label, area_breaks, geometry_of_breaks)
    not_needed = _valve_table(network, np.flatnonzero(skip), inside, label, area_breaks, geometry_of_breaks)
    not_needed["note"] = "잠글 필요 없음: 밸브 너머에 급수원이 없음 (no feeding point beyond; that side is cut off)"
    closed = valves["closed"].to_numpy() & (area[ca] ^ area[cb])
    already_closed = _valve_table(network, np.flatnonzero(closed), inside, label, area_breaks, geometry_of_breaks)
    already_closed["note"] = "이미 닫힌 경계 밸브: 닫혀 있는지 확인 (recorded closed: confirm on site)"
    sources_inside = [network.source_names[int(c)] for c in network.source_components if area[c]]
    return IsolationPlan(
        network=network,
        breaks=pd.DataFrame(rows),
        area=area,
        cut_off=cut_off,
        to_close=to_close,
        not_needed=not_needed,
        failed=_failed_table(network, failed, area, label, area_breaks),
        already_closed=already_closed,
        sources_inside=sources_inside,
        area_breaks={c: area_breaks.get(int(label[c]), []) for c in np.flatnonzero(area)},
    )


def _failed_mask(ids: np.ndarray, failed_valves: Iterable[str]) -> np.ndarray:
    wanted = [str(v).strip() for v in failed_valves if str(v).strip()]
    if not wanted:
        return np.zeros(len(ids), dtype=bool)
    unknown = sorted(set(wanted) - set(ids))
    if unknown:
        raise InputError(
            f"조작 실패 밸브 {', '.join(unknown)}: 상수관로 위의 제수밸브 중에 그런 관리번호가 없습니다 "
            "(unknown valve id).",
            "valve_ps의 ftr_idn(관리번호)을 쉼표로 구분해 적어 주십시오.",
        )
    return np.isin(ids, wanted)


def _rings(network: WaterNetwork, failed: np.ndarray) -> np.ndarray:
    """Per component, the label of the area it is isolated with: valves that failed on site join components."""
    if not failed.any():
        return np.arange(network.component_count)
    ca = network.component[network.valve_a[failed]]
    cb = network.component[network.valve_b[failed]]
    count = network.component_count
    matrix = sparse.coo_matrix((np.ones(len(ca), np.int8), (ca, cb)), shape=(count, count)).tocsr()
    return csgraph.connected_components(matrix, directed=False)[1]


def _pieces_of(network: WaterNetwork, item: Break, snap_m: float) -> tuple[np.ndarray, str, float]:
    """The pieces a break touches, the main's id and its distance from the break."""
    geom = item.geometry
    if geom is None or shapely.is_empty(geom):
        raise InputError(
            f"파손 지점 {item.break_id}: 도형이 없습니다 (the break has no geometry).", "위치를 그려 주십시오."
        )
    ids = network.pipe_ids
    point = shapely.get_type_id(geom) == 0
    if not point:  # a dig or a stretch: the mains in it (or within the junction snap), not 5 m around it
        snap_m = min(snap_m, network.options.snap_m)
    if item.pipe_id is not None:
        candidates = np.flatnonzero(ids == str(item.pipe_id))
    else:
        candidates = network.tree.query(geom, predicate="dwithin", distance=snap_m)
    if len(candidates):
        distance = shapely.distance(geom, network.pipe_geoms[candidates])
        candidates = candidates[distance <= snap_m]
    if len(candidates) == 0:
        nearest = network.tree.query_nearest(geom, return_distance=True)
        far = float(nearest[1][0]) if len(nearest[1]) else float("nan")
        raise InputError(
            f"파손 지점 {item.break_id}: 가장 가까운 상수관로가 {far:,.1f} m 떨어져 있어 (허용 {snap_m:g} m) "
            "어느 관로가 파손됐는지 알 수 없습니다 (the break is too far from every water main).",
            "파손 위치를 관로 위에 찍거나, 허용 거리(BREAK_TOLERANCE)를 늘려 주십시오.",
        )
    if point:  # a point: the nearest main only
        distance = shapely.distance(geom, network.pipe_geoms[candidates])
        pipe = candidates[np.lexsort((ids[candidates], distance))[:1]]
        at = shapely.line_locate_point(network.pipe_geoms[pipe], geom)
        return network.locate(pipe, at), str(ids[pipe[0]]), round(float(distance.min()), 2)
    zone = shapely.buffer(geom, snap_m) if snap_m > 0 else geom
    pieces = []
    for pipe in candidates:
        reach = shapely.intersection(network.pipe_geoms[pipe], zone)
        for part in shapely.get_parts(reach):
            coords = shapely.get_coordinates(part)
            if not len(coords):
                continue
            at = shapely.line_locate_point(network.pipe_geoms[pipe], shapely.points(coords))
            low, high = at.min(), at.max()
            first, last = np.searchsorted(network.piece_pipe, [pipe, pipe + 1])
            mine = np.arange(first, last)
            if high - low > 1e-6:  # a stretch: the pieces it runs along, not the ones it only touches at a valve
                overlap = (network.piece_from[mine] < high) & (network.piece_to[mine] > low)
            else:
                overlap = (network.piece_from[mine] <= high) & (network.piece_to[mine] >= low)
            pieces.append(mine[overlap])
    found = np.unique(np.concatenate(pieces)) if pieces else np.array([], np.int64)
    names = ", ".join(sorted(set(ids[network.piece_pipe[found]])))
    return found, names, 0.0


def _valve_table(
    network: WaterNetwork,
    rows: np.ndarray,
    inside: np.ndarray,
    label: np.ndarray,
    area_breaks: dict[int, list[str]],
    breaks: shapely.Geometry,
) -> gpd.GeoDataFrame:
    valves = network.valves.iloc[rows]
    pipes = network.inputs.pipes
    pipe_rows = valves["pipe"].to_numpy(dtype=np.int64)
    diameter = valves["std_dip"].to_numpy(dtype=float)
    diameter = np.where(np.isnan(diameter), pipes["std_dip"].to_numpy(dtype=float)[pipe_rows], diameter)
    distance = shapely.distance(np.asarray(valves.geometry.values, dtype=object), breaks)
    known = valves["opr_yn"].astype("string").str.strip().fillna("") != ""
    frame = gpd.GeoDataFrame(
        {
            "valve_id": valves["record_id"].astype(str).to_numpy(),
            "depth_m": valves["val_dep"].to_numpy(dtype=float),
            "diameter_mm": diameter,
            "pipe_id": network.pipe_ids[pipe_rows],
            "breaks": [", ".join(area_breaks.get(int(label[c]), [])) for c in inside[rows]],
            "distance_m": np.round(distance, 1),
            "note": np.where(known.to_numpy(), "", "조작 가능 여부 미확인: 먼저 확인 (operability not recorded)"),
        },
        geometry=valves.geometry.to_numpy(),
        crs=pipes.crs,
    )
    order = np.lexsort((frame["valve_id"].to_numpy(), frame["distance_m"].to_numpy(), -np.nan_to_num(diameter)))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "seq", np.arange(1, len(frame) + 1))
    return frame


def _failed_table(
    network: WaterNetwork, failed: np.ndarray, area: np.ndarray, label: np.ndarray, area_breaks: dict[int, list[str]]
) -> gpd.GeoDataFrame:
    """Valves that would have bounded the area but cannot be closed, so the plan went one ring outward."""
    valves = network.valves
    ca, cb = network.component[network.valve_a], network.component[network.valve_b]
    sa, sb = network.segment[network.valve_a], network.segment[network.valve_b]
    stuck = ~valves["closed"].to_numpy() & ~valves["operable"].to_numpy() & (sa != sb) & area[ca]
    on_site = failed & (area[ca] | area[cb])
    rows = np.flatnonzero(stuck | on_site)
    reason = np.where(
        on_site[rows],
        "현장 조작 실패로 다음 밸브까지 확장 (failed on site: next ring)",
        "조작불가로 등록된 밸브라 다음 밸브까지 확장 (recorded inoperable: next ring)",
    )
    chosen = valves.iloc[rows]
    return gpd.GeoDataFrame(
        {
            "valve_id": chosen["record_id"].astype(str).to_numpy(),
            "depth_m": chosen["val_dep"].to_numpy(dtype=float),
            "state": chosen["opr_yn"].astype("string").fillna("").to_numpy(),
            "breaks": [", ".join(area_breaks.get(int(label[c]), [])) for c in ca[rows]],
            "reason": reason,
        },
        geometry=chosen.geometry.to_numpy(),
        crs=network.inputs.pipes.crs,
    )
