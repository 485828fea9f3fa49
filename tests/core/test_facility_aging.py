"""Facility aging: known ages against the service-life table, priorities, length-split area indicators."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from gimpo_gis_plugin.core.facilities.aging import area_indicators, segment_aging
from gimpo_gis_plugin.core.facilities.loader import load_store
from gimpo_gis_plugin.core.facilities.network import network_frame
from gimpo_gis_plugin.core.facilities.rules import read_margins, read_service_life

CRS = "EPSG:5186"
MARGINS = read_margins()
LIFE = read_service_life()  # water 30 y (PVC 25, CIP 40), sewer 20 y


def segments():
    water = [
        {
            "ftr_idn": "W-OLD",
            "agency": "수도과",
            "ist_ymd": "1990-03-01",
            "mop_cde": "DCIP",
            "low_dep": 1,
            "hgh_dep": 1.2,
            "geometry": LineString([(0, 0), (100, 0)]),
        },  # 36 y of 30: past
        {
            "ftr_idn": "W-CIP",
            "agency": "수도과",
            "ist_ymd": "1990-03-01",
            "mop_cde": "CIP",
            "low_dep": 1,
            "hgh_dep": 1.2,
            "geometry": LineString([(0, 10), (100, 10)]),
        },  # 36 y of 40: within 5 years
        {
            "ftr_idn": "W-NEW",
            "agency": "수도과",
            "ist_ymd": "2020",
            "mop_cde": "PE",
            "low_dep": 1,
            "hgh_dep": 1.2,
            "geometry": LineString([(0, 20), (100, 20)]),
        },
        {
            "ftr_idn": "W-NODATE",
            "agency": "수도과",
            "ist_ymd": None,
            "low_dep": 1,
            "hgh_dep": 1.2,
            "geometry": LineString([(0, 30), (100, 30)]),
        },
    ]
    sewer = [
        {
            "ftr_idn": "S-OLD",
            "agency": "하수과",
            "ist_ymd": "19960101",
            "beg_dep": 1.5,
            "end_dep": 2,
            "geometry": LineString([(0, 40), (100, 40)]),
        }  # 30 y of 20
    ]
    frames = {
        "wtl_pipe_lm": gpd.GeoDataFrame(water, geometry="geometry", crs=CRS),
        "swl_pipe_lm": gpd.GeoDataFrame(sewer, geometry="geometry", crs=CRS),
    }
    store = load_store(frames, today=date(2026, 1, 1))
    return segment_aging(network_frame(store, MARGINS, points=False), LIFE, 2026)


def test_age_life_and_priority_per_segment():
    result = segments().set_index("record_id")
    assert result.at["W-OLD", "age_years"] == 36 and result.at["W-OLD", "service_life_years"] == 30
    assert result.at["W-OLD", "priority_class"] == 1
    assert result.at["W-CIP", "service_life_years"] == 40 and result.at["W-CIP", "priority_class"] == 2
    assert result.at["W-NEW", "priority_class"] == 4
    assert result.at["W-NODATE", "priority_class"] == 0 and result.at["W-NODATE", "priority_rank"] != 1
    assert result.at["S-OLD", "life_used"] == pytest.approx(1.5)
    assert result.at["S-OLD", "priority_rank"] == 1  # 1.5 x 1.0 beats 1.2 x 1.2


def test_area_indicators_split_lengths_at_boundaries():
    areas = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=[box(-1, -5, 50, 45), box(50, -5, 101, 45)], crs=CRS)
    layer, by_type = area_indicators(segments(), areas, "code", None)
    a = layer.set_index("area_id").loc["A"]
    assert a["length_m"] == pytest.approx(250.0)  # half of each of the five 100 m lines
    assert a["unknown_m"] == pytest.approx(50.0)
    # past life: W-OLD and S-OLD halves (100 m) of the 200 m with a known age
    assert a["share_over_life"] == pytest.approx(0.5)
    assert a["share_over_life_sewer"] == pytest.approx(1.0)
    assert set(by_type["facility_type"]) == {"water", "sewer"}


def test_sample_city_aging_covers_every_line(sample_city):
    store = load_store(sample_city.layers)
    result = segment_aging(network_frame(store, MARGINS, points=False), LIFE, 2026)
    assert len(result) == sum(len(f) for f in store.line_layers.values())
    assert result["priority_class"].isin([1, 2, 3, 4]).mean() > 0.99
    layer, _ = area_indicators(result, sample_city.admin_dongs, "admin_dong_code", "admin_dong_name")
    assert len(layer) == 14 and layer["share_over_life"].between(0, 1).all()
