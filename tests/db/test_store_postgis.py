"""core.store against a real PostGIS: the sample city goes in and comes back equal, styled, keyed, indexed."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import geopandas as gpd
import pandas as pd
import psycopg2
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon

from gimpo_gis_plugin.core.errors import CancelledError, GimpoError
from gimpo_gis_plugin.core.progress import Progress
from gimpo_gis_plugin.core.store import DatabaseError, parse_postgres, read_layers, read_styles, write_layers
from gimpo_gis_plugin.core.store.postgis import connect, read_postgis

from .conftest import same_geometries


@pytest.fixture(scope="module")
def city_layers(sample_city_files):
    gpkg = sample_city_files["gpkg"]
    return gpkg, read_layers(gpkg), read_styles(gpkg)


def _query(url: str, statement: str, params: tuple | None = None) -> list[tuple]:
    """Run one statement (committed) and return its rows."""
    connection = psycopg2.connect(url, connect_timeout=5)
    try:
        with connection, connection.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []
    finally:
        connection.close()


def _assert_same_layer(expected, actual):
    assert list(actual.columns) == list(expected.columns) or set(actual.columns) == set(expected.columns)
    assert len(actual) == len(expected)
    if isinstance(expected, gpd.GeoDataFrame):
        assert actual.crs.to_epsg() == expected.crs.to_epsg()
        assert same_geometries(actual.geometry, expected.geometry)
    for column in expected.columns:
        if column == expected.geometry.name if isinstance(expected, gpd.GeoDataFrame) else False:
            continue
        left, right = expected[column], actual[column]
        if left.dtype.kind == "f" or right.dtype.kind == "f":
            pd.testing.assert_series_equal(left.astype(float), right.astype(float), check_names=False)
        else:
            assert left.astype(str).tolist() == right.astype(str).tolist(), column


def test_the_sample_city_round_trips(postgis_url, city_layers):
    _gpkg, layers, styles = city_layers
    write_layers(postgis_url + "?schema=gimpo", layers, styles)
    back = read_layers(postgis_url + "?schema=gimpo")
    assert set(back) == set(layers)
    for name, frame in layers.items():
        _assert_same_layer(frame, back[name])
    # Primary keys and spatial indexes, as the catalogue reports them.
    keyed = _query(
        postgis_url,
        "SELECT tc.table_name FROM information_schema.table_constraints tc WHERE tc.table_schema = 'gimpo'"
        " AND tc.constraint_type = 'PRIMARY KEY'",
    )
    assert {row[0] for row in keyed} == set(layers)
    gist = _query(postgis_url, "SELECT tablename FROM pg_indexes WHERE schemaname = 'gimpo' AND indexdef LIKE '%gist%'")
    spatial = {name for name, frame in layers.items() if isinstance(frame, gpd.GeoDataFrame)}
    assert {row[0] for row in gist} == spatial
    types = dict(_query(postgis_url, "SELECT f_table_name, type FROM geometry_columns WHERE f_table_schema = 'gimpo'"))
    assert types["parcels"] in ("POLYGON", "MULTIPOLYGON") and types["roads"] in ("LINESTRING", "MULTILINESTRING")
    # The styles are QGIS's default styles for exactly those tables.
    stored = read_styles(postgis_url + "?schema=gimpo")
    assert stored.keys() == styles.keys()
    assert all("<renderer-v2" in qml for qml in stored.values())


def test_a_republish_replaces_tables_and_default_styles(postgis_url):
    frame = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(0, 0), Point(1, 1)], crs="EPSG:5186")
    qml = '<!DOCTYPE qgis PUBLIC "http://mrcc.com/qgis.dtd" "SYSTEM"><qgis version="3.22"/>'
    for _ in range(2):
        write_layers(postgis_url, {"pts": frame}, {"pts": qml})
    assert len(read_layers(postgis_url, ["pts"])["pts"]) == 2
    assert _query(postgis_url, "SELECT count(*) FROM layer_styles WHERE f_table_name = 'pts'") == [(1,)]


def test_types_nulls_and_awkward_text_survive(postgis_url):
    frame = gpd.GeoDataFrame(
        {
            "fid": [10, 20, 30],
            "text": ["tab\there", "line\nbreak \\ back", None],
            "korean": ["김포시 사우동", "", "산 12-3"],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "value": [1.5, float("nan"), 1e-12],
            "flag": [True, False, True],
        },
        geometry=[Polygon([(0, 0), (1, 0), (1, 1)]), MultiPolygon([Polygon([(2, 2), (3, 2), (3, 3)])]), None],
        crs="EPSG:5186",
    )
    write_layers(postgis_url, {"mixed": frame})
    back = read_layers(postgis_url.replace("?", "") + "?schema=public")["mixed"]
    assert back["text"].tolist()[:2] == ["tab\there", "line\nbreak \\ back"] and back["text"].isna().tolist()[2]
    assert back["korean"].tolist() == ["김포시 사우동", "", "산 12-3"]
    assert back["count"].isna().tolist() == [False, True, False]
    assert back["value"].tolist()[0] == 1.5 and back["value"].tolist()[2] == 1e-12
    assert back["flag"].tolist() == [True, False, True]
    assert back.geometry.geom_type.tolist()[:2] == ["MultiPolygon", "MultiPolygon"] and back.geometry.isna().tolist()[2]
    fids = _query(postgis_url, "SELECT fid FROM public.mixed ORDER BY fid")
    assert [row[0] for row in fids] == [10, 20, 30]
    # The identity continues after the frame's own ids (QGIS adds features with the next id).
    assert _query(postgis_url, "INSERT INTO public.mixed (text) VALUES ('new') RETURNING fid") == [(31,)]


@pytest.mark.parametrize(
    ("schema", "table"),
    [('a"; drop table x; --', "t"), ("gimpo", "x'); DROP SCHEMA public CASCADE; --"), ("Upper Case", "한글 테이블")],
)
def test_hostile_names_are_only_names(postgis_url, schema, table):
    _query(postgis_url, "CREATE TABLE public.x (id int)")
    frame = gpd.GeoDataFrame({'col"; --': [1]}, geometry=[Point(1, 2)], crs="EPSG:5186")
    write_layers(postgis_url, {table: frame}, {table: '<qgis version="3.22"/>'}, schema=schema)
    assert _query(postgis_url, "SELECT to_regclass('public.x') IS NOT NULL") == [(True,)]
    names = _query(
        postgis_url, "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name = %s", (table,)
    )
    assert names == [(schema, table)]
    back = read_postgis(parse_postgres(postgis_url).with_schema(schema), [table])[table]
    assert back['col"; --'].tolist() == [1]


def test_a_failed_publish_leaves_the_database_as_it_was(postgis_url):
    good = gpd.GeoDataFrame({"v": [1]}, geometry=[Point(0, 0)], crs="EPSG:5186")
    write_layers(postgis_url + "?schema=s", {"keep": good})
    # A colleague's view on "other": replacing that table must fail, after "keep" was already rewritten.
    _query(postgis_url, "CREATE TABLE s.other (v int); CREATE VIEW s.other_view AS SELECT * FROM s.other")
    with pytest.raises(DatabaseError, match=r"Nothing was written.*depend"):
        write_layers(postgis_url + "?schema=s", {"keep": good.assign(v=[2]), "other": good})
    assert read_layers(postgis_url + "?schema=s", ["keep"])["keep"]["v"].tolist() == [1]
    assert _query(postgis_url, "SELECT count(*) FROM s.other_view") == [(0,)]


def test_a_cancel_before_commit_writes_nothing(postgis_url):
    frame = gpd.GeoDataFrame({"v": [1]}, geometry=[Point(0, 0)], crs="EPSG:5186")
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(CancelledError):
        write_layers(postgis_url + "?schema=c", {"a": frame, "b": frame}, progress=Progress(is_cancelled=cancelled))
    assert _query(postgis_url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'c'") == [(0,)]


def test_a_wrong_password_is_a_clear_error(postgis_cluster, postgis_url):
    url = postgis_cluster.url(postgis_url.rsplit("/", 1)[1], password="wrong")
    started = time.monotonic()
    with pytest.raises(DatabaseError, match="user name or password was refused") as caught:
        write_layers(url, {"t": pd.DataFrame({"v": [1]})})
    assert time.monotonic() - started < 5
    assert "wrong" not in str(caught.value)


def test_a_closed_port_is_a_clear_error():
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(DatabaseError, match=f"127.0.0.1:{port}.*connection refused"):
        read_layers(f"postgresql://u:p@127.0.0.1:{port}/gimpo")
    assert time.monotonic() - started < 5


def test_a_server_that_never_answers_times_out():
    # A socket that accepts connections but never speaks: libpq would wait forever without connect_timeout.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    port = silent.getsockname()[1]
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    started = time.monotonic()
    try:
        target = parse_postgres(f"postgresql://u:p@127.0.0.1:{port}/gimpo")
        with pytest.raises(DatabaseError, match="no answer within 2 s"), connect(target, timeout_s=2):
            pass
    finally:
        silent.close()
    assert time.monotonic() - started < 6


def test_missing_postgis_is_named(postgis_cluster):
    with contextlib.closing(postgis_cluster.connect()) as admin, admin.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS plain_db")
        cursor.execute("CREATE DATABASE plain_db")
    try:
        with pytest.raises(GimpoError, match="does not have PostGIS"):
            write_layers(postgis_cluster.url("plain_db"), {"t": pd.DataFrame({"v": [1]})})
    finally:
        with contextlib.closing(postgis_cluster.connect()) as admin, admin.cursor() as cursor:
            cursor.execute("DROP DATABASE plain_db")
