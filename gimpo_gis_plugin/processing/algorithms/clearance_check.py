"""gimpo:clearancecheck: crossings and parallel runs of buried lines closer than the clearance table allows."""

from __future__ import annotations

from typing import Any

import pandas as pd
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterNumber,
)

from ...core import styles
from ...core.facilities.clearance import check_clearance, issues_layer
from ...core.facilities.loader import load_store
from ...core.facilities.network import network_frame
from ...core.facilities.rules import read_clearances, read_margins
from ...core.progress import Progress
from .. import parameters
from ..base import GimpoAlgorithm
from ..outputs import vector_output


def _status_style(kind: str) -> str:
    return styles.categorized(
        "status",
        [
            styles.Category("conflict", "이격 부족 (too close)", styles.Symbol(kind, "#d7191c", width=1.2, size=3.0)),
            styles.Category(
                "unknown", "깊이 미상 (depth unknown)", styles.Symbol(kind, "#7b3294", width=1.2, size=3.0)
            ),
        ],
    )


ISSUE_STYLE = styles.single_symbol(styles.Symbol("marker", "#ff7f00", "#222222", size=2.2))


class ClearanceCheck(GimpoAlgorithm):
    ALGORITHM_ID = "clearancecheck"
    DISPLAY_NAME = "Clearance check between buried facilities (지하시설물 이격거리 검토)"
    GROUP_ID = "facilities"
    HELP = (
        "Checks the separation between buried lines of different types (상수, 하수, 가스, 전력, 통신, 지역난방) "
        "against a clearance table (resources/rules/clearance.csv: horizontal and vertical metres edge to edge, "
        "with the standard each value comes from; values not yet checked against the standard are marked "
        "to_be_confirmed — give your own table to change them).\n\n"
        "Crossings: where two lines cross in plan, the vertical gap between the pipe bodies (depths interpolated "
        "along each line, diameters included, worst case of a depth range) must reach the vertical clearance. "
        "Parallel runs: where one line stays within the horizontal clearance of another for at least the minimum "
        "run length, they must be vertically apart by the vertical clearance. Pairs where a depth is unknown are "
        "reported with status 'unknown', never passed.\n\n"
        "Output: conflict_points (crossings), conflict_lines (parallel runs) with both facilities, measured and "
        "required separations; data_issues (negative, inverted, implausible or missing depths, missing agency ... "
        "on their facility) and rejects (records that could not be used)."
    )

    FACILITIES = "FACILITIES"
    CLEARANCE_TABLE = "CLEARANCE_TABLE"
    MIN_PARALLEL = "MIN_PARALLEL"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(parameters.facility_store(self, self.FACILITIES))
        self.addParameter(
            parameters.rule_table(self, self.CLEARANCE_TABLE, "Clearance table (CSV; empty: the bundled one)")
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_PARALLEL,
                self.tr("Minimum parallel run length (m)"),
                QgsProcessingParameterNumber.Type.Double,
                5.0,
                minValue=0.1,
            )
        )
        self.addParameter(
            parameters.vector_destination(self, self.OUTPUT, "Clearance conflicts (GeoPackage or PostGIS)")
        )
        self.addOutput(QgsProcessingOutputVectorLayer("CONFLICT_POINTS", self.tr("Crossing conflicts")))
        self.addOutput(QgsProcessingOutputVectorLayer("CONFLICT_LINES", self.tr("Parallel-run conflicts")))
        self.addOutput(QgsProcessingOutputNumber("CONFLICTS", self.tr("Number of conflicts")))
        self.addOutput(QgsProcessingOutputNumber("DATA_ISSUES", self.tr("Number of data issues")))

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        rules = read_clearances(self.optional_file(parameters, self.CLEARANCE_TABLE, context))
        store = load_store(self.parameterAsFile(parameters, self.FACILITIES, context))
        progress.info(store.summary())
        progress.set(0.2)
        network = network_frame(store, read_margins(), points=False)
        result = check_clearance(
            network, rules, self.parameterAsDouble(parameters, self.MIN_PARALLEL, context), progress.sub(0.2, 0.8)
        )
        issues = issues_layer(store.issues, network_frame(store, read_margins()))
        layers = output.write(
            {
                "conflict_points": result.crossings,
                "conflict_lines": result.parallels,
                "data_issues": issues,
                "rejects": pd.DataFrame(store.rejects),
            },
            {
                "conflict_points": _status_style("marker"),
                "conflict_lines": _status_style("line"),
                "data_issues": ISSUE_STYLE,
            },
        )
        conflicts = len(result.crossings) + len(result.parallels)
        unknown = int((result.crossings["status"] == "unknown").sum() + (result.parallels["status"] == "unknown").sum())
        progress.info(
            f"{len(network):,} lines, {result.pairs_checked:,} close pairs checked: {len(result.crossings)} crossing "
            f"and {len(result.parallels)} parallel conflicts ({unknown} with unknown depth); "
            f"{len(store.issues)} data issues, {len(store.rejects)} rejected records"
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            "CONFLICT_POINTS": layers["CONFLICT_POINTS"],
            "CONFLICT_LINES": layers["CONFLICT_LINES"],
            "CONFLICTS": conflicts,
            "DATA_ISSUES": len(store.issues),
        }
