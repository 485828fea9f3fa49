"""One incident's answer as layers a dispatcher opens: the spot, the ranked cameras with their view
cones, the route and the cameras along it, and a Korean summary sentence; with their QGIS styles."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import styles
from .incident import PARTLY, SEES, CameraViewIndex, cameras_seeing, gap_sentence
from .route import cameras_along_route


@dataclass
class IncidentAnswer:
    incident: gpd.GeoDataFrame
    cameras: gpd.GeoDataFrame  # seeing ones ranked first, then nearby ones with the reason they miss
    views: gpd.GeoDataFrame  # view cones of the cameras that see the spot (or part of it)
    route: gpd.GeoDataFrame
    route_cameras: gpd.GeoDataFrame
    sentence: str

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        return {
            "incident": self.incident,
            "incident_cameras": self.cameras,
            "incident_views": self.views,
            "route": self.route,
            "route_cameras": self.route_cameras,
        }


def answer_incident(
    index: CameraViewIndex,
    spot: shapely.Point,
    spot_radius_m: float = 10.0,
    route: shapely.LineString | None = None,
    label: str = "",
) -> IncidentAnswer:
    crs = index.crs
    table = cameras_seeing(index, spot, spot_radius_m)
    sentence = gap_sentence(table, spot_radius_m)
    seeing = table[table["status"].isin([SEES, PARTLY])]
    along = cameras_along_route(index, route) if route is not None else cameras_along_route(index, shapely.LineString())
    if route is not None:
        sentence += f" 출동 경로 {route.length:,.0f} m를 보는 CCTV {len(along)}대."
    incident = gpd.GeoDataFrame(
        {
            "label": [label],
            "spot_radius_m": [spot_radius_m],
            "cameras_seeing": [int((table["status"] == SEES).sum())],
            "cameras_partly": [int((table["status"] == PARTLY).sum())],
            "summary": [sentence],
        },
        geometry=[spot],
        crs=crs,
    )
    position = {cid: i for i, cid in enumerate(index.records["cctv_id"])}
    cones = [index.views[position[c]] for c in seeing["cctv_id"]]
    return IncidentAnswer(
        incident=incident,
        cameras=_points(table, crs),
        views=gpd.GeoDataFrame(
            seeing[["rank", "cctv_id", "control_no", "agency", "status", "score"]].reset_index(drop=True),
            geometry=cones,
            crs=crs,
        ),
        route=gpd.GeoDataFrame(
            {"length_m": [round(route.length, 1)] if route is not None else []},
            geometry=[route] if route is not None else [],
            crs=crs,
        ),
        route_cameras=_points(along, crs),
        sentence=sentence,
    )


def _points(table: pd.DataFrame, crs: object) -> gpd.GeoDataFrame:
    xy = table[["x", "y"]].to_numpy(dtype=float) if len(table) else np.zeros((0, 2))
    return gpd.GeoDataFrame(table.drop(columns=["x", "y"]), geometry=list(shapely.points(xy)), crs=crs)


def incident_styles() -> dict[str, str]:
    """Seeing cameras green and labelled by rank and 관제번호; missing ones grey; route blue."""
    camera = styles.categorized(
        "status",
        [
            styles.Category(SEES, "사건 지점을 봄", styles.Symbol("marker", "#1a9850", "#ffffff", size=3.6)),
            styles.Category(PARTLY, "일부만 보임", styles.Symbol("marker", "#fee08b", "#7f6000", size=3.0)),
            styles.Category("OUT_OF_RANGE", "촬영 거리 밖", styles.Symbol("marker", "#bdbdbd", "#636363", size=2.2)),
            styles.Category("FACING_AWAY", "방향 다름", styles.Symbol("marker", "#bdbdbd", "#636363", size=2.2)),
            styles.Category("OCCLUDED", "건물에 가려짐", styles.Symbol("marker", "#969696", "#252525", size=2.2)),
            styles.Category("UNDER_POLE", "기둥 아래 사각", styles.Symbol("marker", "#bdbdbd", "#636363", size=2.2)),
        ],
        styles.label_field("control_no", 8, "#00441b"),
    )
    return {
        "incident": styles.single_symbol(styles.Symbol("marker", "#e31a1c", "#ffffff", size=5.0)),
        "incident_cameras": camera,
        "incident_views": styles.single_symbol(styles.Symbol("fill", "#66bd63", "#1a9850", 0.4, opacity=0.35)),
        "route": styles.single_symbol(styles.Symbol("line", "#2171b5", width=1.2)),
        "route_cameras": styles.single_symbol(
            styles.Symbol("marker", "#2171b5", "#ffffff", size=3.0), styles.label_field("order", 9, "#08306b")
        ),
    }
