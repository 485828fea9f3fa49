"""gimpo:statisticalmap: 통계지도, points or parcel/building attributes aggregated into areas, classified."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ...core.choropleth import (
    AREA_KINDS,
    METHODS,
    STATISTICS,
    StatisticalMapOptions,
    build_statistical_map,
    write_statistical_map,
)
from ...core.choropleth.statistical_map import LAYER_NAME
from ...core.progress import Progress
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput

STATISTIC_LABELS = {
    "count": "건수",
    "sum": "합계",
    "mean": "평균",
    "median": "중앙값",
    "density": "밀도 (km²당)",
    "rate": "비율 (주민 1,000명당)",
}
METHOD_LABELS = {
    "jenks": "자연적 구분 (Jenks)",
    "quantile": "분위수",
    "equal_interval": "등간격",
    "stddev": "표준편차",
    "pretty": "보기 좋은 구간 (pretty)",
}


assert tuple(STATISTIC_LABELS) == STATISTICS and tuple(METHOD_LABELS) == METHODS  # the enums' order


class StatisticalMap(GimpoAlgorithm):
    ALGORITHM_ID = "statisticalmap"
    DISPLAY_NAME = "통계지도"
    GROUP_ID = "maps"
    HELP = (
        "통계지도: 점(민원, 체납 ...)이나 필지·건물의 속성을 지역으로 모아 단계구분합니다. 지역은 면 레이어(행정동, "
        "법정동 등)이거나 CELL_SIZE 미터의 정사각 격자/육각형입니다.\n\n"
        "통계(STATISTIC): 건수, 합계, 평균, 중앙값(FIELD의 값), km²당 밀도, 주민 1,000명당 비율(지역 레이어의 "
        "POPULATION_FIELD 또는 면적 비례로 나눈 POPULATION_LAYER의 인구). 건수·밀도·비율에서 FIELD는 선택 가중치입니다.\n\n"
        "분류(METHOD): 자연적 구분(Jenks, 정확해), 분위수, 등간격, 표준편차, 보기 좋은 구간(pretty); CLASSES개 등급"
        "(값이 허락하지 않으면 더 적게: 값이 모두 같으면 한 등급).\n\n"
        "출력: GeoPackage에 'statistical_map' 레이어(n_records, value, class, class_label; 범례 스타일), 'classes', "
        "'rejects'(어느 지역에도 들지 않거나 값이 없는 레코드와 사유). 경계 위의 점은 native:countpointsinpolygon처럼 "
        "양쪽 지역에 모두 셉니다."
    )
    MAP_LAYERS = (
        LayerOutput(LAYER_NAME, "통계지도", "OUTPUT_LAYER"),
        LayerOutput("rejects", "통계지도 제외 레코드", None),
    )

    INPUT = "INPUT"
    AREAS = "AREAS"
    AREA_KIND = "AREA_KIND"
    CELL_SIZE = "CELL_SIZE"
    STATISTIC = "STATISTIC"
    FIELD = "FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    POPULATION_LAYER = "POPULATION_LAYER"
    POPULATION_LAYER_FIELD = "POPULATION_LAYER_FIELD"
    METHOD = "METHOD"
    CLASSES = "CLASSES"
    KEEP_EMPTY = "KEEP_EMPTY"
    VALUE_NAME = "VALUE_NAME"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("집계할 레코드")))
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.AREAS, self.tr("지역 (행정동, 법정동 ...)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.AREA_KIND,
                self.tr("지역 단위"),
                [self.tr("지역 레이어"), self.tr("정사각 격자"), self.tr("육각형 격자")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CELL_SIZE, self.tr("격자 크기 (m)"), QgsProcessingParameterNumber.Type.Double, 500.0, False, 1.0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.STATISTIC, self.tr("통계"), self._labels(STATISTIC_LABELS), defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELD, self.tr("값 또는 가중치 필드"), parentLayerParameterName=self.INPUT, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                self.tr("지역의 인구 필드 (비율)"),
                parentLayerParameterName=self.AREAS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(self.POPULATION_LAYER, self.tr("인구 레이어 (비율)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_LAYER_FIELD,
                self.tr("인구 레이어의 인구 필드"),
                "population",
                parentLayerParameterName=self.POPULATION_LAYER,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.METHOD, self.tr("분류 방법"), self._labels(METHOD_LABELS), defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CLASSES, self.tr("등급 수"), QgsProcessingParameterNumber.Type.Integer, 5, False, 1, 12
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.KEEP_EMPTY, self.tr("레코드가 없는 격자도 남기기"), False))
        value_name = QgsProcessingParameterString(self.VALUE_NAME, self.tr("값 필드 이름"), "value")
        value_name.setHelp(
            self.tr(
                "다른 이름(예: arrears_amount)을 주면 n_<이름>, <이름>, <이름>_class, <이름>_label 필드가 생겨, 여러 "
                "통계지도를 한 지역 레이어에 쌓아 정책지도(gimpo:policymap)의 지표로 쓸 수 있습니다."
            )
        )
        self.addParameter(value_name)
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "통계지도"))
        self.add_layer_outputs()
        for name, title in (("AREAS_COUNT", "지역 수"), ("CLASS_COUNT", "등급 수"), ("REJECTED", "제외 레코드 수")):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(title)))

    def _labels(self, labels: dict[str, str]) -> list[str]:
        return [self.tr(label) for label in labels.values()]

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        records = self.read_layer(parameters, self.INPUT, context, feedback)
        areas = self.optional_layer(parameters, self.AREAS, context, feedback)
        population_layer = self.optional_layer(parameters, self.POPULATION_LAYER, context, feedback)
        options = StatisticalMapOptions(
            statistic=STATISTICS[self.parameterAsEnum(parameters, self.STATISTIC, context)],
            field=self.optional_text(parameters, self.FIELD, context),
            method=METHODS[self.parameterAsEnum(parameters, self.METHOD, context)],
            classes=self.parameterAsInt(parameters, self.CLASSES, context),
            area_kind=AREA_KINDS[self.parameterAsEnum(parameters, self.AREA_KIND, context)],
            cell_size=self.parameterAsDouble(parameters, self.CELL_SIZE, context),
            population_field=self.optional_text(parameters, self.POPULATION_FIELD, context),
            population_field_of_layer=self.optional_text(parameters, self.POPULATION_LAYER_FIELD, context),
            keep_empty_cells=self.parameterAsBool(parameters, self.KEEP_EMPTY, context),
            value_name=_field_name(self.optional_text(parameters, self.VALUE_NAME, context) or "value"),
        )
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        result = build_statistical_map(records, areas, options, population_layer, progress.sub(0.0, 0.8))
        for note in result.notes:
            progress.warn(note)
        write_statistical_map(result, output.destination, options)
        self.load_layers(output, context, written=[LAYER_NAME, *(["rejects"] if len(result.rejects) else [])])
        c = result.classification
        progress.info(
            self.tr("지역 {}곳, {}개 등급({}), 경계값 {}, 분산 적합도(GVF) {:.3f}").format(
                len(result.areas), c.count, c.method, ", ".join(f"{b:.4g}" for b in c.breaks), c.gvf
            )
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            **self.layer_results(output),
            "AREAS_COUNT": len(result.areas),
            "CLASS_COUNT": c.count,
            "REJECTED": len(result.rejects),
        }


def _field_name(text: str) -> str:
    name = text.strip()
    if not name.replace("_", "").isalnum() or not name.isascii() or name[0].isdigit():
        raise QgsProcessingException(
            f"값 필드 이름(VALUE_NAME) {text!r}은(는) 필드 이름으로 쓸 수 없습니다: 영문자, 숫자, _만 쓰세요"
            f"(예: arrears_amount). Not a usable field name."
        )
    return name
