"""gimpo:statisticalmap inside QGIS, with native:countpointsinpolygon as the oracle for the counts, in the same
run on the same files: per 행정동 and per 500 m grid cell."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication, QgsProcessingFeedback, QgsVectorLayer

from gimpo_gis_plugin.processing.provider import GimpoProvider


@pytest.fixture(scope="module")
def processing_with_gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield
    QgsApplication.processingRegistry().removeProvider(provider)


def _counts(layer: QgsVectorLayer, key: str, field: str) -> dict[str, float]:
    return {f[key]: float(f[field]) for f in layer.getFeatures()}


def _qgis_counts(polygons: str, points: str, key: str, weight: str = "") -> dict[str, float]:
    import processing

    done = processing.run(
        "native:countpointsinpolygon",
        {"POLYGONS": polygons, "POINTS": points, "WEIGHT": weight, "FIELD": "qgis_count", "OUTPUT": "memory:"},
        feedback=QgsProcessingFeedback(),
    )
    return _counts(done["OUTPUT"], key, "qgis_count")


def test_counts_per_admin_dong_equal_native_countpointsinpolygon(processing_with_gimpo, sample_city_files, tmp_path):
    import processing

    gpkg = sample_city_files["gpkg"]
    points = f"{gpkg}|layername=complaints"
    dongs = f"{gpkg}|layername=population_admin_dong"
    ours = processing.run(
        "gimpo:statisticalmap",
        {"INPUT": points, "AREAS": dongs, "STATISTIC": 0, "OUTPUT": str(tmp_path / "dong.gpkg")},
        feedback=QgsProcessingFeedback(),
    )
    layer = QgsVectorLayer(ours["OUTPUT_LAYER"], "ours", "ogr")
    assert layer.isValid() and layer.featureCount() == 14
    assert _counts(layer, "admin_dong_code", "value") == _qgis_counts(dongs, points, "admin_dong_code")
    assert layer.renderer().type() == "graduatedSymbol"  # the embedded style is loaded by QGIS
    assert len(layer.renderer().ranges()) == ours["CLASS_COUNT"]

    weighted = processing.run(
        "gimpo:statisticalmap",
        {"INPUT": points, "AREAS": dongs, "STATISTIC": 0, "FIELD": "weight", "OUTPUT": str(tmp_path / "w.gpkg")},
        feedback=QgsProcessingFeedback(),
    )
    ours_weighted = _counts(QgsVectorLayer(weighted["OUTPUT_LAYER"], "w", "ogr"), "admin_dong_code", "value")
    assert ours_weighted == pytest.approx(_qgis_counts(dongs, points, "admin_dong_code", "weight"))


def test_counts_per_500m_cell_equal_native_countpointsinpolygon(processing_with_gimpo, sample_city_files, tmp_path):
    import processing

    points = f"{sample_city_files['gpkg']}|layername=complaints"
    ours = processing.run(
        "gimpo:statisticalmap",
        {"INPUT": points, "AREA_KIND": 1, "CELL_SIZE": 500, "KEEP_EMPTY": True, "OUTPUT": str(tmp_path / "g.gpkg")},
        feedback=QgsProcessingFeedback(),
    )
    grid = ours["OUTPUT_LAYER"]
    mine = _counts(QgsVectorLayer(grid, "g", "ogr"), "cell_id", "value")
    assert sum(mine.values()) >= QgsVectorLayer(points, "p", "ogr").featureCount()  # border points count twice
    assert mine == _qgis_counts(grid, points, "cell_id")
