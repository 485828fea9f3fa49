"""gimpo:loadtopomap through qgis_process: a two-sheet delivery becomes one GeoPackage layer per code, each
with its Korean description and its style stored as the layer's default (QGIS opens it styled)."""

from __future__ import annotations

import sqlite3

import pytest
from qgis.core import QgsVectorLayer

from tests.core.test_topomap import _sheet

pytestmark = pytest.mark.e2e


def test_delivery_loads_as_styled_layers(qgis_algorithm, qgis_app, tmp_path):
    root = tmp_path / "delivery"
    _sheet(root, "37612001", 0.0)
    _sheet(root, "37612002", 1000.0)
    done = qgis_algorithm("gimpo:loadtopomap", INPUT=root, OUTPUT=tmp_path / "topo.gpkg")
    assert done.returncode == 0, done.stderr
    assert done.results["SHEETS"] == 2
    with sqlite3.connect(tmp_path / "topo.gpkg") as connection:
        described = dict(connection.execute("SELECT table_name, description FROM gpkg_contents"))
        styled = {row[0] for row in connection.execute("SELECT f_table_name FROM layer_styles WHERE useAsDefault")}
    assert described["건물_B0010000"] == "건물 (B0010000, 1/5,000)"
    assert styled == {"건물_B0010000", "도로중심선_A0020000", "등고선_F0010000", "표고점_F0020000"}
    layer = QgsVectorLayer(f"{tmp_path / 'topo.gpkg'}|layername=건물_B0010000", "건물", "ogr")
    assert layer.isValid() and layer.featureCount() == 5
    assert layer.renderer().type() == "singleSymbol"
    assert layer.renderer().symbol().color().name() == "#e0c9a6"  # the code table's 건물 colour, from the stored style
    assert {f["명칭"] for f in layer.getFeatures()} == {"김포시청", "사우동주민센터", "경계건물"}
