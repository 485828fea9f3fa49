"""The shared validation layer in QGIS (pytest-qgis): every record ends in an output or in the rejects
table with its reason; a number out of range is refused in Korean naming the parameter."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback
from shapely.geometry import Point

from gimpo_gis_plugin.processing.provider import GimpoProvider


@pytest.fixture()
def gimpo(qgis_processing):
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


def test_records_without_geometry_go_to_the_rejects_table(gimpo, sample_city_files, tmp_path):
    import processing

    complaints = pyogrio.read_dataframe(sample_city_files["gpkg"], layer="complaints")
    complaints.loc[complaints.index[::5], "geometry"] = None
    bad = tmp_path / "complaints.gpkg"
    pyogrio.write_dataframe(complaints, bad)
    out = tmp_path / "stat.gpkg"
    processing.run(
        "gimpo:statisticalmap",
        {
            "INPUT": str(bad),
            "AREAS": f"{sample_city_files['gpkg']}|layername=population_admin_dong",
            "OUTPUT": str(out),
        },
        feedback=QgsProcessingFeedback(),
    )
    rejects = pyogrio.read_dataframe(out, layer="rejected_inputs")
    assert len(rejects) == complaints.geometry.isna().sum()
    assert set(rejects["reason"]) == {"도형 없음 (no geometry)"}


def test_a_number_out_of_range_is_refused_in_korean_naming_the_parameter(gimpo, tmp_path):
    import processing

    points = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"w": [1, 2]}, geometry=[Point(180000, 560000), Point(180100, 560100)], crs="EPSG:5186").to_file(
        points
    )
    with pytest.raises(QgsProcessingException, match=r"픽셀 크기.*PIXEL_SIZE.*쓸 수 없습니다"):
        processing.run(
            "gimpo:heatmap",
            {"INPUT": str(points), "RADIUS": 300, "PIXEL_SIZE": 1e12, "OUTPUT": str(tmp_path / "h.tif")},
            feedback=QgsProcessingFeedback(),
        )
    assert not (tmp_path / "h.tif").exists()
