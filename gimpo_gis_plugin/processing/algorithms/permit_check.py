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
    QgsProcessingOutputVectorLayer,
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
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import vector_output


class PermitCheck(GimpoAlgorithm):
    ALGORITHM_ID = "permitcheck"
    DISPLAY_NAME = "Permit check (인허가 검토)"
    GROUP_ID = "permits"
    HELP = (
        "Checks each permit application (건축허가 / 개발행위허가): may the use be built "
        "in the zone (국토계획법 §76, 시행령 §71 and 별표 2–22, with the 4층 이하 and "
        "floor-area limits that ride with the use), 건폐율 and 용적률 (김포시 도시계획 조례 "
        "values below the national maxima), restriction overlays, road access "
        "(건축법 §44; in a 면 outside 도시지역 and 지구단위계획구역 건축법 §3② lifts §44–47 and "
        "the city's 진입도로 rule applies) and slope (개발행위허가 평균경사도: 18° in 시가화·유보 "
        "용도, 11° in 보전 용도; over it is 도시계획위원회 심의).\n\n"
        "A site across several zones follows 국토계획법 §84: if the smallest part is "
        "at most 330 m², ratios are area-weighted and the use follows the "
        "largest part; otherwise each part keeps its own rules (a proposal that "
        "fits every part wherever it is placed passes).\n\n"
        "Verdicts: 허가 가능 / 불가 / 검토 필요 (심의·협의, or 자료 보완). Every finding cites "
        "its basis; a permitted application lists the criteria it passed; 조례 "
        "values not yet checked against the text still decide and the summary "
        "says 조례 확인 필요.\n\n"
        "APPLICATIONS: application_id, pnu (or a site polygon), permit_kind, "
        "proposed_use (건축법 시행령 별표 1 용도), optional use_detail (세부용도: 아파트, 다가구주택, "
        "단란주점, 금속 주조업, 농업용 창고 ...; Korean headers such as 세부용도, 용도, 층수 are "
        "accepted), building_area, floor_area_above, floors, height, optional "
        "use_floor_area.\n\n"
        "Rule tables: ZONING_RULES replaces resources/rules/zoning_limits.csv "
        "(coverage, floor area ratio and slope per UQ code; put the 김포 조례 value "
        "in the 'ordinance' tier rows with status gathered once checked) and "
        "USE_RULES replaces resources/rules/use_in_zone.csv (one row per zone, "
        "use and 세부용도; fill the 'gimpo' column with 허용 or 불허 where the 김포시 도시계획 "
        "조례 decides a 조례 line). Copy the bundled file, edit it, and give its "
        "path; a table with a bad row is refused with the row number.\n\n"
        "Output: a GeoPackage with the 'summary' layer (styled by verdict; "
        "use_status, use_basis with the 별표) and the 'findings' table; with a "
        "REPORT_FOLDER, an HTML page per application (up to MAX_REPORTS) with a "
        "map."
    )

    APPLICATIONS = "APPLICATIONS"
    PARCELS = "PARCELS"
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
            self.APPLICATIONS, self.tr("Permit applications (table or layer)"), [QgsProcessing.TypeVector]
        )
        applications.setHelp(self.tr("One row per application; the site is the parcel with its pnu."))
        self.addParameter(applications)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.PARCELS, self.tr("Parcels (연속지적도, with PNU)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ZONING, self.tr("Zoning (용도지역, field uq_code)"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.OVERLAYS,
                self.tr("Overlays (fields kind, subkind, max_height_m)"),
                [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ROADS, self.tr("Roads (with width_m)"), [QgsProcessing.TypeVectorAnyGeometry], optional=True
            )
        )
        self.addParameter(QgsProcessingParameterRasterLayer(self.DEM, self.tr("DEM (metres)"), optional=True))
        self.addParameter(
            QgsProcessingParameterFile(
                self.ZONING_RULES,
                self.tr("Zoning limits table (default: bundled zoning_limits.csv)"),
                extension="csv",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.USE_RULES,
                self.tr("Use-in-zone table (default: bundled use_in_zone.csv, 시행령 별표 2–22)"),
                extension="csv",
                optional=True,
            )
        )
        self.addParameter(
            parameters.vector_destination(self, self.OUTPUT, "Permit check result (GeoPackage or PostGIS)")
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                self.REPORT_FOLDER, self.tr("HTML reports folder"), optional=True, createByDefault=False
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_REPORTS,
                self.tr("Most report pages to write"),
                QgsProcessingParameterNumber.Type.Integer,
                50,
                True,
                0,
            )
        )
        self.addOutput(QgsProcessingOutputVectorLayer("SUMMARY", self.tr("Verdicts")))
        self.addOutput(QgsProcessingOutputFolder("REPORTS", self.tr("HTML reports")))
        for name in ("PERMITTED", "CONDITIONAL", "NOT_PERMITTED", "INSUFFICIENT_DATA"):
            self.addOutput(QgsProcessingOutputNumber(name, name.lower()))

    def _read_table(self, parameters, context, feedback) -> pd.DataFrame:
        """Applications as a (Geo)DataFrame: spatial layers through read_source, tables as they are."""
        source = self.parameterAsSource(parameters, self.APPLICATIONS, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.APPLICATIONS))
        if source.wkbType() not in (0, 100):  # NoGeometry / Unknown: a plain table
            return read_source(self, parameters, self.APPLICATIONS, context, feedback)
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, self.APPLICATIONS, context, ["gpkg", "csv"], "gpkg", feedback
        )
        try:
            frame = pyogrio.read_dataframe(path, layer=layer or None, read_geometry=False)
        except Exception as exc:  # pyogrio raises several types; all mean "cannot read"
            raise InputError(f"Cannot read the applications {path}: {exc}") from exc
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
                f"The parcels layer has no PNU field (fields: {', '.join(names[:12])}).",
                "Give the 연속지적도 layer with its 19-digit PNU field.",
            )
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, self.PARCELS, context, ["gpkg", "shp"], "gpkg", feedback
        )
        pnus = sorted({p for p in applications.get("pnu", pd.Series(dtype=str)).fillna("").astype(str) if p.isdigit()})
        crs = source.sourceCrs().authid()
        if not path.lower().endswith(".gpkg") or not pnus or len(pnus) > 20_000 or crs != DEFAULT_CRS:
            return read_source(self, parameters, self.PARCELS, context, feedback)
        where = f'"{field}" IN ({",".join(repr(p) for p in pnus)})'
        try:
            frame = pyogrio.read_dataframe(path, layer=layer or None, where=where)
        except Exception as exc:  # pyogrio raises several types; all mean "cannot read"
            raise InputError(f"Cannot read the parcels {path}: {exc}") from exc
        return frame.set_crs(DEFAULT_CRS, allow_override=True)

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        rules = load_rules(
            zoning=self.optional_file(parameters, self.ZONING_RULES, context),
            uses=self.optional_file(parameters, self.USE_RULES, context),
        )
        applications = self._read_table(parameters, context, feedback)
        progress.set(0.05)
        parcels = self._read_parcels(parameters, context, feedback, applications)
        zoning = read_source(self, parameters, self.ZONING, context, feedback)
        overlays = (
            read_source(self, parameters, self.OVERLAYS, context, feedback) if parameters.get(self.OVERLAYS) else None
        )
        roads = read_source(self, parameters, self.ROADS, context, feedback) if parameters.get(self.ROADS) else None
        dem_layer = self.parameterAsRasterLayer(parameters, self.DEM, context)
        dem_path = None
        if dem_layer is not None:
            if dem_layer.crs().authid() != DEFAULT_CRS:
                raise QgsProcessingException(
                    self.tr("The DEM is in {}; give it in {} (warp it with gdal:warpreproject).").format(
                        dem_layer.crs().authid() or "an unknown CRS", DEFAULT_CRS
                    )
                )
            dem_path = dem_layer.source()
        else:
            feedback.pushWarning(self.tr("No DEM given: the slope check is skipped for every application."))
        progress.set(0.25)
        result = check_permits(
            applications, parcels, zoning, overlays, roads, dem_path, rules, progress.sub(0.25, 0.85)
        )
        write_permit_outputs(output.destination, result)
        progress.set(0.9)
        counts = result.summary["verdict"].value_counts()
        feedback.pushInfo(
            self.tr("{} applications: {}").format(
                len(result.summary), ", ".join(f"{k} {int(v)}" for k, v in counts.items())
            )
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
            "SUMMARY": output.layer("summary"),
            "REPORTS": reports,
            "PERMITTED": int(counts.get("permitted", 0)),
            "CONDITIONAL": int(counts.get("conditional", 0)),
            "NOT_PERMITTED": int(counts.get("not_permitted", 0)),
            "INSUFFICIENT_DATA": int(counts.get("insufficient_data", 0)),
        }
