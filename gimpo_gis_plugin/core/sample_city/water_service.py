"""What the sample city's water network needs for a break response: junctions, valve states, hydrants,
feeding points and service connections, added on a random stream of its own.

The designed mains stop short of intersections (so the clearance check sees a clean network); real mains
meet there. Each main's end is joined to the intersection's centre by a short connector main
(교차부 연결관, ``WTL-Jnnnnn``), with a 제수밸브 near the main on most of them (``VLV-Jnnnnn``); a connector
that would pass within 1 m of another network's line is left out, so no clearance finding is added.
Valves get 개폐여부 and 조작 가능: most open and operable, a few closed (zone boundaries), inoperable
(고장, 매몰) or unrecorded. Each connected network gets a 배수지 at one of its junctions (large ones a
가압장 too), every third main a hydrant, and most buildings a service connection (가구수 from the use:
단독주택 1-2, 공동주택 about one per 85 m² of floor area); the rest are left to the service buffer.

Nothing drawn before changes: the stream is separate (seed, 2101), new records are appended with new
ids, and existing valves only gain the two new columns.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

STREAM = 2101
CLEAR_OF_OTHERS_M = 1.0
VALVE_FROM_MAIN_M = 2.0


def water_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, STREAM])


def _states(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    state = rng.choice(["열림", "닫힘", ""], count, p=[0.96, 0.02, 0.02])
    operable = rng.choice(["Y", "N", "고장", "매몰", ""], count, p=[0.88, 0.02, 0.02, 0.01, 0.07])
    return state, operable


def _node_of_ends(water: gpd.GeoDataFrame, offsets: np.ndarray, setback: float) -> tuple[np.ndarray, np.ndarray]:
    """For each main, the road intersection beyond its start and its end (undoing the setback and offset)."""
    coords = shapely.get_coordinates(water.geometry.values).reshape(-1, 2, 2)
    start, end = coords[:, 0], coords[:, 1]
    unit = (end - start) / np.linalg.norm(end - start, axis=1)[:, None]
    normal = np.column_stack([-unit[:, 1], unit[:, 0]]) * offsets[:, None]
    return start - unit * setback - normal, end + unit * setback - normal


def connectors(
    water: gpd.GeoDataFrame, others: list[np.ndarray], offsets: np.ndarray, setback: float, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Connector mains from each main's ends to the intersection centre; and per connector its main's row."""
    begin_node, end_node = _node_of_ends(water, offsets, setback)
    ends = shapely.get_coordinates(water.geometry.values).reshape(-1, 2, 2)
    node = np.concatenate([begin_node, end_node])
    tip = np.concatenate([ends[:, 0], ends[:, 1]])
    owner = np.concatenate([np.arange(len(water)), np.arange(len(water))])
    key = pd.Series([f"{x:.1f},{y:.1f}" for x, y in np.round(node, 1)])
    shared = key.map(key.value_counts()).to_numpy() >= 2
    first = key.groupby(key).transform(lambda s: s.index[0]).to_numpy()
    node = node[first]  # one exact centre per intersection
    lines = shapely.linestrings(np.stack([tip, node], axis=1))
    other_tree = shapely.STRtree(np.concatenate(others))
    near = np.zeros(len(lines), dtype=bool)
    hit, _ = other_tree.query(lines, predicate="dwithin", distance=CLEAR_OF_OTHERS_M)
    near[hit] = True
    keep = np.flatnonzero(shared & ~near)
    rows = owner[keep]
    frame = water.iloc[rows].copy()
    frame["ftr_idn"] = [f"WTL-J{i:05d}" for i in range(1, len(keep) + 1)]
    frame["acc_grade"] = rng.choice(["A", "B", "C"], len(keep), p=[0.2, 0.6, 0.2])
    frame = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=lines[keep], crs=water.crs)
    return frame.reset_index(drop=True), rows


def junction_valves(conn: gpd.GeoDataFrame, rng: np.random.Generator, crs) -> gpd.GeoDataFrame:
    """A 제수밸브 on most connectors, 2 m from the main it closes off."""
    chosen = np.flatnonzero(rng.random(len(conn)) < 0.8)
    state, operable = _states(rng, len(chosen))
    points = shapely.line_interpolate_point(conn.geometry.values[chosen], VALVE_FROM_MAIN_M)
    return gpd.GeoDataFrame(
        {
            "ftr_idn": [f"VLV-J{i:05d}" for i in range(1, len(chosen) + 1)],
            "agency": "김포시 수도과",
            "acc_grade": rng.choice(["A", "B", "C"], len(chosen), p=[0.2, 0.6, 0.2]),
            "ist_ymd": conn["ist_ymd"].to_numpy()[chosen],
            "mop_cde": "DCIP",
            "std_dip": conn["std_dip"].to_numpy(dtype=float)[chosen],
            "net_type": "water",
            "val_dep": np.round(np.maximum(0.6, conn["low_dep"].to_numpy(dtype=float)[chosen] - 0.2), 2),
            "off_cde": state,
            "opr_yn": operable,
        },
        geometry=points,
        crs=crs,
    )


def sources(mains: gpd.GeoDataFrame, rng: np.random.Generator, crs) -> gpd.GeoDataFrame:
    """A 배수지 per connected network of 10 mains or more, a 가압장 too in networks of 200 or more."""
    ends = shapely.get_coordinates(mains.geometry.values).reshape(-1, 2, 2)
    keys = pd.Series([f"{x:.1f},{y:.1f}" for x, y in np.round(ends.reshape(-1, 2), 1)])
    node = pd.factorize(keys)[0]
    count = node.max() + 1
    graph = sparse.coo_matrix((np.ones(len(mains)), (node[0::2], node[1::2])), shape=(count, count))
    _, label = csgraph.connected_components(graph, directed=False)
    group = label[node[0::2]]
    diameter = mains["std_dip"].to_numpy(dtype=float)
    rows, kinds = [], []
    for component in np.unique(group):
        members = np.flatnonzero(group == component)
        if len(members) < 10:
            continue
        big = members[diameter[members] >= np.nanmax(diameter[members])]
        wanted = 2 if len(members) >= 200 else 1
        picks = rng.choice(big if len(big) >= wanted else members, wanted, replace=False)
        rows.extend(int(p) for p in picks)
        kinds.extend(["배수지", "가압장"][:wanted])
    numbers = range(1, len(rows) + 1)
    return gpd.GeoDataFrame(
        {
            "ftr_idn": [f"SRV-{i:03d}" for i in numbers],
            "agency": "김포시 수도과",
            "acc_grade": "A",
            "ist_ymd": "2005-03-01",
            "srv_nam": [f"김포 {k} {i}" for k, i in zip(kinds, numbers, strict=True)],
            "src_kind": kinds,
        },
        geometry=shapely.get_point(mains.geometry.values[rows], 0) if rows else [],
        crs=crs,
    )


def hydrants(mains: gpd.GeoDataFrame, rng: np.random.Generator, crs) -> gpd.GeoDataFrame:
    """A hydrant beside every third main, 1 m off it, a third of the way along."""
    rows = np.arange(0, len(mains), 3)
    lines = mains.geometry.values[rows]
    base = shapely.line_interpolate_point(lines, 0.3, normalized=True)
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    unit = (coords[:, 1] - coords[:, 0]) / np.linalg.norm(coords[:, 1] - coords[:, 0], axis=1)[:, None]
    shift = np.column_stack([-unit[:, 1], unit[:, 0]]) * 1.0
    return gpd.GeoDataFrame(
        {
            "ftr_idn": [f"FIR-{i:06d}" for i in range(1, len(rows) + 1)],
            "agency": "김포시 수도과",
            "acc_grade": rng.choice(["A", "B", "C"], len(rows), p=[0.2, 0.6, 0.2]),
            "ist_ymd": mains["ist_ymd"].to_numpy()[rows],
            "mop_cde": "DCIP",
            "std_dip": rng.choice([100.0, 150.0], len(rows)),
            "fir_kind": rng.choice(["지하식", "지상식"], len(rows), p=[0.7, 0.3]),
        },
        geometry=shapely.points(shapely.get_coordinates(base) + shift),
        crs=crs,
    )


def service_connections(
    buildings: gpd.GeoDataFrame, mains: gpd.GeoDataFrame, rng: np.random.Generator, crs
) -> gpd.GeoDataFrame:
    """A meter at nine in ten buildings, tapped from the nearest main; 가구수 from the building's use."""
    chosen = np.flatnonzero(rng.random(len(buildings)) < 0.9)
    picked = buildings.iloc[chosen]
    tree = shapely.STRtree(mains.geometry.values)
    which, pipe = tree.query_nearest(picked.geometry.values)
    which, first = np.unique(which, return_index=True)
    pipe = pipe[first]
    use = picked["use_code"].astype(str).to_numpy()
    area = picked["total_floor_area"].to_numpy(dtype=float)
    homes = np.where(
        use == "02000",
        np.maximum(2, np.round(area / 85.0)),
        np.where(use == "01000", rng.choice([1, 2], len(picked), p=[0.8, 0.2]), 0),
    ).astype(int)
    return gpd.GeoDataFrame(
        {
            "ftr_idn": [f"MET-{i:06d}" for i in range(1, len(picked) + 1)],
            "agency": "김포시 수도과",
            "acc_grade": "B",
            "ist_ymd": None,
            "pip_idn": mains["ftr_idn"].to_numpy()[pipe],
            "bld_id": picked["bld_id"].astype(str).to_numpy(),
            "hom_cnt": homes,
        },
        geometry=shapely.point_on_surface(picked.geometry.values),
        crs=crs,
    )


def existing_valve_states(valves: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    state, operable = _states(rng, len(valves))
    return valves.assign(off_cde=state, opr_yn=operable)


def reported_break(
    mains: gpd.GeoDataFrame, services: gpd.GeoDataFrame, rng: np.random.Generator, crs
) -> gpd.GeoDataFrame:
    """One reported main break (누수·파손 신고) on a main under a medium road that serves at least five
    buildings, for the demo's shut-off plan."""
    width = mains["width_m"].to_numpy(dtype=float)
    served = mains["ftr_idn"].map(services["pip_idn"].value_counts()).fillna(0).to_numpy()
    candidates = np.flatnonzero((width >= 6) & (width < 15) & (served >= 5))
    row = int(rng.choice(candidates)) if len(candidates) else 0
    point = shapely.line_interpolate_point(mains.geometry.values[row], 0.4, normalized=True)
    return gpd.GeoDataFrame(
        {"break_id": ["BRK-001"], "reported": ["2026-03-14 06:20"], "pipe_hint": [str(mains["ftr_idn"].iat[row])]},
        geometry=[point],
        crs=crs,
    )
