"""gimpo:exportfieldsurvey and gimpo:importfieldsurvey: the worklist to a field survey (QField) and back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyogrio
from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProject,
    QgsVectorLayer,
)

from ...core.progress import Progress
from ...core.survey.merge import merge_survey
from ...core.survey.package import SurveySelection, build_survey_package, survey_styles
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


class ExportFieldSurvey(GimpoAlgorithm):
    ALGORITHM_ID = "exportfieldsurvey"
    DISPLAY_NAME = "현장 조사 패키지 만들기 (QField)"
    GROUP_ID = "tax"
    HELP = (
        "과세대장 연계의 발견사항 중 현장에서 확인할 것(법정동 코드 앞자리, 발견사항 코드, 최소 추정 세액, 최대 건수로 "
        "고름)을 QField(또는 태블릿의 QGIS)가 바로 여는 GeoPackage와 프로젝트 파일(.qgs)로 만듭니다. 조사 결과(확인 "
        "완료 / 과세 대상 / 비과세 / 현장 확인 불가)는 목록에서 고르고, 사진·메모·조사자·조사 일시를 적습니다. 주민등록번호 "
        "모양의 글은 가려집니다. 패키지에는 내보낸 목록(survey_manifest)이 함께 들어가 돌려받을 때 삭제·이동을 알아냅니다.\n\n"
        "Selects the findings to check and writes a GeoPackage and a .qgs project that QField opens directly."
    )
    MAP_LAYERS = (LayerOutput("survey", "현장 조사 대상"), LayerOutput("survey_parcels", "현장 조사 필지"))
    GEOMETRY_OPTIONAL = ("FINDINGS",)  # findings without a place stay in the office (said in the log)

    FINDINGS = "FINDINGS"
    PARCELS = "PARCELS"
    LEGAL_DONGS = "LEGAL_DONGS"
    CODES = "CODES"
    MIN_TAX = "MIN_TAX"
    LIMIT = "LIMIT"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.FINDINGS, self.tr("발견사항 (과세대장 연계의 findings)"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PARCELS, self.tr("필지 (참고용)"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.LEGAL_DONGS, self.tr("법정동 코드 (쉼표로 구분, 앞자리만 가능)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.CODES, self.tr("발견사항 코드 (쉼표로 구분)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_TAX, self.tr("최소 추정 세액 (원)"), QgsProcessingParameterNumber.Type.Double, 0.0, False, 0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.LIMIT, self.tr("최대 건수 (0: 모두)"), QgsProcessingParameterNumber.Type.Integer, 0, False, 0
            )
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "현장 조사 패키지"))
        self.add_layer_outputs()

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)
        if output.is_database:
            raise QgsProcessingException(
                self.tr("현장 조사 패키지는 GeoPackage 파일이어야 합니다 (QField가 여는 파일).")
            )
        split = lambda name: [  # noqa: E731
            part.strip() for part in (self.optional_text(parameters, name, context) or "").split(",") if part.strip()
        ]
        selection = SurveySelection(
            split(self.LEGAL_DONGS),
            split(self.CODES),
            self.parameterAsDouble(parameters, self.MIN_TAX, context),
            self.parameterAsInt(parameters, self.LIMIT, context),
        )
        package = build_survey_package(
            self.read_layer(parameters, self.FINDINGS, context, feedback),
            self.optional_layer(parameters, self.PARCELS, context, feedback),
            selection,
        )
        if package.unplaced:
            feedback.pushWarning(
                self.tr(
                    "위치가 없는 발견사항 {}건은 현장 조사로 보내지 않았습니다 (사무실 목록에 그대로 있음)."
                ).format(package.unplaced)
            )
        results = self.write_layers(output, package.layers(), context, survey_styles())
        project = write_field_project(Path(output.destination))
        feedback.pushInfo(
            self.tr("현장 조사 {}건 (패키지 {}): {} 와 {}").format(
                f"{len(package.survey):,}", package.package_id, output.destination, project
            )
        )
        return {self.OUTPUT: output.given, **results}


def write_field_project(gpkg: Path) -> Path:
    """A .qgs beside the package with its layers (default styles: the form) and relative paths: QField opens it."""
    project = QgsProject()
    project.setTitle("현장 조사")
    project.writeEntryBool("Paths", "/Absolute", False)
    for name in ("survey_parcels", "survey"):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", "현장 조사 대상" if name == "survey" else "조사 필지", "ogr")
        if layer.isValid():
            layer.loadDefaultStyle()
            project.addMapLayer(layer)
    path = gpkg.with_suffix(".qgs")
    if not project.write(str(path)):
        raise QgsProcessingException(f"현장 조사 프로젝트 {path}를 쓰지 못했습니다: {project.error()}")
    return path


class ImportFieldSurvey(GimpoAlgorithm):
    ALGORITHM_ID = "importfieldsurvey"
    DISPLAY_NAME = "현장 조사 결과 가져오기"
    GROUP_ID = "tax"
    HELP = (
        "조사를 마친 현장 조사 패키지(하나 이상)를 사무실 작업목록(findings)에 합칩니다. 조사 결과·메모·사진·조사자·"
        "일시는 옮겨 적고, 두 패키지의 결과가 다르거나, 사무실에 이미 다른 결과가 있거나, 현장에서 지워졌거나 옮겨졌거나, "
        "내보내지 않은 항목이 추가된 경우에는 덮어쓰지 않고 survey_conflicts 표에 양쪽 값을 남깁니다. 사무실 작업목록의 "
        "행과 열은 하나도 잃지 않습니다.\n\n"
        "Merges checked survey packages back into the office worklist; conflicts are listed, never overwritten."
    )
    MAP_LAYERS = (
        LayerOutput("findings", "발견사항 (현장 조사 반영)"),
        LayerOutput("survey_conflicts", "현장 조사 충돌", None, geometry=False),
    )

    GEOMETRY_OPTIONAL = ("OFFICE",)  # every row of the office worklist is kept, placed or not

    OFFICE = "OFFICE"
    RETURNS = "RETURNS"
    MOVE_TOLERANCE = "MOVE_TOLERANCE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.OFFICE, self.tr("사무실 작업목록 (findings)"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.RETURNS, self.tr("조사를 마친 패키지 (survey 레이어)"), QgsProcessing.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MOVE_TOLERANCE,
                self.tr("옮겨짐으로 볼 거리 (m)"),
                QgsProcessingParameterNumber.Type.Double,
                1.0,
                False,
                0.0,
            )
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "현장 조사 반영 작업목록"))
        self.add_layer_outputs()

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)
        office = self.read_layer(parameters, self.OFFICE, context, feedback)
        returns = []
        for layer in self.parameterAsLayerList(parameters, self.RETURNS, context):
            path = layer.source().split("|")[0]
            try:
                survey = pyogrio.read_dataframe(path, layer="survey")
                manifest = pyogrio.read_dataframe(path, layer="survey_manifest")
            except Exception as exc:  # not a package of ours: say which file, in Korean
                raise QgsProcessingException(
                    self.tr("{}: survey 레이어와 survey_manifest 표가 있는 현장 조사 패키지가 아닙니다 ({}).").format(
                        path, exc
                    )
                ) from exc
            returns.append((Path(path).name, survey, manifest))
        result = merge_survey(office, returns, self.parameterAsDouble(parameters, self.MOVE_TOLERANCE, context))
        summary = dict(zip(result.summary["measure"], result.summary["value"], strict=True))
        feedback.pushInfo(
            self.tr("반영 {}건, 변경 없음 {}건, 충돌 {}건, 알 수 없는 항목 {}건").format(
                summary["updated"], summary["unchanged"], summary["conflict"], summary["unknown"]
            )
        )
        if len(result.conflicts):
            feedback.pushWarning(
                self.tr("충돌 {}건은 survey_conflicts 표를 보고 정하세요.").format(len(result.conflicts))
            )
        results = self.write_layers(output, result.layers(), context)
        return {self.OUTPUT: output.given, **results}
