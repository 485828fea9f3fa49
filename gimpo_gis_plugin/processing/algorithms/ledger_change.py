"""gimpo:ledgerchange: what changed in the tax ledger between two years, with parcel lineage."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from ...core.ledger_change.run import compare_years
from ...core.progress import Progress
from ...core.tax_linkage import read_ledger
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


class LedgerChange(GimpoAlgorithm):
    ALGORITHM_ID = "ledgerchange"
    DISPLAY_NAME = "과세대장 연도별 변동"
    GROUP_ID = "tax"
    HELP = (
        "두 해의 과세대장(예: 2025년과 2026년 과세기준일, 과세대장 연계가 읽는 모든 형식)을 과세물건별로 비교합니다: "
        "변동 없음, 시가표준액만 변동, 변동(면적·용도·납세자·지분 수 중 무엇인지), 필지 이동(분할·합병·지번변경·"
        "경계조정: 두 해의 연속지적도를 주면 PNU가 아니라 도형이 겹치는 땅으로 계보를 따라가고 과세면적 합을 맞춰 "
        "봅니다), 신규, 소멸. 두 해의 모든 행은 꼭 하나의 변동 구분에 들어가며, 위치를 찾지 못한 행은 사유와 함께 "
        "'위치 미확인'으로 남습니다.\n\n"
        "법정동별(연속지적도로 경계를 만들어)·행정동별 변동 건수와 과세표준 증감을 통계지도로 그리고, 과세표준이 가장 "
        "많이 늘고 준 곳과 그 까닭을 로그에 씁니다. 두 해의 발견사항(과세대장 연계의 findings)을 주면 해소·계속·새 "
        "발견사항으로 나누고, 계속되는 발견사항에는 지난해 현장 조사 결과를 이어 붙입니다. 납세자 이름은 가려집니다.\n\n"
        "Compares two years' ledgers object by object, follows split/merged parcels by geometry, maps the change "
        "of the tax base per 법정동 and 행정동, and tells which findings were resolved, persist or are new."
    )
    MAP_LAYERS = (
        LayerOutput("change_by_legal_dong", "법정동별 과세표준 증감"),
        LayerOutput("change_by_admin_dong", "행정동별 과세표준 증감"),
        LayerOutput("change_objects", "과세물건 변동"),
        LayerOutput("findings", "발견사항 (연도 비교)"),
        LayerOutput("change_rows", "과세대장 행별 변동 구분", None, geometry=False),
        LayerOutput("parcel_lineage", "필지 계보", None, geometry=False),
    )

    GEOMETRY_OPTIONAL = ("FINDINGS_BEFORE", "FINDINGS_AFTER")  # unplaced findings are findings too

    LEDGER_BEFORE = "LEDGER_BEFORE"
    LEDGER_AFTER = "LEDGER_AFTER"
    COLUMN_MAP = "COLUMN_MAP"
    PARCELS_BEFORE = "PARCELS_BEFORE"
    PARCELS_AFTER = "PARCELS_AFTER"
    ADMIN_DONGS = "ADMIN_DONGS"
    FINDINGS_BEFORE = "FINDINGS_BEFORE"
    FINDINGS_AFTER = "FINDINGS_AFTER"
    SHOW_PERSONAL_DATA = "SHOW_PERSONAL_DATA"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        polygon, point = [QgsProcessing.TypeVectorPolygon], [QgsProcessing.TypeVectorPoint]
        for name, label in ((self.LEDGER_BEFORE, "이전 연도 과세대장"), (self.LEDGER_AFTER, "올해 과세대장")):
            self.addParameter(
                QgsProcessingParameterFile(
                    name,
                    self.tr(label),
                    QgsProcessingParameterFile.Behavior.File,
                    fileFilter=self.tr("과세대장 (*.csv *.txt *.xlsx);;모든 파일 (*)"),
                )
            )
        self.addParameter(
            QgsProcessingParameterString(self.COLUMN_MAP, self.tr("열 대응표 (JSON; 비우면 자동 인식)"), optional=True)
        )
        for name, label in ((self.PARCELS_BEFORE, "이전 연도 연속지적도"), (self.PARCELS_AFTER, "올해 연속지적도")):
            self.addParameter(QgsProcessingParameterFeatureSource(name, self.tr(label), polygon, optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.ADMIN_DONGS, self.tr("행정동 경계"), polygon, optional=True)
        )
        for name, label in ((self.FINDINGS_BEFORE, "지난해 발견사항"), (self.FINDINGS_AFTER, "올해 발견사항")):
            self.addParameter(QgsProcessingParameterFeatureSource(name, self.tr(label), point, optional=True))
        self.addParameter(
            QgsProcessingParameterBoolean(self.SHOW_PERSONAL_DATA, self.tr("개인정보 표시 (기본: 가림)"), False)
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "과세대장 연도별 변동"))
        self.add_layer_outputs()

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        column_map = self.optional_text(parameters, self.COLUMN_MAP, context)
        tables = []
        for name in (self.LEDGER_BEFORE, self.LEDGER_AFTER):
            table = read_ledger(self.parameterAsFile(parameters, name, context), column_map)
            progress.info(
                self.tr("{}: {}행, 인코딩 {}").format(self.label(name), f"{len(table.rows):,}", table.encoding)
            )
            for warning in table.warnings:
                feedback.pushWarning(warning)
            tables.append(table.rows)
        run = compare_years(
            tables[0],
            tables[1],
            self.optional_layer(parameters, self.PARCELS_BEFORE, context, feedback),
            self.optional_layer(parameters, self.PARCELS_AFTER, context, feedback),
            self.optional_layer(parameters, self.ADMIN_DONGS, context, feedback),
            self.optional_layer(parameters, self.FINDINGS_BEFORE, context, feedback),
            self.optional_layer(parameters, self.FINDINGS_AFTER, context, feedback),
            self.parameterAsBoolean(parameters, self.SHOW_PERSONAL_DATA, context),
            progress.sub(0.0, 0.9),
        )
        for warning in run.warnings:
            feedback.pushWarning(warning)
        for line in run.headline:
            feedback.pushInfo(line)
        feedback.pushInfo(
            self.tr(
                "과세물건 {}건: 변동 없음 {}, 시가표준액만 {}, 변동 {}, 필지 이동 {}, 신규 {}, 소멸 {}; 위치 미확인 {}행"
            ).format(
                *(
                    f"{run.counts[k]:,}"
                    for k in (
                        "objects",
                        "objects_unchanged",
                        "objects_revalued",
                        "objects_changed",
                        "objects_lineage",
                        "objects_new",
                        "objects_ended",
                        "unplaced_rows",
                    )
                )
            )
        )
        results = self.write_layers(output, run.layers, context, run.styles)
        return {self.OUTPUT: output.given, **results}
