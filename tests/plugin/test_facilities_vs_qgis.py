"""gimpo:facilityaging's length split by area against QGIS's own native:sumlinelengths, same run."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProcessingFeedback, QgsVectorLayer

from gimpo_gis_plugin.processing.provider import GimpoProvider


@pytest.fixture(scope="module")
def processing_with_gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield
    QgsApplication.processingRegistry().removeProvider(provider)


def test_area_network_length_matches_native_sumlinelengths(processing_with_gimpo, sample_city_files, tmp_path):
    import processing

    ours = processing.run(
        "gimpo:facilityaging",
        {"FACILITIES": str(sample_city_files["gpkg"]), "REFERENCE_YEAR": 2026, "OUTPUT": str(tmp_path / "a.gpkg")},
        feedback=QgsProcessingFeedback(),
    )
    theirs = processing.run(
        "native:sumlinelengths",
        {
            "POLYGONS": ours["AREAS_LAYER"],
            "LINES": ours["SEGMENTS_LAYER"],
            "LEN_FIELD": "qgis_length",
            "COUNT_FIELD": "qgis_count",
            "OUTPUT": "memory:",
        },
        feedback=QgsProcessingFeedback(),
    )
    layer: QgsVectorLayer = theirs["OUTPUT"]
    qgis_length = {f["area_id"]: f["qgis_length"] for f in layer.getFeatures()}
    areas = gpd.read_file(ours["OUTPUT"], layer="areas")
    assert len(areas) == 14 and areas["length_m"].sum() > 10_000
    mine = areas.set_index("area_id")["length_m"]
    expected = np.array([qgis_length[a] for a in mine.index], dtype=float)
    assert np.allclose(mine.to_numpy(), expected, rtol=1e-6, atol=0.2)  # ours is rounded to 0.1 m
