"""Generated aggregation areas: square grids (100 m, 500 m, 1 km ...) and hexagons over an extent,
aligned to multiples of the cell size in EPSG:5186 so grids of different runs line up.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

from ..errors import InputError

MAX_CELLS = 2_000_000


def _check(size: float, nx: int, ny: int) -> None:
    if size <= 0:
        raise InputError(f"Cell size must be more than 0 m; got {size}.", "Use 100, 500 or 1000 (metres).")
    if nx * ny > MAX_CELLS:
        raise InputError(
            f"A {size:g} m grid over this extent has {nx * ny:,} cells (more than {MAX_CELLS:,}).",
            "Use a larger cell size or a smaller input.",
        )


def square_grid(bounds: tuple[float, float, float, float], size: float, crs) -> gpd.GeoDataFrame:
    """Square cells covering ``bounds``; cell_id is the lower-left corner (E…N…)."""
    minx, miny, maxx, maxy = bounds
    x0, y0 = math.floor(minx / size) * size, math.floor(miny / size) * size
    nx, ny = max(1, math.ceil((maxx - x0) / size)), max(1, math.ceil((maxy - y0) / size))
    _check(size, nx, ny)
    gx, gy = np.meshgrid(x0 + size * np.arange(nx), y0 + size * np.arange(ny), indexing="xy")
    gx, gy = gx.ravel(), gy.ravel()
    return gpd.GeoDataFrame(
        {"cell_id": [f"E{x:.0f}N{y:.0f}" for x, y in zip(gx, gy, strict=True)]},
        geometry=shapely.box(gx, gy, gx + size, gy + size),
        crs=crs,
    )


def hex_grid(bounds: tuple[float, float, float, float], size: float, crs) -> gpd.GeoDataFrame:
    """Pointy-top hexagons of ``size`` m across flats (centre spacing), covering ``bounds``."""
    if size <= 0:
        _check(size, 1, 1)
    minx, miny, maxx, maxy = bounds
    radius = size / math.sqrt(3)  # centre to vertex
    dy = 1.5 * radius
    x0, y0 = math.floor(minx / size) * size, math.floor(miny / dy) * dy
    nx, ny = math.ceil((maxx - x0) / size) + 2, math.ceil((maxy - y0) / dy) + 2
    _check(size, nx, ny)
    col, row = np.meshgrid(np.arange(-1, nx - 1), np.arange(-1, ny - 1), indexing="xy")
    col, row = col.ravel(), row.ravel()
    cx = x0 + size * (col + 0.5 * (row % 2))
    cy = y0 + dy * row
    angles = np.radians(30 + 60 * np.arange(6))
    ring = np.stack([cx[:, None] + radius * np.cos(angles), cy[:, None] + radius * np.sin(angles)], axis=-1)
    hexes = shapely.polygons(ring)
    keep = shapely.intersects(hexes, shapely.box(minx, miny, maxx, maxy))
    ids = [f"H{c}_{r}" for c, r in zip(col[keep], row[keep], strict=True)]
    return gpd.GeoDataFrame({"cell_id": ids}, geometry=hexes[keep], crs=crs)
