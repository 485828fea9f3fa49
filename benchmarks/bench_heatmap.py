"""gimpo:heatmap against qgis:heatmapkerneldensityestimation on 1,000,000 weighted points.

20 km × 20 km, radius 300 m, pixel 10 m, quartic, raw. Two comparisons, both side by side in this run:
- the algorithms themselves, both by processing.run inside one QGIS process (start-up excluded; the
  issue's 20× target is about the heat map, and QGIS's 1.5–2.5 s start-up alone is more than 1/20 of
  QGIS's heat map);
- whole bin/qgis_process runs (what one batch call costs), with the peak memory of ours and the start-up
  of a trivial algorithm, which bounds that ratio.
"""

from __future__ import annotations

import statistics

import numpy as np

from benchmarks.harness import BENCH_DIR, Measurement, Report, qgis_inprocess, qgis_run

POINTS = 1_000_000


def _points(count: int = POINTS) -> str:
    path = BENCH_DIR / f"heatmap_points_{count}.gpkg"
    if not path.exists():
        import geopandas as gpd

        print(f"[bench] writing {count:,} weighted points to {path}", flush=True)
        rng = np.random.default_rng(41570)
        frame = gpd.GeoDataFrame(
            {"weight": rng.gamma(2.0, 1.5, count)},
            geometry=gpd.points_from_xy(180_000 + rng.random(count) * 20_000, 440_000 + rng.random(count) * 20_000),
            crs="EPSG:5186",
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_file(path, layer="points", engine="pyogrio")
    return f"{path}|layername=points"


def run(report: Report) -> None:
    points = _points()
    common = {"INPUT": points, "RADIUS": 300, "PIXEL_SIZE": 10, "WEIGHT_FIELD": "weight", "KERNEL": 0}
    small = {**common, "INPUT": _points(30_000)}  # large enough for the fast path: its compiled code loads too
    ours_alg, qgis_alg = "gimpo:heatmap", "qgis:heatmapkerneldensityestimation"
    mine = {**common, "OUTPUT": str(BENCH_DIR / "heatmap_ours_inprocess.tif")}
    seconds = qgis_inprocess(
        [("ours", ours_alg, mine), ("qgis", qgis_alg, {**common, "OUTPUT": str(BENCH_DIR / "heatmap_qgis.tif")}),
         ("ours", ours_alg, mine), ("ours", ours_alg, mine)],
        warmup=[(ours_alg, {**small, "OUTPUT": str(BENCH_DIR / "warm_ours.tif")}),
                (qgis_alg, {**small, "OUTPUT": str(BENCH_DIR / "warm_qgis.tif")})],
    )  # fmt: skip
    report.ratio(
        "heatmap 1M points r300 px10 (in one QGIS)",
        Measurement(statistics.median(seconds["ours"]), 0.0, 0),
        Measurement(statistics.median(seconds["qgis"]), 0.0, 0),
        "≤ 0.05 (20× faster); ours = median of 3",
    )
    report.figure("heatmap, ours in run order (in one QGIS)", " ".join(f"{s:.2f}" for s in seconds["ours"]), "s")
    ours = qgis_run(ours_alg, **common, OUTPUT=BENCH_DIR / "heatmap_ours.tif")
    theirs = qgis_run(qgis_alg, **common, OUTPUT=BENCH_DIR / "heatmap_qgis_process.tif")
    report.ratio("heatmap, whole qgis_process runs", ours, theirs, "information; peak ≤ 2048 MB")
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
