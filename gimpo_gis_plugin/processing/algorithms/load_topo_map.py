"""gimpo:loadtopomap: an NGII 수치지형도 v2.0 delivery as one styled layer per layer code, sheets merged."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingUtils,
    QgsProject,
)

from ...core.basemap.topomap import load_topo_map
from ...core.progress import Progress
from ..base import GimpoAlgorithm
from ..outputs import DATABASE_OUTPUT_HELP


class _DefaultStyle(QgsProcessingLayerPostProcessorInterface):
    """Processing opens result layers without their default style: load the one stored with the layer."""

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802 - QGIS API name
        layer.loadDefaultStyle()
        layer.triggerRepaint()


# LayerDetails keeps only a raw pointer to its post-processor: keep the Python objects alive.
_POST_PROCESSORS: list[_DefaultStyle] = []


class LoadTopoMap(GimpoAlgorithm):
    ALGORITHM_ID = "loadtopomap"
    DISPLAY_NAME = "수치지형도 v2.0 불러오기 (NGII topographic map)"
    GROUP_ID = "data"
    HELP = (
        "국토지리정보원 수치지형도 v2.0 (1/1,000, 1/5,000) SHP 납품 폴더를 읽습니다. 도엽(map sheet)마다 있는 폴더나 "
        "zip 안의 N3A_B0010000.shp 같은 파일을 레이어 코드로 알아보고(지형지물 표준코드), 같은 코드의 도엽들을 "
        "레이어 하나로 합쳐 한국어 이름(예: 건물_B0010000)과 스타일을 붙여 GeoPackage에 씁니다. 각 객체에는 도엽 번호"
        "(sheet)와 축척(scale)이 붙습니다. .cpg 없는 CP949 .dbf도 바르게 읽고, 두 폴더에 같은 도엽이 있으면 한 번만, "
        "같은 UFID가 두 도엽에 있으면 한 번만 씁니다. 코드 이름이 아닌 파일은 로그에 밝히고 건너뜁니다.\n\n"
        "CRS는 .prj가 없는 파일의 좌표계입니다 (기본 EPSG:5186)."
    )

    INPUT = "INPUT"
    CRS = "CRS"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT, self.tr("수치지형도 납품 폴더"), QgsProcessingParameterFile.Behavior.Folder
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs(self.CRS, self.tr(".prj 없는 파일의 좌표계"), "EPSG:5186", optional=True)
        )
        output = QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("수치지형도 (GeoPackage 또는 PostGIS)"), self.tr("GeoPackage (*.gpkg)")
        )
        output.setHelp(self.tr(DATABASE_OUTPUT_HELP))
        self.addParameter(output)

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        output = self.destination(parameters, self.OUTPUT, context)  # checked before any work
        folder = self.parameterAsFile(parameters, self.INPUT, context)
        chosen = self.parameterAsCrs(parameters, self.CRS, context)
        crs = chosen.authid() if chosen.isValid() and chosen.authid() else "EPSG:5186"
        topo = load_topo_map(folder, crs, progress.sub(0.0, 0.8))
        for reason in topo.skipped:
            feedback.pushWarning(self.tr("건너뜀: {}").format(reason))
        layers = output.write(topo.layers, topo.styles, topo.titles)
        feedback.pushInfo(
            self.tr("도엽 {}장, 레이어 {}개 ({}), 중복 객체 {}개 제외").format(
                len(topo.sheets), len(topo.layers), ", ".join(topo.layers), topo.duplicates
            )
        )
        project = context.project() or QgsProject.instance()
        for name, source in layers.items():  # each code on the map, styled, under its Korean title
            details = QgsProcessingContext.LayerDetails(
                topo.titles.get(name, name), project, name, QgsProcessingUtils.LayerHint.Vector
            )
            _POST_PROCESSORS.append(_DefaultStyle())
            del _POST_PROCESSORS[:-200]
            details.setPostProcessor(_POST_PROCESSORS[-1])
            context.addLayerToLoadOnCompletion(source, details)
        return {self.OUTPUT: output.given, "SHEETS": len(topo.sheets), **layers}
