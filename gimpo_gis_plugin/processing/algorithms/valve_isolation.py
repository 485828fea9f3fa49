"""gimpo:valveisolation: the valves to close for a water-main break, who loses water, the residents' notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core.geopackage import atomic_path
from ...core.progress import Progress
from ...core.water.graph import NetworkOptions
from ...core.water.notice import NoticeText
from ...core.water.response import ResponseOptions, breaks_from_frame, respond
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


class ValveIsolation(GimpoAlgorithm):
    ALGORITHM_ID = "valveisolation"
    DISPLAY_NAME = "상수관로 파손 단수 계획"
    GROUP_ID = "facilities"
    HELP = (
        "시설물 저장소의 상수관로 위 파손 지점(하나 이상, 또는 굴착 면)마다: 닫을 밸브를 순서대로(깊이와 ID 포함), "
        "격리되는 관로, 모든 급수원에서 끊기는 관로(하류도 물이 끊깁니다), 물이 끊기는 건물과 세대, 쓸 수 없게 되는 "
        "소화전, 그리고 작업반의 밸브 조작표가 붙은 주민 단수 안내문을 냅니다.\n\n"
        "상수관로(wtl_pipe_lm)는 모든 밸브와 접합점에서 나뉘어 그래프가 됩니다(스냅 허용거리보다 가까운 끝점은 한 "
        "접합점; 지도에서 교차만 하는 관로는 이어지지 않음). 격리 구역은 닫을 수 있는 밸브로 둘러싸입니다: 조작 불가로 "
        "기록된 밸브(valve_ps.opr_yn N/불가/고장/매몰)나 FAILED_VALVES에 적은 밸브(현장에서 안 돌아감)는 닫을 수 없어 "
        "구역이 다음 고리까지 커지고 조작표가 그 밸브를 적습니다. 이미 닫힌 밸브(off_cde 닫힘/폐/closed)는 그대로 "
        "경계가 되고, 상태가 없는 밸브는 열린 것으로 봅니다. 너머에 급수원이 남지 않는 경계 밸브는 닫을 필요가 없고, "
        "그쪽은 끊기는 관로로 나열됩니다.\n\n"
        "급수원은 wtl_serv_ps(배수지, 가압장, 인입점)입니다; 없으면 관망마다 가장 큰 관로를 인입점으로 보고 요약에 "
        "그렇게 적습니다. 건물은 급수전(wtl_meta_ps: bld_id, 가구수 hom_cnt, 관로 pip_idn)에서 옵니다; 급수전이 없는 "
        "BUILDINGS의 건물은 SERVICE_BUFFER 안의 가장 가까운 관로에서 급수받는 것으로 보고 추정으로 표시합니다. 소화전은 "
        "wtl_fire_ps입니다.\n\n"
        "출력: GeoPackage에 valves_to_close, valves_not_needed, valves_failed, valves_already_closed, "
        "isolated_pipes, cut_off_pipes, buildings_without_water, hydrants_out_of_service, breaks, summary, "
        "data_issues, rejects; 그리고 안내문(HTML)."
    )
    MAP_LAYERS = (
        LayerOutput("valves_to_close", "단수: 닫을 밸브"),
        LayerOutput("isolated_pipes", "단수: 격리 관로"),
        LayerOutput("cut_off_pipes", "단수: 급수 끊기는 관로"),
        LayerOutput("buildings_without_water", "단수 건물"),
        LayerOutput("hydrants_out_of_service", "단수: 쓸 수 없는 소화전"),
        LayerOutput("valves_failed", "단수: 조작 불가 밸브"),
        LayerOutput("valves_already_closed", "단수: 이미 닫힌 밸브"),
        LayerOutput("breaks", "상수관로 파손 지점"),
    )

    FACILITIES = "FACILITIES"
    BREAKS = "BREAKS"
    BREAK_ID_FIELD = "BREAK_ID_FIELD"
    FAILED_VALVES = "FAILED_VALVES"
    BUILDINGS = "BUILDINGS"
    BUILDING_ID_FIELD = "BUILDING_ID_FIELD"
    HOUSEHOLD_FIELD = "HOUSEHOLD_FIELD"
    BREAK_TOLERANCE = "BREAK_TOLERANCE"
    SNAP_TOLERANCE = "SNAP_TOLERANCE"
    VALVE_TOLERANCE = "VALVE_TOLERANCE"
    SERVICE_BUFFER = "SERVICE_BUFFER"
    REASON = "REASON"
    START = "START"
    DURATION = "DURATION"
    CONTACT = "CONTACT"
    OUTPUT = "OUTPUT"
    NOTICE = "NOTICE"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(parameters.facility_store(self, self.FACILITIES))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BREAKS,
                self.tr("파손 지점 (점, 또는 굴착 면)"),
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.BREAK_ID_FIELD, self.tr("파손 지점 ID 필드"), parentLayerParameterName=self.BREAKS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.FAILED_VALVES,
                self.tr("현장에서 조작되지 않은 밸브 (ID, 쉼표로 구분)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS, self.tr("건물"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.BUILDING_ID_FIELD,
                self.tr("건물 ID 필드 (wtl_meta_ps.bld_id와 같은 값)"),
                "bld_id",
                self.BUILDINGS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.HOUSEHOLD_FIELD,
                self.tr("세대수 필드"),
                parentLayerParameterName=self.BUILDINGS,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            )
        )
        for name, label, default in (
            (self.BREAK_TOLERANCE, "파손 지점에서 관로까지 최대 거리 (m)", 5.0),
            (self.SNAP_TOLERANCE, "이보다 가까운 관로 끝점은 한 접합점 (m)", 0.5),
            (self.VALVE_TOLERANCE, "밸브에서 관로까지 최대 거리 (m)", 2.0),
            (self.SERVICE_BUFFER, "급수전이 없는 건물의 급수 추정 거리 (m)", 30.0),
        ):
            self.addParameter(
                # A distance of 0 finds nothing (a break is never exactly on a line): at least 1 cm.
                QgsProcessingParameterNumber(
                    name, self.tr(label), QgsProcessingParameterNumber.Type.Double, default, minValue=0.01
                )
            )
        self.addParameter(
            QgsProcessingParameterString(self.REASON, self.tr("단수 사유 (안내문)"), NoticeText.reason, optional=True)
        )
        for name, label in (
            (self.START, "단수 시작 (안내문; 비우면 즉시)"),
            (self.DURATION, "단수 종료 (안내문; 비우면 복구 완료 시까지)"),
            (self.CONTACT, "문의처 (안내문; 비우면 관로 관리기관)"),
        ):
            self.addParameter(QgsProcessingParameterString(name, self.tr(label), optional=True))
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "단수 계획"))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.NOTICE, self.tr("주민 단수 안내문 (HTML)"), self.tr("HTML (*.html)"), optional=True
            )
        )
        self.add_layer_outputs()
        self.addOutput(QgsProcessingOutputNumber("VALVES_TO_CLOSE_COUNT", self.tr("닫을 밸브 수")))
        self.addOutput(QgsProcessingOutputNumber("BUILDINGS_WITHOUT_WATER_COUNT", self.tr("단수 건물 수")))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        text = lambda name: (self.parameterAsString(parameters, name, context) or "").strip()  # noqa: E731
        number = lambda name: self.parameterAsDouble(parameters, name, context)  # noqa: E731
        breaks_frame = self.read_layer(parameters, self.BREAKS, context, feedback)
        buildings = self.optional_layer(parameters, self.BUILDINGS, context, feedback)
        options = ResponseOptions(
            network=NetworkOptions(snap_m=number(self.SNAP_TOLERANCE), valve_snap_m=number(self.VALVE_TOLERANCE)),
            break_snap_m=number(self.BREAK_TOLERANCE),
            failed_valves=tuple(v.strip() for v in text(self.FAILED_VALVES).replace(";", ",").split(",") if v.strip()),
            building_id_field=text(self.BUILDING_ID_FIELD) or "bld_id",
            household_field=text(self.HOUSEHOLD_FIELD) or None,
            service_buffer_m=number(self.SERVICE_BUFFER),
            notice=NoticeText(
                reason=text(self.REASON) or NoticeText.reason,
                start=text(self.START),
                duration=text(self.DURATION),
                contact=text(self.CONTACT),
            ),
        )
        store = self.parameterAsFile(parameters, self.FACILITIES, context)
        breaks = breaks_from_frame(breaks_frame, text(self.BREAK_ID_FIELD) or None, breaks_frame.crs)
        response = respond(store, breaks, buildings, options, progress.sub(0.0, 0.8))
        layers = self.write_layers(output, response.layers, context, response.styles)
        notice = self.parameterAsFileOutput(parameters, self.NOTICE, context)
        notice_path = Path(notice) if notice else output.beside(".html", "valve_isolation_notice")
        notice_path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(notice_path) as tmp:
            tmp.write_text(response.notice, encoding="utf-8")
        plan = response.plan
        dry = response.layers["buildings_without_water"]
        progress.info(
            self.tr("닫을 밸브 {}개, 조작불가로 확장 {}개, 단수 건물 {}동 ({:,.0f}세대); 안내문 {}").format(
                len(plan.to_close), len(plan.failed), len(dry), dry["households"].sum(), notice_path
            )
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            self.NOTICE: str(notice_path),
            **{spec.output_id: layers[spec.output_id] for spec in self.MAP_LAYERS},
            # The counts under their own ids: VALVES_TO_CLOSE / BUILDINGS_WITHOUT_WATER are the layers.
            "VALVES_TO_CLOSE_COUNT": len(plan.to_close),
            "BUILDINGS_WITHOUT_WATER_COUNT": len(dry),
        }
