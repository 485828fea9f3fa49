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
from ...core.tax_linkage.building_schema import require_schema
from ...core.tax_linkage.exemptions import read_exempt_pnus
from ...core.tax_linkage.linkage import building_fields, check_parcel_layer, parcel_fields
from ...core.tax_linkage.options import DEFAULT_NON_TAXABLE_JIMOK
from ...core.tax_linkage.output import write_linkage
from ...core.tax_linkage.vocabulary import ledger_keys
from ...core.vector_io import empty_like, repair_geometries
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


class LinkTaxLedger(GimpoAlgorithm):
    ALGORITHM_ID = "linktaxledger"
    DISPLAY_NAME = "재산세 과세자료 연계 (필지·건물)"
    GROUP_ID = "tax"
    HELP = (
        "재산세 과세대장(CSV: UTF-8 또는 CP949/EUC-KR, 또는 XLSX, 한글 머리글)을 연속지적도 필지(19자리 PNU)와 건물에 "
        "잇고, 모든 불일치를 코드, 심각도, 걸린 세액 추정과 함께 발견사항으로 만듭니다: BUILDING_NOT_TAXED(건축물 "
        "과세누락), PARCEL_NOT_TAXED, AREA_MISMATCH, USE_MISMATCH(건물 아래 나대지; 주거/상업), DUPLICATE_LEDGER, "
        "LEDGER_NO_PARCEL, LEDGER_NO_BUILDING, ADDRESS_UNRESOLVED, PNU_MALFORMED, PNU_NONSTANDARD.\n\n"
        "건물 레이어의 형식은 필드 이름으로 알아보고 로그에 남깁니다: GIS건물통합정보(한글 필드, SHP 배포본의 A0–A28 "
        "또는 BD_MGT_SN / TOTALAREA / USABILITY 같은 약어; 대소문자, 10바이트로 잘린 이름 포함), 도로명주소 건물 "
        "TL_SPBD_BULD, 건축물대장 필드(mgmBldrgstPk, totArea, mainPurpsCd ...), 또는 bld_id / pnu / use_code / "
        "total_floor_area. 건물은 과세대장이 쓰는 실제 ID를 유지하며, ID나 연면적 필드가 없는 레이어는 형식마다 필요한 "
        "필드를 적어 멈춥니다.\n\n"
        "PNU가 없는 과세대장 행은 주소로 놓습니다: 지번 주소(경기도 김포시 월곶면 성동리 산 12-3, 사우동 １２３－４번지, "
        "사우동 123번지 4호, 성동리 12 외 2필지, 사우동 123-4 행복빌라)는 전국 법정동 코드표로, 옛 이름(김포군, 고촌면 → "
        "고촌읍, 김포읍 사우리 → 사우동)은 경고와 함께, 도로명주소(통진읍 조강로 123)는 건물 레이어의 도로명으로, "
        "건물관리번호가 있으면 그 건물로. 알 수 없는 주소는 추측하지 않고 사유와 함께 남깁니다. 모든 과세대장 행은 "
        "ledger_matched나 ledger_unmatched(사유 포함)에 남고, 로그가 그 개수를 보여 줍니다.\n\n"
        "면적 허용오차: 과세대장 면적과 GIS 면적의 차이가 상대 허용오차와 절대 허용오차를 모두 넘으면 표시합니다"
        "(기본 15%와 15 m²: 연속지적도 면적은 등록 면적과 정확히 같지 않습니다).\n\n"
        "출력: GeoPackage 하나에 parcels_tax, buildings_tax, findings(점검 목록), ledger_matched, ledger_unmatched, "
        "summary(스타일 포함)와 HTML 보고서. 납세자 이름과 주민등록번호는 SHOW_PERSONAL_DATA를 켜지 않으면 가립니다.\n\n"
        "과세대장 머리글은 지방세 내보내기 어휘(resources/vocabulary)로 알아보고, 그 밖의 머리글은 COLUMN_MAP으로 "
        "지정합니다. 키:"
    )
    MAP_LAYERS = (
        LayerOutput("findings", "과세 점검 목록 (발견사항)"),
        LayerOutput("parcels_tax", "필지별 과세 연계"),
        LayerOutput("buildings_tax", "건물별 과세 연계"),
        LayerOutput("ledger_matched", "연계된 과세대장", geometry=False),
        LayerOutput("ledger_unmatched", "연계되지 않은 과세대장", geometry=False),
        LayerOutput("summary", "과세자료 연계 요약", geometry=False),
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

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API name
        """The translated help, then every ledger key from the vocabulary (data, so it is not a source string)."""
        keys = (f"- {k.key}{' (필수)' if k.required else ''}: {k.meaning_ko}" for k in ledger_keys().values())
        return "\n".join((super().shortHelpString(), *keys))

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PARCELS,
                self.tr("필지 (연속지적도, PNU 포함)"),
                [QgsProcessing.TypeVectorPolygon],
            )
        )
        buildings = QgsProcessingParameterFeatureSource(
            self.BUILDINGS,
            self.tr("건물 (GIS건물통합정보·도로명주소 건물·건축물대장)"),
            [QgsProcessing.TypeVectorPolygon],
            optional=True,
        )
        buildings.setHelp(
            self.tr(
                "국가 배포 형식(GIS건물통합정보 한글·SHP 약어, 도로명주소 TL_SPBD_BULD, 건축물대장) 또는 "
                "bld_id, pnu, use_code, total_floor_area 필드"
            )
        )
        self.addParameter(buildings)
        self.addParameter(
            QgsProcessingParameterFile(
                self.LEDGER,
                self.tr("재산세 과세대장 (CSV 또는 XLSX)"),
                QgsProcessingParameterFile.Behavior.File,
                fileFilter=self.tr("과세대장 (*.csv *.txt *.xlsx);;모든 파일 (*)"),
            )
        )
        column_map = QgsProcessingParameterString(
            self.COLUMN_MAP, self.tr("열 대응표 (JSON 텍스트 또는 파일; 비우면 시의 내보내기 형식)"), optional=True
        )
        column_map.setHelp(
            self.tr('엔진의 필드 이름을 파일의 머리글에 대응시킵니다. 예: {"pnu": "필지번호", "taxed_area": "면적"}.')
        )
        self.addParameter(column_map)
        register = QgsProcessingParameterFile(
            self.BUILDING_REGISTER,
            self.tr("건축물대장 표제부 텍스트 (| 구분, CP949; 선택)"),
            QgsProcessingParameterFile.Behavior.File,
            optional=True,
        )
        register.setHelp(
            self.tr(
                "레코드는 PNU로 잇습니다(대지구분 0 대지 -> PNU 자리 1, 1 산 -> 2; 2 블록은 PNU가 없어 그 사유로 "
                "제외). 지도에 건물이 없고 과세대장에 건물 행도 없는 필지의 대장 건물은 BUILDING_NOT_TAXED로 보고합니다."
            )
        )
        self.addParameter(register)
        crs = QgsProcessingParameterCrs(
            self.LAYER_CRS, self.tr("필지·건물 파일의 좌표계 (파일에 없을 때만)"), optional=True
        )
        crs.setFlags(crs.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(crs)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.AREA_TOLERANCE,
                self.tr("면적 허용오차, 상대 (0.15 = 15%)"),
                QgsProcessingParameterNumber.Type.Double,
                0.15,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.AREA_TOLERANCE_M2,
                self.tr("면적 허용오차, 절대 (m²)"),
                QgsProcessingParameterNumber.Type.Double,
                15.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.NON_TAXABLE_JIMOK,
                self.tr("비과세 지목 (지목 코드, 쉼표로 구분)"),
                ",".join(sorted(DEFAULT_NON_TAXABLE_JIMOK)),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.EXEMPT_PNUS,
                self.tr("비과세·감면 필지 (한 줄에 PNU 하나인 텍스트/CSV)"),
                QgsProcessingParameterFile.Behavior.File,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.SHOW_PERSONAL_DATA, self.tr("납세자 이름과 주민등록번호를 가리지 않고 쓰기"), False
            )
        )
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "과세자료 연계 결과"))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REPORT, self.tr("HTML 보고서"), self.tr("HTML (*.html)"), optional=True, createByDefault=False
            )
        )
        self.add_layer_outputs()
        self.addOutput(QgsProcessingOutputFile("REPORT_FILE", self.tr("HTML 보고서")))
        for count, title in (
            ("LEDGER_ROWS", "과세대장 행 수"),
            ("MATCHED", "연계된 행 수"),
            ("UNMATCHED", "연계되지 않은 행 수"),
            ("FINDING_COUNT", "발견사항 수"),
        ):
            self.addOutput(QgsProcessingOutputNumber(count, self.tr(title)))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        if not report:
            report = str(output.beside(".html", "linkage_report"))
            if output.is_database:
                progress.warn(
                    self.tr(
                        "HTML 보고서(REPORT)를 주지 않아 QGIS 임시 폴더({})에 씁니다. QGIS를 닫으면 지워지니, "
                        "보관하려면 REPORT를 주세요."
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
        progress.info(
            self.tr("과세대장 {}: {}행, 인코딩 {}").format(ledger_path, f"{len(table.rows):,}", table.encoding)
        )
        for warning in table.warnings:
            progress.warn(warning)
        progress.set(0.05)
        parcels = self.read_layer(
            parameters, self.PARCELS, context, feedback, crs_override=crs_text, keep_fields=parcel_fields
        )
        check_parcel_layer(parcels, self.PARCELS)
        if self.is_given(parameters, self.BUILDINGS):
            buildings = self.read_layer(
                parameters, self.BUILDINGS, context, feedback, crs_override=crs_text, keep_fields=building_fields
            )
            source = self.parameterAsSource(parameters, self.BUILDINGS, context)
            require_schema(list(buildings.columns), f"건물 레이어 {source.sourceName() if source else ''}".strip())
        else:
            progress.warn(self.tr("건물 레이어가 없어 건물 행을 놓을 수 없고 건물 점검도 하지 않습니다."))
            buildings = empty_like({"bld_id": "object", "pnu": "object"}, "Polygon")
        progress.set(0.15)
        parcels, repaired_parcels = repair_geometries(parcels)
        buildings, repaired_buildings = repair_geometries(buildings)
        if repaired_parcels or repaired_buildings:
            progress.warn(
                self.tr("잘못된 도형을 고쳤습니다: 필지 {}개, 건물 {}개.").format(repaired_parcels, repaired_buildings)
            )
        if len(table.rows) == 0:
            progress.warn(self.tr("과세대장에 행이 없습니다: 출력은 비어 있지만 올바릅니다."))
        register_path = self.parameterAsFile(parameters, self.BUILDING_REGISTER, context)
        register = read_building_register(register_path) if register_path else None
        if register is not None:
            progress.info(
                self.tr("건축물대장 {}: 레코드 {}건(PNU 없음 {}건), 인코딩 {}").format(
                    register_path,
                    len(register.records) + len(register.rejects),
                    len(register.rejects),
                    register.encoding,
                )
            )
        result = link_tax_ledger(parcels, buildings, table.rows, options, progress.sub(0.15, 0.85), register)
        del parcels, buildings  # the inputs are not needed for writing: let them go (gigabytes at 2M parcels)
        table.rows = table.rows.iloc[:0]
        for note in result.notes:
            feedback.pushInfo(note)
        for warning in result.warnings:
            progress.warn(warning)
        counts = result.counts
        progress.info(
            self.tr("과세대장 행: 읽음 {} = 연계 {} + 미연계 {}(사유 포함). 발견사항: {}건.").format(
                f"{counts['ledger_rows']:,}",
                f"{counts['matched']:,}",
                f"{counts['unmatched']:,}",
                f"{counts['findings']:,}",
            )
        )
        for code, number in result.findings["code"].value_counts().items():
            progress.info(f"  {code}: {number:,}")
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
            progress.warn(self.tr("요청에 따라 개인정보를 가리지 않고 {}에 썼습니다.").format(output.describe()))
        self.load_layers(output, context)
        progress.info(self.tr("연계 결과를 {}에 썼습니다; 보고서 {}").format(output.describe(), html))
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
