"""gimpo:valveisolation: the valves to close for a water-main break, who loses water, the residents' notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
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
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import vector_output

LAYERS = (
    "valves_to_close",
    "isolated_pipes",
    "cut_off_pipes",
    "buildings_without_water",
    "hydrants_out_of_service",
    "valves_failed",
    "valves_already_closed",
    "breaks",
)


class ValveIsolation(GimpoAlgorithm):
    ALGORITHM_ID = "valveisolation"
    DISPLAY_NAME = "Water-main break: valves to close (상수관로 파손 단수 계획)"
    GROUP_ID = "facilities"
    HELP = (
        "For one or more break points (or a dig polygon) on the water mains of the facility store: the valves to "
        "close, in order, with their depth and id; the pipes isolated; the pipes cut off from every feeding point "
        "(downstream, they lose water too); the buildings and 세대 without water; the hydrants out of service; and a "
        "notice for residents (단수 안내) with the crew's shut-off sheet.\n\n"
        "The water mains (wtl_pipe_lm) are split at every valve and junction into a graph (ends closer than the "
        "snap tolerance are one junction; pipes that only cross on the map are not connected). The isolated area "
        "is bounded by the valves that can be closed: a valve recorded as inoperable (valve_ps.opr_yn N/불가/고장/"
        "매몰) or named in FAILED_VALVES (stuck on site) cannot, so the area grows to the next ring and the sheet "
        "names that valve. Valves already closed (off_cde 닫힘/폐/closed) bound the area untouched; a valve "
        "without a state is taken as open. A boundary valve beyond which no feeding point remains need not be "
        "closed: that side is cut off and listed.\n\n"
        "Feeding points are wtl_serv_ps (배수지, 가압장, 인입점); without any, each network's largest main is "
        "taken as its inlet, and the summary says so. Buildings come from service connections (wtl_meta_ps: "
        "bld_id, 가구수 hom_cnt, 관로 pip_idn); a building of BUILDINGS without one is taken as fed by the nearest "
        "main within SERVICE_BUFFER, marked as estimated. Hydrants are wtl_fire_ps.\n\n"
        "Output: a GeoPackage with valves_to_close, valves_not_needed, valves_failed, valves_already_closed, "
        "isolated_pipes, "
        "cut_off_pipes, buildings_without_water, hydrants_out_of_service, breaks, summary, data_issues and "
        "rejects; and the notice (HTML)."
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
                self.tr("Break points or dig polygons (파손 지점)"),
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.BREAK_ID_FIELD, self.tr("Break id field"), parentLayerParameterName=self.BREAKS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.FAILED_VALVES,
                self.tr("Valves that failed on site (ids, comma-separated)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS, self.tr("Buildings"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.BUILDING_ID_FIELD,
                self.tr("Building id field (matches wtl_meta_ps.bld_id)"),
                "bld_id",
                self.BUILDINGS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.HOUSEHOLD_FIELD,
                self.tr("Households (세대수) field"),
                parentLayerParameterName=self.BUILDINGS,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            )
        )
        for name, label, default in (
            (self.BREAK_TOLERANCE, "Largest distance from a break to its main (m)", 5.0),
            (self.SNAP_TOLERANCE, "Pipe ends closer than this are one junction (m)", 0.5),
            (self.VALVE_TOLERANCE, "Largest distance from a valve to its main (m)", 2.0),
            (self.SERVICE_BUFFER, "Service buffer for buildings without a service connection (m)", 30.0),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name, self.tr(label), QgsProcessingParameterNumber.Type.Double, default, minValue=0.0
                )
            )
        self.addParameter(
            QgsProcessingParameterString(self.REASON, self.tr("Reason (notice)"), NoticeText.reason, optional=True)
        )
        for name, label in (
            (self.START, "Start of the interruption (notice; empty: 즉시)"),
            (self.DURATION, "Until (notice; empty: 복구 완료 시까지)"),
            (self.CONTACT, "Contact (notice; empty: the mains' agency)"),
        ):
            self.addParameter(QgsProcessingParameterString(name, self.tr(label), optional=True))
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "Shut-off plan"))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.NOTICE, self.tr("Notice for residents (HTML)"), self.tr("HTML (*.html)"), optional=True
            )
        )
        for layer in LAYERS:
            self.addOutput(QgsProcessingOutputVectorLayer(layer.upper(), self.tr(layer.replace("_", " "))))
        self.addOutput(QgsProcessingOutputNumber("VALVES_TO_CLOSE", self.tr("Number of valves to close")))
        self.addOutput(QgsProcessingOutputNumber("BUILDINGS_WITHOUT_WATER", self.tr("Buildings without water")))

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        text = lambda name: (self.parameterAsString(parameters, name, context) or "").strip()  # noqa: E731
        number = lambda name: self.parameterAsDouble(parameters, name, context)  # noqa: E731
        breaks_frame = read_source(self, parameters, self.BREAKS, context, feedback)
        buildings = None
        if self.parameterAsSource(parameters, self.BUILDINGS, context) is not None:
            buildings = read_source(self, parameters, self.BUILDINGS, context, feedback)
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
        layers = output.write(response.layers, response.styles)
        notice = self.parameterAsFileOutput(parameters, self.NOTICE, context)
        notice_path = Path(notice) if notice else output.beside(".html", "valve_isolation_notice")
        notice_path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(notice_path) as tmp:
            tmp.write_text(response.notice, encoding="utf-8")
        plan = response.plan
        dry = response.layers["buildings_without_water"]
        progress.info(
            f"닫을 밸브 {len(plan.to_close)}개, 조작불가로 확장 {len(plan.failed)}개, 단수 건물 {len(dry)}동 "
            f"({dry['households'].sum():,.0f}세대); 안내문 {notice_path}"
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            self.NOTICE: str(notice_path),
            **{layer.upper(): layers[layer.upper()] for layer in LAYERS},
            "VALVES_TO_CLOSE": len(plan.to_close),
            "BUILDINGS_WITHOUT_WATER": len(dry),
        }
