"""gimpo:heatmap through bin/qgis_process, as a batch job runs it; exit codes are checked."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def complaints(tmp_path_factory):
    rng = np.random.default_rng(5)
    n = 800
    frame = gpd.GeoDataFrame(
        {
            "weight": rng.integers(1, 4, n).astype(float),
            "received_date": rng.choice(["2026-01-10", "2026-02-11", "2026-04-02"], n),
        },
        geometry=gpd.points_from_xy(rng.normal(191_000, 400, n), rng.normal(451_000, 300, n)),
        crs="EPSG:5186",
    )
    folder = tmp_path_factory.mktemp("heat_e2e")
    frame.to_file(folder / "c.gpkg", layer="complaints")
    boundary = gpd.GeoDataFrame(geometry=[shapely.Point(191_000, 451_000).buffer(900)], crs="EPSG:5186")
    boundary.to_file(folder / "c.gpkg", layer="boundary")
    return folder / "c.gpkg"


def test_heatmap_with_automatic_radius_slices_and_mask(qgis_algorithm, complaints, tmp_path):
    run = qgis_algorithm(
        "gimpo:heatmap",
        INPUT=f"{complaints}|layername=complaints",
        PIXEL_SIZE=20,
        WEIGHT_FIELD="weight",
        TIME_FIELD="received_date",
        TIME_SLICE=2,
        MASK=f"{complaints}|layername=boundary",
        OUTPUT=tmp_path / "heat.tif",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.results["RADIUS_USED"] > 0
    with rasterio.open(run.results["OUTPUT"]) as dataset:
        assert dataset.count == 2 and dataset.descriptions == ("2026-Q1", "2026-Q2")
        first = dataset.read(1, masked=True)
        assert first.mask[0, 0] and first.max() > 0
    assert (tmp_path / "heat.qml").exists()


@pytest.mark.parametrize(
    ("layer", "parameters", "message"),
    [
        ("boundary", {"RADIUS": 100, "PIXEL_SIZE": 10}, "점 레이어여야"),
        ("complaints", {"RADIUS": 100, "PIXEL_SIZE": 0}, "Pixel size must be greater than 0"),
        ("complaints", {"RADIUS": 100, "PIXEL_SIZE": 10, "TIME_SLICE": 1}, "시간 구간(TIME_SLICE)에는 날짜 필드"),
    ],
)
def test_bad_input_fails_with_a_clear_message(qgis_algorithm, complaints, tmp_path, layer, parameters, message):
    run = qgis_algorithm(
        "gimpo:heatmap", INPUT=f"{complaints}|layername={layer}", OUTPUT=tmp_path / "x.tif", **parameters
    )
    assert run.returncode != 0
    assert message in run.stdout + run.stderr
