"""CCTV coverage with occlusion: 2,000 cameras among 150,000 buildings through `gimpo:cctvcoverage`.

The whole qgis_process run is timed (start-up, reading, validation, ray casting, union, writing the
styled GeoPackage); the target is ≤ 60 s. The buildings are those of a 250,000-parcel sample city
(about 150,000); the 2,000 cameras are drawn (seeded) from its CCTV register, planted faults included,
so they stand on its streets among its buildings. A second, untargeted figure adds the blind spots in
the city's safety zones and the greedy siting of 10 new cameras on its streetlights: 68 zones, one of
them 43 km² with about 120,000 buildings, and some 110,000 streetlights, of which about 58,000 stand
within reach of a blind spot and are each tried in 8 directions (about 470,000 candidate views).
"""

from __future__ import annotations

import numpy as np
import pyogrio

from benchmarks.harness import BENCH_DIR, Report, qgis_run, sample_city

CITY_PARCELS = 250_000
CAMERAS = 2_000


def _cameras(city_gpkg) -> str:
    path = BENCH_DIR / f"cctv_{CAMERAS}.gpkg"
    if not path.exists():
        cameras = pyogrio.read_dataframe(city_gpkg, layer="cctv")
        pick = np.sort(np.random.default_rng(41570).choice(len(cameras), CAMERAS, replace=False))
        cameras.iloc[pick].to_file(path, layer="cctv", driver="GPKG")
    return str(path)


def run(report: Report) -> None:
    city = sample_city(CITY_PARCELS) / "gimpo_sample_city.gpkg"
    buildings = pyogrio.read_info(city, layer="buildings")["features"]
    cameras = _cameras(city)
    views = qgis_run(
        "gimpo:cctvcoverage",
        CAMERAS=cameras,
        BUILDINGS=f"{city}|layername=buildings",
        NEW_CAMERAS=0,
        OUTPUT=BENCH_DIR / "cctv_coverage.gpkg",
    )
    report.figure(
        f"cctv coverage: {CAMERAS:,} cameras, {buildings:,} buildings",
        f"{views.wall_s:.1f} s (CPU {views.cpu_s:.1f} s, peak {views.peak_mb:.0f} MB)",
        "≤ 60 s",
    )
    full = qgis_run(
        "gimpo:cctvcoverage",
        CAMERAS=cameras,
        BUILDINGS=f"{city}|layername=buildings",
        TARGETS=f"{city}|layername=safety_zones",
        TARGET_ID_FIELD="zone_id",
        WEIGHT_FIELD="weight",
        CANDIDATES=f"{city}|layername=streetlights",
        NEW_CAMERAS=10,
        OUTPUT=BENCH_DIR / "cctv_coverage_sited.gpkg",
    )
    report.figure(
        "cctv coverage + blind spots + 10 new sites",
        f"{full.wall_s:.1f} s (CPU {full.cpu_s:.1f} s, peak {full.peak_mb:.0f} MB)",
        "≤ 30 s (issue #18)",
    )
