"""Excavation impact in 3-D on synthetic pipes with known answers, and on the sample city."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.facilities.excavation import (
    FacilityIndex,
    MarginOverride,
    affected_stretches,
    excavation_impact,
)
from gimpo_gis_plugin.core.facilities.loader import load_store
from gimpo_gis_plugin.core.facilities.network import network_frame
from gimpo_gis_plugin.core.facilities.notices import write_notices
from gimpo_gis_plugin.core.facilities.rules import read_accuracy, read_margins

CRS = "EPSG:5186"
MARGINS = read_margins()  # sewer: 0.5 m horizontal, 0.3 m vertical


def index_of(tables: dict[str, list[dict]]) -> FacilityIndex:
    frames = {name: gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS) for name, rows in tables.items()}
    store = load_store(frames, today=date(2026, 1, 1))
    return FacilityIndex(network_frame(store, MARGINS), MARGINS)


def sloping_sewer(diameter_mm: float = 200.0) -> dict[str, list[dict]]:
    """A sewer from x=0 (1 m deep) to x=100 (3 m deep): depth = 1 + x / 50."""
    return {
        "swl_pipe_lm": [
            {
                "ftr_idn": "S1",
                "agency": "김포시 하수과",
                "std_dip": diameter_mm,
                "beg_dep": 1.0,
                "end_dep": 3.0,
                "geometry": LineString([(0, 0), (100, 0)]),
            }
        ]
    }


def dig(index: FacilityIndex, polygon, depth: float = 2.0) -> pd.DataFrame:
    return index.query(polygon, depth)


def test_sloping_pipe_under_a_two_metre_dig_is_hit_where_it_is_shallowest():
    index = index_of(sloping_sewer())
    hits = dig(index, box(40, -5, 60, 5))
    assert list(hits["record_id"]) == ["S1"]
    hit = hits.iloc[0]
    reach = 0.5 + 0.1  # margin plus half the 200 mm diameter
    assert hit["depth_min_m"] == pytest.approx(1 + (40 - reach) / 50, abs=0.002)
    assert hit["vertical_clearance_m"] == pytest.approx(1 + (40 - reach) / 50 - 2.0, abs=0.002)
    assert hit["horizontal_distance_m"] == 0
    assert hit["risk_level"] == 3
    assert 1.8 - 1e-6 <= hit["depth_closest_m"] <= 2.2 + 1e-6


def test_interpolated_depth_decides_between_safe_and_inside_the_margin():
    index = index_of(sloping_sewer())
    # pipe top 2.588 m at the reach edge x = 79.4: 0.588 m below a 2 m dig, more than the 0.3 m margin
    assert dig(index, box(80, -5, 90, 5)).empty
    # pipe top 2.268 m at x = 63.4: 0.268 m below the dig, inside the margin, not touched
    hits = dig(index, box(64, -5, 70, 5))
    assert len(hits) == 1 and hits.iloc[0]["risk_level"] == 2
    assert hits.iloc[0]["vertical_clearance_m"] == pytest.approx(0.268, abs=0.002)


def test_horizontal_reach_counts_the_diameter():
    thin, thick = index_of(sloping_sewer(200.0)), index_of(sloping_sewer(400.0))
    beside = box(40, 0.55, 60, 5)  # 0.55 m from the centreline
    hits = dig(thin, beside, depth=3.0)
    assert len(hits) == 1 and hits.iloc[0]["horizontal_distance_m"] == pytest.approx(0.45)
    assert hits.iloc[0]["risk_level"] == 2
    farther = box(40, 0.65, 60, 5)
    assert dig(thin, farther, depth=3.0).empty  # 0.55 m edge distance > 0.5 m margin
    assert len(dig(thick, farther, depth=3.0)) == 1  # 0.45 m edge distance for a 400 mm pipe


@pytest.mark.parametrize(
    ("grade", "position", "depth"),
    [("A", 0.05, 0.05), ("B", 0.2, 0.3), ("C", 1.0, 0.5), ("D", 2.0, 1.0), (None, 2.0, 1.0)],
)
def test_survey_grade_widens_the_envelope_by_its_tolerance(grade, position, depth):
    tables = sloping_sewer()
    tables["swl_pipe_lm"][0]["acc_grade"] = grade
    frames = {name: gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS) for name, rows in tables.items()}
    network = network_frame(load_store(frames, today=date(2026, 1, 1)), MARGINS)
    exact, surveyed = FacilityIndex(network, MARGINS), FacilityIndex(network, MARGINS, read_accuracy())
    # 0.65 m from the centreline: outside 0.5 m margin + 0.1 m half diameter, inside once the grade's doubt counts
    beside = box(40, 0.65, 60, 5)
    assert dig(exact, beside, depth=3.0).empty
    hits = dig(surveyed, beside, depth=3.0)
    assert len(hits) == (1 if position > 0.05 else 0)
    if len(hits):
        hit = hits.iloc[0]
        assert (hit["position_tolerance_m"], hit["depth_tolerance_m"]) == (position, depth)
        assert hit["horizontal_margin_m"] == 0.5 and hit["vertical_margin_m"] == 0.3  # the safety margins as set
    # vertically: a 2 m dig from x = 80; the pipe's top at the edge of the widened reach decides
    clearance = 1 + (80 - 0.6 - position) / 50 - 2.0  # 0.587 m for grade A: cleared by 0.3 + 0.05 m
    below = dig(surveyed, box(80, -5, 90, 5))
    assert len(below) == (1 if clearance < 0.3 + depth else 0)
    if len(below):
        assert below.iloc[0]["vertical_clearance_m"] == pytest.approx(clearance, abs=0.002)


def test_accuracy_table_needs_every_grade(tmp_path):
    table = tmp_path / "accuracy.csv"
    table.write_text("acc_grade,horizontal_tolerance_m,vertical_tolerance_m\nA,0.1,0.1\nB,0.2,0.3\n")
    with pytest.raises(InputError, match="no row for C, D"):
        read_accuracy(table)
    table.write_text("acc_grade,horizontal_tolerance_m,vertical_tolerance_m\nA,-1,0.1\n")
    with pytest.raises(InputError, match="row 2, column horizontal_tolerance_m"):
        read_accuracy(table)


def test_unknown_depth_range_depth_and_manholes_are_reported_with_gas_first():
    tables = sloping_sewer()
    tables["gas_pipe_lm"] = [
        {
            "ftr_idn": "G1",
            "agency": "도시가스사",
            "std_dip": 100,
            "std_dep": None,
            "geometry": LineString([(50, -20), (50, 20)]),
        }
    ]
    tables["wtl_pipe_lm"] = [
        {
            "ftr_idn": "W1",
            "agency": "김포시 수도과",
            "std_dip": 200,
            "low_dep": 1.0,
            "hgh_dep": 3.0,
            "geometry": LineString([(45, -20), (45, 20)]),
        }
    ]
    tables["manhole_ps"] = [{"ftr_idn": "M1", "agency": "김포시 하수과", "man_dep": 2.5, "geometry": Point(55, 3)}]
    index = index_of(tables)
    hits = dig(index, box(40, -5, 60, 5), depth=1.5)
    assert set(hits["record_id"]) == {"S1", "G1", "W1", "M1"}
    assert hits.iloc[0]["record_id"] == "G1"  # unknown depth, most hazardous type: first
    gas = hits.set_index("record_id").loc["G1"]
    assert not gas["depth_known"] and "미상" in gas["risk_label"] and np.isnan(gas["vertical_clearance_m"])
    water = hits.set_index("record_id").loc["W1"]
    assert water["depth_min_m"] == 1.0  # only the range is known: its shallowest end counts
    assert hits.set_index("record_id").loc["M1", "vertical_clearance_m"] == -1.5  # a shaft from the surface
    assert list(hits["risk_rank"]) == [1, 2, 3, 4]


def test_trench_line_with_width_and_margin_override():
    index = index_of(sloping_sewer())
    trench = gpd.GeoDataFrame({"name": ["T1"]}, geometry=[LineString([(50, -5), (50, 5)])], crs=CRS)
    hits = excavation_impact(index, trench, depth_m=2.0, width_m=1.0, id_field="name")
    assert list(hits["dig_id"]) == ["T1"]
    stretch = affected_stretches(hits)
    assert len(stretch) == 1  # the trench (1 m) plus 0.6 m reach either side: 2.2 m of the sewer
    assert stretch.geometry.iloc[0].length == pytest.approx(2.2, abs=0.01)
    assert hits.iloc[0]["depth_min_m"] == pytest.approx(1 + (49.5 - 0.6) / 50, abs=0.002)
    wide = index.query(box(80, -5, 90, 5), 2.0, MarginOverride(vertical_m=1.0))
    assert len(wide) == 1 and wide.iloc[0]["vertical_margin_m"] == 1.0


def test_bad_digs_are_refused_with_a_clear_message():
    index = index_of(sloping_sewer())
    points = gpd.GeoDataFrame(geometry=[Point(1, 1)], crs=CRS)
    with pytest.raises(InputError, match="neither polygons nor lines"):
        excavation_impact(index, points, depth_m=2.0)
    lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs=CRS)
    with pytest.raises(InputError, match="trench width"):
        excavation_impact(index, lines, depth_m=2.0)
    with pytest.raises(InputError, match="depth"):
        index.query(box(0, 0, 1, 1), -1.0)


def test_sample_city_dig_over_a_road_notifies_each_agency(sample_city, tmp_path):
    store = load_store(sample_city.layers)
    index = FacilityIndex(network_frame(store, MARGINS), MARGINS)
    road = sample_city.roads[sample_city.roads["width_m"] >= 15].iloc[0]
    middle = road.geometry.interpolate(0.5, normalized=True)
    digs = gpd.GeoDataFrame({"dig_id": ["D1"]}, geometry=[middle.buffer(12, cap_style="square")], crs=CRS)
    hits = excavation_impact(index, digs, depth_m=3.0, id_field="dig_id")
    # a 24 m square across a main road at 3 m reaches its water, sewer, gas, power, telecom and heat lines
    assert {"water", "sewer", "gas", "power", "telecom", "heat"} <= set(hits["facility_type"])
    assert hits["risk_rank"].is_monotonic_increasing
    info = pd.DataFrame({"dig_id": ["D1"], "x": [middle.x], "y": [middle.y], "depth_m": [3.0], "area_m2": [576.0]})
    paths = write_notices(hits, tmp_path / "notices", info)
    assert len(paths) == 1 + hits["agency"].nunique()
    page = paths[1].read_text(encoding="utf-8")
    assert "굴착공사 사전 통보" in page and "D1" in page
