"""gimpo:heatmap against QGIS's own qgis:heatmapkerneldensityestimation, same points, same run.

The grids must coincide (extent, shape, geotransform) and every pixel must agree within 1e-4 of the
raster's maximum; QGIS leaves pixels no kernel touches as nodata (-9999), which counts as 0 here.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from qgis.core import QgsApplication, QgsProcessingFeedback

from gimpo_gis_plugin.processing.provider import GimpoProvider


@pytest.fixture(scope="module")
def processing_with_gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield
    QgsApplication.processingRegistry().removeProvider(provider)


@pytest.fixture(scope="module")
def points_gpkg(tmp_path_factory):
    """Clustered weighted points like complaints, a stack on one spot, a radius field with three values."""
    rng = np.random.default_rng(41570)
    n = 1200
    x = np.concatenate([rng.normal(191_000, 350, n // 2), rng.uniform(189_500, 192_500, n // 2)])
    y = np.concatenate([rng.normal(451_000, 250, n // 2), rng.uniform(450_200, 452_000, n // 2)])
    x[:25], y[:25] = 190_800.0, 451_200.0
    frame = gpd.GeoDataFrame(
        {"weight": rng.gamma(2.0, 1.5, n), "reach": rng.choice([60.0, 125.0, 210.0], n)},
        geometry=gpd.points_from_xy(x, y),
        crs="EPSG:5186",
    )
    frame.loc[[7, 99], "weight"] = None
    path = tmp_path_factory.mktemp("heat") / "points.gpkg"
    frame.to_file(path, layer="points")
    return f"{path}|layername=points"


def _run_both(processing_with_gimpo, points, tmp_path, **parameters):
    import processing

    common = {"INPUT": points, **parameters}
    ours = processing.run(
        "gimpo:heatmap", {**common, "OUTPUT": str(tmp_path / "ours.tif")}, feedback=QgsProcessingFeedback()
    )
    theirs = processing.run(
        "qgis:heatmapkerneldensityestimation",
        {**common, "OUTPUT": str(tmp_path / "qgis.tif")},
        feedback=QgsProcessingFeedback(),
    )
    with rasterio.open(ours["OUTPUT"]) as a, rasterio.open(theirs["OUTPUT"]) as b:
        assert (a.width, a.height) == (b.width, b.height)
        assert np.allclose(a.transform.to_gdal(), b.transform.to_gdal(), rtol=0, atol=1e-6)
        mine, qgis = a.read(1).astype(float), b.read(1).astype(float)
    qgis[qgis == -9999] = 0.0
    return mine, qgis


CASES = [
    pytest.param({"RADIUS": 150.0, "PIXEL_SIZE": 10.0, "KERNEL": 0}, id="quartic-150-unweighted"),
    pytest.param(
        {"RADIUS": 300.0, "PIXEL_SIZE": 10.0, "KERNEL": 0, "WEIGHT_FIELD": "weight"}, id="quartic-300-weighted"
    ),
    pytest.param({"RADIUS": 97.5, "PIXEL_SIZE": 5.0, "KERNEL": 1, "DECAY": 0.0}, id="triangular-97.5"),
    pytest.param(
        {"RADIUS": 120.0, "PIXEL_SIZE": 10.0, "KERNEL": 1, "DECAY": 0.4, "WEIGHT_FIELD": "weight", "OUTPUT_VALUE": 1},
        id="triangular-decay-scaled",
    ),
    pytest.param({"RADIUS": 205.0, "PIXEL_SIZE": 10.0, "KERNEL": 2, "WEIGHT_FIELD": "weight"}, id="uniform-205"),
    pytest.param({"RADIUS": 250.0, "PIXEL_SIZE": 8.0, "KERNEL": 3, "OUTPUT_VALUE": 1}, id="triweight-scaled"),
    pytest.param({"RADIUS": 60.0, "PIXEL_SIZE": 4.0, "KERNEL": 4, "WEIGHT_FIELD": "weight"}, id="epanechnikov-60"),
    pytest.param(
        {"RADIUS": 100.0, "PIXEL_SIZE": 10.0, "KERNEL": 0, "RADIUS_FIELD": "reach", "WEIGHT_FIELD": "weight"},
        id="quartic-radius-field",
    ),
]


@pytest.mark.parametrize("parameters", CASES)
def test_same_grid_and_pixels_as_qgis(processing_with_gimpo, points_gpkg, tmp_path, parameters):
    mine, qgis = _run_both(processing_with_gimpo, points_gpkg, tmp_path, **parameters)
    peak = np.abs(qgis).max()
    assert peak > 0
    assert np.abs(mine - qgis).max() <= 1e-4 * peak


def test_large_window_uses_the_fast_method_and_still_matches(processing_with_gimpo, points_gpkg, tmp_path):
    # 1,200 points × a 281 × 281 window is above the threshold where the moments + FFT method takes over.
    mine, qgis = _run_both(
        processing_with_gimpo, points_gpkg, tmp_path, RADIUS=700.0, PIXEL_SIZE=5.0, KERNEL=0, WEIGHT_FIELD="weight"
    )
    assert np.abs(mine - qgis).max() <= 1e-4 * np.abs(qgis).max()


def test_output_opens_styled_in_qgis(processing_with_gimpo, points_gpkg, tmp_path):
    from qgis.core import QgsRasterLayer

    import processing

    result = processing.run(
        "gimpo:heatmap",
        {"INPUT": points_gpkg, "RADIUS": 200.0, "PIXEL_SIZE": 10.0, "OUTPUT": str(tmp_path / "styled.tif")},
    )
    layer = QgsRasterLayer(result["OUTPUT"], "heat")
    assert layer.isValid() and layer.crs().authid() == "EPSG:5186"
    assert layer.renderer().type() == "singlebandpseudocolor"  # the sidecar .qml was applied on load
