"""Kernel density heat maps (히트맵), pixel for pixel like QGIS's heatmap, and faster; no qgis imports."""

from .engine import Heatmap, HeatmapOptions, kernel_density, mask_outside, rate_surface, time_slices
from .kernels import Kernel, kernel_from_value
from .points import PointData, points_from_arrays, read_points
from .raster import write_geotiff

__all__ = [
    "Heatmap",
    "HeatmapOptions",
    "Kernel",
    "PointData",
    "kernel_density",
    "kernel_from_value",
    "mask_outside",
    "points_from_arrays",
    "rate_surface",
    "read_points",
    "time_slices",
    "write_geotiff",
]
