"""The facility store: schema, validating loader (every record kept or rejected, with its id), round trip."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import LineString, MultiLineString, Point

from gimpo_gis_plugin.core.errors import InputError, MissingColumnsError
from gimpo_gis_plugin.core.facilities.loader import UNKNOWN_AGENCY, load_store
from gimpo_gis_plugin.core.facilities.schema import UNDERGROUND_LAYERS, postgis_ddl
from gimpo_gis_plugin.core.facilities.store_io import write_store

TODAY = date(2026, 12, 1)


def sewer_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    base = {
        "ftr_idn": None,
        "agency": "김포시 하수과",
        "acc_grade": "B",
        "ist_ymd": "2001-05-01",
        "std_dip": 450.0,
        "beg_dep": 1.5,
        "end_dep": 2.0,
        "geometry": LineString([(0, 0), (50, 0)]),
    }
    return gpd.GeoDataFrame([{**base, **row} for row in rows], geometry="geometry", crs="EPSG:5186")


def issues_of(store, record_id: str) -> set[str]:
    return set(store.issues.loc[store.issues["record_id"] == record_id, "code"])


def test_postgis_ddl_uses_plain_types_for_every_table():
    ddl = postgis_ddl()
    for name in UNDERGROUND_LAYERS:
        assert f"CREATE TABLE IF NOT EXISTS facilities.{name}" in ddl
    assert "geometry(LineString, 5186)" in ddl and "geometry(Point, 5186)" in ddl
    assert "low_dep DOUBLE PRECISION" in ddl and "beg_dep DOUBLE PRECISION" in ddl
    assert "BLOB" not in ddl and "gpkg" not in ddl.lower()


def test_bad_records_are_each_reported_with_their_id_and_none_is_dropped():
    frame = sewer_frame(
        [
            {"ftr_idn": "S-OK"},
            {"ftr_idn": "S-NEG", "beg_dep": -0.4},  # start depth above ground
            {"ftr_idn": "S-NODEP", "end_dep": None},
            {"ftr_idn": "S-TEXT", "beg_dep": "깊음"},
            {"ftr_idn": "S-DEEP", "end_dep": 80.0},
            {"ftr_idn": "S-NOAG", "agency": "  "},
            {"ftr_idn": "S-PT", "geometry": Point(3, 3)},  # wrong geometry type
            {"ftr_idn": "S-EMPTY", "geometry": None},
            {"ftr_idn": "S-MULTI", "geometry": MultiLineString([[(0, 0), (1, 0)], [(5, 5), (6, 5)]])},
            {"ftr_idn": "S-ONE", "geometry": MultiLineString([[(0, 0), (1, 0)], [(1, 0), (2, 0)]])},
            {"ftr_idn": None},
            {"ftr_idn": "S-DATE", "ist_ymd": "2031-01-01"},
            {"ftr_idn": "S-GRADE", "acc_grade": "Z"},
        ]
    )
    store = load_store({"SWL_PIPE_LM": frame}, today=TODAY)
    kept = store.layers["swl_pipe_lm"]
    assert len(kept) + len(store.rejects) == len(frame)  # every record ends somewhere
    assert set(store.rejects["record_id"]) == {"S-PT", "S-EMPTY", "S-MULTI"}
    assert set(store.rejects["code"]) == {"GEOMETRY_WRONG_TYPE", "GEOMETRY_MISSING", "GEOMETRY_MULTIPART"}
    assert "Point" in store.rejects.set_index("record_id").at["S-PT", "reason"]
    assert issues_of(store, "S-OK") == set()
    assert issues_of(store, "S-NEG") == {"DEPTH_NEGATIVE"}
    assert issues_of(store, "S-NODEP") == {"DEPTH_MISSING"}
    assert issues_of(store, "S-TEXT") == {"DEPTH_MISSING"}
    assert issues_of(store, "S-DEEP") == {"DEPTH_IMPLAUSIBLE"}
    assert issues_of(store, "S-NOAG") == {"AGENCY_MISSING"}
    assert issues_of(store, "swl_pipe_lm#11") == {"ID_MISSING"}
    assert issues_of(store, "S-DATE") == {"DATE_IN_FUTURE"}
    assert issues_of(store, "S-GRADE") == {"CHOICE_INVALID"}
    by_id = kept.set_index("record_id")
    # bad depths become unknown (NaN), never a number that looks safe
    assert np.isnan(by_id.at["S-NEG", "beg_dep"]) and np.isnan(by_id.at["S-DEEP", "end_dep"])
    assert by_id.at["S-NOAG", "agency"] == UNKNOWN_AGENCY
    assert by_id.at["S-ONE", "geometry"].geom_type == "LineString"
    assert by_id.at["S-OK", "src_row"] == 1


def test_inverted_water_range_is_flagged_and_read_as_the_range():
    frame = gpd.GeoDataFrame(
        {"FTR_IDN": ["W1"], "AGENCY": ["김포시 수도과"], "LOW_DEP": [2.0], "HGH_DEP": [1.2], "STD_DIP": [200]},
        geometry=[LineString([(0, 0), (10, 0)])],
        crs="EPSG:5186",
    )
    store = load_store({"wtl_pipe_lm": frame}, today=TODAY)
    assert issues_of(store, "W1") == {"DEPTH_INVERTED"}
    row = store.layers["wtl_pipe_lm"].iloc[0]
    assert (row["low_dep"], row["hgh_dep"]) == (1.2, 2.0)


def test_a_table_without_ids_is_refused_with_its_name():
    frame = gpd.GeoDataFrame({"agency": ["x"]}, geometry=[LineString([(0, 0), (1, 0)])], crs="EPSG:5186")
    with pytest.raises(MissingColumnsError, match="gas_pipe_lm"):
        load_store({"gas_pipe_lm": frame}, today=TODAY)


def test_a_geopackage_without_facility_tables_is_refused(tmp_path):
    path = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs="EPSG:5186").to_file(path, layer="parcels")
    with pytest.raises(InputError, match="none of the facility tables"):
        load_store(path)


def test_store_round_trip_through_a_geopackage(tmp_path):
    frame = sewer_frame([{"ftr_idn": "S1"}, {"ftr_idn": "S2", "beg_dep": -1.0}, {"ftr_idn": "S3", "geometry": None}])
    store = load_store({"swl_pipe_lm": frame}, today=TODAY)
    path = write_store(tmp_path / "store.gpkg", store)
    assert {"swl_pipe_lm", "rejects", "data_issues"} <= set(pyogrio.list_layers(path)[:, 0])
    again = load_store(path, today=TODAY)
    assert list(again.layers["swl_pipe_lm"]["record_id"]) == ["S1", "S2"]
    assert issues_of(again, "S2") == {"DEPTH_MISSING"}  # the unknown depth stays unknown


def test_sample_city_utilities_follow_the_schema_and_the_planted_bad_records_are_found(sample_city):
    store = load_store(sample_city.layers, today=TODAY)
    assert set(UNDERGROUND_LAYERS) <= set(store.layers)
    assert len(store.rejects) == 0
    truth = sample_city.layers["utilities_ground_truth"]
    planted = truth[truth["kind"] == "data"]
    assert len(planted) >= 6
    for row in planted.itertuples():
        assert row.code in issues_of(store, row.record_a), row
    lines = store.line_layers
    depth_columns = {"wtl_pipe_lm": "low_dep", "swl_pipe_lm": "beg_dep", "gas_pipe_lm": "std_dep"}
    for name, column in depth_columns.items():
        depths = lines[name][column].dropna()
        assert depths.between(0.3, 6.0).mean() > 0.99
    gas = lines["gas_pipe_lm"]
    assert (gas["std_dep"].dropna() >= 0.8).all()  # KGS FS551 minimum cover under roads
