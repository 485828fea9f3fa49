"""gimpo:heatmap: kernel density (히트맵) like qgis:heatmapkerneldensityestimation, faster, and more."""

from __future__ import annotations

from typing import Any

import numpy as np
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
from ...core.heatmap.points import points_from_arrays
from ...core.progress import Progress
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import raster_output

KERNEL_LABELS = ["Quartic", "Triangular", "Uniform", "Triweight", "Epanechnikov", "Gaussian (가우시안)"]
SLICES = ["", "month", "quarter"]


class Heatmap(GimpoAlgorithm):
    ALGORITHM_ID = "heatmap"
    DISPLAY_NAME = "Heat map (히트맵, kernel density)"
    GROUP_ID = "maps"
    HELP = (
        "Kernel density of points (e.g. 민원 complaints) as a GeoTIFF, styled when opened. With the "
        "parameters of QGIS's 'Heatmap (Kernel Density Estimation)' (INPUT, RADIUS, RADIUS_FIELD, PIXEL_SIZE, "
        "WEIGHT_FIELD, KERNEL 0 quartic..4 epanechnikov, DECAY, OUTPUT_VALUE) the raster has QGIS's grid and "
        "QGIS's values, computed much faster.\n\nBeyond QGIS: KERNEL 5 is a Gaussian (RADIUS is then its "
        "standard deviation σ, cut at 4 σ); leave RADIUS empty for an automatic radius (Silverman or Scott), "
        "reported in the log; MASK blanks everything outside a boundary (e.g. the 행정동); TIME_FIELD with "
        "TIME_SLICE writes one band per month or quarter; RATE_POPULATION (points or polygons with "
        "RATE_POPULATION_FIELD) turns the map into events per RATE_PER residents, with RATE_FLOOR residents "
        "as the smallest denominator so that empty areas do not explode.\n\n"
        "Points in degrees are reprojected to EPSG:5186 (a warning says so). Null weights count as 0, as in QGIS."
    )

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
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Point layer"), [QgsProcessing.TypeVectorPoint])
        )
        radius = QgsProcessingParameterDistance(self.RADIUS, self.tr("Radius"), None, self.INPUT, True, 0.0)
        radius.setHelp(self.tr("Search radius in metres; empty = automatic (BANDWIDTH_RULE)."))
        self.addParameter(radius)
        self._advanced(
            QgsProcessingParameterField(
                self.RADIUS_FIELD, self.tr("Radius from field"), None, self.INPUT,
                QgsProcessingParameterField.DataType.Numeric, optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PIXEL_SIZE, self.tr("Pixel size"), QgsProcessingParameterNumber.Type.Double, 10.0, False, 0.0
            )
        )
        self._advanced(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD, self.tr("Weight from field"), None, self.INPUT,
                QgsProcessingParameterField.DataType.Numeric, optional=True,
            )
        )  # fmt: skip
        self._advanced(QgsProcessingParameterEnum(self.KERNEL, self.tr("Kernel shape"), KERNEL_LABELS, False, 0))
        self._advanced(
            QgsProcessingParameterNumber(
                self.DECAY, self.tr("Decay ratio (triangular only)"), QgsProcessingParameterNumber.Type.Double,
                0.0, True, -100.0, 100.0,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterEnum(self.OUTPUT_VALUE, self.tr("Output value scaling"), ["Raw", "Scaled"], False, 0)
        )
        self._advanced(
            QgsProcessingParameterEnum(
                self.BANDWIDTH_RULE, self.tr("Automatic radius rule"), ["Silverman", "Scott"], False, 0
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.MASK, self.tr("Mask to polygons (e.g. city boundary)"), [QgsProcessing.TypeVectorPolygon],
                optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterField(
                self.TIME_FIELD, self.tr("Date field for time slices"), None, self.INPUT,
                QgsProcessingParameterField.DataType.Any, optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterEnum(
                self.TIME_SLICE, self.tr("Time slice"), ["None", "Month (월별)", "Quarter (분기별)"], False, 0
            )
        )
        self._advanced(
            QgsProcessingParameterFeatureSource(
                self.RATE_POPULATION, self.tr("Population for a rate (points or polygons)"),
                [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon], optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterField(
                self.RATE_POPULATION_FIELD, self.tr("Population field"), None, self.RATE_POPULATION,
                QgsProcessingParameterField.DataType.Numeric, optional=True,
            )
        )  # fmt: skip
        self._advanced(
            QgsProcessingParameterNumber(
                self.RATE_PER,
                self.tr("Rate per residents"),
                QgsProcessingParameterNumber.Type.Double,
                1000.0,
                True,
                0.0,
            )
        )
        self._advanced(
            QgsProcessingParameterNumber(
                self.RATE_FLOOR, self.tr("Rate floor (residents)"), QgsProcessingParameterNumber.Type.Double,
                100.0, True, 0.0,
            )
        )  # fmt: skip
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Heat map")))
        self.addOutput(QgsProcessingOutputNumber("RADIUS_USED", self.tr("Radius used")))

    def _advanced(self, parameter: QgsProcessingParameterDefinition) -> None:
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(parameter)

    def run(
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
                self.tr("INPUT must be a point layer; {} has {} geometries. Use its centroids first.").format(
                    source.sourceName(), QgsWkbTypes.displayString(source.wkbType())
                )
            )
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, self.INPUT, context, ["gpkg", "shp"], "gpkg", feedback
        )
        crs = source.sourceCrs()
        crs_text = (crs.authid() or crs.toWkt()) if crs.isValid() else None
        time_field = self.parameterAsString(parameters, self.TIME_FIELD, context) or None
        slice_kind = SLICES[self.parameterAsEnum(parameters, self.TIME_SLICE, context)]
        if slice_kind and not time_field:
            raise QgsProcessingException(self.tr("TIME_SLICE needs TIME_FIELD (a date field such as received_date)."))
        points = read_points(
            path,
            layer or None,
            weight_field=self.parameterAsString(parameters, self.WEIGHT_FIELD, context) or None,
            radius_field=self.parameterAsString(parameters, self.RADIUS_FIELD, context) or None,
            date_field=time_field if slice_kind else None,
            crs=crs_text,
        )
        options = HeatmapOptions(
            pixel_size=self.parameterAsDouble(parameters, self.PIXEL_SIZE, context),
            radius=self.optional_number(parameters, self.RADIUS, context),
            kernel=Kernel(self.parameterAsEnum(parameters, self.KERNEL, context)),
            decay=self.parameterAsDouble(parameters, self.DECAY, context),
            scaled=self.parameterAsEnum(parameters, self.OUTPUT_VALUE, context) == 1,
            bandwidth_rule=RULES[self.parameterAsEnum(parameters, self.BANDWIDTH_RULE, context)],
        )
        population_given = parameters.get(self.RATE_POPULATION) not in (None, "")
        if population_given and options.scaled:
            feedback.pushWarning(self.tr("A rate is computed from raw densities; OUTPUT_VALUE is ignored."))
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
                per=self.optional_number(parameters, self.RATE_PER, context) or 1000.0,
                floor=self.optional_number(parameters, self.RATE_FLOOR, context) or 100.0,
                progress=progress.sub(0.7, 0.9),
            )
        if parameters.get(self.MASK) not in (None, ""):
            boundary = read_source(self, parameters, self.MASK, context, feedback, target_crs=result.crs)
            result = mask_outside(result, [g for g in boundary.geometry if g is not None and not g.is_empty])
        output = raster_output(self, parameters, self.OUTPUT, context)
        written = write_geotiff(output, result.bands, result.grid, result.crs, result.descriptions)
        radius = result.radius if result.radius is not None else float("nan")
        feedback.pushInfo(
            self.tr("Heat map {} × {} cells, {} band(s), radius {} m: {}").format(
                result.grid.cols, result.grid.rows, len(result.bands), f"{radius:.1f}", written
            )
        )
        return {self.OUTPUT: str(written), "RADIUS_USED": radius}

    def _population(self, parameters, context, feedback, crs):
        frame = read_source(self, parameters, self.RATE_POPULATION, context, feedback, target_crs=crs)
        field = self.parameterAsString(parameters, self.RATE_POPULATION_FIELD, context)
        if not field:
            raise QgsProcessingException(self.tr("RATE_POPULATION needs RATE_POPULATION_FIELD (e.g. population)."))
        if field not in frame.columns:
            raise QgsProcessingException(self.tr("The population layer has no field {}.").format(field))
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        centres = frame.geometry.representative_point() if not (frame.geom_type == "Point").all() else frame.geometry
        return points_from_arrays(
            centres.x.to_numpy(), centres.y.to_numpy(), crs, np.asarray(frame[field], dtype=float)
        )
