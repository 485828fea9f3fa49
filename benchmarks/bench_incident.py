"""Cameras for an emergency: one incident (spot and fire-engine route) against 2,000 cameras among the
buildings of a 250,000-parcel city (about 150,000), after the one-time build of the view index.

Target (issue 23): ≤ 1 s per incident after the build. The build itself is the coverage analysis's ray
casting and is reported beside it; the desktop tool and `gimpo:incidentcameras` with VIEWS skip it.
"""

from __future__ import annotations

from benchmarks.bench_cctv import CITY_PARCELS, _cameras
from benchmarks.harness import Report, python_script, sample_city


def run(report: Report) -> None:
    city = sample_city(CITY_PARCELS) / "gimpo_sample_city.gpkg"
    result = python_script("incident_queries.py", _cameras(city), str(city), "200")
    report.figure(
        f"incident cameras: {result['cameras']:,} cameras, {result['buildings']:,} buildings, route on "
        f"{result['road_segments']:,} roads ({result['incidents']} incidents)",
        f"median {result['median_s'] * 1000:.0f} ms, max {result['max_s'] * 1000:.0f} ms",
        f"≤ 1 s; one-time build {result['build_s']:.1f} s",
    )
