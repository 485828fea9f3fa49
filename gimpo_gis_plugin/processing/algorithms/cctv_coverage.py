"""gimpo:cctvcoverage: camera views with building occlusion, blind spots in target areas, new sites."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...core.cctv.coverage import CoverageOptions, analyse_coverage
from ...core.cctv.inputs import CameraFields
from ...core.cctv.siting import NewCamera
from ...core.cctv.styling import coverage_styles
from ...core.progress import Progress
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


class CctvCoverage(GimpoAlgorithm):
    ALGORITHM_ID = "cctvcoverage"
    DISPLAY_NAME = "CCTV 사각지대 분석"
    GROUP_ID = "facilities"
    HELP = (
        "카메라마다 방위각, 수평 화각, 감시거리, 설치 높이, 기울기로 지면의 시야를 구하고, 가로막는 건물 외곽선으로 "
        "잘라냅니다(카메라보다 낮은 건물은 바로 뒤 지면만 가리고, 높이가 없는 건물은 완전히 가립니다). 기둥 아래의 "
        "근접 사각도 뺍니다. 방위각이 없는 카메라(회전형/PTZ)는 전방위를 보는 것으로 보고 표시합니다.\n\n"
        "대상 지역(주거 블록, 어린이보호구역, 핫스팟)을 주면 아무도 보지 않는 땅이 면적 × 가중치 순으로 사각지대가 "
        "되고, 후보 지점(가로등 기둥)을 주면 새 카메라를 최대 NEW_CAMERAS대까지, 남은 가중 사각 면적을 가장 많이 "
        "덮는 곳부터 차례로 배치하며 각각의 효과를 씁니다.\n\n"
        "출력: GeoPackage 하나에 camera_views(카메라 시야), coverage(전체와 관리기관별 감시 범위), target_areas, "
        "blind_spots(사각지대), proposed_sites(신규 설치 후보), proposed_views, rejects(문제가 있는 모든 레코드: id, "
        "필드, 사유, 처리), summary. 화각이 0 이하이거나 360 초과, 관리기관 없음, id 없음, 점이 아닌 도형인 카메라는 "
        "조용히 빠지지 않고 rejects에 남습니다."
    )
    MAP_LAYERS = (
        LayerOutput("camera_views", "CCTV 시야"),
        LayerOutput("coverage", "CCTV 감시 범위"),
        LayerOutput("target_areas", "사각지대 분석 대상 지역"),
        LayerOutput("blind_spots", "CCTV 사각지대"),
        LayerOutput("proposed_sites", "CCTV 신규 설치 후보"),
        LayerOutput("proposed_views", "CCTV 신규 후보 시야"),
        LayerOutput("rejects", "CCTV 제외 레코드", None),
    )

    CAMERAS = "CAMERAS"
    ID_FIELD = "ID_FIELD"
    AGENCY_FIELD = "AGENCY_FIELD"
    BUILDINGS = "BUILDINGS"
    HEIGHT_FIELD = "HEIGHT_FIELD"
    TARGETS = "TARGETS"
    TARGET_ID_FIELD = "TARGET_ID_FIELD"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    CANDIDATES = "CANDIDATES"
    CANDIDATE_ID_FIELD = "CANDIDATE_ID_FIELD"
    NEW_CAMERAS = "NEW_CAMERAS"
    NEW_FOV = "NEW_FOV"
    NEW_RANGE = "NEW_RANGE"
    NEW_HEIGHT = "NEW_HEIGHT"
    MIN_BLIND_AREA = "MIN_BLIND_AREA"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        point, polygon = [QgsProcessing.TypeVectorPoint], [QgsProcessing.TypeVectorPolygon]
        self.addParameter(QgsProcessingParameterFeatureSource(self.CAMERAS, self.tr("CCTV 카메라"), point))
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, self.tr("카메라 ID 필드"), "cctv_id", self.CAMERAS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AGENCY_FIELD, self.tr("관리기관 필드"), "agency", self.CAMERAS, optional=True
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSource(self.BUILDINGS, self.tr("건물"), polygon, optional=True))
        self.addParameter(
            QgsProcessingParameterField(
                self.HEIGHT_FIELD, self.tr("건물 높이 필드 (m)"), "height", self.BUILDINGS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.TARGETS, self.tr("분석 대상 지역"), polygon, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.TARGET_ID_FIELD, self.tr("대상 지역 ID 필드"), None, self.TARGETS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD, self.tr("대상 지역 가중치 필드"), None, self.TARGETS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.CANDIDATES, self.tr("신규 카메라 후보 지점 (가로등 기둥 등)"), point, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CANDIDATE_ID_FIELD, self.tr("후보 지점 ID 필드"), "light_id", self.CANDIDATES, optional=True
            )
        )
        for name, label, kind, default, low, high in (
            (self.NEW_CAMERAS, "신규 카메라 수", QgsProcessingParameterNumber.Type.Integer, 10, 0, 500),
            (self.NEW_FOV, "신규 카메라 화각 (°)", QgsProcessingParameterNumber.Type.Double, 90.0, 1.0, 360.0),
            (self.NEW_RANGE, "신규 카메라 감시거리 (m)", QgsProcessingParameterNumber.Type.Double, 50.0, 1.0, 1000.0),
            (self.NEW_HEIGHT, "신규 카메라 설치 높이 (m)", QgsProcessingParameterNumber.Type.Double, 6.0, 0.5, 100.0),
            (
                self.MIN_BLIND_AREA,
                "목록에 올릴 최소 사각지대 면적 (m²)",
                QgsProcessingParameterNumber.Type.Double,
                10.0,
                0,
                1e9,
            ),
        ):
            self.addParameter(QgsProcessingParameterNumber(name, self.tr(label), kind, default, False, low, high))
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "CCTV 사각지대 분석 결과"))
        self.add_layer_outputs()

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        cameras = self.read_layer(parameters, self.CAMERAS, context, feedback)
        buildings = self.optional_layer(parameters, self.BUILDINGS, context, feedback)
        targets = self.optional_layer(parameters, self.TARGETS, context, feedback)
        candidates = self.optional_layer(parameters, self.CANDIDATES, context, feedback)
        text = lambda name: self.optional_text(parameters, name, context)  # noqa: E731
        number = lambda name: self.parameterAsDouble(parameters, name, context)  # noqa: E731
        options = CoverageOptions(
            fields=CameraFields(cctv_id=text(self.ID_FIELD) or "cctv_id", agency=text(self.AGENCY_FIELD) or "agency"),
            building_height_field=text(self.HEIGHT_FIELD),
            target_id_field=text(self.TARGET_ID_FIELD),
            target_weight_field=text(self.WEIGHT_FIELD),
            candidate_id_field=text(self.CANDIDATE_ID_FIELD) or "light_id",
            new_cameras=self.parameterAsInt(parameters, self.NEW_CAMERAS, context),
            new_camera=NewCamera(
                mount_height_m=number(self.NEW_HEIGHT), fov_deg=number(self.NEW_FOV), range_m=number(self.NEW_RANGE)
            ),
            min_blind_area_m2=number(self.MIN_BLIND_AREA),
        )
        result = analyse_coverage(cameras, buildings, targets, candidates, options, progress.sub(0.0, 0.9))
        layers = self.write_layers(output, result.layers(), context, coverage_styles(result))
        summary = dict(zip(result.summary["measure"], result.summary["value"], strict=True))
        progress.info(
            self.tr("카메라 {}대 중 {}대 사용, {}대 제외; 감시 면적 {:,.0f} m²; 사각지대 {}곳; 신규 후보 {}곳").format(
                int(summary["cameras_read"]),
                int(summary["cameras_used"]),
                int(summary["cameras_rejected"]),
                summary["coverage_m2"],
                int(summary["blind_spots"]),
                int(summary["new_cameras_proposed"]),
            )
        )
        return {self.OUTPUT: output.given, **layers}
