"""gimpo:valveisolation through bin/qgis_process on the sample city: a plan, and Korean refusals."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def city_gpkg(sample_city_files):
    return sample_city_files["gpkg"]


def test_valve_isolation_writes_the_styled_plan_and_the_notice(qgis_algorithm, city_gpkg, tmp_path):
    run = qgis_algorithm(
        "gimpo:valveisolation",
        FACILITIES=city_gpkg,
        BREAKS=f"{city_gpkg}|layername=water_breaks",
        BREAK_ID_FIELD="break_id",
        BUILDINGS=f"{city_gpkg}|layername=buildings",
        OUTPUT=tmp_path / "plan.gpkg",
        NOTICE=tmp_path / "notice.html",
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    valves = gpd.read_file(tmp_path / "plan.gpkg", layer="valves_to_close")
    assert run.results["VALVES_TO_CLOSE_COUNT"] == len(valves) >= 2
    assert list(valves["seq"]) == list(range(1, len(valves) + 1)) and valves["depth_m"].notna().all()
    styled = gpd.read_file(tmp_path / "plan.gpkg", layer="layer_styles")
    assert {"valves_to_close", "isolated_pipes", "buildings_without_water"} <= set(styled["f_table_name"])
    notice = (tmp_path / "notice.html").read_text(encoding="utf-8")
    assert "단수 안내" in notice and valves["valve_id"].iloc[0] in notice


def test_valve_isolation_refuses_a_break_far_from_every_main(qgis_algorithm, city_gpkg, tmp_path):
    far = tmp_path / "far.gpkg"
    gpd.GeoDataFrame({"break_id": ["FAR-1"]}, geometry=[Point(100000, 400000)], crs="EPSG:5186").to_file(far)
    run = qgis_algorithm(
        "gimpo:valveisolation", FACILITIES=city_gpkg, BREAKS=far, BREAK_ID_FIELD="break_id", OUTPUT=tmp_path / "o.gpkg"
    )
    assert run.returncode != 0
    assert "파손 지점 FAR-1" in run.stdout + run.stderr
    assert not (tmp_path / "o.gpkg").exists()


def test_valve_isolation_refuses_a_store_without_valves(qgis_algorithm, tmp_path):
    store = tmp_path / "store.gpkg"
    gpd.GeoDataFrame(
        {"ftr_idn": ["P1"], "agency": ["김포시 수도과"], "std_dip": [200.0]},
        geometry=[gpd.points_from_xy([0], [0]).buffer(1).boundary[0]],
        crs="EPSG:5186",
    ).to_file(store, layer="wtl_pipe_lm")
    breaks = tmp_path / "b.gpkg"
    gpd.GeoDataFrame(geometry=[Point(1, 0)], crs="EPSG:5186").to_file(breaks)
    run = qgis_algorithm("gimpo:valveisolation", FACILITIES=store, BREAKS=breaks, OUTPUT=tmp_path / "o.gpkg")
    assert run.returncode != 0
    assert "제수밸브" in run.stdout + run.stderr


def test_excavation_notice_to_the_water_agency_carries_the_shut_off_plan(qgis_algorithm, city_gpkg, dig_file, tmp_path):
    run = qgis_algorithm(
        "gimpo:excavationimpact",
        FACILITIES=city_gpkg,
        DIG=dig_file,
        DEPTH_FIELD="depth",
        ID_FIELD="dig_id",
        OUTPUT=tmp_path / "impact.gpkg",
        NOTICES=tmp_path / "notices",
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    valves = gpd.read_file(tmp_path / "impact.gpkg", layer="shutoff_valves")
    assert len(valves) >= 2 and set(valves["dig_id"]) == {"D1"}
    water = [p for p in (tmp_path / "notices").glob("notice_*.html") if "수도과" in p.name]
    text = water[0].read_text(encoding="utf-8")
    assert "밸브 조작 순서" in text and valves["valve_id"].iloc[0] in text
