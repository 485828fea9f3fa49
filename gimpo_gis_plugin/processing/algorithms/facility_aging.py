"""gimpo:facilityaging: age of buried lines against service life, replacement priority, area indicator."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ...core import styles
from ...core.facilities.aging import PRIORITY_LABELS, area_indicators, segment_aging
from ...core.facilities.loader import load_store
from ...core.facilities.network import network_frame
from ...core.facilities.rules import read_margins, read_service_life
from ...core.progress import Progress
from ...core.sample_city.geography import load_admin_dongs
from .. import parameters
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import vector_output

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
    DISPLAY_NAME = "Facility aging and replacement priority (지하시설물 노후도)"
    GROUP_ID = "facilities"
    HELP = (
        "Ages every buried line of the facility store from its install date (ist_ymd) at the reference year and "
        "compares it with the service life for its type and material (resources/rules/service_life.csv, "
        "editable; values marked to_be_confirmed). Per segment: age, life used, years left, a priority score "
        "(life used × the type's criticality), a class (1 past service life, 2 within 5 years, 3 over half, "
        "4 good, 0 install year unknown) and a rank.\n\n"
        "Per area (the 14 행정동 unless you give polygons): network length, length past service life and its "
        "share (share_over_life, also per type), length due within 5 years, length with unknown age and the "
        "length-weighted mean age. Lines are split at area boundaries, so lengths add up. The area layer is "
        "styled on share_over_life and is ready to use as a policy-map indicator."
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
                self.tr("Areas (polygons; empty: the 14 행정동 of 김포)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AREA_ID, self.tr("Area id field"), parentLayerParameterName=self.AREAS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AREA_NAME, self.tr("Area name field"), parentLayerParameterName=self.AREAS, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.REFERENCE_YEAR,
                self.tr("Reference year"),
                QgsProcessingParameterNumber.Type.Integer,
                date.today().year,
                minValue=1900,
                maxValue=2200,
            )
        )
        self.addParameter(
            parameters.rule_table(self, self.SERVICE_LIFE_TABLE, "Service-life table (CSV; empty: the bundled one)")
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "Aging (GeoPackage or PostGIS)"))
        self.addOutput(QgsProcessingOutputVectorLayer("SEGMENTS_LAYER", self.tr("Segments by priority")))
        self.addOutput(QgsProcessingOutputVectorLayer("AREAS_LAYER", self.tr("Aging indicator by area")))

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        life = read_service_life(self.optional_file(parameters, self.SERVICE_LIFE_TABLE, context))
        store = load_store(self.parameterAsFile(parameters, self.FACILITIES, context))
        progress.info(store.summary())
        year = self.parameterAsInt(parameters, self.REFERENCE_YEAR, context)
        segments = segment_aging(network_frame(store, read_margins(), points=False), life, year)
        progress.set(0.5)
        if parameters.get(self.AREAS):
            areas = read_source(self, parameters, self.AREAS, context, feedback)
            id_field = self.parameterAsString(parameters, self.AREA_ID, context) or None
            name_field = self.parameterAsString(parameters, self.AREA_NAME, context) or None
            if not id_field:
                areas = areas.assign(area_no=range(1, len(areas) + 1))
                id_field = "area_no"
        else:
            areas, id_field, name_field = load_admin_dongs(), "admin_dong_code", "admin_dong_name"
        area_layer, by_type = area_indicators(segments, areas, id_field, name_field)
        unknown = int((segments["priority_class"] == 0).sum())
        if unknown:
            progress.warn(f"{unknown} segments have no install date: class 0, counted as unknown_m per area.")
        layers = output.write(
            {"segments": segments, "areas": area_layer, "by_type_area": by_type},
            {
                "segments": SEGMENT_STYLE,
                "areas": AREA_STYLE if name_field else AREA_STYLE.replace("area_name", "area_id"),
            },
        )
        progress.info(
            f"{len(segments):,} segments: {int((segments['priority_class'] == 1).sum()):,} past service life, "
            f"{int((segments['priority_class'] == 2).sum()):,} due within 5 years, {unknown:,} unknown"
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            "SEGMENTS_LAYER": layers["SEGMENTS"],
            "AREAS_LAYER": layers["AREAS"],
        }
