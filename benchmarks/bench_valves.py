"""Valve isolation: one break on a 500,000-segment water network answers in ≤ 1 s after a one-time graph
build of ≤ 10 s.

The network is a 500 × 500 grid of 50 m mains (499,000 segments, 25 km square: a city's water network)
with a 제수밸브 on most mains (85 %), 2 m from one end (some closed, some inoperable, some without a
recorded state), and a 배수지 at each corner. The store is validated as gimpo:valveisolation does
(load_water), then the graph is built once (build_network) and 30 random breaks are answered one by
one (isolate: the valves to close, the isolated and cut-off pieces), as a long-running session would.
"""

from __future__ import annotations

import statistics
import time

import geopandas as gpd
import numpy as np
import shapely

from benchmarks.harness import Report

GRID = 500
SPACING_M = 50.0
ORIGIN = np.array([150_000.0, 540_000.0])


def _grid_store(rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    i, j = np.meshgrid(np.arange(GRID), np.arange(GRID), indexing="ij")
    nodes = np.column_stack([i.ravel(), j.ravel()]) * SPACING_M + ORIGIN
    index = np.arange(GRID * GRID).reshape(GRID, GRID)
    starts = np.concatenate([index[:-1, :].ravel(), index[:, :-1].ravel()])
    stops = np.concatenate([index[1:, :].ravel(), index[:, 1:].ravel()])
    count = len(starts)
    lines = shapely.linestrings(np.stack([nodes[starts], nodes[stops]], axis=1))
    pipes = gpd.GeoDataFrame(
        {
            "ftr_idn": [f"W{k}" for k in range(count)],
            "agency": "김포시 수도과",
            "mop_cde": rng.choice(["DCIP", "PE", "PVC"], count),
            "std_dip": rng.choice([100.0, 150.0, 200.0, 300.0], count),
            "low_dep": 1.2,
            "hgh_dep": 1.5,
        },
        geometry=lines,
        crs="EPSG:5186",
    )
    with_valve = np.flatnonzero(rng.random(count) < 0.85)
    direction = (nodes[stops[with_valve]] - nodes[starts[with_valve]]) / SPACING_M
    points = nodes[starts[with_valve]] + 2.0 * direction
    valves = gpd.GeoDataFrame(
        {
            "ftr_idn": [f"V{k}" for k in range(len(with_valve))],
            "agency": "김포시 수도과",
            "net_type": "water",
            "std_dip": pipes["std_dip"].to_numpy()[with_valve],
            "val_dep": 1.0,
            "off_cde": rng.choice(["열림", "닫힘", ""], len(with_valve), p=[0.97, 0.01, 0.02]),
            "opr_yn": rng.choice(["Y", "N", ""], len(with_valve), p=[0.9, 0.03, 0.07]),
        },
        geometry=shapely.points(points),
        crs="EPSG:5186",
    )
    corners = nodes[[index[0, 0], index[0, -1], index[-1, 0], index[-1, -1]]]
    sources = gpd.GeoDataFrame(
        {"ftr_idn": ["S1", "S2", "S3", "S4"], "agency": "김포시 수도과", "srv_nam": ["북", "동", "서", "남"]},
        geometry=shapely.points(corners),
        crs="EPSG:5186",
    )
    return {"wtl_pipe_lm": pipes, "valve_ps": valves, "wtl_serv_ps": sources}


def bench_isolation(report: Report) -> None:
    from gimpo_gis_plugin.core.water.graph import build_network
    from gimpo_gis_plugin.core.water.inputs import load_water
    from gimpo_gis_plugin.core.water.isolation import Break, isolate

    rng = np.random.default_rng(41570)
    store = _grid_store(rng)
    segments = len(store["wtl_pipe_lm"])
    started = time.perf_counter()
    inputs = load_water(store)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    network = build_network(inputs)
    build_s = time.perf_counter() - started
    times, valves = [], []
    for x, y in rng.uniform(0, (GRID - 1) * SPACING_M, (30, 2)) + ORIGIN:
        # a point on the nearest main: the break is reported where the crew found the water
        started = time.perf_counter()
        plan = isolate(network, [Break("B", shapely.Point(round(x / SPACING_M) * SPACING_M, y))])
        times.append(time.perf_counter() - started)
        valves.append(len(plan.to_close))
    report.figure(
        f"valve isolation, one break, {segments:,} segments",
        f"median {statistics.median(times):.3f} s, max {max(times):.3f} s",
        f"≤ 1 s per break (graph build {build_s:.1f} s ≤ 10 s; store validation {load_s:.1f} s; "
        f"{network.piece_count:,} pieces, {len(network.valves):,} valves, {statistics.mean(valves):.1f} to close)",
    )


def run(report: Report) -> None:
    bench_isolation(report)
