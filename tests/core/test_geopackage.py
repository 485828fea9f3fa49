"""Atomic GeoPackage writing with embedded QGIS styles."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gimpo_gis_plugin.core import styles
from gimpo_gis_plugin.core.errors import OutputError
from gimpo_gis_plugin.core.geopackage import read_embedded_style, write_geopackage


def _unwritable() -> gpd.GeoDataFrame:
    """A layer GDAL refuses (complex numbers have no OGR field type): the write fails half-way."""
    return gpd.GeoDataFrame({"x": np.array([1 + 2j])}, geometry=[shapely.Point(0, 0)], crs=5186)


def _points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["사우동", "풍무동"]}, geometry=[shapely.Point(0, 0), shapely.Point(1, 1)], crs=5186
    )


def test_layers_tables_and_styles_are_written(tmp_path):
    path = tmp_path / "out.gpkg"
    qml = styles.single_symbol(styles.Symbol("marker", "#ff0000"))
    write_geopackage(path, {"points": _points(), "summary": pd.DataFrame({"n": [1]})}, {"points": qml})
    assert gpd.read_file(path, layer="points")["name"].tolist() == ["사우동", "풍무동"]
    assert gpd.read_file(path, layer="summary")["n"].tolist() == [1]
    assert read_embedded_style(path, "points") == qml


def test_failed_write_leaves_no_file(tmp_path):
    path = tmp_path / "out.gpkg"
    with pytest.raises(NotImplementedError):
        write_geopackage(path, {"ok": _points(), "bad": _unwritable()})
    assert not path.exists()
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "out.gpkg"
    write_geopackage(path, {"points": _points()})
    before = path.read_bytes()
    with pytest.raises(NotImplementedError):
        write_geopackage(path, {"bad": _unwritable()})
    assert path.read_bytes() == before


def test_unwritable_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_geopackage(tmp_path / "missing" / "out.gpkg", {"points": _points()})
