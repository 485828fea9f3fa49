"""Turn Processing layer parameters into inputs the engine reads, and engine outputs into results.

``parameterAsCompatibleSourceLayerPathAndLayerName`` hands over the layer's own file when the engine can
read it (GeoPackage, shapefile) and otherwise (memory layers, PostGIS, a selection) writes a temporary
GeoPackage first, so algorithms never depend on where a layer comes from.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
)

from ..core.vector_io import DEFAULT_CRS, read_vector


def read_source(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    name: str,
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback | None = None,
    target_crs: str | None = DEFAULT_CRS,
) -> gpd.GeoDataFrame:
    """The feature source parameter ``name`` as a GeoDataFrame in ``target_crs``."""
    source = algorithm.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(algorithm.invalidSourceError(parameters, name))
    path, layer = algorithm.parameterAsCompatibleSourceLayerPathAndLayerName(
        parameters, name, context, ["gpkg", "shp"], "gpkg", feedback
    )
    crs = source.sourceCrs()
    crs_text = crs.authid() if crs.isValid() and crs.authid() else (crs.toWkt() if crs.isValid() else None)
    return read_vector(path, layer or None, crs=crs_text, target_crs=target_crs)


def layer_uri(gpkg: str, layer: str) -> str:
    """The URI that QGIS (and model chaining) uses for one layer of a GeoPackage."""
    return f"{gpkg}|layername={layer}"
