"""gimpo:publishwebmap: 대민서비스 web map — one static folder (index.html) that opens offline from disk."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsMapLayer,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputFolder,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsVectorFileWriter,
)
from qgis.PyQt.QtXml import QDomDocument

from ...core.errors import InputError
from ...core.geopackage import check_writable
from ...core.progress import Progress
from ...core.vector_io import read_vector
from ...core.webmap import PublishOptions, RasterInput, VectorInput, publish_web_map
from ...core.webmap.publish import DEFAULT_COUNT_FIELDS
from ...core.webmap.qml import sidecar_qml, stored_qml
from ..base import GimpoAlgorithm


class PublishWebMap(GimpoAlgorithm):
    ALGORITHM_ID = "publishwebmap"
    DISPLAY_NAME = "대민 웹 지도 게시 (Publish web map)"
    GROUP_ID = "maps"
    HELP = (
        "히트맵·통계지도·정책지도와 경계 레이어를 폴더 하나(index.html)로 씁니다. 서버 없이 디스크(file://)나 USB에서 "
        "바로 열리고, 인터넷 없이도 보입니다(MapLibre GL JS 포함, 라이선스 동봉). QGIS 스타일(분류, 색, 범례)과 "
        "한국어 라벨을 그대로 옮기고, 팝업에는 게시하는 속성만 보입니다(POPUP_FIELDS, 비우면 스타일의 분류 필드와 "
        "라벨 필드).\n\n"
        "개인정보 보호: 납세자·소유자 성명, 주민등록번호, 전화번호 필드(이름 또는 값 모양으로 찾음)가 있는 레이어는 "
        "필드를 밝혀 거부합니다. 점 레이어는 그대로 게시하지 않습니다: 민원·사건 점은 EVENTS로 주면 CELL_SIZE 격자로 "
        "집계해 K건 이상인 칸만 게시하고, 히트맵은 게시한 칸의 집계값으로만 계산합니다. 다른 레이어의 건수 필드"
        "(COUNT_FIELDS와 n_로 시작하는 필드)도 K건 미만이거나, 겹치는 레이어끼리 빼서 K건 미만이 드러나면 비공개로 "
        "하고 범례에 알립니다. 점 자료로 만든 히트맵 래스터는 RASTERS로 주지 말고 점을 EVENTS로 주세요.\n\n"
        "배경지도: V-World는 보는 사람이 지도에서 켜고 자기 인증키를 넣을 때만 불러옵니다(키는 출력에 없음)."
    )

    VECTORS = "VECTORS"
    RASTERS = "RASTERS"
    EVENTS = "EVENTS"
    EVENTS_TITLE = "EVENTS_TITLE"
    TITLE = "TITLE"
    K = "K"
    CELL_SIZE = "CELL_SIZE"
    HEAT_RADIUS = "HEAT_RADIUS"
    LAYER_TITLES = "LAYER_TITLES"
    POPUP_FIELDS = "POPUP_FIELDS"
    COUNT_FIELDS = "COUNT_FIELDS"
    OUTPUT = "OUTPUT"
    INDEX = "INDEX"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.VECTORS, self.tr("게시할 벡터 레이어 (통계·정책지도, 경계)"),
                QgsProcessing.TypeVectorAnyGeometry, optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.RASTERS, self.tr("게시할 래스터 (GeoTIFF)"), QgsProcessing.TypeRaster, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.EVENTS, self.tr("집계할 사건 점 (민원·사건)"), [QgsProcessing.TypeVectorPoint], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.EVENTS_TITLE, self.tr("사건 레이어 이름"), "민원 (격자 집계)")
        )
        self.addParameter(QgsProcessingParameterString(self.TITLE, self.tr("지도 제목"), "김포시 대민 지도"))
        self.addParameter(
            QgsProcessingParameterString(
                self.LAYER_TITLES, self.tr("레이어 이름 (;로 구분, 벡터 다음 래스터 순서; 비우면 레이어 이름)"), "",
                optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterNumber(
                self.K, self.tr("칸마다 최소 건수 k"), QgsProcessingParameterNumber.Type.Integer, 5, False, 2, 1000
            )
        )
        for name, label, default in (
            (self.CELL_SIZE, "집계 격자 크기 (m)", 250.0),
            (self.HEAT_RADIUS, "히트맵 반경 (m)", 500.0),
        ):
            self.addParameter(
                QgsProcessingParameterNumber(
                    name, self.tr(label), QgsProcessingParameterNumber.Type.Double, default, False, 10.0, 100000.0
                )
            )
        self.addParameter(
            QgsProcessingParameterString(self.POPUP_FIELDS, self.tr("팝업에 게시할 필드 (;로 구분)"), "", optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.COUNT_FIELDS, self.tr("사건 건수 필드 (;로 구분, 기본 목록에 더함)"), "", optional=True
            )
        )
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT, self.tr("웹 지도 폴더")))
        self.addOutput(QgsProcessingOutputFolder(self.OUTPUT, self.tr("웹 지도 폴더")))
        self.addOutput(QgsProcessingOutputFile(self.INDEX, self.tr("웹 지도 첫 화면 (index.html)")))

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        folder = Path(self.parameterAsString(parameters, self.OUTPUT, context))
        check_writable(folder)  # its parent must take a new folder: checked before any work
        with tempfile.TemporaryDirectory(prefix="gimpo-webmap-") as scratch:
            vectors = [
                self._vector_input(layer, context, Path(scratch))
                for layer in self.parameterAsLayerList(parameters, self.VECTORS, context)
            ]
            rasters = [
                self._raster_input(layer, context)
                for layer in self.parameterAsLayerList(parameters, self.RASTERS, context)
            ]
            events = None
            if parameters.get(self.EVENTS) not in (None, "") and self.parameterAsSource(
                parameters, self.EVENTS, context
            ):
                events = self.read_layer(parameters, self.EVENTS, context, feedback)
            titles = _names(self.parameterAsString(parameters, self.LAYER_TITLES, context))
            for item, title in zip([*vectors, *rasters], titles, strict=False):
                item.title = title
            if not vectors and not rasters and events is None:
                raise InputError("게시할 레이어가 없습니다.", "VECTORS, RASTERS 또는 EVENTS 중 하나 이상을 주세요.")
            options = PublishOptions(
                title=self.parameterAsString(parameters, self.TITLE, context) or "김포시 대민 지도",
                k=self.parameterAsInt(parameters, self.K, context),
                cell_size=self.parameterAsDouble(parameters, self.CELL_SIZE, context),
                heat_radius=self.parameterAsDouble(parameters, self.HEAT_RADIUS, context),
                events_title=self.parameterAsString(parameters, self.EVENTS_TITLE, context) or "민원 (격자 집계)",
                count_fields=DEFAULT_COUNT_FIELDS
                + _names(self.parameterAsString(parameters, self.COUNT_FIELDS, context)),
                popup_fields=_names(self.parameterAsString(parameters, self.POPUP_FIELDS, context)),
            )
            result = publish_web_map(folder, vectors, rasters, events, options, progress)
        for note in result.notes:
            feedback.pushInfo(note)
        for layer_id, count in result.withheld.items():
            if count:
                feedback.pushInfo(self.tr("{}: {}곳 비공개 (k건 미만 또는 차분 보호)").format(layer_id, count))
        feedback.pushInfo(self.tr("웹 지도: {}").format(result.index))
        return {self.OUTPUT: str(folder), self.INDEX: str(result.index)}

    # -- inputs ------------------------------------------------------------------------------------------

    def _project_style(self, layer: QgsMapLayer, context: QgsProcessingContext) -> str | None:
        """The style the user sees, when the layer is one of the project's (not opened for this run)."""
        project = context.project()
        if project is None or project.mapLayer(layer.id()) is None:
            return None
        document = QDomDocument()
        layer.exportNamedStyle(document)
        return document.toString()

    def _vector_input(self, layer: QgsMapLayer, context: QgsProcessingContext, scratch: Path) -> VectorInput:
        source = layer.source()
        path, _, rest = source.partition("|")
        name = next((p.split("=", 1)[1] for p in rest.split("|") if p.startswith("layername=")), None)
        if layer.providerType() != "ogr" or not Path(path).is_file():
            path = str(scratch / f"{layer.id()}.gpkg")
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.driverName = "GPKG"
            error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context.transformContext(), options)
            if error[0] != QgsVectorFileWriter.WriterError.NoError:
                raise InputError(f"레이어 '{layer.name()}'를 읽을 수 없습니다: {error[1]}")
            name = None
        crs = layer.crs().authid() or None
        frame = read_vector(path, name, crs=crs)
        qml = self._project_style(layer, context)
        if qml is None and path.lower().endswith(".gpkg"):
            qml = stored_qml(path, name or Path(path).stem)
        if qml is None:
            qml = sidecar_qml(path)
        if qml is None:
            document = QDomDocument()
            layer.exportNamedStyle(document)
            qml = document.toString()
        self.validate_extent_of(frame, layer.name())
        title = name if name and layer.name() == Path(path).stem else layer.name()
        return VectorInput(title, frame, qml, source)

    def validate_extent_of(self, frame, title: str) -> None:
        if frame.empty:
            raise InputError(f"레이어 '{title}'에 도형이 없습니다.", "도형이 있는 레이어를 주세요.")

    def _raster_input(self, layer: QgsMapLayer, context: QgsProcessingContext) -> RasterInput:
        path = Path(layer.source())
        qml = self._project_style(layer, context) or sidecar_qml(path)
        return RasterInput(layer.name(), path, qml)


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())
