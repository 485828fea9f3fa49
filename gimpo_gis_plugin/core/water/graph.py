"""The water network as a graph, built once: pipes split at valves and junctions, valves as links.

Nodes are the pipe ends (ends closer than ``snap_m`` are one junction), the points where a pipe's end
meets another pipe's interior (a T), and two nodes per valve, one on each side. Edges are the pipe
*pieces* between consecutive nodes along a pipe, and one link per valve between its two nodes. Two
pipes that cross on the map without a shared node are NOT connected (a main passing over another at a
different depth is the usual reason; a real cross fitting is drawn with a node).

What stays fixed between breaks is computed here with ``scipy.sparse.csgraph``:

- ``component``: connected pieces when every valve that can be closed is closed. Pieces joined by a valve
  that is open but cannot be turned (조작불가, 매몰) fall in the same component: that is how a failed
  valve widens the area to the next ring outward. Closed valves (상시폐쇄) never join anything.
- ``segment``: the same with every open valve closed, operable or not (what the plan would isolate if
  every valve worked; a failed valve is one between two segments of the isolated area).
- the component graph: one edge per closable valve between the two components it separates, plus the
  feeding points (배수지, 가압장, 인입점) as the components they feed; ``baseline`` is what they reach before
  any break.

A valve is placed on its nearest water main (within ``valve_snap_m``); one drawn on a joint is moved just
inside that main, so it closes that branch. A valve farther from every main is listed, not used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from ..errors import InputError
from .inputs import WaterInputs
from .states import valve_closed, valve_operable

JOINT_INSET_M = 0.5  # how far inside its main a valve drawn on a joint is moved


@dataclass(frozen=True)
class NetworkOptions:
    """Tolerances in metres: ends closer than ``snap_m`` are one junction; a valve, hydrant, feeding point
    or service connection farther than its distance from every main is not attached."""

    snap_m: float = 0.5
    valve_snap_m: float = 2.0
    hydrant_snap_m: float = 15.0
    source_snap_m: float = 30.0
    service_snap_m: float = 60.0


@dataclass
class WaterNetwork:
    """The built network; arrays are indexed by piece, valve or node (see the module docstring)."""

    inputs: WaterInputs
    options: NetworkOptions
    pipe_geoms: np.ndarray
    pipe_length: np.ndarray
    tree: shapely.STRtree
    piece_pipe: np.ndarray
    piece_from: np.ndarray
    piece_to: np.ndarray
    piece_u: np.ndarray
    piece_v: np.ndarray
    node_count: int
    valves: gpd.GeoDataFrame  # the valves on a main: record_id, ftr_idn, val_dep, pipe, at_m, closed, ...
    valve_a: np.ndarray
    valve_b: np.ndarray
    component: np.ndarray  # per node
    segment: np.ndarray  # per node
    component_count: int
    source_components: np.ndarray
    sources_assumed: bool
    source_names: dict[int, str]  # component -> name of the feeding point(s)
    baseline: np.ndarray  # per component: fed before the break
    unplaced: pd.DataFrame = field(default_factory=pd.DataFrame)  # valves/points not on any main
    hydrant_piece: np.ndarray | None = None
    service_piece: np.ndarray | None = None
    source_piece: np.ndarray | None = None
    pipe_ids: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    valve_ids: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    _piece_key: np.ndarray | None = None

    @property
    def piece_count(self) -> int:
        return len(self.piece_pipe)

    @property
    def piece_component(self) -> np.ndarray:
        return self.component[self.piece_u]

    def locate(self, pipe: np.ndarray, at_m: np.ndarray) -> np.ndarray:
        """The piece of ``pipe`` that holds the point ``at_m`` metres along it."""
        pipe = np.asarray(pipe, dtype=np.int64)
        first = np.searchsorted(self.piece_pipe, pipe, side="left")
        last = np.searchsorted(self.piece_pipe, pipe, side="right") - 1
        # pipe row plus the fraction along it: sorted like the pieces, and exact to well under a millimetre
        query = pipe + np.asarray(at_m, dtype=float) / (self.pipe_length[pipe] + 1.0)
        found = np.searchsorted(self.piece_key, query, side="right") - 1
        return np.clip(found, first, last)

    @property
    def piece_key(self) -> np.ndarray:
        if self._piece_key is None:
            self._piece_key = self.piece_pipe + self.piece_from / (self.pipe_length[self.piece_pipe] + 1.0)
        return self._piece_key

    def piece_geometry(self, pieces: np.ndarray) -> np.ndarray:
        """The line of each piece (the whole pipe when the piece is all of it)."""
        geoms = self.pipe_geoms[self.piece_pipe[pieces]]
        start, end = self.piece_from[pieces], self.piece_to[pieces]
        whole = (start <= 0) & (end >= self.pipe_length[self.piece_pipe[pieces]])
        out = geoms.copy()
        for k in np.flatnonzero(~whole):
            out[k] = shapely.ops.substring(geoms[k], start[k], end[k])
        return out


def build_network(inputs: WaterInputs, options: NetworkOptions | None = None) -> WaterNetwork:
    """Split the mains, place the valves, label components and what the feeding points reach."""
    options = options or NetworkOptions()
    pipes = inputs.pipes
    geoms = np.asarray(pipes.geometry.values, dtype=object)
    length = shapely.length(geoms)
    tree = shapely.STRtree(geoms)
    ends, end_node, node_count = _junction_nodes(geoms, options.snap_m)
    t_pipe, t_at, t_node = _tee_events(geoms, length, tree, ends, end_node, options.snap_m)
    valves, unplaced = _place_valves(inputs.valves, geoms, length, tree, options.valve_snap_m)
    if valves.empty:
        raise InputError(
            f"제수밸브 {len(inputs.valves):,}개 가운데 상수관로에서 {options.valve_snap_m:g} m 안에 있는 밸브가 "
            "없습니다 (no valve lies on a water main).",
            "밸브 위치를 관로 위로 고치거나 VALVE_TOLERANCE를 늘려 주십시오.",
        )
    count = len(geoms)
    valve_a = node_count + 2 * np.arange(len(valves))
    valve_b = valve_a + 1
    node_count += 2 * len(valves)
    v_pipe, v_at = valves["pipe"].to_numpy(dtype=np.int64), valves["at_m"].to_numpy(dtype=float)
    items_pipe = np.concatenate([np.arange(count), t_pipe, v_pipe, np.arange(count)])
    items_at = np.concatenate([np.zeros(count), t_at, v_at, length])
    items_rank = np.concatenate([np.zeros(count), np.ones(len(t_pipe) + len(v_pipe)), np.full(count, 2)])
    items_before = np.concatenate([np.full(count, -1), t_node, valve_a, end_node[1::2]])
    items_after = np.concatenate([end_node[0::2], t_node, valve_b, np.full(count, -1)])
    order = np.lexsort((items_rank, items_at, items_pipe))
    items_pipe, items_at = items_pipe[order], items_at[order]
    items_before, items_after = items_before[order], items_after[order]
    same = items_pipe[:-1] == items_pipe[1:]
    piece_pipe = items_pipe[:-1][same]
    piece_from, piece_to = items_at[:-1][same], items_at[1:][same]
    piece_u, piece_v = items_after[:-1][same], items_before[1:][same]

    closed, _ = valve_closed(valves["off_cde"])
    operable, _ = valve_operable(valves["opr_yn"])
    stuck = ~closed & ~operable
    component_count, component = _components(
        node_count, np.concatenate([piece_u, valve_a[stuck]]), np.concatenate([piece_v, valve_b[stuck]])
    )
    _, segment = _components(node_count, piece_u, piece_v)
    network = WaterNetwork(
        inputs=inputs,
        options=options,
        pipe_geoms=geoms,
        pipe_length=length,
        tree=tree,
        piece_pipe=piece_pipe,
        piece_from=piece_from,
        piece_to=piece_to,
        piece_u=piece_u,
        piece_v=piece_v,
        node_count=node_count,
        valves=valves.assign(closed=closed, operable=operable),
        valve_a=valve_a,
        valve_b=valve_b,
        component=component,
        segment=segment,
        component_count=component_count,
        source_components=np.array([], dtype=np.int64),
        sources_assumed=False,
        source_names={},
        baseline=np.zeros(component_count, dtype=bool),
        unplaced=unplaced,
        pipe_ids=pipes["record_id"].astype(str).to_numpy(),
        valve_ids=valves["record_id"].astype(str).to_numpy(),
    )
    _attach_sources(network)
    network.baseline = reached_components(network, closable_edges(network), network.source_components)
    network.hydrant_piece = _attach_points(network, inputs.hydrants, options.hydrant_snap_m)
    network.service_piece = _attach_services(network, inputs.services, options.service_snap_m)
    _list_unattached(network)
    return network


def _list_unattached(network: WaterNetwork) -> None:
    """Hydrants, service connections and feeding points too far from every main go to the rejects."""
    inputs, options = network.inputs, network.options
    rows = [network.unplaced]
    for layer, frame, attached, limit, what in (
        ("wtl_fire_ps", inputs.hydrants, network.hydrant_piece, options.hydrant_snap_m, "소화전"),
        ("wtl_meta_ps", inputs.services, network.service_piece, options.service_snap_m, "급수전"),
        ("wtl_serv_ps", inputs.sources, network.source_piece, options.source_snap_m, "급수원"),
    ):
        if frame is None or attached is None:
            continue
        missing = np.flatnonzero(attached < 0)
        rows.append(
            pd.DataFrame(
                {
                    "layer": layer,
                    "record_id": frame["record_id"].to_numpy()[missing],
                    "src_row": frame["src_row"].to_numpy()[missing],
                    "code": "POINT_OFF_NETWORK",
                    "reason": f"{what}이(가) 상수관로에서 {limit:g} m 넘게 떨어져 있어 쓰지 않았습니다 "
                    "(not on any main).",
                }
            )
        )
    network.unplaced = (
        pd.concat([r for r in rows if len(r)], ignore_index=True) if any(len(r) for r in rows) else network.unplaced
    )


def _components(nodes: int, u: np.ndarray, v: np.ndarray) -> tuple[int, np.ndarray]:
    matrix = sparse.coo_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(nodes, nodes)).tocsr()
    return csgraph.connected_components(matrix, directed=False)


def _junction_nodes(geoms: np.ndarray, snap_m: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Both ends of every pipe (start, end interleaved) and their node: ends within ``snap_m`` are one."""
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    first = np.searchsorted(owner, np.arange(len(geoms)), side="left")
    last = np.searchsorted(owner, np.arange(len(geoms)), side="right") - 1
    ends = np.empty((2 * len(geoms), 2))
    ends[0::2], ends[1::2] = coords[first], coords[last]
    pairs = cKDTree(ends).query_pairs(snap_m, output_type="ndarray") if len(ends) else np.empty((0, 2), int)
    count, label = _components(len(ends), pairs[:, 0], pairs[:, 1])
    return ends, label.astype(np.int64), count


def _tee_events(
    geoms: np.ndarray, length: np.ndarray, tree: shapely.STRtree, ends: np.ndarray, end_node: np.ndarray, snap_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A pipe end that lies on another pipe's interior splits that pipe there (a T junction)."""
    lonely = np.flatnonzero(np.bincount(end_node, minlength=end_node.max() + 1 if len(end_node) else 0)[end_node] == 1)
    if len(lonely) == 0:
        return np.array([], np.int64), np.array([]), np.array([], np.int64)
    points = shapely.points(ends[lonely])
    which, pipe = tree.query(points, predicate="dwithin", distance=snap_m)
    own = lonely[which] // 2
    keep = pipe != own
    which, pipe = which[keep], pipe[keep]
    at = shapely.line_locate_point(geoms[pipe], points[which])
    inside = (at > snap_m) & (at < length[pipe] - snap_m)
    return pipe[inside].astype(np.int64), at[inside], end_node[lonely[which[inside]]]


def _place_valves(
    valves: gpd.GeoDataFrame, geoms: np.ndarray, length: np.ndarray, tree: shapely.STRtree, snap_m: float
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    points = np.asarray(valves.geometry.values, dtype=object)
    which, pipe, distance = nearest_within(tree, geoms, points, snap_m)
    placed = valves.iloc[which].reset_index(drop=True)
    at = shapely.line_locate_point(geoms[pipe], points[which])
    inset = np.minimum(JOINT_INSET_M, length[pipe] / 4.0)
    at = np.clip(at, inset, length[pipe] - inset)
    placed = placed.assign(pipe=pipe, at_m=at, offset_m=np.round(distance, 2))
    missing = np.setdiff1d(np.arange(len(valves)), which)
    unplaced = pd.DataFrame(
        {
            "layer": "valve_ps",
            "record_id": valves["record_id"].to_numpy()[missing],
            "src_row": valves["src_row"].to_numpy()[missing] if "src_row" in valves else missing,
            "code": "VALVE_OFF_NETWORK",
            "reason": [
                f"제수밸브가 상수관로에서 {snap_m:g} m 넘게 떨어져 있어 계획에 쓰지 않았습니다 "
                "(valve not on any water main)."
            ]
            * len(missing),
        }
    )
    return placed, unplaced


def nearest_within(
    tree: shapely.STRtree, geoms: np.ndarray, points: np.ndarray, snap_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point row, nearest main, distance) for the points within ``snap_m`` of a main; ties go to the
    main of the lowest row, so the answer does not depend on the tree's order."""
    x, y = shapely.get_x(points), shapely.get_y(points)
    boxes = shapely.box(x - snap_m, y - snap_m, x + snap_m, y + snap_m)
    which, pipe = tree.query(boxes)  # envelopes only; the exact distance below decides
    distance = shapely.distance(points[which], geoms[pipe])
    close = distance <= snap_m
    which, pipe, distance = which[close], pipe[close], distance[close]
    order = np.lexsort((pipe, distance, which))
    which, pipe, distance = which[order], pipe[order], distance[order]
    which, first = np.unique(which, return_index=True)
    return which, pipe[first], distance[first]


def closable_edges(network: WaterNetwork, failed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(component a, component b) of every open valve that could be closed, between two components."""
    usable = ~network.valves["closed"].to_numpy() & network.valves["operable"].to_numpy()
    if failed is not None:
        usable &= ~failed
    ca = network.component[network.valve_a[usable]]
    cb = network.component[network.valve_b[usable]]
    between = ca != cb
    return ca[between], cb[between]


def reached_components(
    network: WaterNetwork, edges: tuple[np.ndarray, np.ndarray], sources: np.ndarray, removed: np.ndarray | None = None
) -> np.ndarray:
    """Components the feeding points reach through the given open valves, ``removed`` components cut out."""
    count = network.component_count
    ca, cb = edges
    if removed is not None and removed.any():
        keep = ~removed[ca] & ~removed[cb]
        ca, cb = ca[keep], cb[keep]
        sources = sources[~removed[sources]]
    hub = count  # one extra node joined to every feeding point
    rows = np.concatenate([ca, np.full(len(sources), hub)])
    cols = np.concatenate([cb, sources])
    matrix = sparse.coo_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(count + 1, count + 1)).tocsr()
    order = csgraph.breadth_first_order(matrix, hub, directed=False, return_predecessors=False)
    reached = np.zeros(count + 1, dtype=bool)
    reached[order] = True
    return reached[:count]


def _attach_sources(network: WaterNetwork) -> None:
    """Feeding points from wtl_serv_ps; without any, each network's largest main is taken as its inlet."""
    sources = network.inputs.sources
    pieces = None
    if sources is not None:
        pieces, kept = _nearest_pieces(network, sources, network.options.source_snap_m)
        network.source_piece = np.full(len(sources), -1, dtype=np.int64)
        network.source_piece[kept] = pieces
        names = sources["srv_nam"].fillna(sources["record_id"]).astype(str).to_numpy()[kept]
        if len(pieces):
            network.source_components = np.unique(network.piece_component[pieces])
            for piece, name in zip(pieces, names, strict=True):
                component = int(network.piece_component[piece])
                network.source_names[component] = ", ".join(
                    filter(None, [network.source_names.get(component), str(name)])
                )
            return
    # No feeding point given: in every network (all valves open) the largest main is the inlet.
    network.sources_assumed = True
    open_valves = ~network.valves["closed"].to_numpy()
    _, whole = _components(
        network.node_count,
        np.concatenate([network.piece_u, network.valve_a[open_valves]]),
        np.concatenate([network.piece_v, network.valve_b[open_valves]]),
    )
    diameter = network.inputs.pipes["std_dip"].to_numpy(dtype=float)[network.piece_pipe]
    ids = network.pipe_ids[network.piece_pipe]
    group = whole[network.piece_u]
    order = np.lexsort((ids, -np.nan_to_num(diameter, nan=-1.0), group))
    first = order[np.unique(group[order], return_index=True)[1]]
    network.source_components = np.unique(network.piece_component[first])
    for piece in first:
        component = int(network.piece_component[piece])
        network.source_names[component] = f"유입점 가정: {ids[piece]} (최대 구경 관로)"


def _nearest_pieces(network: WaterNetwork, points: gpd.GeoDataFrame, snap_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(piece, row of ``points``) for the points within ``snap_m`` of a main."""
    geoms = np.asarray(points.geometry.values, dtype=object)
    which, pipe, _ = nearest_within(network.tree, network.pipe_geoms, geoms, snap_m)
    at = shapely.line_locate_point(network.pipe_geoms[pipe], geoms[which])
    return network.locate(pipe, at), which


def _attach_points(network: WaterNetwork, points: gpd.GeoDataFrame | None, snap_m: float) -> np.ndarray | None:
    """The piece each point (a hydrant) hangs on, -1 when it is farther than ``snap_m`` from every main."""
    if points is None:
        return None
    result = np.full(len(points), -1, dtype=np.int64)
    pieces, which = _nearest_pieces(network, points, snap_m)
    result[which] = pieces
    return result


def _attach_services(network: WaterNetwork, services: gpd.GeoDataFrame | None, snap_m: float) -> np.ndarray | None:
    """A service connection hangs on the main its 관로관리번호 (pip_idn) names, else on the nearest main."""
    if services is None:
        return None
    result = _attach_points(network, services, snap_m)
    ids = network.inputs.pipes["ftr_idn"].astype("string")
    unique = ids[~ids.duplicated(keep=False) & ids.notna()]
    row_of = pd.Series(unique.index.to_numpy(), index=unique.to_numpy())
    named = services["pip_idn"].astype("string").map(row_of)
    rows = np.flatnonzero(named.notna().to_numpy())
    if len(rows):
        pipe = named.to_numpy()[rows].astype(np.int64)
        points = np.asarray(services.geometry.values, dtype=object)[rows]
        at = shapely.line_locate_point(network.pipe_geoms[pipe], points)
        result[rows] = network.locate(pipe, at)
    return result
