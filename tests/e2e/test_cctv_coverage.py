"""gimpo:cctvcoverage through bin/qgis_process; QGIS's own buffer+dissolve is the oracle for coverage."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from gimpo_gis_plugin.core.geopackage import read_embedded_style

pytestmark = pytest.mark.e2e


def test_coverage_of_the_sample_city(qgis_algorithm, sample_city_files, tmp_path):
    city = sample_city_files["gpkg"]
    out = tmp_path / "cctv.gpkg"
    run = qgis_algorithm(
        "gimpo:cctvcoverage",
        CAMERAS=f"{city}|layername=cctv",
        BUILDINGS=f"{city}|layername=buildings",
        TARGETS=f"{city}|layername=safety_zones",
        TARGET_ID_FIELD="zone_id",
        WEIGHT_FIELD="weight",
        CANDIDATES=f"{city}|layername=streetlights",
        NEW_CAMERAS=3,
        OUTPUT=out,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.results["BLIND_SPOTS"] == f"{out}|layername=blind_spots"
    cameras = gpd.read_file(city, layer="cctv")
    views = gpd.read_file(out, layer="camera_views")
    rejects = gpd.read_file(out, layer="rejects")
    rejected = rejects[rejects["action"] == "rejected"]
    assert len(views) + rejected["feature"].nunique() == len(cameras)
    assert set(rejected["record_id"]) == set(
        cameras.loc[(cameras["fov_deg"] <= 0) | (cameras["fov_deg"] > 360) | (cameras["agency"] == ""), "cctv_id"]
    )
    assert len(gpd.read_file(out, layer="proposed_sites")) == 3
    for layer in ("camera_views", "coverage", "blind_spots", "proposed_sites"):
        assert read_embedded_style(out, layer), layer


def test_full_circle_coverage_matches_qgis_buffer_dissolve(qgis_algorithm, shared_data, tmp_path):
    raw = pd.read_csv(shared_data / "seoul_cctv_whatsmap.csv").head(400)
    points = gpd.GeoDataFrame(
        {"cctv_id": [f"row{i + 2}" for i in range(len(raw))], "manager": raw["manager"], "range_m": 40.0},
        geometry=gpd.points_from_xy(raw["longitude"], raw["latitude"]),
        crs="EPSG:4326",
    ).to_crs("EPSG:5186")
    points["vfov_deg"] = 180.0  # no near blind zone, no far limit: the view is the 40 m disc
    source = tmp_path / "seoul_cctv.gpkg"
    points.to_file(source, layer="cctv", driver="GPKG")
    ours = qgis_algorithm("gimpo:cctvcoverage", CAMERAS=source, AGENCY_FIELD="manager", OUTPUT=tmp_path / "cov.gpkg")
    assert ours.returncode == 0, ours.stdout[-2000:] + ours.stderr[-2000:]
    theirs = qgis_algorithm(
        "native:buffer", INPUT=source, DISTANCE=40, SEGMENTS=90, DISSOLVE="true", OUTPUT=tmp_path / "buffer.gpkg"
    )
    assert theirs.returncode == 0, theirs.stderr
    coverage = gpd.read_file(tmp_path / "cov.gpkg", layer="coverage").set_index("agency")
    qgis_area = gpd.read_file(theirs.results["OUTPUT"]).area.sum()
    assert coverage.loc["(all)", "area_m2"] == pytest.approx(qgis_area, rel=1e-3)


def test_a_polygon_layer_as_cameras_is_refused(qgis_algorithm, sample_city_files, tmp_path):
    city = sample_city_files["gpkg"]
    run = qgis_algorithm("gimpo:cctvcoverage", CAMERAS=f"{city}|layername=buildings", OUTPUT=tmp_path / "x.gpkg")
    assert run.returncode != 0
    assert not (tmp_path / "x.gpkg").exists()
