"""Turn Processing layer parameters into inputs the engine reads, and engine outputs into results.

``parameterAsCompatibleSourceLayerPathAndLayerName`` hands over the layer's own file when the engine can
read it (GeoPackage, shapefile) and otherwise (memory layers, PostGIS, a selection) writes a temporary
GeoPackage first, so algorithms never depend on where a layer comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
)

from ..core.errors import InputError
from ..core.vector_io import DEFAULT_CRS, read_vector


def read_source(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    name: str,
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback | None = None,
    target_crs: str | None = DEFAULT_CRS,
    crs_override: str | None = None,
    keep_fields: Callable[[list[str]], list[str] | None] | None = None,
) -> gpd.GeoDataFrame:
    """The feature source parameter ``name`` as a GeoDataFrame in ``target_crs``.

    ``crs_override`` is the CRS the user says the layer really has (files without a CRS, which QGIS
    reads as WGS84, or with a wrong one). ``keep_fields`` picks, from the layer's field names, the ones
    the engine reads (None from it: all): unread fields of a 2,000,000-parcel layer cost gigabytes.
    """
    source = algorithm.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(algorithm.invalidSourceError(parameters, name))
    path, layer = algorithm.parameterAsCompatibleSourceLayerPathAndLayerName(
        parameters, name, context, ["gpkg", "shp"], "gpkg", feedback
    )
    crs = source.sourceCrs()
    crs_text = crs.authid() if crs.isValid() and crs.authid() else (crs.toWkt() if crs.isValid() else None)
    if crs_override:
        crs_text = crs_override
    columns = keep_fields(list(source.fields().names())) if keep_fields else None
    try:
        return read_vector(path, layer or None, crs=crs_text, target_crs=target_crs, columns=columns)
    except InputError as exc:
        # The engine names the file it read, which may be a temporary copy: name the user's layer instead.
        label = algorithm.parameterDefinition(name).description()
        raise type(exc)(f"{label} ({source.sourceName()}): {exc.message}", exc.hint) from exc


def layer_uri(gpkg: str, layer: str) -> str:
    """The URI that QGIS (and model chaining) uses for one layer of a GeoPackage."""
    return f"{gpkg}|layername={layer}"
