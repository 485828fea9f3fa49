"""gimpo:facilityaging: age of buried lines against service life, replacement priority, area indicator."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...core import styles
from ...core.facilities.aging import PRIORITY_LABELS, area_indicators, segment_aging
from ...core.facilities.network import network_frame
from ...core.facilities.rules import read_margins, read_service_life
from ...core.progress import Progress
from ...core.sample_city.geography import load_admin_dongs
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput

PRIORITY_COLORS = {1: "#d7191c", 2: "#fdae61", 3: "#ffffbf", 4: "#1a9641", 0: "#999999"}
SEGMENT_STYLE = styles.categorized(
    "priority_class",
    [
        styles.Category(k, PRIORITY_LABELS[k], styles.Symbol("line", PRIORITY_COLORS[k], width=0.6))
        for k in (1, 2, 3, 4, 0)
    ],
)
BREAKS = [0.0, 0.1, 0.2, 0.35, 0.5, 1.0]
AREA_STYLE = styles.graduated(
    "share_over_life",
    [
        styles.Range(low, high, f"{low:.0%} – {high:.0%}", styles.Symbol("fill", color, "#555555", 0.2))
        for (low, high), color in zip(pairwise(BREAKS), styles.ramp(styles.YELLOW_ORANGE_RED, 5), strict=True)
    ],
    method="Fixed",
    labels=styles.label_field("area_name", 8),
)


class FacilityAging(GimpoAlgorithm):
    ALGORITHM_ID = "facilityaging"
    DISPLAY_NAME = "지하시설물 노후도와 교체 우선순위"
    GROUP_ID = "facilities"
    HELP = (
        "시설물 저장소의 모든 지하 관로를 설치일(ist_ymd)부터 기준 연도까지의 나이로 계산하고, 종류와 재질별 내용연수"
        "(resources/rules/service_life.csv, 편집 가능; to_be_confirmed 표시 값 있음)와 비교합니다. 구간마다: 나이, "
        "내용연수 사용률, 남은 연수, 우선순위 점수(사용률 × 종류별 중요도), 등급(1 내용연수 경과, 2 5년 안에 도래, "
        "3 절반 이상, 4 양호, 0 설치연도 미상)과 순위.\n\n"
        "지역별(면을 주지 않으면 김포의 14개 행정동): 관로 연장, 내용연수 경과 연장과 그 비율(share_over_life, 종류별도), "
        "5년 안에 도래할 연장, 나이 미상 연장, 연장 가중 평균 나이. 관로를 지역 경계에서 잘라 연장이 맞게 더해집니다. "
        "지역 레이어는 share_over_life로 스타일되어 정책지도 지표로 바로 쓸 수 있습니다."
    )
    MAP_LAYERS = (
        LayerOutput("segments", "관로별 교체 우선순위", "SEGMENTS_LAYER"),
        LayerOutput("areas", "지역별 노후도", "AREAS_LAYER"),
    )

    FACILITIES = "FACILITIES"
    AREAS = "AREAS"
    AREA_ID = "AREA_ID"
    AREA_NAME = "AREA_NAME"
    REFERENCE_YEAR = "REFERENCE_YEAR"
    SERVICE_LIFE_TABLE = "SERVICE_LIFE_TABLE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(parameters.facility_store(self, self.FACILITIES))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.AREAS,
                self.tr("지역 (면; 비우면 김포 14개 행정동)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AREA_ID, self.tr("지역 ID 필드"), parentLayerParameterName=self.AREAS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AREA_NAME, self.tr("지역 이름 필드"), parentLayerParameterName=self.AREAS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.REFERENCE_YEAR,
                self.tr("기준 연도"),
                QgsProcessingParameterNumber.Type.Integer,
                date.today().year,
                minValue=1900,
                maxValue=2200,
            )
        )
        self.addParameter(parameters.rule_table(self, self.SERVICE_LIFE_TABLE, "내용연수 표 (CSV; 비우면 내장 표)"))
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "시설물 노후도"))
        self.add_layer_outputs()

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        life = read_service_life(self.optional_file(parameters, self.SERVICE_LIFE_TABLE, context))
        store = self.facility_store(parameters, self.FACILITIES, context, feedback)
        progress.info(store.summary())
        year = self.parameterAsInt(parameters, self.REFERENCE_YEAR, context)
        segments = segment_aging(network_frame(store, read_margins(), points=False), life, year)
        progress.set(0.5)
        if self.is_given(parameters, self.AREAS):
            areas = self.read_layer(parameters, self.AREAS, context, feedback)
            id_field = self.optional_text(parameters, self.AREA_ID, context)
            name_field = self.optional_text(parameters, self.AREA_NAME, context)
            if not id_field:
                areas = areas.assign(area_no=range(1, len(areas) + 1))
                id_field = "area_no"
        else:
            areas, id_field, name_field = load_admin_dongs(), "admin_dong_code", "admin_dong_name"
        area_layer, by_type = area_indicators(segments, areas, id_field, name_field)
        unknown = int((segments["priority_class"] == 0).sum())
        if unknown:
            progress.warn(self.tr("설치일이 없는 구간 {}개: 등급 0, 지역별 unknown_m에 셉니다.").format(unknown))
        layers = self.write_layers(
            output,
            {"segments": segments, "areas": area_layer, "by_type_area": by_type},
            context,
            {
                "segments": SEGMENT_STYLE,
                "areas": AREA_STYLE if name_field else AREA_STYLE.replace("area_name", "area_id"),
            },
        )
        progress.info(
            self.tr("구간 {}개: 내용연수 경과 {}개, 5년 안에 도래 {}개, 미상 {}개").format(
                f"{len(segments):,}",
                f"{int((segments['priority_class'] == 1).sum()):,}",
                f"{int((segments['priority_class'] == 2).sum()):,}",
                f"{unknown:,}",
            )
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            "SEGMENTS_LAYER": layers["SEGMENTS_LAYER"],
            "AREAS_LAYER": layers["AREAS_LAYER"],
        }
