"""gimpo:loadtopomap run inside QGIS: every code goes on the map under its Korean title, with its style."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer

from gimpo_gis_plugin.processing.provider import GimpoProvider
from tests.core.test_topomap import _sheet


@pytest.fixture(scope="module")
def provider(qgis_processing):
    gimpo = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(gimpo)
    yield gimpo
    QgsApplication.processingRegistry().removeProvider(gimpo)


def test_result_layers_are_loaded_styled_with_korean_titles(provider, tmp_path):
    _sheet(tmp_path / "delivery", "37612001", 0.0)
    _sheet(tmp_path / "delivery", "37612002", 1000.0)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("gimpo:loadtopomap")
    context, feedback, project = QgsProcessingContext(), QgsProcessingFeedback(), QgsProject()
    context.setProject(project)
    results, ok = algorithm.run(
        {"INPUT": str(tmp_path / "delivery"), "OUTPUT": str(tmp_path / "topo.gpkg")}, context, feedback
    )
    assert ok, results
    loads = context.layersToLoadOnCompletion()
    titles = {details.name for details in loads.values()}
    assert titles == {"건물 (B0010000, 1/5,000)", "도로중심선 (A0020000, 1/5,000)", "등고선 (F0010000, 1/5,000)",
                      "표고점 (F0020000, 1/5,000)"}  # fmt: skip
    source, details = next((s, d) for s, d in loads.items() if d.name.startswith("건물"))
    layer = QgsVectorLayer(source, details.name, "ogr")
    details.postProcessor().postProcessLayer(layer, context, feedback)
    assert layer.renderer().symbol().color().name() == "#e0c9a6"
