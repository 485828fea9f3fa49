"""The plan laid out: layers, styles, the residents' notice; buildings found by the service buffer."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point, box

from gimpo_gis_plugin.core.water.isolation import Break
from gimpo_gis_plugin.core.water.response import ResponseOptions, breaks_from_frame, respond
from gimpo_gis_plugin.core.water.served import BASIS_BUFFER, BASIS_CONNECTION

from .test_isolation import CRS, SQUARE, SQUARE_SERVICES, SQUARE_VALVES, tables


def test_response_lays_out_the_plan_with_styles_and_a_korean_notice():
    frames = tables(SQUARE, SQUARE_VALVES, sources=[("배수지", (0, 0))], services=SQUARE_SERVICES,
                    hydrants=[("H1", (50, 105)), ("H2", (105, 50))])  # fmt: skip
    response = respond(frames, [Break("B1", Point(50, 100))])
    layers = response.layers
    assert list(layers["valves_to_close"]["seq"]) == [1, 2]
    assert set(layers["hydrants_out_of_service"]["hydrant_id"]) == {"H1"}
    assert set(layers["isolated_pipes"]["pipe_id"]) == {"T"} and layers["cut_off_pipes"].empty
    assert {"valves_to_close", "isolated_pipes", "buildings_without_water", "breaks"} <= set(response.styles)
    assert "단수 안내" in response.notice and "밸브 조작 순서" in response.notice and "30세대" in response.notice
    summary = dict(zip(layers["summary"]["measure"], layers["summary"]["value"], strict=True))
    assert summary["valves_to_close"] == 2 and summary["households_without_water"] == 30


def test_buildings_without_a_service_connection_are_found_by_the_buffer_and_said_so():
    frames = tables(SQUARE, SQUARE_VALVES, sources=[("배수지", (0, 0))], services=SQUARE_SERVICES[:1])
    buildings = gpd.GeoDataFrame(
        {"bld_id": ["BLD-R", "NEAR-T", "FAR"], "hhld": [12, 6, 9]},
        geometry=[box(110, 40, 120, 60), box(40, 110, 60, 120), box(40, 300, 60, 320)],
        crs=CRS,
    )
    options = ResponseOptions(household_field="hhld")
    response = respond(frames, [Break("B1", Point(50, 100))], buildings, options)
    dry = response.layers["buildings_without_water"]
    assert list(dry["bld_id"]) == ["NEAR-T"] and dry["basis"].iloc[0] == BASIS_BUFFER
    assert dry["households"].iloc[0] == 6 and dry.geom_type.iloc[0] == "Polygon"
    again = respond(frames, [Break("B2", Point(100, 50))], buildings, options)
    dry = again.layers["buildings_without_water"]
    assert list(dry["bld_id"]) == ["BLD-R"] and dry["basis"].iloc[0] == BASIS_CONNECTION
    assert "추정" in again.notice or dry["basis"].eq(BASIS_CONNECTION).all()


def test_break_layer_ids_and_empty_layers():
    import pytest

    from gimpo_gis_plugin.core.errors import InputError

    frame = gpd.GeoDataFrame({"no": ["X1"]}, geometry=[Point(1, 2)], crs=CRS)
    assert breaks_from_frame(frame, "no", CRS)[0].break_id == "X1"
    with pytest.raises(InputError, match="BREAKS: 파손 지점 레이어에 피처가 없습니다"):
        breaks_from_frame(frame.iloc[0:0], None, CRS)


def test_points_far_from_every_main_end_in_the_rejects():
    frames = tables(SQUARE, SQUARE_VALVES, sources=[("배수지", (0, 0))], hydrants=[("H-far", (500, 500))])
    response = respond(frames, [Break("B1", Point(50, 100))])
    rejects = response.layers["rejects"]
    row = rejects[rejects["record_id"] == "H-far"].iloc[0]
    assert row["layer"] == "wtl_fire_ps" and "소화전" in row["reason"]
    summary = dict(zip(response.layers["summary"]["measure"], response.layers["summary"]["value"], strict=True))
    assert summary["points_off_network"] == 1 and summary["valves_off_network"] == 0
