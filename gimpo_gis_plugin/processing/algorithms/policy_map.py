"""gimpo:policymap: 정책지도, composite priority of areas from several indicators, with Gi* hot spots."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
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
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import vector_output

NEIGHBOURHOODS = ("knn", "distance")


class PolicyMap(GimpoAlgorithm):
    ALGORITHM_ID = "policymap"
    DISPLAY_NAME = "Policy map (정책지도)"
    GROUP_ID = "maps"
    HELP = (
        "정책지도: ranks the areas of one layer by several indicator fields (e.g. complaints per 1,000 residents, "
        "arrears, share of old or untaxed buildings).\n\nINDICATORS: field:direction:weight separated by ';', e.g. "
        "'complaints_per_1000:+:2;arrears_amount:+:1;population:-:0.5'. Direction + means a high value needs more "
        "attention, − less. Each is normalised (z-score or min–max), the weighted mean is the score, and the score "
        "is cut into PRIORITY_CLASSES quantile classes (1순위 = highest).\n\nHot spots: Getis-Ord Gi* of the score "
        "with K nearest neighbours or a DISTANCE band (m), two-sided p-values and the Benjamini-Hochberg false "
        "discovery rate at ALPHA: significant hot and cold spots are marked. p-values are normal unless "
        "PERMUTATIONS > 0 (e.g. 999): then pseudo p-values by conditional permutation, which do not assume "
        "normality (better for skewed counts); the draws are seeded, so a run repeats exactly.\n\n"
        "OUTPUT: GeoPackage with "
        "'policy_map' (styled by priority), 'hotspots' (styled hot/cold), 'policy_indicators' (the indicator table "
        "with weights and statistics) and 'policy_method'; the method is also the layer's description. "
        "OUTPUT_HTML: a summary page."
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
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Areas with indicator fields")))
        self.addParameter(QgsProcessingParameterString(self.INDICATORS, self.tr("Indicators (field:+/-:weight; ...)")))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.NORMALISATION, self.tr("Normalisation"), list(NORMALISATIONS), defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PRIORITY_CLASSES,
                self.tr("Priority classes"),
                QgsProcessingParameterNumber.Type.Integer,
                5,
                False,
                1,
                12,
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.HOTSPOTS, self.tr("Hot-spot analysis (Gi*)"), True))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.NEIGHBOURHOOD,
                self.tr("Neighbours"),
                [self.tr("k nearest"), self.tr("distance band")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.K, self.tr("k nearest neighbours"), QgsProcessingParameterNumber.Type.Integer, 8, False, 1
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DISTANCE,
                self.tr("Distance band (m)"),
                QgsProcessingParameterNumber.Type.Double,
                2000.0,
                False,
                0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.ALPHA,
                self.tr("False discovery rate"),
                QgsProcessingParameterNumber.Type.Double,
                0.05,
                False,
                0.0,
                1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PERMUTATIONS,
                self.tr("Permutations for pseudo p-values (0: normal approximation)"),
                QgsProcessingParameterNumber.Type.Integer,
                0,
                False,
                0,
                99_999,
            )
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "Policy map (GeoPackage or PostGIS)"))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_HTML, self.tr("Summary (HTML)"), "HTML (*.html)", optional=True, createByDefault=False
            )
        )

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        areas = read_source(self, parameters, self.INPUT, context, feedback)
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
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        html = (
            self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context)
            if parameters.get(self.OUTPUT_HTML)
            else ""
        )
        result = build_policy_map(areas, options, progress.sub(0.0, 0.8))
        for note in result.notes:
            feedback.pushWarning(note)
        write_policy_map(result, output.destination, html or None)
        hot = int((result.areas["hotspot"] == 1).sum())
        cold = int((result.areas["hotspot"] == -1).sum())
        feedback.pushInfo(self.tr("{} areas scored; {} hot spots, {} cold spots").format(len(result.areas), hot, cold))
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            self.OUTPUT_HTML: html,
            "OUTPUT_LAYER": output.layer(LAYER_NAME),
            "HOT_SPOTS": hot,
            "COLD_SPOTS": cold,
        }
