"""The engine: pure Python on geopandas, shapely, rasterio, pyproj and numpy.

Nothing in this package imports qgis or Qt, so every function runs in plain pytest, a notebook or a
server. Errors are raised as the exception types of :mod:`gimpo_gis_plugin.core.errors`; the Processing
adapters translate them into messages for planners.
"""
