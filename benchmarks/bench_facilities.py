"""Facilities: excavation query time on 500,000 pipe segments; clearance check over ~100,000 segments.

Excavation: the index is built once (as a long-running session would), with the survey-accuracy
widening the algorithm applies by default, and 200 random 20 m digs are timed one by one; the target is a
query in ≤ 200 ms. Clearance: the whole `gimpo:clearancecheck` run through qgis_process (read, validate,
check, write) on a sample city big enough to hold ~100,000 line segments; the target is ≤ 30 s.
"""

from __future__ import annotations

import statistics
import time

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from benchmarks.harness import Report, qgis_run, sample_city

EXCAVATION_SEGMENTS = 500_000
CLEARANCE_CITY_PARCELS = 130_000  # about 104,000 line segments (120,000 parcels gave 96,000)
LINE_LAYERS = ("wtl_pipe_lm", "swl_pipe_lm", "gas_pipe_lm", "pwr_line_lm", "tel_line_lm", "heat_pipe_lm")


def _synthetic_network(count: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """``count`` 50 m segments of random types over a 30 km square (about a city's network density)."""
    from gimpo_gis_plugin.core.facilities.schema import FACILITY_TYPES

    types = np.array([t for t in FACILITY_TYPES if t not in ("manhole", "valve")])
    start = rng.uniform(0, 30_000, (count, 2)) + np.array([150_000, 540_000])
    angle = rng.uniform(0, np.pi, count)
    end = start + 50.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    kind = rng.choice(["profile", "range", "constant"], count)
    depth_a = rng.uniform(0.8, 2.5, count)
    return gpd.GeoDataFrame(
        {
            "record_id": [f"X{i}" for i in range(count)],
            "layer": "synthetic",
            "facility_type": rng.choice(types, count),
            "type_ko": "",
            "agency": rng.choice(["A", "B", "C"], count),
            "acc_grade": rng.choice(["A", "B", "C", "D", None], count),
            "material": "",
            "ist_ymd": "2000-01-01",
            "diameter_m": rng.choice([0.1, 0.2, 0.3, 0.6], count),
            "diameter_assumed": False,
            "depth_kind": kind,
            "depth_a": depth_a,
            "depth_b": depth_a + rng.uniform(0, 0.5, count),
            "depth_known": rng.random(count) > 0.01,
        },
        geometry=shapely.linestrings(np.stack([start, end], axis=1)),
        crs="EPSG:5186",
    )


def bench_excavation(report: Report) -> None:
    from gimpo_gis_plugin.core.facilities.excavation import FacilityIndex
    from gimpo_gis_plugin.core.facilities.rules import read_accuracy, read_margins

    rng = np.random.default_rng(41570)
    network = _synthetic_network(EXCAVATION_SEGMENTS, rng)
    margins = read_margins()
    started = time.perf_counter()
    index = FacilityIndex(network, margins, read_accuracy())  # as gimpo:excavationimpact by default
    build_s = time.perf_counter() - started
    centres = rng.uniform(0, 30_000, (200, 2)) + np.array([150_000, 540_000])
    times, hits = [], []
    for x, y in centres:
        dig = shapely.box(x - 10, y - 10, x + 10, y + 10)
        started = time.perf_counter()
        found = index.query(dig, 2.0)
        times.append(1000 * (time.perf_counter() - started))
        hits.append(len(found))
    report.figure(
        f"excavation query, {EXCAVATION_SEGMENTS:,} segments",
        f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms",
        f"≤ 200 ms per query (index build {build_s:.1f} s, {statistics.mean(hits):.1f} hits/dig)",
    )


def bench_clearance(report: Report) -> None:
    city = sample_city(CLEARANCE_CITY_PARCELS)
    gpkg = city / "gimpo_sample_city.gpkg"
    segments = sum(pyogrio.read_info(gpkg, layer=name)["features"] for name in LINE_LAYERS)
    out = city.parent / "bench_clearance.gpkg"
    measured = qgis_run("gimpo:clearancecheck", FACILITIES=gpkg, OUTPUT=out)
    report.figure(
        f"clearancecheck (qgis_process), {segments:,} segments",
        f"{measured.wall_s:.1f} s, peak {measured.peak_mb:.0f} MB, {measured.results.get('CONFLICTS')} conflicts",
        "≤ 30 s for 100,000 segments",
    )


def run(report: Report) -> None:
    bench_excavation(report)
    bench_clearance(report)
