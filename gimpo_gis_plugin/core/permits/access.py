"""Road access (접도, 건축법 §44): how long the site's boundary touches roads of each width.

Roads come as centrelines with a width (buffered by half the width, flat ends) or as road polygons.
A piece of the site boundary touches a road when it lies within TOUCH_TOLERANCE_M of the road area
along its whole length: the tolerance absorbs digitising gaps between cadastre and road layers, and
requiring the whole piece to be close keeps the side edges that merely start at the road (running away
from it) out of the touching length, so a 1.9 m frontage measures 1.9 m, not 1.9 m plus two tolerances.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from ..errors import MissingColumnsError
from .findings import FAIL, PASS, REVIEW, Finding
from .rules import AccessRule

TOUCH_TOLERANCE_M = 0.5
_CLOSE_M = 0.4  # every sampled point of a touching piece is at most this far from the road area
WIDTH_COLUMNS = ("width_m", "road_width", "width", "RW")


class RoadIndex:
    """Road areas with their widths in an STRtree, built once per batch."""

    def __init__(self, roads: gpd.GeoDataFrame) -> None:
        column = next((c for c in WIDTH_COLUMNS if c in roads.columns), None)
        if column is None:
            raise MissingColumnsError(
                "The roads layer has no width column.",
                f"Give the road width in metres in one of {', '.join(WIDTH_COLUMNS)}.",
            )
        widths = np.asarray(roads[column], dtype=float)
        geoms = roads.geometry.to_numpy()
        known = np.isfinite(widths) & (widths > 0) & ~shapely.is_missing(geoms)
        self.unknown_width = int((~known).sum())
        self.geoms, self.widths = geoms[known], widths[known]
        self.is_line = np.isin(shapely.get_type_id(self.geoms), [1, 5])  # LineString, MultiLineString
        # Road areas are built only for roads near a site (a city has tens of thousands of roads).
        self.reach = float(self.widths.max(initial=0.0)) / 2 + TOUCH_TOLERANCE_M
        self.tree = shapely.STRtree(self.geoms)
        self._areas: dict[int, tuple[shapely.Geometry, shapely.Geometry]] = {}

    def _area_and_zone(self, road: int) -> tuple[shapely.Geometry, shapely.Geometry]:
        if road not in self._areas:
            geom = self.geoms[road]
            area = shapely.buffer(geom, self.widths[road] / 2, cap_style="flat") if self.is_line[road] else geom
            self._areas[road] = (area, shapely.buffer(area, TOUCH_TOLERANCE_M))
        return self._areas[road]

    def touching(self, site: shapely.Geometry) -> list[tuple[float, float]]:
        """(road width, touching length) per road the site touches."""
        boundary = site.boundary
        minx, miny, maxx, maxy = site.bounds
        near = self.tree.query(shapely.box(minx - self.reach, miny - self.reach, maxx + self.reach, maxy + self.reach))
        found = []
        for road in near:
            area, zone = self._area_and_zone(int(road))
            if not shapely.intersects(boundary, zone):
                continue
            pieces = shapely.get_parts(shapely.intersection(boundary, zone))
            pieces = pieces[np.isin(shapely.get_type_id(pieces), [1, 2])]
            if not len(pieces):
                continue
            # Judge each straight segment on its own: a piece can run along the road and then turn away.
            coords, owner = shapely.get_coordinates(pieces, return_index=True)
            same = owner[1:] == owner[:-1]
            segments = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
            samples = shapely.line_interpolate_point(segments[:, None], np.linspace(0, 1, 5)[None, :], normalized=True)
            close = np.all(shapely.distance(samples, area) <= _CLOSE_M, axis=1)
            length = float(shapely.length(segments[close]).sum())
            if length > 0:
                found.append((float(self.widths[road]), length))
        return found


def access_rule(
    rules: list[AccessRule], permit_kind: str, use: str, floor_area: float, site_area: float
) -> AccessRule | None:
    kind = "건축허가(공장)" if permit_kind == "건축허가" and "공장" in (use or "") else permit_kind
    for rule in rules:
        value = floor_area if rule.condition == "floor_area" else site_area
        if rule.permit_kind == kind and rule.min_value <= value < rule.max_value:
            return rule
    return None


NON_URBAN_KIND = "비도시지역 진입도로"
# 김포시 도시계획 조례 (2013 개정): the access-road rule does not apply to 단독주택 (다가구·다중주택 제외),
# 축사, 마사, 농업·임업·축산업·수산업용 창고 and 자연장 부지.
EXEMPT_DETAILS = {"축사", "마사", "농업용창고", "자연장", "자연장지"}
NOT_EXEMPT_HOUSES = {"다가구주택", "다중주택"}


def exempt_from_access_road(use: str, detail: str) -> bool:
    if use == "단독주택":
        return detail not in NOT_EXEMPT_HOUSES
    return detail in EXEMPT_DETAILS


def access_finding(app_id: str, site: shapely.Geometry, index: RoadIndex | None, rule: AccessRule | None) -> Finding:
    if index is None:
        return Finding(
            app_id, "access", "접도", REVIEW, detail="도로 레이어가 없어 접도를 검토하지 않았습니다 (No roads layer)."
        )
    if rule is None:
        return Finding(
            app_id, "access", "접도", REVIEW, detail="이 허가 종류·규모에 맞는 접도 기준이 규칙 표에 없습니다."
        )
    touching = index.touching(site)
    qualifying = sum(length for width, length in touching if width >= rule.min_road_width_m - 1e-9)
    widest = max((width for width, _ in touching), default=0.0)
    total = sum(length for _, length in touching)
    what = "진입도로" if rule.permit_kind == NON_URBAN_KIND else "도로"
    detail = (
        f"너비 {rule.min_road_width_m:g} m 이상 {what}에 {qualifying:.2f} m 접함 (기준 {rule.min_touch_m:g} m); "
        f"모든 도로 {total:.2f} m, 가장 넓은 도로 {widest:g} m."
    )
    unconfirmed = rule.status == "to-be-confirmed"  # an unconfirmed rule never decides a fail alone
    status = PASS if qualifying + 1e-6 >= rule.min_touch_m else (REVIEW if unconfirmed else FAIL)
    if unconfirmed:
        detail += " (이 기준은 확인 필요: 미달이면 검토 필요로 봅니다.)"
    return Finding(
        app_id, "access", "접도", status, round(qualifying, 2), rule.min_touch_m, "m", rule.legal_basis, detail
    )


def exempt_access_finding(app_id: str, township: str, use: str) -> Finding:
    """건축법 §3② 지역의 단독주택·농업용 창고: 김포 진입도로 기준의 예외."""
    return Finding(
        app_id,
        "access",
        "접도",
        PASS,
        legal_basis="건축법 §3②; 김포시 도시계획 조례 개발행위허가 기준 "
        "(비도시지역 진입도로의 예외, 2013 개정) — 확인 필요",
        detail=f"{township}: 도시지역·지구단위계획구역 밖의 면이라 건축법 §44–47 미적용; "
        f"{use} 은(는) 진입도로 기준의 예외.",
    )
