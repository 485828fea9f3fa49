"""gimpo:heatmap against qgis:heatmapkerneldensityestimation on 1,000,000 weighted points.

20 km × 20 km, radius 300 m, pixel 10 m, quartic, raw: both through bin/qgis_process, so both pay the
same start-up; that start-up (timed on a trivial algorithm) is printed too, as it bounds the ratio.
"""

from __future__ import annotations

import numpy as np

from benchmarks.harness import BENCH_DIR, Report, qgis_run

POINTS = 1_000_000


def _points() -> str:
    path = BENCH_DIR / f"heatmap_points_{POINTS}.gpkg"
    if not path.exists():
        import geopandas as gpd

        print(f"[bench] writing {POINTS:,} weighted points to {path}", flush=True)
        rng = np.random.default_rng(41570)
        frame = gpd.GeoDataFrame(
            {"weight": rng.gamma(2.0, 1.5, POINTS)},
            geometry=gpd.points_from_xy(180_000 + rng.random(POINTS) * 20_000, 440_000 + rng.random(POINTS) * 20_000),
            crs="EPSG:5186",
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_file(path, layer="points", engine="pyogrio")
    return f"{path}|layername=points"


def run(report: Report) -> None:
    points = _points()
    common = {"INPUT": points, "RADIUS": 300, "PIXEL_SIZE": 10, "WEIGHT_FIELD": "weight", "KERNEL": 0}
    ours = qgis_run("gimpo:heatmap", **common, OUTPUT=BENCH_DIR / "heatmap_ours.tif")
    theirs = qgis_run("qgis:heatmapkerneldensityestimation", **common, OUTPUT=BENCH_DIR / "heatmap_qgis.tif")
    report.ratio("heatmap 1M points r300 px10", ours, theirs, "≤ 0.05 (20× faster), peak ≤ 2048 MB")
    startup = qgis_run(
        "native:createconstantrasterlayer",
        EXTENT="0,10,0,10 [EPSG:5186]",
        TARGET_CRS="EPSG:5186",
        PIXEL_SIZE=1,
        NUMBER=1,
        OUTPUT=BENCH_DIR / "startup.tif",
    )
    report.figure("qgis_process start-up (trivial run)", f"{startup.wall_s:.2f} s", "bounds every ratio")
    _check_agreement(report)


def _check_agreement(report: Report) -> None:
    import rasterio

    with rasterio.open(BENCH_DIR / "heatmap_ours.tif") as a, rasterio.open(BENCH_DIR / "heatmap_qgis.tif") as b:
        mine, qgis = a.read(1).astype(float), b.read(1).astype(float)
        same_grid = a.shape == b.shape and np.allclose(a.transform.to_gdal(), b.transform.to_gdal(), atol=1e-6)
    qgis[qgis == -9999] = 0.0
    worst = float(np.abs(mine - qgis).max() / np.abs(qgis).max()) if same_grid else float("nan")
    report.figure("heatmap max |ours - QGIS| / max", f"{worst:.2e} (same grid: {same_grid})", "≤ 1e-4")
