"""Facility algorithms through bin/qgis_process on the sample city; exit codes and outputs checked."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def city_gpkg(sample_city_files):
    return sample_city_files["gpkg"]


def test_excavation_impact_writes_ranked_facilities_and_notices(qgis_algorithm, city_gpkg, dig_file, tmp_path):
    dig = {"FACILITIES": city_gpkg, "DIG": dig_file, "DEPTH_FIELD": "depth", "ID_FIELD": "dig_id"}
    run = qgis_algorithm("gimpo:excavationimpact", **dig, OUTPUT=tmp_path / "impact.gpkg", NOTICES=tmp_path / "notices")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    affected = gpd.read_file(tmp_path / "impact.gpkg", layer="affected")
    assert {"water", "sewer", "gas", "power", "telecom", "heat"} <= set(affected["facility_type"])
    assert list(affected["risk_rank"]) == sorted(affected["risk_rank"])
    assert run.results["AFFECTED_COUNT"] == len(affected)
    stretches = gpd.read_file(tmp_path / "impact.gpkg", layer="affected_lines")
    assert len(stretches) > 0 and set(stretches.geom_type) <= {"LineString", "MultiLineString"}
    notices = sorted((tmp_path / "notices").glob("notice_*.html"))
    assert len(notices) == affected["agency"].nunique()
    # every record's survey grade widened its envelope (a missing grade as the least certain, D)
    assert (affected["position_tolerance_m"] > 0).all() and (affected["depth_tolerance_m"] > 0).all()
    exact_run = {"SURVEY_TOLERANCE": "false", "OUTPUT": tmp_path / "exact.gpkg", "NOTICES": tmp_path / "n"}
    exact = qgis_algorithm("gimpo:excavationimpact", **dig, **exact_run)
    assert exact.returncode == 0, exact.stdout[-2000:] + exact.stderr[-2000:]
    taken_as_exact = gpd.read_file(tmp_path / "exact.gpkg", layer="affected")
    assert (taken_as_exact["position_tolerance_m"] == 0).all()
    assert set(taken_as_exact["record_id"]) <= set(affected["record_id"])


def test_excavation_impact_refuses_point_digs(qgis_algorithm, city_gpkg, tmp_path):
    points = tmp_path / "points.gpkg"
    gpd.GeoDataFrame(geometry=[Point(0, 0)], crs="EPSG:5186").to_file(points)
    run = qgis_algorithm(
        "gimpo:excavationimpact",
        FACILITIES=city_gpkg,
        DIG=points,
        OUTPUT=tmp_path / "o.gpkg",
        NOTICES=tmp_path / "n",
    )
    assert run.returncode != 0
    assert "polygon" in (run.stdout + run.stderr).lower()


def test_excavation_impact_refuses_a_store_without_facility_tables(qgis_algorithm, dig_file, tmp_path):
    other = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs="EPSG:5186").to_file(other, layer="parcels")
    run = qgis_algorithm(
        "gimpo:excavationimpact", FACILITIES=other, DIG=dig_file, OUTPUT=tmp_path / "o.gpkg", NOTICES=tmp_path / "n"
    )
    assert run.returncode != 0
    assert "none of the facility tables" in run.stdout + run.stderr


def test_clearance_check_finds_the_planted_conflicts(qgis_algorithm, city_gpkg, sample_city, tmp_path):
    run = qgis_algorithm("gimpo:clearancecheck", FACILITIES=city_gpkg, OUTPUT=tmp_path / "clearance.gpkg")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    truth = sample_city.layers["utilities_ground_truth"]
    points = gpd.read_file(tmp_path / "clearance.gpkg", layer="conflict_points")
    lines = gpd.read_file(tmp_path / "clearance.gpkg", layer="conflict_lines")
    assert len(points) == (truth["kind"] == "crossing").sum()
    assert len(lines) == (truth["kind"] == "parallel").sum()
    issues = gpd.read_file(tmp_path / "clearance.gpkg", layer="data_issues")
    for row in truth[truth["kind"] == "data"].itertuples():
        assert row.code in set(issues.loc[issues["record_id"] == row.record_a, "code"])


def test_clearance_check_refuses_a_broken_clearance_table(qgis_algorithm, city_gpkg, tmp_path):
    table = tmp_path / "clearance.csv"
    table.write_text("type_a,type_b,horizontal_m,vertical_m\ngas,water,0.3,abc\n", encoding="utf-8")
    run = qgis_algorithm(
        "gimpo:clearancecheck", FACILITIES=city_gpkg, CLEARANCE_TABLE=table, OUTPUT=tmp_path / "c.gpkg"
    )
    assert run.returncode != 0
    assert "row 2, column vertical_m" in run.stdout + run.stderr


def test_facility_aging_writes_segments_and_the_area_indicator(qgis_algorithm, city_gpkg, tmp_path):
    run = qgis_algorithm("gimpo:facilityaging", FACILITIES=city_gpkg, REFERENCE_YEAR=2026, OUTPUT=tmp_path / "a.gpkg")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    segments = gpd.read_file(tmp_path / "a.gpkg", layer="segments")
    areas = gpd.read_file(tmp_path / "a.gpkg", layer="areas")
    assert set(segments["priority_class"]) <= {0, 1, 2, 3, 4} and (segments["priority_class"] == 1).any()
    assert len(areas) == 14 and areas["share_over_life"].between(0, 1).all()


def test_facility_aging_refuses_a_bad_service_life_table(qgis_algorithm, city_gpkg, tmp_path):
    table = tmp_path / "life.csv"
    table.write_text("facility_type,material,service_life_years,criticality\npipes,*,30,1\n", encoding="utf-8")
    run = qgis_algorithm(
        "gimpo:facilityaging", FACILITIES=city_gpkg, SERVICE_LIFE_TABLE=table, OUTPUT=tmp_path / "a.gpkg"
    )
    assert run.returncode != 0
    assert "unknown facility type 'pipes'" in run.stdout + run.stderr
