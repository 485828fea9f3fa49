"""gimpo:createsamplecity: write the deterministic sample city and the files a tax office receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from ...core.progress import Progress
from ...core.sample_city import MAX_PARCELS, build_sample_city, write_sample_city
from ..base import GimpoAlgorithm, LayerOutput
from ..outputs import VectorOutput


class CreateSampleCity(GimpoAlgorithm):
    ALGORITHM_ID = "createsamplecity"
    DISPLAY_NAME = "예제 도시 만들기"
    GROUP_ID = "data"
    HELP = (
        "김포시의 현실적이고 결정적인 예제를 EPSG:5186으로 씁니다: 실제 14개 행정동 경계, 전국 법정동 코드표로 코드를 "
        "붙인 법정동 구역, 연속지적도 스키마(PNU, JIBUN, BCHK, SGG_OID, COL_ADM_SE)의 필지(산 지번과 실제 자료의 "
        "특이점 포함), 폭이 있는 도로, GIS건물통합정보 형식의 건물, 그리고 시가 내보내는 그대로의 재산세 과세대장: "
        "한글 머리글의 CP949 CSV와 XLSX 사본, 그 안에 심어 둔 모든 불일치의 목록.\n\n"
        "PARCELS로 크기를 정합니다: 시험용 5,000, 김포 같은 도시는 200,000. 같은 SEED는 언제나 같은 도시를 만듭니다."
    )
    MAP_LAYERS = (
        LayerOutput("parcels", "예제 도시 필지", "PARCELS_LAYER"),
        LayerOutput("buildings", "예제 도시 건물", "BUILDINGS_LAYER"),
    )

    PARCELS = "PARCELS"
    SEED = "SEED"
    WRITE_XLSX = "WRITE_XLSX"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        parcels = QgsProcessingParameterNumber(
            self.PARCELS,
            self.tr("필지 수"),
            QgsProcessingParameterNumber.Type.Integer,
            5000,
            False,
            100,
            MAX_PARCELS,
        )
        parcels.setHelp(self.tr("대략 이만큼의 필지(일반 필지와 도로 필지)를 만듭니다."))
        self.addParameter(parcels)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED, self.tr("난수 시드"), QgsProcessingParameterNumber.Type.Integer, 41570
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.WRITE_XLSX, self.tr("과세대장을 XLSX로도 쓰기"), True))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("출력 폴더")))
        self.addOutput(QgsProcessingOutputFile("GPKG", self.tr("예제 도시 GeoPackage")))
        self.addOutput(QgsProcessingOutputFile("LEDGER_CSV", self.tr("과세대장 CSV (CP949)")))
        self.addOutput(QgsProcessingOutputFile("LEDGER_XLSX", self.tr("과세대장 XLSX")))
        self.addOutput(QgsProcessingOutputFile("GROUND_TRUTH", self.tr("심어 둔 불일치 정답표")))
        self.add_layer_outputs()

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API name
        # qgis_process does not enforce a number parameter's minimum everywhere: say it plainly.
        value = parameters.get(self.PARCELS)
        try:
            count = int(value) if value is not None else 5000
        except (TypeError, ValueError):
            return False, self.tr("필지 수(PARCELS)는 정수여야 합니다. 예: PARCELS=5000.")
        if count < 100 or count > MAX_PARCELS:
            return False, self.tr("필지 수(PARCELS)는 100에서 {} 사이여야 합니다. 받은 값: {}.").format(
                MAX_PARCELS, count
            )
        return super().checkParameterValues(parameters, context)

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        count = self.parameterAsInt(parameters, self.PARCELS, context)
        seed = self.parameterAsInt(parameters, self.SEED, context)
        folder = Path(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QgsProcessingException(
                self.tr("출력 폴더 {}을(를) 만들 수 없습니다: {}. 쓰기 권한이 있는 폴더를 고르세요.").format(
                    folder, exc.strerror
                )
            ) from exc
        city = build_sample_city(count, seed, progress.sub(0.0, 0.7))
        paths = write_sample_city(
            city, folder, self.parameterAsBool(parameters, self.WRITE_XLSX, context), progress.sub(0.7, 1.0)
        )
        progress.info(
            self.tr("필지 {}, 건물 {}, 과세대장 {}행, 심어 둔 불일치 {}건을 {}에 썼습니다").format(
                len(city.parcels), len(city.buildings), len(city.ledger.rows), len(city.ledger.ground_truth), folder
            )
        )
        gpkg = str(paths["gpkg"])
        self.load_layers(VectorOutput(gpkg, gpkg), context)
        return {
            self.OUTPUT_FOLDER: str(folder),
            "GPKG": gpkg,
            "LEDGER_CSV": str(paths["ledger_csv"]),
            "LEDGER_XLSX": str(paths.get("ledger_xlsx", "")),
            "GROUND_TRUTH": str(paths["ground_truth"]),
            **self.layer_results(VectorOutput(gpkg, gpkg)),
        }
