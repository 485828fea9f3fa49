"""QGIS itself reads every kind of layer our GeoPackage writer makes with all its rows (issue #15, item 0).

QGIS shows a layer's feature count from GDAL's stored count; a bulk-written layer whose count GDAL >= 3.10
left at 0 opened empty in QGIS 3.40 / 3.44. Here QGIS (3.22 on the host, 3.40 / 3.44 in the matrix
chroots) opens the file this process wrote and the file our writer wrote on the oracle's GDAL 3.12, and
both the count it reports and the features it iterates must equal SQLite's COUNT(*).
"""

from __future__ import annotations

import pytest
from qgis.core import QgsFeatureRequest, QgsVectorLayer

from gimpo_gis_plugin.core.geopackage import write_geopackage
from tests.gdal_oracle import every_kind_of_layer, sqlite_counts, write_with_oracle


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qgis_counts")
    here = write_geopackage(folder / "written_here.gpkg", every_kind_of_layer())
    by_oracle = folder / "written_on_gdal_3_12.gpkg"
    write_with_oracle(by_oracle)
    return [here, by_oracle]


def test_qgis_counts_every_row_of_every_layer(files, qgis_app):
    for path in files:
        for name, count in sqlite_counts(path).items():
            layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
            assert layer.isValid(), f"{path.name}:{name}"
            assert layer.featureCount() == count, f"{path.name}:{name}: QGIS counts {layer.featureCount()}"
            request = QgsFeatureRequest().setNoAttributes()
            assert sum(1 for _ in layer.getFeatures(request)) == count, f"{path.name}:{name}"
            del layer
