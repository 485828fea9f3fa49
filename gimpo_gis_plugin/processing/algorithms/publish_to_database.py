"""gimpo:publishtodatabase: load a GeoPackage (the sample city, an office's files) into a PostGIS schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterProviderConnection,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsVectorLayer,
)
from qgis.PyQt.QtXml import QDomDocument

from ...core import store
from ...core.errors import CrsError, InputError
from ...core.progress import Progress
from ...core.vector_io import DEFAULT_CRS
from ..base import GimpoAlgorithm
from ..database import resolve_database


class PublishToDatabase(GimpoAlgorithm):
    ALGORITHM_ID = "publishtodatabase"
    DISPLAY_NAME = "통합DB 게시"
    GROUP_ID = "database"
    HELP = (
        "GeoPackage의 모든 레이어(예: 예제 도시)와 더 추가한 레이어(부서의 셰이프파일)를 시의 PostgreSQL/PostGIS "
        "데이터베이스(통합DB)의 한 스키마에 올려, 모든 부서가 같은 자료를 엽니다.\n\n"
        "레이어마다 EPSG:5186 테이블이 되며 기본키(fid), 공간 인덱스, 스타일(QGIS layer_styles 테이블의 기본 스타일)을 "
        "갖습니다: 동료가 QGIS에서 테이블을 추가하면 스타일이 적용되어 보입니다. 같은 이름의 테이블은 바꿉니다. 게시 "
        "전체가 한 트랜잭션이라 오류(또는 취소) 때는 데이터베이스가 그대로 남습니다.\n\n"
        "DATABASE: QGIS에 저장된 PostgreSQL 연결, 또는(qgis_process에서) postgresql://사용자@호스트:5432/gimpo 나 "
        "PG:dbname=gimpo host=... 같은 URI. 비밀번호는 로그와 결과에 남지 않습니다. SCHEMA: 없으면 만듭니다."
    )

    INPUT = "INPUT"
    LAYERS = "LAYERS"
    DATABASE = "DATABASE"
    SCHEMA = "SCHEMA"
    TABLES = "TABLES"
    FEATURE_COUNT = "FEATURE_COUNT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        source = QgsProcessingParameterFile(
            self.INPUT,
            self.tr("게시할 GeoPackage (또는 다른 벡터 파일)"),
            QgsProcessingParameterFile.Behavior.File,
            optional=True,
            fileFilter=self.tr("벡터 파일 (*.gpkg *.shp *.geojson *.json *.fgb);;모든 파일 (*)"),
        )
        source.setHelp(self.tr("안의 모든 레이어와 테이블을 내장 스타일과 함께 게시합니다."))
        self.addParameter(source)
        layers = QgsProcessingParameterMultipleLayers(
            self.LAYERS, self.tr("추가 레이어"), QgsProcessing.TypeVector, optional=True
        )
        layers.setHelp(self.tr("레이어 이름 그대로, 현재 스타일과 함께 게시합니다."))
        self.addParameter(layers)
        database = QgsProcessingParameterProviderConnection(
            self.DATABASE, self.tr("데이터베이스 (PostgreSQL 연결 또는 URI)"), "postgres"
        )
        database.setHelp(self.tr("QGIS에 저장된 PostgreSQL 연결; qgis_process에서는 URI도 됩니다."))
        self.addParameter(database)
        schema = QgsProcessingParameterString(self.SCHEMA, self.tr("스키마"), "gimpo")
        schema.setHelp(self.tr("없으면 만듭니다. 같은 이름의 테이블은 바꿉니다."))
        self.addParameter(schema)
        self.addOutput(QgsProcessingOutputString(self.DATABASE, self.tr("데이터베이스 (비밀번호 없이)")))
        self.addOutput(QgsProcessingOutputString(self.SCHEMA, self.tr("스키마")))
        self.addOutput(QgsProcessingOutputString(self.TABLES, self.tr("쓴 테이블 (쉼표로 구분)")))
        self.addOutput(QgsProcessingOutputNumber(self.FEATURE_COUNT, self.tr("쓴 행 수")))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        destination = resolve_database(self.parameterAsConnectionName(parameters, self.DATABASE, context))
        target = store.parse_postgres(destination)
        schema = self.parameterAsString(parameters, self.SCHEMA, context).strip() or target.schema or "gimpo"
        layers, styles = self._read_inputs(parameters, context, feedback)
        progress.set(0.2)
        if not layers:
            raise QgsProcessingException(
                self.tr("게시할 것이 없습니다: GeoPackage(INPUT)나 추가 레이어(LAYERS)를 주세요.")
            )
        store.write_layers(destination, layers, styles, progress=progress.sub(0.2, 1.0), schema=schema)
        rows = sum(len(frame) for frame in layers.values())
        progress.info(
            self.tr("테이블 {}개({}행, 스타일 {}개)를 {}, 스키마 {}에 게시했습니다").format(
                len(layers), rows, len(styles), target.describe(), schema
            )
        )
        return {
            self.DATABASE: target.describe(),
            self.SCHEMA: schema,
            self.TABLES: ",".join(layers),
            self.FEATURE_COUNT: rows,
        }

    def _read_inputs(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
        layers: dict[str, Any] = {}
        styles: dict[str, str] = {}
        path = self.parameterAsFile(parameters, self.INPUT, context)
        if path:
            if not Path(path).exists():
                raise InputError(f"Input {path} does not exist.", "Check the path.")
            for name, frame in store.read_layers(path).items():
                layers[name] = _in_city_crs(frame, f"{path} (layer {name})")
            styles.update(store.read_styles(path, list(layers)))
        for layer in self.parameterAsLayerList(parameters, self.LAYERS, context):
            if not isinstance(layer, QgsVectorLayer):
                continue
            name = layer.name()
            if name in layers:
                raise InputError(
                    f"Two layers are called '{name}'; each becomes a table, so names must differ.",
                    "Rename one of the layers.",
                )
            file, layer_name = QgsProcessingUtils.convertToCompatibleFormatAndLayerName(
                layer, False, name, ["gpkg", "shp"], "gpkg", context, feedback
            )
            frames = store.read_layers(file, [layer_name] if layer_name else None)
            frame = next(iter(frames.values()))
            if isinstance(frame, gpd.GeoDataFrame) and layer.crs().isValid() and layer.crs().authid():
                frame = frame.set_crs(layer.crs().authid(), allow_override=True)
            layers[name] = _in_city_crs(frame, f"layer {name} ({layer.source()})")
            document = QDomDocument()
            if not layer.exportNamedStyle(document):
                styles[name] = document.toString()
        return layers, styles


def _in_city_crs(frame, label: str):
    """The integrated database keeps every layer in EPSG:5186, so layers line up for every department."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame
    if frame.crs is None:
        raise CrsError(f"{label} has no coordinate reference system.", f"Set its CRS (usually {DEFAULT_CRS}).")
    return frame if frame.crs.equals(DEFAULT_CRS) else frame.to_crs(DEFAULT_CRS)
