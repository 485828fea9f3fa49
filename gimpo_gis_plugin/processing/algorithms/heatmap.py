"""gimpo:heatmap: kernel density (히트맵) like qgis:heatmapkerneldensityestimation, faster, and more."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsWkbTypes,
)

from ...core.heatmap import (
    HeatmapOptions,
    Kernel,
    kernel_density,
    mask_outside,
    rate_surface,
    read_points,
    time_slices,
    write_geotiff,
)
from ...core.heatmap.bandwidth import RULES
from ...core.heatmap.grid import check_size, qgis_grid
from ...core.heatmap.points import points_from_arrays
from ...core.progress import Progress
from ..base import GimpoAlgorithm, LayerOutput
from ..outputs import raster_output

KERNEL_LABELS = [
    "사차(Quartic)",
    "삼각(Triangular)",
    "균등(Uniform)",
    "삼중가중(Triweight)",
    "에파네크니코프(Epanechnikov)",
    "가우시안(Gaussian)",
]
SLICES = ["", "month", "quarter"]


class Heatmap(GimpoAlgorithm):
    ALGORITHM_ID = "heatmap"
    DISPLAY_NAME = "히트맵 (커널 밀도)"
    GROUP_ID = "maps"
    HELP = (
        "점(예: 민원)의 커널 밀도를 GeoTIFF로 쓰고, 열면 스타일이 적용됩니다. QGIS의 '히트맵(커널 밀도 추정)'과 같은 "
        "매개변수(INPUT, RADIUS, RADIUS_FIELD, PIXEL_SIZE, WEIGHT_FIELD, KERNEL 0 사차..4 에파네크니코프, DECAY, "
        "OUTPUT_VALUE)를 주면 QGIS와 같은 격자와 같은 값을 훨씬 빨리 계산합니다.\n\n"
        "QGIS에 없는 기능: KERNEL 5는 가우시안(RADIUS는 표준편차 σ, 4 σ에서 자름); RADIUS를 비우면 자동 반경"
        "(Silverman 또는 Scott, 로그에 표시); MASK는 경계(예: 행정동) 밖을 비웁니다; TIME_FIELD와 TIME_SLICE로 월별·"
        "분기별 밴드를 씁니다; RATE_POPULATION(RATE_POPULATION_FIELD가 있는 점 또는 면)을 주면 주민 RATE_PER명당 "
        "건수가 되며, 빈 지역이 튀지 않도록 RATE_FLOOR명을 가장 작은 분모로 씁니다.\n\n"
        "경위도 점은 EPSG:5186으로 바꿔 계산합니다(경고로 알림). 가중치가 비어 있으면 QGIS처럼 0으로 셉니다."
    )
    MAP_LAYERS = (LayerOutput("heatmap", "히트맵", None),)

    INPUT = "INPUT"
    RADIUS = "RADIUS"
    RADIUS_FIELD = "RADIUS_FIELD"
    PIXEL_SIZE = "PIXEL_SIZE"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    KERNEL = "KERNEL"
    DECAY = "DECAY"
    OUTPUT_VALUE = "OUTPUT_VALUE"
    BANDWIDTH_RULE = "BANDWIDTH_RULE"
    MASK = "MASK"
    TIME_FIELD = "TIME_FIELD"
    TIME_SLICE = "TIME_SLICE"
    RATE_POPULATION = "RATE_POPULATION"
    RATE_POPULATION_FIELD = "RATE_POPULATION_FIELD"
    RATE_PER = "RATE_PER"
    RATE_FLOOR = "RATE_FLOOR"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("점 레이어"), [QgsProcessing.TypeVectorPoint])
        )
        radius = QgsProcessingParameterDistance(self.RADIUS, self.tr("반경 (m)"), None, self.INPUT, True, 0.0)
        radius.setHelp(self.tr("검색 반경 (m). 비우면 자동 (BANDWIDTH_RULE)."))
        self.addParameter(radius)
        self._advanced(
            QgsProcessingParameterField(
                self.RADIUS_FIELD, self.tr("반경 필드"), None, self.INPUT,
                QgsProcessingParameterField.DataType.Numeric, optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, self.tr("픽셀 크기 (m)"), QgsProcessingParameterNumber.Type.Double, 10.0, False, 0.0
            )
        )
        self._advanced(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD, self.tr("가중치 필드"), None, self.INPUT,
                QgsProcessingParameterField.DataType.Numeric, optional=True,
            )
        )  # fmt: skip
        self._advanced(QgsProcessingParameterEnum(self.KERNEL, self.tr("커널 모양"), KERNEL_LABELS, False, 0))
        self._advanced(
            QgsProcessingParameterNumber(
                self.DECAY, self.tr("감쇠 비율 (삼각 커널만)"), QgsProcessingParameterNumber.Type.Double,
                0.0, True, -100.0, 100.0,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterEnum(
                self.OUTPUT_VALUE, self.tr("출력 값 척도"), [self.tr("원값"), self.tr("척도 조정")], False, 0
            )
        )
        self._advanced(
            QgsProcessingParameterEnum(self.BANDWIDTH_RULE, self.tr("자동 반경 규칙"), ["Silverman", "Scott"], False, 0)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.MASK, self.tr("마스크 면 (예: 시 경계)"), [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterField(
                self.TIME_FIELD, self.tr("시간 구간용 날짜 필드"), None, self.INPUT,
                QgsProcessingParameterField.DataType.Any, optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterEnum(
                self.TIME_SLICE, self.tr("시간 구간"), [self.tr("없음"), self.tr("월별"), self.tr("분기별")], False, 0
            )
        )
        self._advanced(
            QgsProcessingParameterFeatureSource(
                self.RATE_POPULATION, self.tr("비율용 인구 (점 또는 면)"),
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon], optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterField(
                self.RATE_POPULATION_FIELD, self.tr("인구 필드"), None, self.RATE_POPULATION,
                QgsProcessingParameterField.DataType.Numeric, optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterNumber(
                self.RATE_PER,
                self.tr("비율 기준 주민 수 (명당)"),
                QgsProcessingParameterNumber.Type.Double,
                1000.0,
                True,
                0.0,
            )
        )
        self._advanced(
            QgsProcessingParameterNumber(
                self.RATE_FLOOR, self.tr("비율 최소 분모 (명)"), QgsProcessingParameterNumber.Type.Double,
                100.0, True, 0.0,
            )
        )  # fmt: skip
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("히트맵")))
        self.addOutput(QgsProcessingOutputNumber("RADIUS_USED", self.tr("사용한 반경 (m)")))

    def _check_memory_up_front(self, source: Any, parameters: dict[str, Any], context: QgsProcessingContext) -> None:
        """Refuse, before a single point is read, a heat map the process has no memory for: the grid from
        the layer's extent, radius and pixel size, the points from its feature count (core/resources.py).
        The engine checks again with the exact grid once the points (and an automatic radius) are known."""
        crs = source.sourceCrs()
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        extent = source.sourceExtent()
        if not (crs.isValid() and not crs.isGeographic() and pixel > 0 and not extent.isNull()):
            return
        radius = self.optional_number(parameters, self.RADIUS, context) or pixel  # automatic radius: at least 1 pixel
        bounds = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
        if not (np.isfinite(bounds).all() and np.isfinite(radius)):
            return  # the engine refuses infinite coordinates itself
        grid = qgis_grid(bounds, radius, pixel)
        check_size(grid, 1, 0, "히트맵 (heat map)", max(source.featureCount(), 0))

    def _advanced(self, parameter: QgsProcessingParameterDefinition) -> None:
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(parameter)

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        if QgsWkbTypes.geometryType(source.wkbType()) != QgsWkbTypes.PointGeometry:
            raise QgsProcessingException(
                self.tr("{}: 점 레이어여야 합니다. {}은(는) {} 도형입니다. 먼저 중심점(centroid)으로 바꾸세요.").format(
                    self.label(self.INPUT),
                    source.sourceName(),
                    QgsWkbTypes.displayString(source.wkbType()),
                )
            )
        if source.featureCount() == 0:
            self.validate_layer_input(pd.DataFrame(), self.INPUT)  # the empty-layer refusal, in the shared words
        self._check_memory_up_front(source, parameters, context)
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, self.INPUT, context, ["gpkg", "shp"], "gpkg", feedback
        )
        crs = source.sourceCrs()
        crs_text = (crs.authid() or crs.toWkt()) if crs.isValid() else None
        time_field = self.optional_text(parameters, self.TIME_FIELD, context)
        slice_kind = SLICES[self.parameterAsEnum(parameters, self.TIME_SLICE, context)]
        if slice_kind and not time_field:
            raise QgsProcessingException(
                self.tr("시간 구간(TIME_SLICE)에는 날짜 필드(TIME_FIELD, 예: received_date)가 필요합니다.")
            )
        points = read_points(
            path,
            layer or None,
            weight_field=self.optional_text(parameters, self.WEIGHT_FIELD, context),
            radius_field=self.optional_text(parameters, self.RADIUS_FIELD, context),
            date_field=time_field if slice_kind else None,
            crs=crs_text,
        )
        finite = np.isfinite(points.x) & np.isfinite(points.y)
        if finite.any():
            x, y = points.x[finite], points.y[finite]
            self.validate_extent((x.min(), y.min(), x.max(), y.max()), points.crs, self.INPUT)
        options = HeatmapOptions(
            pixel_size=self.parameterAsDouble(parameters, self.PIXEL_SIZE, context),
            radius=self.optional_number(parameters, self.RADIUS, context),
            kernel=Kernel(self.parameterAsEnum(parameters, self.KERNEL, context)),
            decay=self.parameterAsDouble(parameters, self.DECAY, context),
            scaled=self.parameterAsEnum(parameters, self.OUTPUT_VALUE, context) == 1,
            bandwidth_rule=RULES[self.parameterAsEnum(parameters, self.BANDWIDTH_RULE, context)],
        )
        population_given = self.is_given(parameters, self.RATE_POPULATION)
        if population_given and options.scaled:
            progress.warn(self.tr("비율은 원래 밀도로 계산하므로 출력 값 척도(OUTPUT_VALUE)는 쓰지 않습니다."))
            options.scaled = False
        if slice_kind:
            result = time_slices(points, options, slice_kind, progress.sub(0.0, 0.7))
        else:
            result = kernel_density(points, options, progress.sub(0.0, 0.7))
        if population_given:
            result = rate_surface(
                result,
                self._population(parameters, context, feedback, result.crs),
                options,
                per=_default(self.optional_number(parameters, self.RATE_PER, context), 1000.0),
                floor=_default(self.optional_number(parameters, self.RATE_FLOOR, context), 100.0),
                progress=progress.sub(0.7, 0.9),
            )
        if self.is_given(parameters, self.MASK):
            boundary = self.read_layer(parameters, self.MASK, context, feedback, target_crs=result.crs)
            result = mask_outside(result, [g for g in boundary.geometry if g is not None and not g.is_empty])
        output = raster_output(self, parameters, self.OUTPUT, context)
        written = write_geotiff(output, result.bands, result.grid, result.crs, result.descriptions)
        radius = result.radius if result.radius is not None else float("nan")
        self.load_raster(context, written, "히트맵", self.OUTPUT)
        progress.info(
            self.tr("히트맵 {} × {} 셀, 밴드 {}개, 반경 {} m: {}").format(
                result.grid.cols, result.grid.rows, len(result.bands), f"{radius:.1f}", written
            )
        )
        return {self.OUTPUT: str(written), "RADIUS_USED": radius}

    def _population(self, parameters, context, feedback, crs):
        frame = self.read_layer(parameters, self.RATE_POPULATION, context, feedback, target_crs=crs)
        field = self.parameterAsString(parameters, self.RATE_POPULATION_FIELD, context)
        if not field:
            raise QgsProcessingException(
                self.tr(
                    "비율용 인구(RATE_POPULATION)에는 인구 필드(RATE_POPULATION_FIELD, 예: population)가 필요합니다."
                )
            )
        if field not in frame.columns:
            raise QgsProcessingException(self.tr("인구 레이어에 {} 필드가 없습니다.").format(field))
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        centres = frame.geometry.representative_point() if not (frame.geom_type == "Point").all() else frame.geometry
        return points_from_arrays(
            centres.x.to_numpy(), centres.y.to_numpy(), crs, np.asarray(frame[field], dtype=float)
        )


def _default(value: float | None, default: float) -> float:
    """``value``, or ``default`` when it was left empty: a 0 the user typed stays 0 (``or`` made it the default)."""
    return default if value is None else value
