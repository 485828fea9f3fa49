"""gimpo:incidentcameras through bin/qgis_process on the sample city: the same ranking as the engine, with
the views of a coverage run reused, by address, and a refusal in Korean when the place is unknown."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gimpo_gis_plugin.core.cctv.incident import SEES, build_view_index, cameras_seeing
from gimpo_gis_plugin.core.geopackage import read_embedded_style

pytestmark = pytest.mark.e2e


def _seen_spot(cameras: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> tuple[shapely.Point, list[str]]:
    """A spot 15 m in front of a fixed camera, and the engine's own ranking of the cameras that see it."""
    index, _ = build_view_index(cameras, buildings)
    for i in range(len(index)):
        if index.span[i] >= 6.28:
            continue
        axis = index.start[i] + index.span[i] / 2
        spot = shapely.Point(index.x[i] + 15 * float(np.cos(axis)), index.y[i] + 15 * float(np.sin(axis)))
        table = cameras_seeing(index, spot, 5.0)
        if (table["status"] == SEES).any():
            return spot, list(table.loc[table["rank"] > 0, "cctv_id"])
    raise AssertionError("no camera of the sample city sees 15 m ahead")


def test_incident_by_point_with_route_and_by_address_with_reused_views(qgis_algorithm, sample_city_files, tmp_path):
    city = sample_city_files["gpkg"]
    cameras = gpd.read_file(city, layer="cctv")
    buildings = gpd.read_file(city, layer="buildings")
    spot, expected = _seen_spot(cameras, buildings)
    roads = gpd.read_file(city, layer="roads")
    # The sample city's streets form one grid per area, not joined to each other: a station in the spot's own.
    area = roads.loc[roads.distance(spot).idxmin(), "area_id"]
    station = roads[roads["area_id"] == area].geometry.iloc[-1].interpolate(0.5, normalized=True)
    out = tmp_path / "incident.gpkg"
    run = qgis_algorithm(
        "gimpo:incidentcameras",
        CAMERAS=f"{city}|layername=cctv",
        BUILDINGS=f"{city}|layername=buildings",
        INCIDENT=f"{spot.x},{spot.y} [EPSG:5186]",
        SPOT_RADIUS=5,
        ROADS=f"{city}|layername=roads",
        STATION=f"{station.x},{station.y} [EPSG:5186]",
        OUTPUT=out,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    ranked = gpd.read_file(out, layer="incident_cameras")
    assert list(ranked.loc[ranked["rank"] > 0, "cctv_id"]) == expected
    assert "사건 지점을 보는 CCTV" in run.results["SUMMARY"]
    route = gpd.read_file(out, layer="route")
    assert len(route) == 1 and route.geometry.iloc[0].length > 0
    for layer in ("incident", "incident_cameras", "incident_views", "route", "route_cameras"):
        assert read_embedded_style(out, layer), layer

    coverage = tmp_path / "coverage.gpkg"
    assert (
        qgis_algorithm(
            "gimpo:cctvcoverage",
            CAMERAS=f"{city}|layername=cctv",
            BUILDINGS=f"{city}|layername=buildings",
            NEW_CAMERAS=0,
            OUTPUT=coverage,
        ).returncode
        == 0
    )
    parcels = gpd.read_file(city, layer="parcels")
    parcel = parcels[parcels.geometry.intersects(spot.buffer(60))].iloc[0]
    dong = parcel["PNU"][:10]
    quick = qgis_algorithm(
        "gimpo:incidentcameras",
        CAMERAS=f"{city}|layername=cctv",
        VIEWS=f"{coverage}|layername=camera_views",
        PNU=parcel["PNU"],
        PARCELS=f"{city}|layername=parcels",
        OUTPUT=tmp_path / "by_pnu.gpkg",
    )
    assert quick.returncode == 0, quick.stdout[-2000:] + quick.stderr[-2000:]
    placed = gpd.read_file(tmp_path / "by_pnu.gpkg", layer="incident")
    assert parcel.geometry.contains(placed.geometry.iloc[0])
    assert dong.startswith("41570")

    unknown = qgis_algorithm(
        "gimpo:incidentcameras",
        CAMERAS=f"{city}|layername=cctv",
        ADDRESS="서울특별시 강남구 역삼동 1",
        PARCELS=f"{city}|layername=parcels",
        OUTPUT=tmp_path / "unknown.gpkg",
    )
    assert unknown.returncode != 0
    assert "위치를 찾지 못했습니다" in unknown.stdout + unknown.stderr
    assert not (tmp_path / "unknown.gpkg").exists()
