"""gimpo:createsamplecity: write the deterministic sample city and the files a tax office receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from ...core.progress import Progress
from ...core.sample_city import MAX_PARCELS, build_sample_city, write_sample_city
from ..base import GimpoAlgorithm


class CreateSampleCity(GimpoAlgorithm):
    ALGORITHM_ID = "createsamplecity"
    DISPLAY_NAME = "Create sample city"
    GROUP_ID = "data"
    HELP = (
        "Writes a realistic, deterministic sample of Gimpo-si (김포시) in EPSG:5186: the 14 real 행정동 "
        "boundaries, 법정동 areas coded from the national 법정동 table, parcels in the 연속지적도 schema "
        "(PNU, JIBUN, BCHK, SGG_OID, COL_ADM_SE) with 산 lots and the quirks of real data, roads with widths, "
        "buildings in the GIS건물통합정보 style, and the property-tax ledger (재산세 과세대장) as the city "
        "exports it: a CP949 CSV with Korean headers and an XLSX copy, plus a table of every discrepancy "
        "planted in it.\n\nPARCELS sets the size: 5,000 for tests, 200,000 for a city like 김포. The same "
        "SEED always gives the same city."
    )

    PARCELS = "PARCELS"
    SEED = "SEED"
    WRITE_XLSX = "WRITE_XLSX"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        parcels = QgsProcessingParameterNumber(
            self.PARCELS,
            self.tr("Number of parcels"),
            QgsProcessingParameterNumber.Type.Integer,
            5000,
            False,
            100,
            MAX_PARCELS,
        )
        parcels.setHelp(self.tr("About this many parcels (lots and road parcels) are generated."))
        self.addParameter(parcels)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SEED, self.tr("Random seed"), QgsProcessingParameterNumber.Type.Integer, 41570
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.WRITE_XLSX, self.tr("Also write the ledger as XLSX"), True)
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputFile("GPKG", self.tr("Sample city GeoPackage")))
        self.addOutput(QgsProcessingOutputFile("LEDGER_CSV", self.tr("Tax ledger CSV (CP949)")))
        self.addOutput(QgsProcessingOutputFile("LEDGER_XLSX", self.tr("Tax ledger XLSX")))
        self.addOutput(QgsProcessingOutputFile("GROUND_TRUTH", self.tr("Ground truth of planted discrepancies")))
        self.addOutput(QgsProcessingOutputVectorLayer("PARCELS_LAYER", self.tr("Parcels")))
        self.addOutput(QgsProcessingOutputVectorLayer("BUILDINGS_LAYER", self.tr("Buildings")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API name
        # qgis_process does not enforce a number parameter's minimum everywhere: say it plainly.
        value = parameters.get(self.PARCELS)
        try:
            count = int(value) if value is not None else 5000
        except (TypeError, ValueError):
            return False, self.tr("PARCELS must be a whole number, e.g. PARCELS=5000.")
        if count < 100 or count > MAX_PARCELS:
            return False, self.tr("PARCELS must be between 100 and {}; got {}.").format(MAX_PARCELS, count)
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
                self.tr("Cannot create the output folder {}: {}. Choose a folder you can write to.").format(
                    folder, exc.strerror
                )
            ) from exc
        city = build_sample_city(count, seed, progress.sub(0.0, 0.7))
        paths = write_sample_city(
            city, folder, self.parameterAsBool(parameters, self.WRITE_XLSX, context), progress.sub(0.7, 1.0)
        )
        feedback.pushInfo(
            self.tr("Wrote {} parcels, {} buildings, {} ledger rows, {} planted discrepancies to {}").format(
                len(city.parcels), len(city.buildings), len(city.ledger.rows), len(city.ledger.ground_truth), folder
            )
        )
        gpkg = str(paths["gpkg"])
        return {
            self.OUTPUT_FOLDER: str(folder),
            "GPKG": gpkg,
            "LEDGER_CSV": str(paths["ledger_csv"]),
            "LEDGER_XLSX": str(paths.get("ledger_xlsx", "")),
            "GROUND_TRUTH": str(paths["ground_truth"]),
            "PARCELS_LAYER": f"{gpkg}|layername=parcels",
            "BUILDINGS_LAYER": f"{gpkg}|layername=buildings",
        }
