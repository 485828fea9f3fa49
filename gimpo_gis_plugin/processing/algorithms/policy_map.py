"""gimpo:policymap: 정책지도, composite priority of areas from several indicators, with Gi* hot spots."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core.policy import NORMALISATIONS, PolicyMapOptions, build_policy_map, parse_indicators, write_policy_map
from ...core.policy.policy_map import LAYER_NAME
from ...core.progress import Progress
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput

NEIGHBOURHOODS = ("knn", "distance")
assert NORMALISATIONS == ("zscore", "minmax")  # the order of the Korean labels


class PolicyMap(GimpoAlgorithm):
    ALGORITHM_ID = "policymap"
    DISPLAY_NAME = "정책지도"
    GROUP_ID = "maps"
    HELP = (
        "정책지도: 한 레이어의 지역을 여러 지표 필드(예: 주민 1,000명당 민원, 체납액, 노후·과세누락 건물 비율)로 "
        "순위를 매깁니다.\n\n"
        "지표(INDICATORS): 필드:방향:가중치를 ';'로 구분, 예 'complaints_per_1000:+:2;arrears_amount:+:1;"
        "population:-:0.5'. 방향 +는 값이 높을수록 더 살펴야 함, −는 그 반대입니다. 각 지표를 정규화(z-점수 또는 "
        "최소–최대)하고 가중 평균을 점수로 하여 PRIORITY_CLASSES개 분위 등급으로 나눕니다(1순위 = 가장 높음).\n\n"
        "핫스팟: 점수의 Getis-Ord Gi*를 K개 최근접 이웃 또는 거리대(DISTANCE, m)로 구하고, 양측 p-값과 "
        "Benjamini-Hochberg 거짓 발견율(ALPHA)로 유의한 핫스팟·콜드스팟을 표시합니다. PERMUTATIONS > 0(예: 999)이면 "
        "정규성을 가정하지 않는 조건부 순열 유사 p-값을 씁니다(치우친 건수에 더 알맞음). 난수는 고정되어 같은 "
        "실행은 같은 결과를 냅니다.\n\n"
        "출력: GeoPackage에 'policy_map'(우선순위 스타일), 'hotspots'(핫/콜드 스타일), 'policy_indicators'(지표별 "
        "가중치와 통계), 'policy_method'; 방법 설명은 레이어 설명에도 들어갑니다. OUTPUT_HTML: 요약 페이지."
    )
    MAP_LAYERS = (
        LayerOutput(LAYER_NAME, "정책지도 우선순위", "OUTPUT_LAYER"),
        LayerOutput("hotspots", "정책지도 핫스팟 (Gi*)", None),
    )

    INPUT = "INPUT"
    INDICATORS = "INDICATORS"
    NORMALISATION = "NORMALISATION"
    PRIORITY_CLASSES = "PRIORITY_CLASSES"
    HOTSPOTS = "HOTSPOTS"
    NEIGHBOURHOOD = "NEIGHBOURHOOD"
    K = "K"
    DISTANCE = "DISTANCE"
    ALPHA = "ALPHA"
    PERMUTATIONS = "PERMUTATIONS"
    OUTPUT = "OUTPUT"
    OUTPUT_HTML = "OUTPUT_HTML"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("지표 필드가 있는 지역")))
        self.addParameter(QgsProcessingParameterString(self.INDICATORS, self.tr("지표 (필드:+/-:가중치; ...)")))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.NORMALISATION, self.tr("정규화"), [self.tr("z-점수"), self.tr("최소–최대")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PRIORITY_CLASSES,
                self.tr("우선순위 등급 수"),
                QgsProcessingParameterNumber.Type.Integer,
                5,
                False,
                1,
                12,
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.HOTSPOTS, self.tr("핫스팟 분석 (Gi*)"), True))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.NEIGHBOURHOOD,
                self.tr("이웃 정의"),
                [self.tr("k 최근접 이웃"), self.tr("거리대")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.K, self.tr("최근접 이웃 수 (k)"), QgsProcessingParameterNumber.Type.Integer, 8, False, 1
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DISTANCE, self.tr("거리대 (m)"), QgsProcessingParameterNumber.Type.Double, 2000.0, False, 0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.ALPHA,
                self.tr("거짓 발견율 (ALPHA)"),
                QgsProcessingParameterNumber.Type.Double,
                0.05,
                False,
                0.0001,
                0.5,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PERMUTATIONS,
                self.tr("유사 p-값 순열 횟수 (0: 정규 근사)"),
                QgsProcessingParameterNumber.Type.Integer,
                0,
                False,
                0,
                99_999,
            )
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "정책지도"))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_HTML, self.tr("요약 (HTML)"), "HTML (*.html)", optional=True, createByDefault=False
            )
        )
        self.add_layer_outputs()
        self.addOutput(QgsProcessingOutputNumber("HOT_SPOTS", self.tr("핫스팟 수")))
        self.addOutput(QgsProcessingOutputNumber("COLD_SPOTS", self.tr("콜드스팟 수")))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        areas = self.read_layer(parameters, self.INPUT, context, feedback)
        options = PolicyMapOptions(
            indicators=parse_indicators(self.parameterAsString(parameters, self.INDICATORS, context)),
            normalisation=NORMALISATIONS[self.parameterAsEnum(parameters, self.NORMALISATION, context)],
            priority_classes=self.parameterAsInt(parameters, self.PRIORITY_CLASSES, context),
            neighbourhood=NEIGHBOURHOODS[self.parameterAsEnum(parameters, self.NEIGHBOURHOOD, context)],
            k=self.parameterAsInt(parameters, self.K, context),
            distance_m=self.parameterAsDouble(parameters, self.DISTANCE, context),
            alpha=self.parameterAsDouble(parameters, self.ALPHA, context),
            hotspots=self.parameterAsBool(parameters, self.HOTSPOTS, context),
            permutations=self.parameterAsInt(parameters, self.PERMUTATIONS, context),
        )
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        html = (
            self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context)
            if parameters.get(self.OUTPUT_HTML)
            else ""
        )
        result = build_policy_map(areas, options, progress.sub(0.0, 0.8))
        for note in result.notes:
            progress.warn(note)
        write_policy_map(result, output.destination, html or None)
        self.load_layers(output, context)
        hot = int((result.areas["hotspot"] == 1).sum())
        cold = int((result.areas["hotspot"] == -1).sum())
        progress.info(self.tr("지역 {}곳 점수 계산; 핫스팟 {}곳, 콜드스팟 {}곳").format(len(result.areas), hot, cold))
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            self.OUTPUT_HTML: html,
            **self.layer_results(output),
            "HOT_SPOTS": hot,
            "COLD_SPOTS": cold,
        }
