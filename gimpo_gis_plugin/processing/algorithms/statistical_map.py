"""gimpo:statisticalmap: 통계지도, points or parcel/building attributes aggregated into areas, classified."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ...core.choropleth import (
    AREA_KINDS,
    METHODS,
    STATISTICS,
    StatisticalMapOptions,
    build_statistical_map,
    write_statistical_map,
)
from ...core.choropleth.statistical_map import LAYER_NAME
from ...core.progress import Progress
from .. import parameters
from ..base import GimpoAlgorithm
from ..io import read_source
from ..outputs import vector_output


class StatisticalMap(GimpoAlgorithm):
    ALGORITHM_ID = "statisticalmap"
    DISPLAY_NAME = "Statistical map (통계지도)"
    GROUP_ID = "maps"
    HELP = (
        "통계지도: aggregates points (민원, 체납 ...) or the attributes of parcels and buildings into areas — a "
        "polygon layer (행정동, 법정동, any) or a generated square grid / hexagons of CELL_SIZE metres — and "
        "classifies the result.\n\nSTATISTIC: count, sum, mean, median (of FIELD), density per km², rate per "
        "1,000 residents (population from POPULATION_FIELD of the area layer, or POPULATION_LAYER apportioned by "
        "area). For count, density and rate, FIELD is an optional weight.\n\nMETHOD: natural breaks (Jenks, exact), "
        "quantile, equal interval, standard deviation, pretty; CLASSES classes (fewer when the values do not "
        "allow more: all values equal gives one class).\n\nOUTPUT: a GeoPackage with the layer "
        "'statistical_map' (n_records, value, class, class_label; styled with a legend), 'classes' and "
        "'rejects' (records in no area or without a value, with the reason). Points on a border count in both "
        "areas, as in native:countpointsinpolygon."
    )

    INPUT = "INPUT"
    AREAS = "AREAS"
    AREA_KIND = "AREA_KIND"
    CELL_SIZE = "CELL_SIZE"
    STATISTIC = "STATISTIC"
    FIELD = "FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    POPULATION_LAYER = "POPULATION_LAYER"
    POPULATION_LAYER_FIELD = "POPULATION_LAYER_FIELD"
    METHOD = "METHOD"
    CLASSES = "CLASSES"
    KEEP_EMPTY = "KEEP_EMPTY"
    VALUE_NAME = "VALUE_NAME"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802 - QGIS API name
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Records to aggregate")))
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.AREAS, self.tr("Areas (행정동, 법정동 ...)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.AREA_KIND,
                self.tr("Areas from"),
                [self.tr("the area layer"), self.tr("square grid"), self.tr("hexagons")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CELL_SIZE,
                self.tr("Grid cell size (m)"),
                QgsProcessingParameterNumber.Type.Double,
                500.0,
                False,
                1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.STATISTIC, self.tr("Statistic"), list(STATISTICS), defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELD, self.tr("Value or weight field"), parentLayerParameterName=self.INPUT, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                self.tr("Population field of the areas (rate)"),
                parentLayerParameterName=self.AREAS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(self.POPULATION_LAYER, self.tr("Population layer (rate)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_LAYER_FIELD,
                self.tr("Population field of the population layer"),
                "population",
                parentLayerParameterName=self.POPULATION_LAYER,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.METHOD, self.tr("Classification"), list(METHODS), defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.CLASSES, self.tr("Number of classes"), QgsProcessingParameterNumber.Type.Integer, 5, False, 1, 12
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.KEEP_EMPTY, self.tr("Keep grid cells without records"), False)
        )
        value_name = QgsProcessingParameterString(self.VALUE_NAME, self.tr("Name of the value field"), "value")
        value_name.setHelp(
            self.tr(
                "Another name (e.g. arrears_amount) adds the fields n_<name>, <name>, <name>_class, <name>_label, "
                "so several maps can be stacked on one area layer as indicators for gimpo:policymap."
            )
        )
        self.addParameter(value_name)
        self.addParameter(parameters.vector_destination(self, self.OUTPUT, "Statistical map (GeoPackage or PostGIS)"))

    def run(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        records = read_source(self, parameters, self.INPUT, context, feedback)
        areas = None
        if parameters.get(self.AREAS):
            areas = read_source(self, parameters, self.AREAS, context, feedback)
        population_layer = None
        if parameters.get(self.POPULATION_LAYER):
            population_layer = read_source(self, parameters, self.POPULATION_LAYER, context, feedback)
        options = StatisticalMapOptions(
            statistic=STATISTICS[self.parameterAsEnum(parameters, self.STATISTIC, context)],
            field=self.parameterAsString(parameters, self.FIELD, context) or None,
            method=METHODS[self.parameterAsEnum(parameters, self.METHOD, context)],
            classes=self.parameterAsInt(parameters, self.CLASSES, context),
            area_kind=AREA_KINDS[self.parameterAsEnum(parameters, self.AREA_KIND, context)],
            cell_size=self.parameterAsDouble(parameters, self.CELL_SIZE, context),
            population_field=self.parameterAsString(parameters, self.POPULATION_FIELD, context) or None,
            population_field_of_layer=self.parameterAsString(parameters, self.POPULATION_LAYER_FIELD, context) or None,
            keep_empty_cells=self.parameterAsBool(parameters, self.KEEP_EMPTY, context),
            value_name=_field_name(self.parameterAsString(parameters, self.VALUE_NAME, context) or "value"),
        )
        output = vector_output(self, parameters, self.OUTPUT, context)  # checked before any work
        result = build_statistical_map(records, areas, options, population_layer, progress.sub(0.0, 0.8))
        for note in result.notes:
            feedback.pushWarning(note)
        write_statistical_map(result, output.destination, options)
        c = result.classification
        feedback.pushInfo(
            self.tr("{} areas, {} classes ({}), breaks {}, goodness of variance fit {:.3f}").format(
                len(result.areas), c.count, c.method, ", ".join(f"{b:.4g}" for b in c.breaks), c.gvf
            )
        )
        progress.set(1.0)
        return {
            self.OUTPUT: output.given,
            "OUTPUT_LAYER": output.layer(LAYER_NAME),
            "AREAS_COUNT": len(result.areas),
            "CLASS_COUNT": c.count,
            "REJECTED": len(result.rejects),
        }


def _field_name(text: str) -> str:
    name = text.strip()
    if not name.replace("_", "").isalnum() or not name.isascii() or name[0].isdigit():
        raise QgsProcessingException(
            f"VALUE_NAME {text!r} is not a usable field name: use letters, digits and _ (e.g. arrears_amount)."
        )
    return name
