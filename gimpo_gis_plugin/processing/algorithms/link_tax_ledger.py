"""gimpo:linktaxledger: join parcels and buildings to the property-tax ledger; write the worklist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core.geopackage import check_writable
from ...core.progress import Progress
from ...core.tax_linkage import LinkageOptions, link_tax_ledger, read_ledger
from ...core.tax_linkage.building_register import read_building_register
from ...core.tax_linkage.exemptions import read_exempt_pnus
from ...core.tax_linkage.linkage import building_fields, check_parcel_layer, parcel_fields
from ...core.tax_linkage.options import DEFAULT_NON_TAXABLE_JIMOK
from ...core.tax_linkage.output import write_linkage
from ...core.tax_linkage.vocabulary import ledger_keys
from ...core.vector_io import empty_like, repair_geometries
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import DATABASE_OUTPUT_HELP, vector_output

LAYERS = ("parcels_tax", "buildings_tax", "findings", "ledger_matched", "ledger_unmatched", "summary")


class LinkTaxLedger(GimpoAlgorithm):
    ALGORITHM_ID = "linktaxledger"
    DISPLAY_NAME = "Link tax ledger to parcels and buildings (재산세 과세자료 연계)"
    GROUP_ID = "tax"
    HELP = (
        "Joins the property-tax ledger (재산세 과세대장: CSV in UTF-8 or CP949/EUC-KR, or XLSX, Korean headers) "
        "to the cadastral parcels (연속지적도, by the 19-digit PNU) and to the buildings, and turns every "
        "discrepancy into a finding with a code, a severity and an estimate of the tax at stake: "
        "BUILDING_NOT_TAXED (건축물 과세누락), PARCEL_NOT_TAXED, AREA_MISMATCH, USE_MISMATCH (나대지 under a "
        "building; 주거/상업), DUPLICATE_LEDGER, LEDGER_NO_PARCEL, LEDGER_NO_BUILDING, ADDRESS_UNRESOLVED, "
        "PNU_MALFORMED, PNU_NONSTANDARD.\n\n"
        "Ledger rows without a PNU are placed by their lot address (경기도 김포시 월곶면 성동리 산 12-3, "
        "사우동 123-4번지, 사우동 123) using the national 법정동 code table; abolished names resolve with a "
        "warning. Every ledger row ends in ledger_matched or ledger_unmatched (with the reason): the log "
        "prints the counts that prove it.\n\n"
        "Area tolerance: a row is flagged when the ledger area differs from the GIS area by more than the "
        "relative tolerance AND the absolute one (defaults 15 % and 15 m²: 연속지적도 areas are never exactly "
        "the registered ones).\n\n"
        "Output: one GeoPackage with parcels_tax, buildings_tax, findings (the worklist), ledger_matched, "
        "ledger_unmatched and summary, styled, and an HTML report. Taxpayer names and resident numbers "
        "are masked unless SHOW_PERSONAL_DATA is set.\n\n"
        "Ledger headers are recognised from the vocabulary of 지방세 exports (resources/vocabulary); "
        "COLUMN_MAP names the others. Keys (키):\n"
        + "\n".join(f"- {k.key}{' (필수)' if k.required else ''}: {k.meaning_ko}" for k in ledger_keys().values())
    )

    PARCELS = "PARCELS"
    BUILDINGS = "BUILDINGS"
    LEDGER = "LEDGER"
    COLUMN_MAP = "COLUMN_MAP"
    BUILDING_REGISTER = "BUILDING_REGISTER"
    LAYER_CRS = "LAYER_CRS"
    AREA_TOLERANCE = "AREA_TOLERANCE"
    AREA_TOLERANCE_M2 = "AREA_TOLERANCE_M2"
    NON_TAXABLE_JIMOK = "NON_TAXABLE_JIMOK"
    EXEMPT_PNUS = "EXEMPT_PNUS"
    SHOW_PERSONAL_DATA = "SHOW_PERSONAL_DATA"
    OUTPUT = "OUTPUT"
    REPORT = "REPORT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PARCELS,
                self.tr("Parcels (연속지적도, with PNU)"),
                [QgsProcessing.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.BUILDINGS,
                self.tr("Buildings (GIS건물통합정보: bld_id, pnu, use_code, total_floor_area ...)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.LEDGER,
                self.tr("Property-tax ledger (재산세 과세대장, CSV or XLSX)"),
                QgsProcessingParameterFile.Behavior.File,
                fileFilter=self.tr("Ledger (*.csv *.txt *.xlsx);;All files (*)"),
            )
        )
        column_map = QgsProcessingParameterString(
            self.COLUMN_MAP, self.tr("Column map (JSON text or file; empty: the city's export layout)"), optional=True
        )
        column_map.setHelp(
            self.tr('Maps the engine\'s field names to your headers, e.g. {"pnu": "필지번호", "taxed_area": "면적"}.')
        )
        self.addParameter(column_map)
        register = QgsProcessingParameterFile(
            self.BUILDING_REGISTER,
            self.tr("Building register 표제부 text export (건축물대장, pipe-separated, CP949; optional)"),
            QgsProcessingParameterFile.Behavior.File,
            optional=True,
        )
        register.setHelp(
            self.tr(
                "Records are joined by PNU (대지구분 0 대지 -> PNU digit 1, 1 산 -> 2; 2 블록 has no PNU and is "
                "rejected with that reason). A registered building on a parcel with no building on the map and "
                "no building row in the ledger is reported as BUILDING_NOT_TAXED."
            )
        )
        self.addParameter(register)
        crs = QgsProcessingParameterCrs(
            self.LAYER_CRS, self.tr("CRS of the parcel and building files (only when they have none)"), optional=True
        )
        crs.setFlags(crs.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(crs)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.AREA_TOLERANCE,
                self.tr("Area tolerance, relative (0.15 = 15 %)"),
                QgsProcessingParameterNumber.Type.Double,
                0.15,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.AREA_TOLERANCE_M2,
                self.tr("Area tolerance, absolute (m²)"),
                QgsProcessingParameterNumber.Type.Double,
                15.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.NON_TAXABLE_JIMOK,
                self.tr("Non-taxable land categories (지목 codes, comma-separated)"),
                ",".join(sorted(DEFAULT_NON_TAXABLE_JIMOK)),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.EXEMPT_PNUS,
                self.tr("Exempt parcels (비과세·감면: a text/CSV file with one PNU per line)"),
                QgsProcessingParameterFile.Behavior.File,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.SHOW_PERSONAL_DATA, self.tr("Write taxpayer names and resident numbers unmasked"), False
            )
        )
        output = QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Linkage result (GeoPackage or PostGIS)"), self.tr("GeoPackage (*.gpkg)")
        )
        output.setHelp(self.tr(DATABASE_OUTPUT_HELP))
        self.addParameter(output)
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("HTML report"), self.tr("HTML (*.html)"), optional=True, createByDefault=False
            )
        )
        for layer in LAYERS:
            self.addOutput(QgsProcessingOutputVectorLayer(layer.upper(), layer))
        self.addOutput(QgsProcessingOutputFile("REPORT_FILE", self.tr("HTML report")))
        for count in ("LEDGER_ROWS", "MATCHED", "UNMATCHED", "FINDING_COUNT"):
            self.addOutput(QgsProcessingOutputNumber(count, count.lower()))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if not report:
            report = str(output.beside(".html", "linkage_report"))
            if output.is_database:
                feedback.pushWarning(
                    self.tr(
                        "No REPORT given: the HTML report goes to QGIS's temporary folder ({}), which QGIS "
                        "removes when it closes. Give REPORT to keep it."
                    ).format(report)
                )
        check_writable(Path(report))
        crs = self.parameterAsCrs(parameters, self.LAYER_CRS, context)
        crs_text = crs.authid() if crs.isValid() else None
        options = LinkageOptions(
            area_relative_tolerance=self.parameterAsDouble(parameters, self.AREA_TOLERANCE, context),
            area_absolute_tolerance_m2=self.parameterAsDouble(parameters, self.AREA_TOLERANCE_M2, context),
            non_taxable_jimok=frozenset(
                code.strip()
                for code in (self.parameterAsString(parameters, self.NON_TAXABLE_JIMOK, context) or "").split(",")
                if code.strip()
            ),
            exempt_pnus=read_exempt_pnus(self.parameterAsFile(parameters, self.EXEMPT_PNUS, context)),
            show_personal_data=self.parameterAsBool(parameters, self.SHOW_PERSONAL_DATA, context),
        )
        ledger_path = self.parameterAsFile(parameters, self.LEDGER, context)
        table = read_ledger(ledger_path, self.parameterAsString(parameters, self.COLUMN_MAP, context) or None)
        feedback.pushInfo(
            self.tr("Ledger {}: {} rows, encoding {}").format(ledger_path, f"{len(table.rows):,}", table.encoding)
        )
        for warning in table.warnings:
            feedback.pushWarning(warning)
        progress.set(0.05)
        parcels = read_source(
            self, parameters, self.PARCELS, context, feedback, crs_override=crs_text, keep_fields=parcel_fields
        )
        check_parcel_layer(parcels, self.PARCELS)
        if parameters.get(self.BUILDINGS):
            buildings = read_source(
                self, parameters, self.BUILDINGS, context, feedback, crs_override=crs_text, keep_fields=building_fields
            )
        else:
            feedback.pushWarning(self.tr("No building layer: building rows cannot be placed, no building checks."))
            buildings = empty_like({"bld_id": "object", "pnu": "object"}, "Polygon")
        progress.set(0.15)
        parcels, repaired_parcels = repair_geometries(parcels)
        buildings, repaired_buildings = repair_geometries(buildings)
        if repaired_parcels or repaired_buildings:
            feedback.pushWarning(
                self.tr("Repaired invalid geometries: {} parcels, {} buildings.").format(
                    repaired_parcels, repaired_buildings
                )
            )
        for name, frame in (("parcels", parcels), ("ledger", table.rows)):
            if len(frame) == 0:
                feedback.pushWarning(self.tr("The {} input is empty: the outputs are empty but valid.").format(name))
        register_path = self.parameterAsFile(parameters, self.BUILDING_REGISTER, context)
        register = read_building_register(register_path) if register_path else None
        if register is not None:
            feedback.pushInfo(
                self.tr("Building register {}: {} records ({} without a PNU), encoding {}").format(
                    register_path,
                    len(register.records) + len(register.rejects),
                    len(register.rejects),
                    register.encoding,
                )
            )
        result = link_tax_ledger(parcels, buildings, table.rows, options, progress.sub(0.15, 0.85), register)
        del parcels, buildings  # the inputs are not needed for writing: let them go (gigabytes at 2M parcels)
        table.rows = table.rows.iloc[:0]
        for warning in result.warnings:
            feedback.pushWarning(warning)
        counts = result.counts
        feedback.pushInfo(
            self.tr("Ledger rows: {} read = {} matched + {} unmatched (with reason). Findings: {}.").format(
                f"{counts['ledger_rows']:,}",
                f"{counts['matched']:,}",
                f"{counts['unmatched']:,}",
                f"{counts['findings']:,}",
            )
        )
        for code, number in result.findings["code"].value_counts().items():
            feedback.pushInfo(f"  {code}: {number:,}")
        progress.check()
        _, html = write_linkage(
            result,
            output.destination,
            report,
            {
                "과세대장 (ledger)": f"{ledger_path} ({table.encoding})",
                "면적 허용오차 (area tolerance)": f"{options.area_relative_tolerance:.0%} / "
                f"{options.area_absolute_tolerance_m2:g} m²",
                "비과세 지목 (non-taxable 지목)": ",".join(sorted(options.non_taxable_jimok)),
                "개인정보 (personal data)": "표시 (shown)" if options.show_personal_data else "마스킹 (masked)",
            },
        )
        if options.show_personal_data:
            feedback.pushWarning(
                self.tr("Personal data written unmasked to {} as requested.").format(output.describe())
            )
        feedback.pushInfo(self.tr("Linkage written to {}; report {}").format(output.describe(), html))
        progress.set(1.0)
        results: dict[str, Any] = output.layer_results(result.layers())
        results.update(
            {
                self.OUTPUT: output.given,
                "REPORT_FILE": str(html),
                "LEDGER_ROWS": counts["ledger_rows"],
                "MATCHED": counts["matched"],
                "UNMATCHED": counts["unmatched"],
                "FINDING_COUNT": counts["findings"],
            }
        )
        return results
