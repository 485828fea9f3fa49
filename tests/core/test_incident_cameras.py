"""Incident cameras: known answers for occlusion, direction, range, the ranking and the route order."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gimpo_gis_plugin.core.cctv.incident import (
    FACING_AWAY,
    OCCLUDED,
    OUT_OF_RANGE,
    PARTLY,
    SEES,
    build_view_index,
    cameras_seeing,
    gap_sentence,
    index_from_views,
)
from gimpo_gis_plugin.core.cctv.route import RoadGraph, cameras_along_route
from gimpo_gis_plugin.core.errors import InputError

CRS = "EPSG:5186"
X0, Y0 = 200000.0, 550000.0


def _cameras(rows):
    """rows: (id, dx, dy, azimuth or None, fov, range)."""
    return gpd.GeoDataFrame(
        {
            "cctv_id": [r[0] for r in rows],
            "agency": ["김포시"] * len(rows),
            "mount_height_m": [6.0] * len(rows),
            "azimuth_deg": [np.nan if r[3] is None else r[3] for r in rows],
            "fov_deg": [r[4] for r in rows],
            "range_m": [r[5] for r in rows],
            "tilt_deg": [10.0] * len(rows),
            "control_no": [f"관제-{i + 1:03d}" for i in range(len(rows))],
        },
        geometry=[shapely.Point(X0 + r[1], Y0 + r[2]) for r in rows],
        crs=CRS,
    )


def _building(dx0, dy0, dx1, dy1, height=20.0):
    return gpd.GeoDataFrame(
        {"bld_id": ["B1"], "height": [height]}, geometry=[shapely.box(X0 + dx0, Y0 + dy0, X0 + dx1, Y0 + dy1)], crs=CRS
    )


SPOT = shapely.Point(X0, Y0)


def test_facing_it_in_range_sees_behind_a_building_or_facing_away_does_not():
    cameras = _cameras(
        [
            ("front", -40, 0, 90, 60, 80),  # west of the spot, looking east at it
            ("behind", 40, 0, 270, 60, 80),  # east of the spot looking west, but a tall building in between
            ("away", 0, -40, 180, 60, 80),  # south of the spot, looking south
            ("far", -300, 0, 90, 60, 80),  # looking at it, but 300 m away with an 80 m range
        ]
    )
    index, rejects = build_view_index(cameras, _building(15, -10, 25, 10), control_field="control_no")
    assert rejects.empty
    table = cameras_seeing(index, SPOT, spot_radius_m=3)
    status = dict(zip(table["cctv_id"], table["status"], strict=True))
    assert status["front"] == SEES
    assert status["behind"] == OCCLUDED
    assert status["away"] == FACING_AWAY
    assert "far" not in status  # more than twice its range away: not named
    assert table.iloc[0]["cctv_id"] == "front" and table.iloc[0]["rank"] == 1
    assert table.iloc[0]["control_no"] == "관제-001"
    assert table.set_index("cctv_id").loc["behind", "rank"] == 0
    assert "관제-001" in gap_sentence(table, 3)


def test_ranking_prefers_the_nearer_and_better_centred_camera():
    cameras = _cameras(
        [
            ("edge", -30, -15, 90, 90, 100),  # spot about 26° off its axis
            ("near_axis", -20, 0, 90, 90, 100),  # spot on its axis, nearer
            ("ptz", 0, 50, None, 360, 100),  # rotating camera: needs a turn
        ]
    )
    index, _ = build_view_index(cameras)
    table = cameras_seeing(index, SPOT, spot_radius_m=2)
    assert list(table["cctv_id"][:2]) == ["near_axis", "edge"]
    ptz = table.set_index("cctv_id").loc["ptz"]
    assert ptz["status"] == SEES and bool(ptz["needs_turn"])


def test_partly_seen_and_the_gap_sentence_when_nobody_sees_the_spot():
    cameras = _cameras([("near", -60, 0, 90, 40, 55), ("short", -100, 0, 90, 40, 30)])
    index, _ = build_view_index(cameras)
    table = cameras_seeing(index, SPOT, spot_radius_m=8)
    near = table.set_index("cctv_id").loc["near"]
    assert near["status"] == PARTLY and 0 < near["visible_share"] < 0.5
    blind = cameras_seeing(index, shapely.Point(X0 + 60, Y0 + 60), spot_radius_m=2)
    assert gap_sentence(blind, 2).startswith("사건 지점을 보는 CCTV가 없습니다")
    assert set(cameras_seeing(index, shapely.Point(X0 + 20, Y0), 1)["status"]) <= {SEES, PARTLY, OUT_OF_RANGE}


def test_views_of_a_coverage_run_give_the_same_answer_without_ray_casting():
    cameras = _cameras([("front", -40, 0, 90, 60, 80), ("behind", 40, 0, 270, 60, 80)])
    building = _building(15, -10, 25, 10)
    built, _ = build_view_index(cameras, building)
    views = gpd.GeoDataFrame({"cctv_id": ["front", "behind"]}, geometry=list(built.views), crs=CRS)
    reused, _ = index_from_views(views, cameras)
    a, b = cameras_seeing(built, SPOT, 3), cameras_seeing(reused, SPOT, 3)
    assert a[["cctv_id", "status", "score"]].equals(b[["cctv_id", "status", "score"]])
    with pytest.raises(InputError, match="다시 실행"):
        index_from_views(views.iloc[:1], cameras)


def _grid_roads(step=100.0, n=5):
    lines = [shapely.LineString([(X0, Y0 + k * step), (X0 + (n - 1) * step, Y0 + k * step)]) for k in range(n)]
    lines += [shapely.LineString([(X0 + k * step, Y0), (X0 + k * step, Y0 + (n - 1) * step)]) for k in range(n)]
    # Split the lines at every crossing, as a road centre-line layer is.
    noded = shapely.get_parts(shapely.node(shapely.multilinestrings(lines)))
    return gpd.GeoDataFrame({"road_id": range(len(noded))}, geometry=list(noded), crs=CRS)


def test_route_follows_the_roads_and_lists_the_cameras_in_passing_order():
    roads = _grid_roads()
    graph = RoadGraph(roads)
    station, scene = shapely.Point(X0, Y0), shapely.Point(X0 + 400, Y0)
    route = graph.shortest_route(station, scene)
    assert route.length == pytest.approx(400.0)
    # A detour: the straight street is cut between 200 and 300, so the route goes round a block.
    cut = roads[~roads.geometry.apply(lambda g: g.equals(shapely.LineString([(X0 + 200, Y0), (X0 + 300, Y0)])))]
    detour = RoadGraph(cut).shortest_route(station, scene)
    assert detour.length == pytest.approx(600.0)
    cameras = _cameras(
        [
            ("third", 350, 10, 180, 90, 40),
            ("first", 50, 10, 180, 90, 40),
            ("second", 200, -10, 0, 90, 40),
            ("off_route", 200, 250, 0, 90, 30),
        ]
    )
    index, _ = build_view_index(cameras)
    along = cameras_along_route(index, route)
    assert list(along["cctv_id"]) == ["first", "second", "third"]
    assert list(along["order"]) == [1, 2, 3]
    assert (along["seen_m"] > 0).all()


def test_bad_inputs_are_refused_in_korean():
    with pytest.raises(InputError, match="비어 있습니다"):
        build_view_index(_cameras([]).iloc[:0])
    with pytest.raises(InputError, match="도로 레이어가 비어"):
        RoadGraph(_grid_roads().iloc[:0])
    graph = RoadGraph(_grid_roads())
    with pytest.raises(InputError, match="떨어져 있습니다"):
        graph.shortest_route(shapely.Point(X0, Y0), shapely.Point(X0 + 5000, Y0 + 5000))
    index, _ = build_view_index(_cameras([("a", 0, 0, 90, 60, 50)]))
    with pytest.raises(InputError, match="반경"):
        cameras_seeing(index, SPOT, 0)


def test_answer_layers_carry_the_ranking_the_route_and_a_style_each(tmp_path):
    from gimpo_gis_plugin.core.cctv.incident_layers import answer_incident, incident_styles
    from gimpo_gis_plugin.core.geopackage import write_geopackage

    cameras = _cameras([("front", -40, 0, 90, 60, 80), ("away", 0, -40, 180, 60, 80), ("road", 150, 10, 180, 90, 40)])
    index, _ = build_view_index(cameras, control_field="control_no")
    route = RoadGraph(_grid_roads()).shortest_route(shapely.Point(X0 + 400, Y0), SPOT)
    answer = answer_incident(index, SPOT, 5, route, label="화재 신고 2026-001")
    layers = answer.layers()
    assert layers["incident_cameras"]["cctv_id"].iloc[0] == "front"
    assert list(layers["incident_views"]["cctv_id"]) == ["front"]
    assert "road" in set(layers["route_cameras"]["cctv_id"])
    assert "출동 경로 400 m" in answer.sentence
    styles = incident_styles()
    assert set(styles) == set(layers)
    path = write_geopackage(tmp_path / "incident.gpkg", layers, styles)
    assert path.exists()
