"""The street_furniture extension of the sample city and the above-ground schema it follows."""

from __future__ import annotations

import numpy as np
import shapely

from gimpo_gis_plugin.core.facilities.above_ground import CCTV, STREETLIGHT, problems_of

CONTRACT_CCTV_FIELDS = ["cctv_id", "mount_height_m", "azimuth_deg", "fov_deg", "range_m", "tilt_deg", "agency"]


def test_streetlights_stand_along_main_roads_every_30_to_40_m(sample_city):
    lights = sample_city.layers["streetlights"]
    assert lights.crs.to_epsg() == 5186
    assert set(STREETLIGHT.names) <= set(lights.columns)
    assert lights["light_id"].is_unique
    roads = sample_city.roads.set_index("road_id")
    main = lights[lights["road_id"].map(roads["road_class"]) == "main"]
    per_road = main.groupby("road_id").size()
    length = shapely.length(roads.loc[per_road.index].geometry.to_numpy())
    spacing = length / per_road.to_numpy()
    long_roads = length > 120  # shorter roads get fewer lights, spaced a little closer
    assert np.all((spacing[long_roads] >= 30) & (spacing[long_roads] <= 40))
    # every light is within a road's half width (plus the kerb offset) of its centerline
    distance = shapely.distance(lights.geometry.to_numpy(), roads.loc[lights["road_id"]].geometry.to_numpy())
    assert distance.max() <= roads["width_m"].max() / 2 + 1.0


def test_a_few_hundred_cameras_with_the_contract_fields(sample_city):
    cameras = sample_city.layers["cctv"]
    assert 150 <= len(cameras) <= 800
    assert set(CONTRACT_CCTV_FIELDS) <= set(cameras.columns)
    assert cameras["cctv_id"].is_unique
    assert (cameras.geom_type == "Point").all()
    unknown_azimuth = cameras["azimuth_deg"].isna()
    assert 0.03 < unknown_azimuth.mean() < 0.2
    on_lights = cameras["light_id"].notna()
    assert on_lights.any() and (~on_lights).any()


def test_planted_camera_faults_are_found_by_the_schema(sample_city):
    cameras = sample_city.layers["cctv"]
    problems = problems_of(cameras, CCTV)
    fov = problems[problems["field"] == "fov_deg"]
    assert sorted(cameras["fov_deg"].iloc[fov["row"]].tolist()) == [-15.0, 0.0, 0.0, 400.0, 720.0]
    assert (problems["reason_code"] == "agency_missing").sum() == 2
    assert cameras["fov_deg"].isna().sum() == 1


def test_safety_zones_cover_schools_and_neighbourhoods(sample_city):
    zones = sample_city.layers["safety_zones"]
    assert set(zones["zone_kind"]) == {"어린이보호구역", "주거밀집지역"}
    assert zones.geometry.is_valid.all() and (zones.area > 0).all()
    schools = sample_city.parcels[sample_city.parcels["jimok"] == "학"]
    school_zones = zones[zones["zone_kind"] == "어린이보호구역"]
    assert 1 <= len(school_zones) <= len(schools)
    assert school_zones.geometry.union_all().contains(schools.geometry.union_all())


def test_furniture_is_written_styled(sample_city_files):
    from gimpo_gis_plugin.core.geopackage import read_embedded_style

    for layer in ("streetlights", "cctv", "safety_zones"):
        assert read_embedded_style(sample_city_files["gpkg"], layer)
