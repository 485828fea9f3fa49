"""gimpo:permitcheck: check a batch of permit applications (인허가 의사결정지원) and explain each verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFolder,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)

from ...core.errors import InputError
from ...core.permits import check_permits, load_rules
from ...core.permits.outputs import write_permit_outputs
from ...core.progress import Progress
from ...core.vector_io import DEFAULT_CRS
from .. import parameters
from ..base import GimpoAlgorithm, LayerOutput


class PermitCheck(GimpoAlgorithm):
    ALGORITHM_ID = "permitcheck"
    DISPLAY_NAME = "인허가 검토"
    GROUP_ID = "permits"
    HELP = (
        "인허가 신청(건축허가 / 개발행위허가)마다 검토합니다: 그 용도를 그 용도지역에 지을 수 있는지(국토계획법 §76, "
        "시행령 §71과 별표 2–22, 용도에 따르는 4층 이하와 바닥면적 한도 포함), 건폐율과 용적률(국가 상한보다 낮은 "
        "김포시 도시계획 조례 값), 중첩 규제, 도로 접도(건축법 §44; 도시지역과 지구단위계획구역 밖의 면에서는 건축법 "
        "§3②가 §44–47을 적용하지 않고 시의 진입도로 기준이 적용됨), 경사도(개발행위허가 평균경사도: 시가화·유보 "
        "용도 18°, 보전 용도 11°; 넘으면 도시계획위원회 심의).\n\n"
        "대지가 여러 용도지역에 걸치면 국토계획법 §84를 따릅니다: 가장 작은 부분이 330 m² 이하이면 건폐율·용적률을 "
        "면적 가중하고 용도는 가장 큰 부분을 따릅니다; 아니면 각 부분이 자기 규칙을 따릅니다(어느 부분에 놓아도 "
        "맞는 신청은 통과).\n\n"
        "판정: 허가 가능 / 불가 / 검토 필요(심의·협의, 또는 자료 보완). 모든 발견사항은 근거를 밝히고, 허가 가능한 "
        "신청은 통과한 기준을 나열합니다; 아직 원문과 대조하지 않은 조례 값도 판정에 쓰이며 요약에 조례 확인 필요라고 "
        "적습니다.\n\n"
        "APPLICATIONS: application_id, pnu(또는 대지 면), permit_kind, proposed_use(건축법 시행령 별표 1 용도), "
        "선택 use_detail(세부용도: 아파트, 다가구주택, 단란주점, 금속 주조업, 농업용 창고 ...; 세부용도, 용도, 층수 같은 "
        "한글 머리글도 받음), building_area, floor_area_above, floors, height, 선택 use_floor_area.\n\n"
        "규칙 표: ZONING_RULES는 resources/rules/zoning_limits.csv를 대신합니다(UQ 코드별 건폐율, 용적률, 경사도; "
        "김포 조례 값은 'ordinance' 단계 행에 넣고 확인하면 status를 gathered로). USE_RULES는 "
        "resources/rules/use_in_zone.csv를 대신합니다(용도지역, 용도, 세부용도마다 한 행; 김포시 도시계획 조례가 정하는 "
        "조례 행은 'gimpo' 열에 허용 또는 불허). 내장 파일을 복사해 고치고 그 경로를 주세요; 잘못된 행이 있는 표는 "
        "행 번호와 함께 거부됩니다.\n\n"
        "출력: 'summary' 레이어(판정별 스타일; use_status, 별표가 있는 use_basis)와 'findings' 표가 있는 GeoPackage; "
        "REPORT_FOLDER를 주면 신청마다 지도가 있는 HTML 페이지(최대 MAX_REPORTS개)."
    )
    MAP_LAYERS = (
        LayerOutput("summary", "인허가 검토 판정", "SUMMARY"),
        LayerOutput("findings", "인허가 검토 발견사항", None, geometry=False),
    )

    APPLICATIONS = "APPLICATIONS"
    PARCELS = "PARCELS"
    GEOMETRY_OPTIONAL = ("APPLICATIONS",)  # an application without a site is placed by its PNU
    ZONING = "ZONING"
    OVERLAYS = "OVERLAYS"
    ROADS = "ROADS"
    DEM = "DEM"
    ZONING_RULES = "ZONING_RULES"
    USE_RULES = "USE_RULES"
    OUTPUT = "OUTPUT"
    REPORT_FOLDER = "REPORT_FOLDER"
    MAX_REPORTS = "MAX_REPORTS"

    def flags(self):
        # Map rendering for the reports uses the input layers: run on the main thread.
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        applications = QgsProcessingParameterFeatureSource(
            self.APPLICATIONS, self.tr("인허가 신청 (표 또는 레이어)"), [QgsProcessing.TypeVector]
        )
        applications.setHelp(self.tr("신청 하나가 한 행; 대지는 pnu의 필지입니다."))
        self.addParameter(applications)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PARCELS, self.tr("필지 (연속지적도, PNU 포함)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ZONING, self.tr("용도지역 (uq_code 필드)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.OVERLAYS,
                self.tr("중첩 규제 (kind, subkind, max_height_m 필드)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ROADS, self.tr("도로 (width_m 포함)"), [QgsProcessing.TypeVectorAnyGeometry], optional=True
            )
        )
        self.addParameter(QgsProcessingParameterRasterLayer(self.DEM, self.tr("수치표고모델 DEM (m)"), optional=True))
        self.addParameter(
            QgsProcessingParameterFile(
                self.ZONING_RULES,
                self.tr("용도지역 한도 표 (CSV; 비우면 내장 표)"),
                extension="csv",
                optional=True,
            )
        )
        use_rules = QgsProcessingParameterFile(
            self.USE_RULES, self.tr("용도지역별 허용 용도 표 (CSV; 비우면 내장 표)"), extension="csv", optional=True
        )
        use_rules.setHelp(
            self.tr(
                "내장 표는 resources/rules/use_in_zone.csv(국토계획법 시행령 별표 2–22): 용도지역, 용도, 세부용도마다 한 "
                "행. 김포시 도시계획 조례가 정하는 행은 'gimpo' 열에 허용 또는 불허를 적습니다."
            )
        )
        self.addParameter(use_rules)
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "인허가 검토 결과"))
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                self.REPORT_FOLDER, self.tr("HTML 검토서 폴더"), optional=True, createByDefault=False
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_REPORTS,
                self.tr("검토서 최대 쪽수"),
                QgsProcessingParameterNumber.Type.Integer,
                50,
                True,
                0,
            )
        )
        self.add_layer_outputs()
        self.addOutput(QgsProcessingOutputFolder("REPORTS", self.tr("HTML 검토서")))
        for name, title in (
            ("PERMITTED", "허가"),
            ("CONDITIONAL", "조건부"),
            ("NOT_PERMITTED", "불허"),
            ("INSUFFICIENT_DATA", "자료 부족"),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(title)))

    def _read_table(self, parameters, context, feedback) -> pd.DataFrame:
        """Applications as a (Geo)DataFrame: spatial layers through read_source, tables as they are."""
        source = self.parameterAsSource(parameters, self.APPLICATIONS, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.APPLICATIONS))
        if source.wkbType() not in (0, 100):  # NoGeometry / Unknown: a plain table
            return self.read_layer(parameters, self.APPLICATIONS, context, feedback)
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, self.APPLICATIONS, context, ["gpkg", "csv"], "gpkg", feedback
        )
        try:
            frame = pyogrio.read_dataframe(path, layer=layer or None, read_geometry=False)
        except Exception as exc:  # pyogrio raises several types; all mean "cannot read"
            raise InputError(f"인허가 신청 {path}을(를) 읽을 수 없습니다: {exc}") from exc
        self.validate_layer_input(frame, self.APPLICATIONS)
        return pd.DataFrame(frame)

    def _read_parcels(self, parameters, context, feedback, applications: pd.DataFrame):
        """The parcels the applications name (a GeoPackage is filtered by PNU in SQL: reading all of a
        city's 200,000 parcels costs more than checking a thousand applications), else all of them."""
        source = self.parameterAsSource(parameters, self.PARCELS, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.PARCELS))
        names = source.fields().names()
        field = next((n for n in ("PNU", "pnu") if n in names), None)
        if field is None:
            raise InputError(
                f"{self.label(self.PARCELS)}: PNU 필드가 없습니다(필드: {', '.join(names[:12])}).",
                "19자리 PNU 필드가 있는 연속지적도 레이어를 주세요.",
            )
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, self.PARCELS, context, ["gpkg", "shp"], "gpkg", feedback
        )
        pnus = sorted({p for p in applications.get("pnu", pd.Series(dtype=str)).fillna("").astype(str) if p.isdigit()})
        crs = source.sourceCrs().authid()
        if not path.lower().endswith(".gpkg") or not pnus or len(pnus) > 20_000 or crs != DEFAULT_CRS:
            return self.read_layer(parameters, self.PARCELS, context, feedback)
        if source.featureCount() == 0:
            self.validate_layer_input(pd.DataFrame(), self.PARCELS)
        where = f'"{field}" IN ({",".join(repr(p) for p in pnus)})'
        try:
            frame = pyogrio.read_dataframe(path, layer=layer or None, where=where)
        except Exception as exc:  # pyogrio raises several types; all mean "cannot read"
            raise InputError(f"필지 {path}을(를) 읽을 수 없습니다: {exc}") from exc
        frame = frame.set_crs(DEFAULT_CRS, allow_override=True)
        if len(frame):
            self.validate_extent(frame.total_bounds, frame.crs, self.PARCELS)
        return self.screen_layer_records(frame, self.PARCELS, parameters, context, feedback)

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        rules = load_rules(
            zoning=self.optional_file(parameters, self.ZONING_RULES, context),
            uses=self.optional_file(parameters, self.USE_RULES, context),
        )
        applications = self._read_table(parameters, context, feedback)
        progress.set(0.05)
        parcels = self._read_parcels(parameters, context, feedback, applications)
        zoning = self.read_layer(parameters, self.ZONING, context, feedback)
        overlays = self.optional_layer(parameters, self.OVERLAYS, context, feedback)
        roads = self.optional_layer(parameters, self.ROADS, context, feedback)
        dem_layer = self.parameterAsRasterLayer(parameters, self.DEM, context)
        dem_path = None
        if dem_layer is not None:
            if dem_layer.crs().authid() != DEFAULT_CRS:
                raise QgsProcessingException(
                    self.tr("DEM의 좌표계가 {}입니다. {}로 주세요(gdal:warpreproject로 변환).").format(
                        dem_layer.crs().authid() or "알 수 없는 좌표계", DEFAULT_CRS
                    )
                )
            dem_path = dem_layer.source()
        else:
            progress.warn(self.tr("DEM을 주지 않아 모든 신청의 경사도 검토를 건너뜁니다."))
        progress.set(0.25)
        result = check_permits(
            applications, parcels, zoning, overlays, roads, dem_path, rules, progress.sub(0.25, 0.85)
        )
        write_permit_outputs(output.destination, result)
        self.load_layers(output, context)
        progress.set(0.9)
        counts = result.summary["verdict"].value_counts()
        progress.info(
            self.tr("신청 {}건: {}").format(len(result.summary), ", ".join(f"{k} {int(v)}" for k, v in counts.items()))
        )
        reports = ""
        folder = self.parameterAsFileOutput(parameters, self.REPORT_FOLDER, context)  # also from models
        if folder:
            from ..permit_maps import write_reports

            limit = self.parameterAsInt(parameters, self.MAX_REPORTS, context)
            layers = {
                name: self.parameterAsVectorLayer(parameters, key, context)
                for name, key in (
                    ("zoning", self.ZONING),
                    ("overlays", self.OVERLAYS),
                    ("roads", self.ROADS),
                    ("parcels", self.PARCELS),
                )
                if parameters.get(key)
            }
            site = output.qgis_layer("summary")
            reports = str(write_reports(Path(folder), site, result, layers, limit, progress.sub(0.9, 1.0)))
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            **self.layer_results(output),
            "REPORTS": reports,
            "PERMITTED": int(counts.get("permitted", 0)),
            "CONDITIONAL": int(counts.get("conditional", 0)),
            "NOT_PERMITTED": int(counts.get("not_permitted", 0)),
            "INSUFFICIENT_DATA": int(counts.get("insufficient_data", 0)),
        }
