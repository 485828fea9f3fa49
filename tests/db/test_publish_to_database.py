"""gimpo:publishtodatabase against a real PostGIS: through qgis_process, and inside QGIS (pytest-qgis)."""

from __future__ import annotations

import time

import geopandas as gpd
import pytest
from qgis.core import QgsApplication, QgsProviderRegistry, QgsVectorLayer

from gimpo_gis_plugin.core.store import layer_source, list_layers, read_layers, read_styles

from .conftest import same_geometries

pytestmark = pytest.mark.e2e


def test_publish_the_sample_city(qgis_algorithm, postgis_url, sample_city_files):
    gpkg = sample_city_files["gpkg"]
    run = qgis_algorithm("gimpo:publishtodatabase", INPUT=gpkg, DATABASE=postgis_url, SCHEMA="city")
    assert run.returncode == 0, run.stdout + run.stderr
    expected = read_layers(gpkg)
    assert sorted(run.results["TABLES"].split(",")) == sorted(expected)
    assert run.results["FEATURE_COUNT"] == sum(len(frame) for frame in expected.values())
    assert "test-only-secret" not in str(run.results)  # results name the database without its password
    back = read_layers(postgis_url + "?schema=city")
    for name, frame in expected.items():
        assert len(back[name]) == len(frame), name
        if isinstance(frame, gpd.GeoDataFrame):
            assert same_geometries(back[name].geometry, frame.geometry), name
    assert read_styles(postgis_url + "?schema=city").keys() == read_styles(gpkg).keys()


def test_a_wrong_password_fails_fast_and_clearly(qgis_algorithm, postgis_cluster, postgis_url, sample_city_files):
    url = postgis_cluster.url(postgis_url.rsplit("/", 1)[1], password="not-the-password")
    started = time.monotonic()
    run = qgis_algorithm("gimpo:publishtodatabase", INPUT=sample_city_files["gpkg"], DATABASE=url, SCHEMA="x")
    assert run.returncode != 0
    assert "user name or password was refused" in run.stdout + run.stderr
    assert "not-the-password" not in run.stdout + run.stderr
    assert time.monotonic() - started < 60  # qgis_process start-up included; the refusal itself is immediate
    assert list_layers(postgis_url + "?schema=x") == []


def test_an_unknown_connection_name_is_explained(qgis_algorithm, sample_city_files):
    run = qgis_algorithm("gimpo:publishtodatabase", INPUT=sample_city_files["gpkg"], DATABASE="no such connection")
    assert run.returncode != 0
    assert "PostgreSQL URI도, QGIS에 저장된 PostgreSQL 연결 이름도 아닙니다" in run.stdout + run.stderr


def test_qgis_opens_published_tables_with_their_styles(qgis_app, postgis_url, sample_city_files):
    from gimpo_gis_plugin.core.store import write_layers

    gpkg = sample_city_files["gpkg"]
    destination = postgis_url + "?schema=styled"
    names = ["parcels", "roads", "buildings"]
    write_layers(destination, read_layers(gpkg, names), read_styles(gpkg, names))
    renderers = {}
    for name in ("parcels", "roads", "buildings"):
        layer = QgsVectorLayer(layer_source(destination, name), name, "postgres")
        assert layer.isValid(), layer.error().message()
        assert layer.primaryKeyAttributes() == [layer.fields().indexOf("fid")]
        renderers[name] = layer.renderer().type()
    assert renderers == {"parcels": "categorizedSymbol", "roads": "categorizedSymbol", "buildings": "singleSymbol"}
    parcels = QgsVectorLayer(layer_source(destination, "parcels"), "parcels", "postgres")
    assert parcels.featureCount() == len(read_layers(gpkg, ["parcels"])["parcels"])
    assert parcels.crs().authid() == "EPSG:5186"


def test_a_saved_qgis_connection_by_name(qgis_app, postgis_cluster, postgis_url, sample_city_files):
    from gimpo_gis_plugin.processing.provider import GimpoProvider

    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    database = postgis_url.rsplit("/", 1)[1]
    uri = (
        f"dbname='{database}' host={postgis_cluster.host} port={postgis_cluster.port} "
        f"user='{postgis_cluster.user}' password='{postgis_cluster.password}'"
    )
    connection = metadata.createConnection(uri, {"saveUsername": True, "savePassword": True})
    metadata.saveConnection(connection, "통합DB test")
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        import processing

        result = processing.run(
            "gimpo:publishtodatabase",
            {"INPUT": str(sample_city_files["gpkg"]), "DATABASE": "통합DB test", "SCHEMA": "by_name"},
        )
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
        metadata.deleteConnection("통합DB test")
    assert "parcels" in result["TABLES"].split(",")
    assert "parcels" in list_layers(postgis_url + "?schema=by_name")
