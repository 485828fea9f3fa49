"""Valve isolation on small networks whose answer is known by hand."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.water.graph import build_network
from gimpo_gis_plugin.core.water.inputs import load_water
from gimpo_gis_plugin.core.water.isolation import Break, isolate
from gimpo_gis_plugin.core.water.served import buildings_without_water

CRS = "EPSG:5186"


def tables(pipes, valves, sources=(), services=(), hydrants=()):
    """Store tables from (id, coords, diameter), (id, (x, y), off_cde, opr_yn), (id, (x, y)) ..."""
    frames = {
        "wtl_pipe_lm": gpd.GeoDataFrame(
            {"ftr_idn": [p[0] for p in pipes], "agency": "김포시 수도과", "std_dip": [p[2] for p in pipes],
             "mop_cde": "DCIP", "low_dep": 1.2, "hgh_dep": 1.4},
            geometry=[LineString(p[1]) for p in pipes], crs=CRS,
        ),
        "valve_ps": gpd.GeoDataFrame(
            {"ftr_idn": [v[0] for v in valves], "agency": "김포시 수도과", "net_type": "water",
             "val_dep": 1.1, "off_cde": [v[2] for v in valves], "opr_yn": [v[3] for v in valves]},
            geometry=[Point(v[1]) for v in valves], crs=CRS,
        ),
    }  # fmt: skip
    if sources:
        frames["wtl_serv_ps"] = gpd.GeoDataFrame(
            {"ftr_idn": [s[0] for s in sources], "agency": "김포시 수도과", "srv_nam": [s[0] for s in sources]},
            geometry=[Point(s[1]) for s in sources],
            crs=CRS,
        )
    if services:
        frames["wtl_meta_ps"] = gpd.GeoDataFrame(
            {"ftr_idn": [s[0] for s in services], "agency": "김포시 수도과", "pip_idn": [s[2] for s in services],
             "bld_id": [s[3] for s in services], "hom_cnt": [s[4] for s in services]},
            geometry=[Point(s[1]) for s in services], crs=CRS,
        )  # fmt: skip
    if hydrants:
        frames["wtl_fire_ps"] = gpd.GeoDataFrame(
            {"ftr_idn": [h[0] for h in hydrants], "agency": "김포시 수도과", "std_dip": 100.0},
            geometry=[Point(h[1]) for h in hydrants],
            crs=CRS,
        )
    return frames


def network_of(frames):
    return build_network(load_water(frames))


# A square loop fed at its (0, 0) corner, two valves on every side, 10 m from each corner.
SQUARE = [
    ("B", [(0, 0), (100, 0)], 200.0),
    ("R", [(100, 0), (100, 100)], 150.0),
    ("T", [(100, 100), (0, 100)], 150.0),
    ("L", [(0, 100), (0, 0)], 200.0),
]
SQUARE_VALVES = [
    ("VB1", (10, 0), "열림", "Y"),
    ("VB2", (90, 0), "열림", "Y"),
    ("VR1", (100, 10), "열림", "Y"),
    ("VR2", (100, 90), "열림", "Y"),
    ("VT1", (90, 100), "열림", "Y"),
    ("VT2", (10, 100), "열림", "Y"),
    ("VL1", (0, 90), "열림", "Y"),
    ("VL2", (0, 10), "열림", "Y"),
]
SQUARE_SERVICES = [
    ("M1", (110, 50), "R", "BLD-R", 12),
    ("M2", (-10, 50), "L", "BLD-L", 4),
    ("M3", (50, 110), "T", "BLD-T", 30),
]


def test_a_loop_fed_from_both_sides_shuts_only_the_broken_side():
    frames = tables(SQUARE, SQUARE_VALVES, sources=[("배수지", (0, 0))], services=SQUARE_SERVICES)
    network = network_of(frames)
    plan = isolate(network, [Break("B1", Point(50, 100))])
    assert set(plan.to_close["valve_id"]) == {"VT1", "VT2"}
    assert plan.not_needed.empty and plan.failed.empty
    assert len(plan.cut_off_pieces) == 0  # the rest of the loop is fed around the other way
    isolated = {network.inputs.pipes["record_id"][p] for p in network.piece_pipe[plan.isolated_pieces]}
    assert isolated == {"T"}
    out = buildings_without_water(plan, None)
    assert list(out["bld_id"]) == ["BLD-T"] and out["households"].sum() == 30  # only the broken side's building


def test_a_branch_loses_everything_downstream_and_its_outer_valve_need_not_be_closed():
    pipes = [
        ("M1", [(0, 0), (100, 0)], 300.0),
        ("M2", [(100, 0), (200, 0)], 300.0),
        ("B1", [(100, 0), (100, 100)], 150.0),
        ("B2", [(100, 100), (100, 200)], 100.0),
    ]
    valves = [
        ("V1", (90, 0), "open", "Y"),
        ("V2", (110, 0), "open", "Y"),
        ("V3", (100, 10), "open", "Y"),
        ("V4", (100, 50), "open", "Y"),
        ("V5", (100, 150), "open", "Y"),
    ]
    services = [("S-up", (90, 30), "B1", "BLD-1", 2), ("S-down", (110, 190), "B2", "BLD-2", 8)]
    frames = tables(pipes, valves, sources=[("정수장", (0, 0))], services=services, hydrants=[("H1", (105, 180))])
    network = network_of(frames)
    plan = isolate(network, [Break("B1", Point(100, 80))])
    assert list(plan.to_close["valve_id"]) == ["V4"]
    assert list(plan.not_needed["valve_id"]) == ["V5"]  # nothing beyond V5 feeds the break
    cut = {network.inputs.pipes["record_id"][p] for p in network.piece_pipe[plan.cut_off_pieces]}
    assert cut == {"B2"}
    out = buildings_without_water(plan, None)
    assert set(out["bld_id"]) == {"BLD-2"} and set(out["cause"]) == {"cut_off"}
    assert plan.network.hydrant_piece is not None
    assert plan.without_water()[plan.network.hydrant_piece[0]]  # the hydrant on the cut-off branch is dry


def test_an_inoperable_valve_takes_the_next_ring_and_is_named():
    pipes = [("M1", [(0, 0), (100, 0)], 300.0), ("B1", [(100, 0), (100, 100)], 150.0)]
    valves = [("V3", (100, 10), "open", "Y"), ("V4", (100, 50), "open", "고장"), ("V1", (50, 0), "open", "Y")]
    frames = tables(pipes, valves, sources=[("src", (0, 0))])
    plan = isolate(network_of(frames), [Break("X", Point(100, 80))])
    assert list(plan.to_close["valve_id"]) == ["V3"]
    assert list(plan.failed["valve_id"]) == ["V4"] and "조작불가" in plan.failed["reason"].iloc[0]
    # the same valve reported stuck on site (the ledger says it works) gives the same plan
    valves[1] = ("V4", (100, 50), "open", "Y")
    network = network_of(tables(pipes, valves, sources=[("src", (0, 0))]))
    first = isolate(network, [Break("X", Point(100, 80))])
    assert list(first.to_close["valve_id"]) == ["V4"]
    again = isolate(network, [Break("X", Point(100, 80))], failed_valves=["V4"])
    assert list(again.to_close["valve_id"]) == ["V3"] and "현장" in again.failed["reason"].iloc[0]


def test_a_closed_valve_already_bounds_the_segment():
    pipes = [
        ("P1", [(0, 0), (100, 0)], 200.0),
        ("P2", [(100, 0), (200, 0)], 200.0),
        ("P3", [(200, 0), (300, 0)], 200.0),
    ]
    valves = [("VA", (50, 0), "열림", "Y"), ("VC", (150, 0), "닫힘", "Y"), ("VB", (250, 0), "열림", "Y")]
    fed_both = network_of(tables(pipes, valves, sources=[("S1", (0, 0)), ("S2", (300, 0))]))
    plan = isolate(fed_both, [Break("B", Point(120, 0))])
    assert list(plan.to_close["valve_id"]) == ["VA"]  # VC is closed already
    assert list(plan.already_closed["valve_id"]) == ["VC"]  # and the crew is asked to confirm it
    assert len(plan.cut_off_pieces) == 0
    # fed from one side only: beyond the closed valve nothing had water before, so nothing is blamed on the break
    one_side = network_of(tables(pipes, valves, sources=[("S1", (0, 0))]))
    plan = isolate(one_side, [Break("B", Point(120, 0))])
    assert list(plan.to_close["valve_id"]) == ["VA"] and len(plan.cut_off_pieces) == 0


def test_several_breaks_at_once_share_one_plan():
    frames = tables(SQUARE, SQUARE_VALVES, sources=[("배수지", (0, 0))], services=SQUARE_SERVICES)
    plan = isolate(network_of(frames), [Break("B1", Point(50, 100)), Break("B2", Point(50, 0))])
    # the right side is fed only through the two broken sides: it is cut off, its valves need not be closed
    assert set(plan.to_close["valve_id"]) == {"VB1", "VT2"}
    assert set(plan.not_needed["valve_id"]) == {"VB2", "VT1"}
    assert set(plan.to_close["breaks"]) == {"B1", "B2"}
    out = buildings_without_water(plan, None)
    assert set(out["bld_id"]) == {"BLD-T", "BLD-R"}


def test_a_dig_polygon_isolates_every_main_it_touches():
    frames = tables(SQUARE, SQUARE_VALVES, sources=[("배수지", (0, 0))])
    plan = isolate(network_of(frames), [Break("DIG-1", box(95, 40, 105, 60))])
    assert set(plan.to_close["valve_id"]) == {"VR1", "VR2"}


def test_without_feeding_points_the_largest_main_is_the_inlet():
    frames = tables(SQUARE, SQUARE_VALVES)
    network = network_of(frames)
    assert network.sources_assumed
    assert "B" in next(iter(network.source_names.values()))  # 200 mm, the lowest id of the largest


def test_no_valves_is_refused_in_korean():
    frames = tables(SQUARE, SQUARE_VALVES)
    frames["valve_ps"] = frames["valve_ps"].iloc[0:0]
    with pytest.raises(InputError, match="제수밸브"):
        load_water(frames)


def test_a_break_far_from_every_main_is_refused_with_its_distance():
    network = network_of(tables(SQUARE, SQUARE_VALVES))
    with pytest.raises(InputError, match=r"파손 지점 FAR: 가장 가까운 상수관로가 450\.0 m"):
        isolate(network, [Break("FAR", Point(50, 550))])


def test_an_empty_water_main_layer_is_refused_naming_it():
    frames = tables(SQUARE, SQUARE_VALVES)
    frames["wtl_pipe_lm"] = frames["wtl_pipe_lm"].iloc[0:0]
    with pytest.raises(InputError, match="wtl_pipe_lm"):
        load_water(frames)


def test_an_unknown_failed_valve_id_is_refused():
    network = network_of(tables(SQUARE, SQUARE_VALVES))
    with pytest.raises(InputError, match="VX"):
        isolate(network, [Break("B", Point(50, 100))], failed_valves=["VX"])


def test_a_valve_drawn_on_a_joint_closes_the_main_it_is_nearest_inside():
    pipes = [("P1", [(0, 0), (100, 0)], 200.0), ("P2", [(100, 0), (200, 0)], 200.0)]
    valves = [("VJ", (100.0, 0.3), "open", "Y"), ("VA", (20, 0), "open", "Y")]
    network = network_of(tables(pipes, valves, sources=[("S", (0, 0))]))
    placed = network.valves.set_index("record_id")
    # equally near both mains: the first main (P1) takes it, 0.5 m inside its end
    assert placed.loc["VJ", "pipe"] == 0 and placed.loc["VJ", "at_m"] == pytest.approx(99.5)
    plan = isolate(network, [Break("B", Point(150, 0))])
    assert list(plan.to_close["valve_id"]) == ["VJ"]


def test_valves_farther_than_the_tolerance_are_listed_and_all_off_network_is_refused():
    pipes = [("P1", [(0, 0), (100, 0)], 200.0)]
    network = network_of(tables(pipes, [("V1", (50, 0), "", ""), ("V2", (50, 30), "", "")]))
    assert list(network.unplaced["record_id"]) == ["V2"]
    with pytest.raises(InputError, match="상수관로에서 2 m 안에 있는 밸브가 없습니다"):
        network_of(tables(pipes, [("V2", (50, 30), "", "")]))
