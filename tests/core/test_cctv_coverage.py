"""CCTV coverage engine: known answers on synthetic cases, bad input, the sample city, real cameras."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import integrate

from gimpo_gis_plugin.core.cctv import optics
from gimpo_gis_plugin.core.cctv.coverage import CoverageOptions, analyse_coverage
from gimpo_gis_plugin.core.cctv.siting import NewCamera
from gimpo_gis_plugin.core.errors import InputError

CRS = "EPSG:5186"
X0, Y0 = 200_000.0, 550_000.0  # somewhere in 김포's EPSG:5186 range


def cameras(*rows: dict, crs: str = CRS) -> gpd.GeoDataFrame:
    base = {"mount_height_m": 5.0, "azimuth_deg": np.nan, "fov_deg": 90.0, "range_m": 50.0, "tilt_deg": 0.0}
    records = [{**base, "agency": "김포시 스마트도시과", **row} for row in rows]
    geometry = [r.pop("geometry", shapely.Point(X0, Y0)) for r in records]
    # vfov 180: neither a near blind zone nor a far limit, so only walls and range shape the view
    frame = pd.DataFrame(records)
    if "vfov_deg" not in frame:
        frame["vfov_deg"] = 180.0
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=crs)


def buildings(*rows: tuple[shapely.Geometry, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"bld_id": [f"B{i}" for i in range(len(rows))], "height": [h for _, h in rows]},
        geometry=[g for g, _ in rows],
        crs=CRS,
    )


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


# One camera at the origin (full circle, range R), one building [d, d+w] x [-w/2, w/2] taller than it.
R, D, W = 50.0, 10.0, 6.0
ALPHA = math.atan((W / 2) / D)  # half the angle the building's front face spans


def test_one_tall_building_casts_the_analytic_shadow():
    result = analyse_coverage(cameras({"cctv_id": "C1"}), buildings((box(D, -W / 2, D + W, W / 2), 20.0)))
    visible = result.views.geometry.iloc[0].area
    # hidden: the sector of the building's angle minus the triangle in front of its face
    expected = math.pi * R * R - ALPHA * R * R + W * D / 2
    assert visible == pytest.approx(expected, rel=2e-4)
    shadow_outside_building = math.pi * R * R - visible - W * W
    assert shadow_outside_building == pytest.approx(ALPHA * R * R - W * D / 2 - W * W, rel=2e-3)
    assert result.views["occluded_share"].iloc[0] == pytest.approx(1 - expected / (math.pi * R * R), abs=1e-3)


def test_a_lower_building_hides_only_the_ground_just_behind_it():
    # camera 5 m, building 2.5 m: a ground point behind the far wall at distance s is hidden while
    # s < 2 x (distance of the far wall along that ray)
    result = analyse_coverage(cameras({"cctv_id": "C1"}), buildings((box(D, -W / 2, D + W, W / 2), 2.5)))
    hidden = math.pi * R * R - result.views.geometry.iloc[0].area

    def hidden_along(theta: float) -> float:
        near = D / math.cos(theta)
        far = min((D + W) / math.cos(theta), (W / 2) / abs(math.sin(theta)) if theta else math.inf)
        return (min(2 * far, R) ** 2 - near**2) / 2

    expected, _ = integrate.quad(hidden_along, -ALPHA, ALPHA, points=[0.0], limit=200)
    assert hidden == pytest.approx(expected, rel=5e-3)


def test_sector_points_along_its_azimuth():
    result = analyse_coverage(cameras({"cctv_id": "E", "azimuth_deg": 90.0, "fov_deg": 60.0}))
    view = result.views.geometry.iloc[0]
    assert view.area == pytest.approx(math.pi * R * R / 6, rel=1e-4)
    assert view.centroid.x - X0 > 25 and abs(view.centroid.y - Y0) < 1e-6 + 0.5
    assert not result.views["full_circle_assumed"].iloc[0]


def test_missing_azimuth_gives_a_flagged_full_circle():
    result = analyse_coverage(cameras({"cctv_id": "PTZ", "azimuth_deg": None, "fov_deg": 60.0}))
    assert bool(result.views["full_circle_assumed"].iloc[0])
    assert result.views["direction"].iloc[0] == "360_assumed"  # what the layer style shows
    assert "full circle" in result.views["assumptions"].iloc[0]
    assert result.views.geometry.iloc[0].area == pytest.approx(math.pi * R * R, rel=1e-4)
    flagged = result.rejects[result.rejects["problem"] == "azimuth_missing"]
    assert flagged["record_id"].tolist() == ["PTZ"] and flagged["action"].iloc[0].startswith("used")


def test_near_blind_zone_from_height_and_tilt():
    # lower picture edge at 30 + 30/2 = 45° below horizontal from 6 m: the ground is seen from 6 m out
    result = analyse_coverage(cameras({"cctv_id": "P", "mount_height_m": 6.0, "tilt_deg": 30.0, "vfov_deg": 30.0}))
    assert result.views["blind_radius_m"].iloc[0] == pytest.approx(6.0)
    view = result.views.geometry.iloc[0]
    assert not view.contains(shapely.Point(X0 + 5.9, Y0)) and view.contains(shapely.Point(X0 + 6.1, Y0))
    # the upper edge (15° down) meets the ground at 6 / tan 15° = 22.4 m, nearer than the 50 m range
    assert result.views["effective_range_m"].iloc[0] == pytest.approx(6 / math.tan(math.radians(15)), abs=0.01)
    # a 90° lens on a 16:9 sensor is 58.7° high; tilted 15.65° its lower edge is at 45°: radius = height
    vfov = optics.vertical_fov(np.array([90.0]))[0]
    assert vfov == pytest.approx(58.7, abs=0.05)
    assert optics.near_blind_radius(np.array([4.0]), np.array([45 - vfov / 2]), np.array([vfov]))[0] == pytest.approx(
        4.0
    )


def test_a_camera_on_a_wall_is_not_blocked_by_its_own_building():
    wall = box(-10, -10, 0, 10)  # the camera stands on this building's east wall, looking east
    result = analyse_coverage(cameras({"cctv_id": "W", "azimuth_deg": 90.0, "fov_deg": 90.0}), buildings((wall, 30.0)))
    assert result.views.geometry.iloc[0].area == pytest.approx(math.pi * R * R / 4, rel=1e-4)


def test_every_bad_record_is_reported_with_its_id():
    frame = cameras(
        {"cctv_id": "ok"},
        {"cctv_id": "zero", "fov_deg": 0.0},
        {"cctv_id": "negative", "fov_deg": -5.0},
        {"cctv_id": "wide", "fov_deg": 400.0},
        {"cctv_id": "orphan", "agency": ""},
        {"cctv_id": "line", "geometry": shapely.LineString([(X0, Y0), (X0 + 5, Y0)])},
        {"cctv_id": "ok"},
        {"cctv_id": None},
        {"cctv_id": "tall", "mount_height_m": 0.0},
    )
    result = analyse_coverage(frame)
    rejected = result.rejects[result.rejects["action"] == "rejected"]
    by_id = dict(zip(rejected["record_id"].fillna("(none)"), rejected["problem"], strict=True))
    assert by_id == {
        "zero": "fov_deg_out_of_range",
        "negative": "fov_deg_out_of_range",
        "wide": "fov_deg_out_of_range",
        "orphan": "agency_missing",
        "line": "wrong_geometry",
        "ok": "id_duplicate",
        "(none)": "id_missing",
        "tall": "mount_height_m_out_of_range",
    }
    assert sorted(rejected["feature"]) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert result.views["cctv_id"].tolist() == ["ok"]  # every record: a view or a rejects row


def test_layers_in_degrees_are_refused():
    with pytest.raises(InputError, match="degrees"):
        analyse_coverage(cameras({"cctv_id": "C"}).to_crs("EPSG:4326"))


def test_blind_spots_and_greedy_siting_on_a_known_layout():
    # a 200 x 100 m target; one camera covers a 50 m circle in its west half; two poles to choose from
    target = gpd.GeoDataFrame({"zone": ["Z"], "w": [2.0]}, geometry=[box(-50, -50, 150, 50)], crs=CRS)
    poles = gpd.GeoDataFrame(
        {"light_id": ["west", "east"]}, geometry=[shapely.Point(X0, Y0 + 1), shapely.Point(X0 + 100, Y0)], crs=CRS
    )
    options = CoverageOptions(
        target_id_field="zone",
        target_weight_field="w",
        new_cameras=2,
        new_camera=NewCamera(mount_height_m=5.0, fov_deg=360.0, range_m=40.0, tilt_deg=90.0),
    )
    result = analyse_coverage(cameras({"cctv_id": "C"}), None, target, poles, options)
    seen = result.views.geometry.iloc[0].intersection(target.geometry.iloc[0]).area
    assert result.targets["covered_m2"].iloc[0] == pytest.approx(seen, rel=1e-6)
    assert result.blind_spots["area_m2"].sum() == pytest.approx(200 * 100 - seen, rel=1e-4)
    assert result.blind_spots["rank"].tolist() == list(range(1, len(result.blind_spots) + 1))
    sites = result.proposed_sites
    assert sites["candidate_id"].iloc[0] == "east"  # the west pole stands in the covered half
    # 360° camera, tilt 90°: vertical fov 90 → lower edge past vertical (no blind zone), upper edge 45° down:
    # the ground is seen out to 5 m / tan 45° = 5 m
    assert sites["gained_area_m2"].iloc[0] == pytest.approx(math.pi * 25, rel=1e-3)
    assert sites["gained_weighted"].iloc[0] == pytest.approx(2 * math.pi * 25, rel=1e-3)
    assert len(result.proposed_views) == len(sites)


def test_sample_city_run_accounts_for_every_camera(sample_city):
    cams = sample_city.layers["cctv"]
    result = analyse_coverage(
        cams,
        sample_city.buildings,
        sample_city.layers["safety_zones"],
        sample_city.layers["streetlights"],
        CoverageOptions(target_id_field="zone_id", target_weight_field="weight", new_cameras=3),
    )
    rejected = result.rejects[(result.rejects["layer"] == "cameras") & (result.rejects["action"] == "rejected")]
    assert len(result.views) + rejected["feature"].nunique() == len(cams)
    assert set(rejected["problem"]) == {"fov_deg_out_of_range", "agency_missing"}
    coverage = result.coverage.set_index("agency").loc["(all)", "area_m2"]
    assert 0 < coverage <= result.views["visible_area_m2"].sum() + 1e-6
    # (the blind-zone disc is a 64-gon inside its circle: views may exceed the analytic area by 0.1%)
    assert (result.views["visible_area_m2"] <= result.views["nominal_area_m2"] * 1.001).all()
    assert (result.views["occluded_share"] > 0.01).mean() > 0.2  # buildings do get in the way
    gains = result.proposed_sites["gained_weighted"].to_numpy()
    assert len(gains) == 3 and np.all(np.diff(gains) <= 1e-6)  # greedy gains never grow


def test_real_cctv_sites_sanity(shared_data):
    raw = pd.read_csv(shared_data / "seoul_cctv_whatsmap.csv")
    points = gpd.GeoDataFrame(
        {"cctv_id": [f"row{i + 2}" for i in range(len(raw))], "agency": raw["manager"]},
        geometry=gpd.points_from_xy(raw["longitude"], raw["latitude"]),
        crs="EPSG:4326",
    ).to_crs(CRS)
    result = analyse_coverage(points, options=CoverageOptions())
    used = result.views
    assert len(used) + result.rejects.query("action == 'rejected'")["feature"].nunique() == len(raw)
    assert used["full_circle_assumed"].all()  # the register gives no directions
    defaults = set(result.rejects["problem"])
    assert {"azimuth_missing", "range_m_missing", "mount_height_m_missing"} <= defaults
    one = used["visible_area_m2"].iloc[0]
    assert one == pytest.approx(
        math.pi * (used["effective_range_m"].iloc[0] ** 2 - used["blind_radius_m"].iloc[0] ** 2), rel=1e-3
    )
    union = result.coverage.set_index("agency").loc["(all)", "area_m2"]
    assert union < used["visible_area_m2"].sum()  # 강남's cameras overlap
    minx, miny, maxx, maxy = points.total_bounds
    assert 190_000 < minx < maxx < 220_000 and 530_000 < miny < maxy < 560_000  # 강남구 in EPSG:5186
