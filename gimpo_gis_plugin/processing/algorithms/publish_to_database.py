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
    DISPLAY_NAME = "Publish to the integrated database (통합DB 게시)"
    GROUP_ID = "database"
    HELP = (
        "Loads every layer of a GeoPackage (for example the sample city), and any other layers you add "
        "(an office's shapefiles), into one schema of the city's PostgreSQL/PostGIS database (통합DB), so "
        "every department opens the same data.\n\n"
        "Each layer becomes a table in EPSG:5186 with a primary key (fid), a spatial index, and its style "
        "stored as the table's default in QGIS's layer_styles table: colleagues who add the table in QGIS "
        "see it styled. Tables of the same names are replaced; the whole publish happens in one "
        "transaction, so on any error (or cancel) the database stays exactly as it was.\n\n"
        "DATABASE: a saved QGIS PostgreSQL connection, or (for qgis_process) a URI such as "
        "postgresql://user:password@host:5432/gimpo or PG:dbname=gimpo host=... . "
        "SCHEMA: created when missing."
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
            self.tr("GeoPackage (or other vector file) to publish"),
            QgsProcessingParameterFile.Behavior.File,
            optional=True,
            fileFilter=self.tr("Vector files (*.gpkg *.shp *.geojson *.json *.fgb);;All files (*)"),
        )
        source.setHelp(self.tr("Every layer and table in it is published, with its embedded style."))
        self.addParameter(source)
        layers = QgsProcessingParameterMultipleLayers(
            self.LAYERS, self.tr("Additional layers"), QgsProcessing.TypeVector, optional=True
        )
        layers.setHelp(self.tr("Published under their layer names, with their current style."))
        self.addParameter(layers)
        database = QgsProcessingParameterProviderConnection(
            self.DATABASE, self.tr("Database (PostgreSQL connection or URI)"), "postgres"
        )
        database.setHelp(self.tr("A saved QGIS PostgreSQL connection; qgis_process also accepts a URI."))
        self.addParameter(database)
        schema = QgsProcessingParameterString(self.SCHEMA, self.tr("Schema"), "gimpo")
        schema.setHelp(self.tr("Created if it does not exist. Tables of the same names in it are replaced."))
        self.addParameter(schema)
        self.addOutput(QgsProcessingOutputString(self.DATABASE, self.tr("Database (without password)")))
        self.addOutput(QgsProcessingOutputString(self.SCHEMA, self.tr("Schema")))
        self.addOutput(QgsProcessingOutputString(self.TABLES, self.tr("Tables written (comma-separated)")))
        self.addOutput(QgsProcessingOutputNumber(self.FEATURE_COUNT, self.tr("Rows written")))

    def run(
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
            raise QgsProcessingException(self.tr("Nothing to publish: give a GeoPackage (INPUT) or LAYERS."))
        store.write_layers(destination, layers, styles, progress=progress.sub(0.2, 1.0), schema=schema)
        rows = sum(len(frame) for frame in layers.values())
        feedback.pushInfo(
            self.tr("Published {} tables ({} rows, {} styled) to {}, schema {}").format(
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
