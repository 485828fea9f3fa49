"""대민서비스 web map: publish styled, privacy-safe map layers as one static folder that opens offline.

One concern per module: ``personal_data`` refuses layers with personal fields, ``aggregation`` turns event
points into k-anonymous grid counts, ``disclosure`` suppresses small counts in the other published layers
(primary and differencing), ``smoothing`` makes the heat map from the published counts only, ``qml``
reads the QGIS style into legend classes and MapLibre paint expressions, ``raster_image`` colours a GeoTIFF
into a PNG overlay, ``geojson`` writes the layers' data scripts, ``page`` the index.html, and ``publish``
puts them together. No qgis imports.
"""

from .publish import PublishedMap, PublishOptions, RasterInput, VectorInput, publish_web_map

__all__ = ["PublishOptions", "PublishedMap", "RasterInput", "VectorInput", "publish_web_map"]
