"""gimpo:excavationimpact: buried facilities a planned dig reaches in 3-D, ranked, with agency notices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from ...core import styles
from ...core.facilities.excavation import (
    FacilityIndex,
    MarginOverride,
    affected_stretches,
    dig_polygons,
    excavation_impact,
)
from ...core.facilities.loader import load_store
from ...core.facilities.network import network_frame
from ...core.facilities.notices import write_notices
from ...core.facilities.rules import read_accuracy, read_margins
from ...core.progress import Progress
from ...core.water.dig_join import shutoff_for_digs
from ...core.water.styling import STYLES as WATER_STYLES
from .. import parameters
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import vector_output

RISK_STYLE = styles.categorized(
    "risk_level",
    [
        styles.Category(3, "높음: 닿음/깊이 미상", styles.Symbol("marker", "#d7191c", size=3.2)),
        styles.Category(2, "중간: 안전거리 침범", styles.Symbol("marker", "#fdae61", size=2.6)),
    ],
    styles.label_field("record_id", 7),
)
STRETCH_STYLE = styles.categorized(
    "risk_level",
    [
        styles.Category(3, "높음: 닿음/깊이 미상", styles.Symbol("line", "#d7191c", width=1.4)),
        styles.Category(2, "중간: 안전거리 침범", styles.Symbol("line", "#fdae61", width=1.2)),
    ],
)
DIG_STYLE = styles.single_symbol(styles.Symbol("fill", "#000000", "#d7191c", 0.8, outline_only=True))


class ExcavationImpact(GimpoAlgorithm):
    ALGORITHM_ID = "excavationimpact"
    DISPLAY_NAME = "Excavation impact on buried facilities (굴착 영향 시설물)"
    GROUP_ID = "facilities"
    HELP = (
        "Finds every buried facility (상수/하수/가스/전력/통신/지역난방 lines, manholes, valves) whose 3-D safety "
        "envelope a planned dig reaches. The dig is a polygon, or a line with a trench width, dug down to DEPTH "
        "(or a depth field). A facility is reached when it lies within its horizontal margin (plus half its "
        "diameter) of the dig and its top, somewhere in that reach, is less than its vertical margin below the "
        "dig's bottom. Depth is interpolated along each pipe from its start and end depths (하수 beg_dep/end_dep); "
        "a water main known only by 최저/최고깊이 counts at its shallowest. A facility without a usable depth is "
        "reported as a risk, never as safe.\n\n"
        "Margins per facility type come from resources/rules/excavation_margins.csv (editable; some values are "
        "marked to be confirmed) unless you give your own. Each facility's margins also grow by the position and "
        "depth tolerance of its survey grade (acc_grade A 실측 … D 출처미상; a missing grade counts as D) from "
        "resources/rules/survey_accuracy.csv, so a pipe drawn from as-built plans is not cleared by a hair; "
        "set SURVEY_TOLERANCE=false to take positions as exact. FACILITIES is a GeoPackage in the facility-store "
        "schema (the sample city has one); records the store had to reject are listed in the output.\n\n"
        "Output: a GeoPackage with 'affected' (one point per facility and dig, at its most exposed spot: type, "
        "agency, horizontal distance, depth at the closest point, vertical clearance, risk rank), 'affected_lines' "
        "(the stretch of each line within reach), 'digs', and "
        "the store's 'data_issues' and 'rejects'; and a folder with one HTML notice per agency. When a dig reaches "
        "a water main, the water agency's notice also carries the shut-off plan (the valves to close first, as "
        "gimpo:valveisolation gives them) and 'shutoff_valves' shows them on the map."
    )

    FACILITIES = "FACILITIES"
    DIG = "DIG"
    DEPTH = "DEPTH"
    DEPTH_FIELD = "DEPTH_FIELD"
    ID_FIELD = "ID_FIELD"
    WIDTH = "WIDTH"
    H_MARGIN = "H_MARGIN"
    V_MARGIN = "V_MARGIN"
    MARGINS_TABLE = "MARGINS_TABLE"
    SURVEY_TOLERANCE = "SURVEY_TOLERANCE"
    ACCURACY_TABLE = "ACCURACY_TABLE"
    OUTPUT = "OUTPUT"
    NOTICES = "NOTICES"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(parameters.facility_store(self, self.FACILITIES))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.DIG,
                self.tr("Planned dig (polygons, or lines with a trench width)"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorLine],
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DEPTH, self.tr("Dig depth (m)"), QgsProcessingParameterNumber.Type.Double, 2.0, minValue=0.01
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DEPTH_FIELD,
                self.tr("Depth field (per dig; overrides the depth)"),
                parentLayerParameterName=self.DIG,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, self.tr("Dig id field"), parentLayerParameterName=self.DIG, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.WIDTH,
                self.tr("Trench width for line digs (m)"),
                QgsProcessingParameterNumber.Type.Double,
                1.0,
                minValue=0.01,
            )
        )
        for name, label in (
            (self.H_MARGIN, "Horizontal safety margin for all types (m; empty: per type from the table)"),
            (self.V_MARGIN, "Vertical safety margin for all types (m; empty: per type from the table)"),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name, self.tr(label), QgsProcessingParameterNumber.Type.Double, None, optional=True, minValue=0.0
                )
            )
        self.addParameter(
            parameters.rule_table(self, self.MARGINS_TABLE, "Margins table (CSV; empty: the bundled one)")
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.SURVEY_TOLERANCE, self.tr("Widen the margins by each record's survey accuracy grade"), True
            )
        )
        self.addParameter(
            parameters.rule_table(
                self, self.ACCURACY_TABLE, "Survey accuracy table (CSV per acc_grade; empty: the bundled one)"
            )
        )
        self.addParameter(
            parameters.vector_destination(self, self.OUTPUT, "Affected facilities (GeoPackage or PostGIS)")
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.NOTICES, self.tr("Notices per agency (HTML)")))
        self.addOutput(QgsProcessingOutputVectorLayer("AFFECTED_LAYER", self.tr("Affected facilities")))
        self.addOutput(QgsProcessingOutputNumber("AFFECTED_COUNT", self.tr("Number of affected facilities")))

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        notices = Path(self.parameterAsString(parameters, self.NOTICES, context))
        margins = read_margins(self.optional_file(parameters, self.MARGINS_TABLE, context))
        store = load_store(self.parameterAsFile(parameters, self.FACILITIES, context))
        progress.info(store.summary())
        if len(store.rejects):
            progress.warn(
                f"{len(store.rejects)} facility records could not be used (see the 'rejects' layer); "
                "facilities in them are NOT checked against the dig."
            )
        progress.set(0.3)
        accuracy = None
        if self.parameterAsBool(parameters, self.SURVEY_TOLERANCE, context):
            accuracy = read_accuracy(self.optional_file(parameters, self.ACCURACY_TABLE, context))
        index = FacilityIndex(network_frame(store, margins), margins, accuracy)
        progress.set(0.5)
        digs = read_source(self, parameters, self.DIG, context, feedback)
        depth_field = self.parameterAsString(parameters, self.DEPTH_FIELD, context) or None
        id_field = self.parameterAsString(parameters, self.ID_FIELD, context) or None
        width = self.parameterAsDouble(parameters, self.WIDTH, context)
        override = MarginOverride(
            self.optional_number(parameters, self.H_MARGIN, context),
            self.optional_number(parameters, self.V_MARGIN, context),
        )
        depth = self.parameterAsDouble(parameters, self.DEPTH, context)
        hits = excavation_impact(index, digs, depth, width, depth_field, id_field, override)
        stretches = affected_stretches(hits)
        # a dig that reaches a water main: the water agency's notice carries the shut-off plan
        shutoff = shutoff_for_digs(self.parameterAsFile(parameters, self.FACILITIES, context), stretches)
        progress.set(0.8)
        dig_layer = self._dig_layer(digs, width, depth, depth_field, id_field)
        layers = {
            "affected": hits,
            "affected_lines": stretches,
            "digs": dig_layer,
            "data_issues": pd.DataFrame(store.issues),
            "rejects": pd.DataFrame(store.rejects),
        }
        layer_styles = {"affected": RISK_STYLE, "affected_lines": STRETCH_STYLE, "digs": DIG_STYLE}
        if shutoff.valves is not None:
            layers["shutoff_valves"] = shutoff.valves
            layer_styles["shutoff_valves"] = WATER_STYLES["valves_to_close"]
        output.write(layers, layer_styles)
        info = pd.DataFrame(
            {
                "dig_id": dig_layer["dig_id"],
                "x": dig_layer.geometry.centroid.x,
                "y": dig_layer.geometry.centroid.y,
                "depth_m": dig_layer["depth_m"],
                "area_m2": dig_layer.geometry.area,
            }
        )
        pages = write_notices(hits, notices, info, extra_sections=shutoff.sections)
        progress.info(
            f"{len(hits)} facilities affected ({int((hits['risk_level'] == 3).sum())} high risk), "
            f"{hits['agency'].nunique()} agencies to notify; notices in {notices}"
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            self.NOTICES: str(notices),
            "AFFECTED_LAYER": output.layer("affected"),
            "AFFECTED_COUNT": len(hits),
            "NOTICE_FILES": [str(p) for p in pages],
        }

    @staticmethod
    def _dig_layer(
        digs: gpd.GeoDataFrame, width: float, depth: float, depth_field: str | None, id_field: str | None
    ) -> gpd.GeoDataFrame:
        polygons = dig_polygons(digs.geometry, width)
        ids = digs[id_field].astype(str).to_numpy() if id_field else [str(i) for i in range(1, len(digs) + 1)]
        depths = pd.to_numeric(digs[depth_field], errors="coerce").to_numpy() if depth_field else depth
        return gpd.GeoDataFrame(
            {"dig_id": ids, "depth_m": depths}, geometry=list(shapely.make_valid(polygons)), crs=digs.crs
        )
