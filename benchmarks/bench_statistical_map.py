"""Statistical map against QGIS's native:countpointsinpolygon, through qgis_process, and Jenks on 100,000
values in process.

Ours aggregates the complaints into 100 m grid cells, classifies them (exact Jenks) and writes the styled
GeoPackage; QGIS only counts the points in the same cells (our grid output is its polygon input). Target:
ratio <= 1. BENCH_MAPS_PARCELS sets the city size (default 200,000). Cities cached before the civic
extension existed have no complaints; a fresh one is then built under build/bench/maps_city_<n>.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pyogrio

from .harness import BENCH_DIR, qgis_run, sample_city


def _city_with_complaints(parcels: int):
    folder = sample_city(parcels)
    gpkg = folder / "gimpo_sample_city.gpkg"
    if "complaints" in {name for name, _ in pyogrio.list_layers(gpkg)}:
        return gpkg
    fresh = BENCH_DIR / f"maps_city_{parcels}"
    if not (fresh / "gimpo_sample_city.gpkg").exists():
        qgis_run("gimpo:createsamplecity", PARCELS=parcels, WRITE_XLSX="false", OUTPUT_FOLDER=fresh)
    return fresh / "gimpo_sample_city.gpkg"


def run(report) -> None:
    parcels = int(os.environ.get("BENCH_MAPS_PARCELS", 200_000))
    gpkg = _city_with_complaints(parcels)
    points = f"{gpkg}|layername=complaints"
    ours = qgis_run(
        "gimpo:statisticalmap",
        INPUT=points,
        AREA_KIND=1,
        CELL_SIZE=100,
        KEEP_EMPTY="true",
        AREAS=f"{gpkg}|layername=admin_dongs",
        OUTPUT=BENCH_DIR / "statistical_map_100m.gpkg",
    )
    cells = ours.results["OUTPUT_LAYER"]
    theirs = qgis_run(
        "native:countpointsinpolygon",
        POLYGONS=cells,
        POINTS=points,
        FIELD="qgis_count",
        OUTPUT=BENCH_DIR / "countpointsinpolygon_100m.gpkg",
    )
    report.ratio(
        f"statistical map, 100 m grid ({ours.results['AREAS_COUNT']:,} cells), {parcels:,}-parcel city",
        ours,
        theirs,
        "<= 1 (ours also classifies and styles)",
    )
    from gimpo_gis_plugin.core.choropleth import jenks_breaks

    values = np.random.default_rng(0).lognormal(3, 1, 100_000)
    started = time.perf_counter()
    jenks_breaks(values, 7)
    report.figure("exact Jenks, 100,000 distinct values, 7 classes", f"{time.perf_counter() - started:.2f} s", "< 5 s")
