"""A planned dig that reaches a water main carries the shut-off plan in the water agency's notice."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from gimpo_gis_plugin.core.facilities.excavation import FacilityIndex, affected_stretches, excavation_impact
from gimpo_gis_plugin.core.facilities.loader import load_store
from gimpo_gis_plugin.core.facilities.network import network_frame
from gimpo_gis_plugin.core.facilities.notices import write_notices
from gimpo_gis_plugin.core.facilities.rules import read_margins
from gimpo_gis_plugin.core.water.dig_join import shutoff_for_digs

from .test_isolation import CRS, SQUARE, SQUARE_SERVICES, SQUARE_VALVES, tables


def _dig(frames, polygon):
    margins = read_margins()
    index = FacilityIndex(network_frame(load_store(frames), margins), margins)
    digs = gpd.GeoDataFrame({"dig_id": ["DIG-7"]}, geometry=[polygon], crs=CRS)
    return excavation_impact(index, digs, depth_m=2.0, id_field="dig_id")


def test_a_dig_over_a_main_lists_the_valves_to_close_in_the_water_agency_notice(tmp_path):
    frames = tables(SQUARE, SQUARE_VALVES, sources=[("배수지", (0, 0))], services=SQUARE_SERVICES)
    hits = _dig(frames, box(96, 40, 104, 60))
    shutoff = shutoff_for_digs(frames, affected_stretches(hits))
    assert set(shutoff.valves["valve_id"]) == {"VR1", "VR2"} and set(shutoff.valves["dig_id"]) == {"DIG-7"}
    info = pd.DataFrame({"dig_id": ["DIG-7"], "x": [100.0], "y": [50.0], "depth_m": [2.0], "area_m2": [160.0]})
    pages = write_notices(hits, tmp_path, info, extra_sections=shutoff.sections)
    water = [p for p in pages if "수도과" in p.name]
    text = water[0].read_text(encoding="utf-8")
    assert "굴착공사 사전 통보" in text and "밸브 조작 순서" in text and "VR1" in text and "12세대" in text


def test_a_dig_away_from_water_mains_adds_nothing():
    frames = tables(SQUARE, SQUARE_VALVES)
    hits = _dig(frames, box(300, 300, 310, 310))
    shutoff = shutoff_for_digs(frames, affected_stretches(hits))
    assert shutoff.sections == {} and shutoff.valves is None


def test_a_store_without_valves_says_why_there_is_no_plan():
    frames = tables(SQUARE, SQUARE_VALVES)
    frames["valve_ps"] = frames["valve_ps"].iloc[0:0]
    hits = _dig(frames, box(96, 40, 104, 60))
    shutoff = shutoff_for_digs(frames, affected_stretches(hits))
    assert shutoff.valves is None and "제수밸브" in next(iter(shutoff.sections.values()))
