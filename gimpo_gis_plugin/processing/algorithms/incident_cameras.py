"""gimpo:incidentcameras: the CCTV that see an incident's spot, and those along the fire engine's way."""

from __future__ import annotations

from typing import Any

import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterString,
)

from ...core.cctv.incident import build_view_index, index_from_views
from ...core.cctv.incident_layers import answer_incident, incident_styles
from ...core.cctv.incident_place import place_incident
from ...core.cctv.inputs import CameraFields
from ...core.cctv.route import RoadGraph
from ...core.errors import InputError
from ...core.progress import Progress
from ...core.vector_io import DEFAULT_CRS
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


class IncidentCameras(GimpoAlgorithm):
    ALGORITHM_ID = "incidentcameras"
    DISPLAY_NAME = "사건 지점 CCTV 찾기 (incident cameras)"
    GROUP_ID = "facilities"
    HELP = (
        "119 긴급출동 영상공유: 사건 지점(지도의 점, 지번주소 또는 PNU)을 실제로 비추는 CCTV를 찾아, 얼마나 잘 보는지"
        "(지점 주변 원 중 보이는 비율, 촬영 거리 대비 가까움, 광축에서 벗어난 각도)로 순위를 매깁니다. 건물에 가려짐, "
        "화각, 촬영 거리, 기둥 아래 사각지대를 CCTV 촬영범위 분석과 같은 방식으로 계산하며, 회전형(PTZ) 카메라는 "
        "돌려야 함을 표시합니다. 보지 못하는 주변 카메라는 그 이유(거리 밖, 방향 다름, 건물에 가려짐)를 "
        "함께 적습니다.\n\n"
        "출동 경로(선 레이어) 또는 도로 중심선과 출동 지점(소방서)을 주면 도로망 최단 경로를 구해, 경로를 비추는 "
        "CCTV를 차량이 지나는 순서대로 나열합니다.\n\n"
        "빠른 응답: CCTV 촬영범위 분석(gimpo:cctvcoverage)의 camera_views 레이어를 VIEWS에 주면 촬영 범위를 다시 "
        "계산하지 않습니다.\n\n"
        "The CCTV whose view covers an incident's spot (a point, a lot address or a PNU), ranked by how well "
        "they see it, with the reason nearby cameras miss it; and the cameras along the route from the station, "
        "in passing order. Give VIEWS (camera_views of a gimpo:cctvcoverage run) to skip the ray casting."
    )

    MAP_LAYERS = (
        LayerOutput("incident", "사건 지점"),
        LayerOutput("incident_cameras", "사건 지점 CCTV (순위)"),
        LayerOutput("incident_views", "사건 지점을 보는 CCTV 시야"),
        LayerOutput("route", "출동 경로"),
        LayerOutput("route_cameras", "출동 경로 CCTV (지나는 순서)"),
    )

    GEOMETRY_OPTIONAL = ("VIEWS",)  # a camera that sees no ground has an empty view: still a camera

    CAMERAS = "CAMERAS"
    ID_FIELD = "ID_FIELD"
    AGENCY_FIELD = "AGENCY_FIELD"
    CONTROL_FIELD = "CONTROL_FIELD"
    BUILDINGS = "BUILDINGS"
    HEIGHT_FIELD = "HEIGHT_FIELD"
    VIEWS = "VIEWS"
    INCIDENT = "INCIDENT"
    ADDRESS = "ADDRESS"
    PNU = "PNU"
    PARCELS = "PARCELS"
    SPOT_RADIUS = "SPOT_RADIUS"
    ROUTE = "ROUTE"
    ROADS = "ROADS"
    STATION = "STATION"
    OUTPUT = "OUTPUT"
    SUMMARY = "SUMMARY"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        point = [QgsProcessing.TypeVectorPoint]
        polygon = [QgsProcessing.TypeVectorPolygon]
        line = [QgsProcessing.TypeVectorLine]
        self.addParameter(QgsProcessingParameterFeatureSource(self.CAMERAS, self.tr("CCTV 카메라"), point))
        for name, label, default in (
            (self.ID_FIELD, "카메라 ID 필드", "cctv_id"),
            (self.AGENCY_FIELD, "관리기관 필드", "agency"),
            (self.CONTROL_FIELD, "관제번호 필드 (관제센터가 쓰는 번호)", None),
        ):
            self.addParameter(QgsProcessingParameterField(name, self.tr(label), default, self.CAMERAS, optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.BUILDINGS, self.tr("건물 (가림 계산)"), polygon, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.HEIGHT_FIELD, self.tr("건물 높이 필드 (m)"), "height", self.BUILDINGS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.VIEWS, self.tr("미리 계산한 촬영 범위 (cctvcoverage의 camera_views)"), polygon, optional=True
            )
        )
        self.addParameter(QgsProcessingParameterPoint(self.INCIDENT, self.tr("사건 지점"), optional=True))
        self.addParameter(QgsProcessingParameterString(self.ADDRESS, self.tr("사건 주소 (지번)"), optional=True))
        self.addParameter(QgsProcessingParameterString(self.PNU, self.tr("사건 필지 PNU"), optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PARCELS, self.tr("필지 (연속지적도: 주소·PNU로 위치 찾기)"), polygon, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SPOT_RADIUS,
                self.tr("사건 지점 반경 (m)"),
                QgsProcessingParameterNumber.Type.Double,
                10.0,
                False,
                0.5,
                500.0,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSource(self.ROUTE, self.tr("출동 경로"), line, optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.ROADS, self.tr("도로 중심선 (최단 경로)"), line, optional=True)
        )
        self.addParameter(QgsProcessingParameterPoint(self.STATION, self.tr("출동 지점 (소방서)"), optional=True))
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "사건 지점 CCTV"))
        self.add_layer_outputs()
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, self.tr("요약")))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        crs = QgsCoordinateReferenceSystem(DEFAULT_CRS)
        text = lambda name: self.optional_text(parameters, name, context)  # noqa: E731
        optional = lambda name: self.optional_layer(parameters, name, context, feedback)  # noqa: E731

        def point(name: str) -> shapely.Point | None:
            if not text(name):
                return None
            value = self.parameterAsPoint(parameters, name, context, crs)
            return shapely.Point(value.x(), value.y())

        incident = point(self.INCIDENT)
        parcels = optional(self.PARCELS) if incident is None else None  # only an address or a PNU needs them
        spot, label = place_incident(incident, text(self.ADDRESS), text(self.PNU), parcels)
        feedback.pushInfo(self.tr("사건 위치: {}").format(label))
        cameras = self.read_layer(parameters, self.CAMERAS, context, feedback)
        fields = CameraFields(cctv_id=text(self.ID_FIELD) or "cctv_id", agency=text(self.AGENCY_FIELD) or "agency")
        views = optional(self.VIEWS)
        if views is not None:
            index, rejects = index_from_views(views, cameras, fields, control_field=text(self.CONTROL_FIELD))
        else:
            index, rejects = build_view_index(
                cameras,
                optional(self.BUILDINGS),
                fields,
                building_height_field=text(self.HEIGHT_FIELD),
                control_field=text(self.CONTROL_FIELD),
                progress=progress.sub(0.0, 0.7),
            )
        if len(rejects):
            feedback.pushWarning(
                self.tr("카메라 {}건은 값에 문제가 있어 거부되거나 기본값으로 채웠습니다.").format(len(rejects))
            )
        route = self._route(parameters, context, feedback, optional, point, spot)
        answer = answer_incident(
            index, spot, self.parameterAsDouble(parameters, self.SPOT_RADIUS, context), route, label
        )
        results = self.write_layers(output, answer.layers(), context, incident_styles())
        feedback.pushInfo(answer.sentence)
        return {self.OUTPUT: output.given, self.SUMMARY: answer.sentence, **results}

    def _route(self, parameters, context, feedback, optional, point, spot) -> shapely.LineString | None:
        given = optional(self.ROUTE)
        if given is not None:
            lines = shapely.line_merge(shapely.union_all(given.geometry.dropna().to_numpy()))
            if lines.geom_type != "LineString":
                raise InputError("출동 경로가 한 줄로 이어지지 않습니다: 끊김 없는 선 하나를 지정하세요.")
            return lines
        roads, station = optional(self.ROADS), point(self.STATION)
        if roads is None and station is None:
            return None
        if roads is None or station is None:
            raise InputError("최단 경로를 구하려면 도로 중심선(ROADS)과 출동 지점(STATION)을 모두 지정하세요.")
        route = RoadGraph(roads).shortest_route(station, spot)
        feedback.pushInfo(self.tr("출동 경로: 도로망 최단 경로 {:,.0f} m").format(route.length))
        return route
