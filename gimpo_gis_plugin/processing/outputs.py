"""Where an algorithm's OUTPUT goes: a GeoPackage file or a schema of the integrated PostGIS database.

Every algorithm keeps ONE ``QgsProcessingParameterFileDestination`` OUTPUT and hands it to
:func:`vector_output`. ``parameterAsFileOutput`` passes a database destination through unchanged
(checked with qgis_process 3.22: ``postgresql://…?schema=…``, ``PG:dbname=… schemas=…`` and a QGIS layer
URI arrive exactly as typed), so the value is either a file path or a database, and both go through the
same :func:`core.store.write_layers`. The destination is checked before any work (a folder that cannot be
written, a refused password, an unreachable server), so a batch does not compute for minutes and then fail.

Layer results are what QGIS Processing itself opens as an input: ``path|layername=x`` for a GeoPackage,
``postgres://`` + the QGIS layer URI for PostGIS (qgis_process and models open a PostGIS input only in that
form), so a model can chain an algorithm that wrote to the database into the next one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingUtils,
)

from ..core import store
from ..core.progress import SILENT, Progress
from .database import resolve_database, saved_connection_names

PROCESSING_POSTGRES_PREFIX = "postgres://"
DATABASE_OUTPUT_HELP = (
    "A GeoPackage file, or a schema of the integrated PostGIS database (통합DB): "
    "postgresql://user:password@host:5432/database?schema=name, PG:dbname=... host=... schemas=name, or the "
    "name of a saved QGIS PostgreSQL connection (public schema). In the database the tables of the same names "
    "are replaced in one transaction, with primary keys, spatial indexes and the styles as QGIS defaults."
)


@dataclass(frozen=True)
class VectorOutput:
    """A checked destination: ``destination`` is a GeoPackage path or a libpq/URI database destination."""

    destination: str
    given: str  # what the user gave (a saved connection's name stays a name): the OUTPUT result

    @property
    def is_database(self) -> bool:
        return store.is_postgres(self.destination)

    def describe(self) -> str:
        """For the log: the file, or the database and schema without the password."""
        if not self.is_database:
            return self.destination
        target = store.parse_postgres(self.destination)
        return f"{target.describe()}, schema {target.schema or 'public'}"

    def write(
        self,
        layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
        styles: Mapping[str, str] | None = None,
        descriptions: Mapping[str, str] | None = None,
        progress: Progress = SILENT,
    ) -> dict[str, str]:
        """Write the styled layers (one atomic GeoPackage, or one database transaction); return their
        layer results keyed by the upper-case layer name (the algorithms' output ids)."""
        store.write_layers(self.destination, layers, styles, descriptions, progress)
        return self.layer_results(layers)

    def layer(self, name: str, has_geometry: bool = True) -> str:
        """The string QGIS Processing opens layer ``name`` of this output with (model chaining)."""
        source = store.layer_source(self.destination, name, has_geometry)
        return PROCESSING_POSTGRES_PREFIX + source if self.is_database else source

    def layer_results(self, layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame]) -> dict[str, str]:
        return {name.upper(): self.layer(name, isinstance(frame, gpd.GeoDataFrame)) for name, frame in layers.items()}

    def qgis_layer(self, name: str) -> tuple[str, str]:
        """(source, provider) for ``QgsVectorLayer(source, name, provider)``, e.g. to render a map of it."""
        if self.is_database:
            return store.layer_source(self.destination, name), "postgres"
        return store.layer_source(self.destination, name), "ogr"

    def beside(self, suffix: str, name: str) -> Path:
        """A file that goes with the output (an HTML report): next to the GeoPackage, or, for a database,
        a new file in the Processing temporary folder (the log says where)."""
        if self.is_database:
            return Path(QgsProcessingUtils.generateTempFilename(f"{name}{suffix}"))
        return Path(self.destination).with_suffix(suffix)


def vector_output(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    name: str,
    context: QgsProcessingContext,
    suffix: str = ".gpkg",
) -> VectorOutput:
    """The OUTPUT parameter ``name`` as a checked destination (see the module docstring).

    A database is a URI, a ``PG:``/layer-URI string, or the name of a saved QGIS PostgreSQL connection
    (its public schema; give a URI with ``?schema=`` for another). Anything else is a file; a missing
    ``.gpkg`` suffix is added and missing parent folders are created.
    """
    value = (algorithm.parameterAsFileOutput(parameters, name, context) or "").strip()
    if not value:
        raise QgsProcessingException(
            f"No {name} given: give a GeoPackage path or a PostgreSQL destination such as "
            "postgresql://user@host:5432/database?schema=name."
        )
    if store.is_postgres(value) or value in saved_connection_names():
        destination = resolve_database(value)
        store.check_destination(destination)
        return VectorOutput(destination, value)
    path = Path(value)
    if suffix and path.suffix.lower() != suffix:
        path = path.with_suffix(suffix)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QgsProcessingException(
            f"Cannot create the folder {path.parent} for the output: {exc.strerror}. Choose a folder you can write to."
        ) from exc
    store.check_destination(path)
    return VectorOutput(str(path), str(path))


def raster_output(
    algorithm: QgsProcessingAlgorithm, parameters: dict[str, Any], name: str, context: QgsProcessingContext
) -> str:
    """A raster destination: always a GeoTIFF file; a database destination is refused with the reason."""
    value = parameters.get(name)
    if isinstance(value, str) and (store.is_postgres(value) or value in saved_connection_names()):
        raise QgsProcessingException(
            f"{name} is a PostgreSQL database, but rasters are written as GeoTIFF files (with a .qml style "
            "beside them), not to PostgreSQL. Give a .tif path; vector results can go to the database."
        )
    output = algorithm.parameterAsOutputLayer(parameters, name, context)
    if store.is_postgres(output):
        raise QgsProcessingException(f"{name}: rasters are written as GeoTIFF files, not to PostgreSQL.")
    return output
