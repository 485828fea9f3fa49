"""gimpo:clearancecheck: crossings and parallel runs of buried lines closer than the clearance table allows."""

from __future__ import annotations

from typing import Any

import pandas as pd
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterNumber,
)

from ...core import styles
from ...core.facilities.clearance import check_clearance, issues_layer
from ...core.facilities.network import network_frame
from ...core.facilities.rules import read_clearances, read_margins
from ...core.progress import Progress
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


def _status_style(kind: str) -> str:
    return styles.categorized(
        "status",
        [
            styles.Category("conflict", "이격 부족", styles.Symbol(kind, "#d7191c", width=1.2, size=3.0)),
            styles.Category("unknown", "깊이 미상", styles.Symbol(kind, "#7b3294", width=1.2, size=3.0)),
        ],
    )


ISSUE_STYLE = styles.single_symbol(styles.Symbol("marker", "#ff7f00", "#222222", size=2.2))


class ClearanceCheck(GimpoAlgorithm):
    ALGORITHM_ID = "clearancecheck"
    DISPLAY_NAME = "지하시설물 이격거리 검토"
    GROUP_ID = "facilities"
    HELP = (
        "서로 다른 종류의 지하 관로(상수, 하수, 가스, 전력, 통신, 지역난방) 사이의 이격을 이격거리 표"
        "(resources/rules/clearance.csv: 관 외면 사이의 수평·수직 미터와 각 값의 출처 기준; 기준과 대조하지 않은 값은 "
        "to_be_confirmed로 표시 — 바꾸려면 자체 표를 주세요)와 비교합니다.\n\n"
        "교차: 두 관로가 평면에서 교차하는 곳에서 관 몸체 사이의 수직 간격(각 관로의 깊이를 따라 보간, 관경 포함, 깊이 "
        "범위는 최악의 경우)이 수직 이격에 이르러야 합니다. 병행: 한 관로가 다른 관로의 수평 이격 안에 최소 병행 길이 "
        "이상 머무르면 수직으로 수직 이격만큼 떨어져야 합니다. 깊이를 모르는 쌍은 통과시키지 않고 'unknown'으로 "
        "보고합니다.\n\n"
        "출력: conflict_points(교차), conflict_lines(병행)와 두 시설물, 측정·요구 이격; data_issues(음수, 역전, 비현실적 "
        "또는 없는 깊이, 관리기관 없음 ...)와 rejects(쓸 수 없는 레코드)."
    )
    MAP_LAYERS = (
        LayerOutput("conflict_points", "이격 위반 (교차)"),
        LayerOutput("conflict_lines", "이격 위반 (병행)"),
        LayerOutput("data_issues", "시설물 자료 문제", None),
    )

    FACILITIES = "FACILITIES"
    CLEARANCE_TABLE = "CLEARANCE_TABLE"
    MIN_PARALLEL = "MIN_PARALLEL"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(parameters.facility_store(self, self.FACILITIES))
        self.addParameter(parameters.rule_table(self, self.CLEARANCE_TABLE, "이격거리 표 (CSV; 비우면 내장 표)"))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_PARALLEL,
                self.tr("최소 병행 길이 (m)"),
                QgsProcessingParameterNumber.Type.Double,
                5.0,
                minValue=0.1,
            )
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "이격거리 위반"))
        self.add_layer_outputs()
        self.addOutput(QgsProcessingOutputNumber("CONFLICTS", self.tr("이격 위반 수")))
        self.addOutput(QgsProcessingOutputNumber("DATA_ISSUES", self.tr("자료 문제 수")))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        rules = read_clearances(self.optional_file(parameters, self.CLEARANCE_TABLE, context))
        store = self.facility_store(parameters, self.FACILITIES, context, feedback)
        progress.info(store.summary())
        progress.set(0.2)
        network = network_frame(store, read_margins(), points=False)
        result = check_clearance(
            network, rules, self.parameterAsDouble(parameters, self.MIN_PARALLEL, context), progress.sub(0.2, 0.8)
        )
        issues = issues_layer(store.issues, network_frame(store, read_margins()))
        layers = self.write_layers(
            output,
            {
                "conflict_points": result.crossings,
                "conflict_lines": result.parallels,
                "data_issues": issues,
                "rejects": pd.DataFrame(store.rejects),
            },
            context,
            {
                "conflict_points": _status_style("marker"),
                "conflict_lines": _status_style("line"),
                "data_issues": ISSUE_STYLE,
            },
        )
        conflicts = len(result.crossings) + len(result.parallels)
        unknown = int((result.crossings["status"] == "unknown").sum() + (result.parallels["status"] == "unknown").sum())
        progress.info(
            self.tr(
                "관로 {}개, 가까운 쌍 {}개 검토: 교차 위반 {}건, 병행 위반 {}건(깊이 미상 {}건); 자료 문제 {}건, 제외 레코드 {}건"
            ).format(
                f"{len(network):,}",
                f"{result.pairs_checked:,}",
                len(result.crossings),
                len(result.parallels),
                unknown,
                len(store.issues),
                len(store.rejects),
            )
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            "CONFLICT_POINTS": layers["CONFLICT_POINTS"],
            "CONFLICT_LINES": layers["CONFLICT_LINES"],
            "CONFLICTS": conflicts,
            "DATA_ISSUES": len(store.issues),
        }
