"""Clearance between buried lines: synthetic known answers and the sample city's planted conflicts."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from gimpo_gis_plugin.core.facilities.clearance import check_clearance, issues_layer
from gimpo_gis_plugin.core.facilities.loader import load_store
from gimpo_gis_plugin.core.facilities.network import network_frame
from gimpo_gis_plugin.core.facilities.rules import read_clearances, read_margins

CRS = "EPSG:5186"
MARGINS = read_margins()
RULES = read_clearances()  # gas-water 0.3 m, water-telecom 0.3 m


def water_main() -> dict:
    """A 200 mm water main 1.0 m deep (top), so its bottom is at 1.2 m."""
    return {
        "ftr_idn": "W1",
        "agency": "김포시 수도과",
        "std_dip": 200.0,
        "low_dep": 1.0,
        "hgh_dep": 1.0,
        "geometry": LineString([(0, 0), (100, 0)]),
    }


def run(gas_depth=None, telecom=None):
    tables = {"wtl_pipe_lm": [water_main()]}
    if gas_depth is not False:
        tables["gas_pipe_lm"] = [
            {
                "ftr_idn": "G1",
                "agency": "도시가스사",
                "std_dip": 100.0,
                "std_dep": gas_depth,
                "geometry": LineString([(50, -20), (50, 20)]),
            }
        ]
    if telecom:
        tables["tel_line_lm"] = [telecom]
    frames = {k: gpd.GeoDataFrame(v, geometry="geometry", crs=CRS) for k, v in tables.items()}
    store = load_store(frames, today=date(2026, 1, 1))
    network = network_frame(store, MARGINS, points=False)
    return check_clearance(network, RULES), store, network


def test_two_pipes_crossing_with_a_0_2_m_gap_conflict():
    result, _, _ = run(gas_depth=1.4)  # gas top 1.4 m, water bottom 1.2 m: 0.2 m < 0.3 m
    assert len(result.crossings) == 1 and result.parallels.empty
    row = result.crossings.iloc[0]
    assert {row["record_a"], row["record_b"]} == {"W1", "G1"}
    assert row["measured_v_m"] == pytest.approx(0.2)
    assert row["required_v_m"] == 0.3 and row["status"] == "conflict"
    assert row.geometry.x == pytest.approx(50) and row.geometry.y == pytest.approx(0)


def test_a_crossing_with_enough_gap_passes_and_an_unknown_depth_never_does():
    assert run(gas_depth=1.6)[0].crossings.empty  # 0.4 m gap
    unknown = run(gas_depth=None)[0].crossings
    assert list(unknown["status"]) == ["unknown"] and list(unknown["code"]) == ["CROSSING_DEPTH_UNKNOWN"]


def telecom_at(offset: float, depth: float) -> dict:
    return {
        "ftr_idn": "T1",
        "agency": "KT",
        "std_dip": 100.0,
        "std_dep": depth,
        "geometry": LineString([(10, offset), (40, offset)]),
    }


def test_parallel_run_too_close_and_one_vertically_apart():
    result, _, _ = run(gas_depth=False, telecom=telecom_at(0.4, 1.0))
    assert len(result.parallels) == 1
    row = result.parallels.iloc[0]
    assert row["measured_h_m"] == pytest.approx(0.4 - 0.1 - 0.05)  # edge to edge
    assert row["run_length_m"] == pytest.approx(30.0)
    assert run(gas_depth=False, telecom=telecom_at(0.4, 2.0))[0].parallels.empty  # 0.8 m below the main
    assert run(gas_depth=False, telecom=telecom_at(0.6, 1.0))[0].parallels.empty  # 0.45 m apart


def test_a_converging_run_is_measured_at_its_closest_approach():
    converging = {**telecom_at(0.4, 1.0), "geometry": LineString([(10, 0.4), (40, 0.3)])}
    row = run(gas_depth=False, telecom=converging)[0].parallels.iloc[0]
    assert row["measured_h_m"] == pytest.approx(0.3 - 0.1 - 0.05)  # at x = 40, not 0.35 m at the middle


def test_bad_depths_are_located_on_their_facility():
    _, store, network = run(gas_depth=-0.3)
    layer = issues_layer(store.issues, network)
    row = layer[layer["record_id"] == "G1"].iloc[0]
    assert row["code"] == "DEPTH_NEGATIVE" and row.geometry is not None


def test_sample_city_planted_conflicts_are_all_found_and_nothing_else(sample_city):
    store = load_store(sample_city.layers)
    result = check_clearance(network_frame(store, MARGINS, points=False), RULES)
    truth = sample_city.layers["utilities_ground_truth"]
    found = {
        (frozenset((r.record_a, r.record_b)), r.code)
        for frame in (result.crossings, result.parallels)
        for r in frame.itertuples()
    }
    planted = {
        (frozenset((r.record_a, r.record_b)), r.code)
        for r in truth[truth["kind"].isin(["crossing", "parallel"])].itertuples()
    }
    assert planted and planted <= found  # recall 100 %
    assert found == planted  # and the designed network itself is clean
    control = truth[truth["kind"] == "control"].iloc[0]
    assert frozenset((control.record_a, control.record_b)) not in {pair for pair, _ in found}
    for r in truth[truth["kind"] == "crossing"].dropna(subset=["planted_m"]).itertuples():
        row = result.crossings[
            result.crossings["record_b"].isin([r.record_b]) | result.crossings["record_a"].isin([r.record_b])
        ]
        assert row["measured_v_m"].iloc[0] == pytest.approx(r.planted_m, abs=0.01)
