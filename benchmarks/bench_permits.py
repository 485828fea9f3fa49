"""Permit check: 1,000 applications against the 200,000-parcel city through `gimpo:permitcheck`.

The whole qgis_process run is timed (start-up, reading parcels, zoning, five overlay kinds, roads, the
5 m DEM of the city, all checks, writing the styled summary and findings); target ≤ 10 s. Reports are
left out (optional for a batch); a second, untargeted figure adds 20 report pages with QGIS maps.
The 1,000 applications are drawn (seeded) by the planning extension's own generator, bad rows included.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio

from benchmarks.harness import BENCH_DIR, Report, qgis_run, sample_city

CITY_PARCELS = 200_000
APPLICATIONS = 1_000


def _city() -> Path:
    """The cached 200k city if it has the planning layers and DEM, else one generated for this bench
    (a cache made before the planning extension existed lacks them)."""
    folder = sample_city(CITY_PARCELS)
    gpkg = folder / "gimpo_sample_city.gpkg"
    if "zoning" in {name for name, _ in pyogrio.list_layers(gpkg)} and (folder / "gimpo_dem_5m.tif").exists():
        return folder
    folder = BENCH_DIR / f"permits_city_{CITY_PARCELS}"
    if not (folder / "gimpo_dem_5m.tif").exists():
        print(f"[bench] generating a {CITY_PARCELS:,}-parcel city with planning layers in {folder}", flush=True)
        qgis_run("gimpo:createsamplecity", PARCELS=CITY_PARCELS, WRITE_XLSX="false", OUTPUT_FOLDER=folder)
    return folder


def _applications(city: Path) -> str:
    from gimpo_gis_plugin.core.sample_city.extensions.planning import sample_applications

    path = BENCH_DIR / f"permit_applications_{APPLICATIONS}_{city.name}.gpkg"
    if not path.exists():
        parcels = pyogrio.read_dataframe(city / "gimpo_sample_city.gpkg", layer="parcels", columns=["PNU", "jimok"])
        table = sample_applications(parcels, np.random.default_rng(41570), APPLICATIONS)
        pyogrio.write_dataframe(table, path, layer="applications", driver="GPKG")
    return f"{path}|layername=applications"


def run(report: Report) -> None:
    city = _city()
    gpkg = city / "gimpo_sample_city.gpkg"
    common = {
        "APPLICATIONS": _applications(city),
        "PARCELS": f"{gpkg}|layername=parcels",
        "ZONING": f"{gpkg}|layername=zoning",
        "OVERLAYS": f"{gpkg}|layername=overlays",
        "ROADS": f"{gpkg}|layername=roads",
        "DEM": city / "gimpo_dem_5m.tif",
    }
    batch = qgis_run("gimpo:permitcheck", **common, OUTPUT=BENCH_DIR / "permits_1000.gpkg")
    report.figure(
        f"permit check: {APPLICATIONS:,} applications, {CITY_PARCELS:,}-parcel city, 5 m DEM",
        f"{batch.wall_s:.1f} s (peak {batch.peak_mb:.0f} MB)",
        "≤ 10 s",
    )
    with_reports = qgis_run(
        "gimpo:permitcheck",
        **common,
        OUTPUT=BENCH_DIR / "permits_1000_reports.gpkg",
        REPORT_FOLDER=BENCH_DIR / "permit_reports",
        MAX_REPORTS=20,
    )
    report.figure(
        "permit check + 20 HTML report pages with maps",
        f"{with_reports.wall_s:.1f} s (peak {with_reports.peak_mb:.0f} MB)",
        "no target (information)",
    )


if __name__ == "__main__":
    result = Report()
    run(result)
    result.print()
