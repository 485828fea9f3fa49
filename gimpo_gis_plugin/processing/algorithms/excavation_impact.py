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
from ...core.facilities.network import network_frame
from ...core.facilities.notices import write_notices
from ...core.facilities.rules import read_accuracy, read_margins
from ...core.progress import Progress
from ...core.water.dig_join import shutoff_for_digs
from ...core.water.styling import STYLES as WATER_STYLES
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput

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
    DISPLAY_NAME = "굴착 영향 지하시설물"
    GROUP_ID = "facilities"
    HELP = (
        "계획한 굴착이 3차원 안전 범위에 닿는 모든 지하시설물(상수/하수/가스/전력/통신/지역난방 관로, 맨홀, 밸브)을 "
        "찾습니다. 굴착은 면이거나 굴착 폭이 있는 선이며 DEPTH(또는 깊이 필드)까지 팝니다. 시설물이 굴착에서 수평 "
        "안전거리(관경의 절반 더함) 안에 있고, 그 범위 어딘가에서 관 윗면이 굴착 바닥 아래 수직 안전거리보다 얕으면 "
        "영향이 있습니다. 깊이는 관의 시점·종점 깊이(하수 beg_dep/end_dep)로 보간하고, 최저/최고깊이만 아는 상수관은 "
        "가장 얕은 깊이로 셉니다. 쓸 수 있는 깊이가 없는 시설물은 안전으로 보지 않고 위험으로 보고합니다.\n\n"
        "종류별 안전거리는 resources/rules/excavation_margins.csv(편집 가능; 일부 값은 확인 필요 표시)에서, 자체 표를 "
        "주면 그 표에서 가져옵니다. 또 시설물마다 탐사 정확도 등급(acc_grade A 실측 … D 출처미상; 없으면 D)의 위치·깊이 "
        "허용오차(resources/rules/survey_accuracy.csv)만큼 안전거리를 넓혀, 준공도면에서 그린 관이 아슬아슬하게 "
        "통과되지 않게 합니다. 위치를 정확하다고 보려면 SURVEY_TOLERANCE=false. FACILITIES는 시설물 저장소 스키마의 "
        "GeoPackage입니다(예제 도시에 있음); 저장소가 제외한 레코드는 출력에 나옵니다.\n\n"
        "출력: GeoPackage에 'affected'(시설물과 굴착마다 가장 노출된 지점 하나: 종류, 관리기관, 수평거리, 가장 가까운 "
        "지점의 깊이, 수직 여유, 위험 등급), 'affected_lines'(닿는 관로 구간), 'digs', 저장소의 'data_issues'와 "
        "'rejects'; 그리고 관리기관별 HTML 통보서 폴더. 굴착이 상수관에 닿으면 상수도 관리기관 통보서에 단수 계획"
        "(gimpo:valveisolation이 주는, 먼저 잠글 밸브)이 함께 실리고 'shutoff_valves'가 지도에 그 밸브를 보여 줍니다."
    )
    MAP_LAYERS = (
        LayerOutput("affected", "굴착 영향 시설물", "AFFECTED_LAYER"),
        LayerOutput("affected_lines", "굴착 영향 관로 구간", None),
        LayerOutput("digs", "굴착 계획", None),
        LayerOutput("shutoff_valves", "굴착 단수 시 잠글 밸브", None),  # only when a dig reaches a water main
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
                self.tr("계획 굴착 (면, 또는 굴착 폭이 있는 선)"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorLine],
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DEPTH, self.tr("굴착 깊이 (m)"), QgsProcessingParameterNumber.Type.Double, 2.0, minValue=0.01
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DEPTH_FIELD,
                self.tr("깊이 필드 (굴착별; 굴착 깊이보다 우선)"),
                parentLayerParameterName=self.DIG,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, self.tr("굴착 ID 필드"), parentLayerParameterName=self.DIG, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.WIDTH,
                self.tr("선 굴착의 폭 (m)"),
                QgsProcessingParameterNumber.Type.Double,
                1.0,
                minValue=0.01,
            )
        )
        for name, label in (
            (self.H_MARGIN, "모든 종류의 수평 안전거리 (m; 비우면 표의 종류별 값)"),
            (self.V_MARGIN, "모든 종류의 수직 안전거리 (m; 비우면 표의 종류별 값)"),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name, self.tr(label), QgsProcessingParameterNumber.Type.Double, None, optional=True, minValue=0.0
                )
            )
        self.addParameter(parameters.rule_table(self, self.MARGINS_TABLE, "안전거리 표 (CSV; 비우면 내장 표)"))
        self.addParameter(
            QgsProcessingParameterBoolean(self.SURVEY_TOLERANCE, self.tr("탐사 정확도 등급만큼 안전거리 넓히기"), True)
        )
        self.addParameter(
            parameters.rule_table(self, self.ACCURACY_TABLE, "탐사 정확도 표 (acc_grade별 CSV; 비우면 내장 표)")
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "굴착 영향 시설물"))
        self.addParameter(
            QgsProcessingParameterFolderDestination(self.NOTICES, self.tr("관리기관별 통보서 (HTML 폴더)"))
        )
        self.add_layer_outputs()
        self.addOutput(QgsProcessingOutputNumber("AFFECTED_COUNT", self.tr("영향 시설물 수")))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        notices = Path(self.parameterAsString(parameters, self.NOTICES, context))
        margins = read_margins(self.optional_file(parameters, self.MARGINS_TABLE, context))
        store = self.facility_store(parameters, self.FACILITIES, context, feedback)
        progress.info(store.summary())
        if len(store.rejects):
            progress.warn(
                self.tr(
                    "시설물 레코드 {}건을 쓸 수 없습니다('rejects' 레이어 참고): 이 시설물은 굴착과 대조하지 않았습니다."
                ).format(len(store.rejects))
            )
        progress.set(0.3)
        accuracy = None
        if self.parameterAsBool(parameters, self.SURVEY_TOLERANCE, context):
            accuracy = read_accuracy(self.optional_file(parameters, self.ACCURACY_TABLE, context))
        index = FacilityIndex(network_frame(store, margins), margins, accuracy)
        progress.set(0.5)
        digs = self.read_layer(parameters, self.DIG, context, feedback)
        depth_field = self.optional_text(parameters, self.DEPTH_FIELD, context)
        id_field = self.optional_text(parameters, self.ID_FIELD, context)
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
        frames = {
            "affected": hits,
            "affected_lines": stretches,
            "digs": dig_layer,
            "data_issues": pd.DataFrame(store.issues),
            "rejects": pd.DataFrame(store.rejects),
        }
        layer_styles = {"affected": RISK_STYLE, "affected_lines": STRETCH_STYLE, "digs": DIG_STYLE}
        if shutoff.valves is not None:
            frames["shutoff_valves"] = shutoff.valves
            layer_styles["shutoff_valves"] = WATER_STYLES["valves_to_close"]
        layers = self.write_layers(output, frames, context, layer_styles)
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
            self.tr("영향 시설물 {}건(고위험 {}건), 통보할 관리기관 {}곳; 통보서 {}").format(
                len(hits), int((hits["risk_level"] == 3).sum()), hits["agency"].nunique(), notices
            )
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            self.NOTICES: str(notices),
            "AFFECTED_LAYER": layers["AFFECTED_LAYER"],
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
