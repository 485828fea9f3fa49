"""The web map's heat map of events, made from the published grid counts only.

Each published cell's count is spread from the cell's centre with a quartic kernel (QGIS's default heat
map kernel) of the given radius. The surface is therefore a function of values already published: it adds
nothing an attacker could difference against, and every coloured pixel rests on cells of at least k events.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from .aggregation import COUNT_FIELD


@dataclass(frozen=True)
class Surface:
    """A north-up raster: ``values[row, col]``, GDAL geotransform, CRS as text; NaN where no data."""

    values: np.ndarray
    transform: tuple[float, float, float, float, float, float]
    crs: str


def density_from_counts(cells: gpd.GeoDataFrame, radius: float, pixel: float) -> Surface | None:
    """Events per km² from the counts of ``cells`` (quartic kernel, ``radius`` m); None without cells."""
    if cells.empty:
        return None
    centres = cells.geometry.centroid
    x, y = centres.x.to_numpy(), centres.y.to_numpy()
    weights = cells[COUNT_FIELD].to_numpy(dtype="float64")
    left, bottom = np.floor((x.min() - radius) / pixel) * pixel, np.floor((y.min() - radius) / pixel) * pixel
    right, top = np.ceil((x.max() + radius) / pixel) * pixel, np.ceil((y.max() + radius) / pixel) * pixel
    cols, rows = round((right - left) / pixel), round((top - bottom) / pixel)
    px = left + (np.arange(cols) + 0.5) * pixel
    py = top - (np.arange(rows) + 0.5) * pixel
    values = np.zeros((rows, cols))
    reach = int(np.ceil(radius / pixel))
    norm = 3.0 / (np.pi * radius * radius) * 1e6  # per m² -> per km²
    for cx, cy, weight in zip(x, y, weights, strict=True):
        c0 = int((cx - left) / pixel)
        r0 = int((top - cy) / pixel)
        cs = slice(max(0, c0 - reach), min(cols, c0 + reach + 1))
        rs = slice(max(0, r0 - reach), min(rows, r0 + reach + 1))
        dx = px[cs][None, :] - cx
        dy = py[rs][:, None] - cy
        u2 = (dx * dx + dy * dy) / (radius * radius)
        values[rs, cs] += np.where(u2 < 1.0, weight * norm * (1.0 - u2) ** 2, 0.0)
    values[values <= 0] = np.nan
    return Surface(values, (left, pixel, 0.0, top, 0.0, -pixel), cells.crs.to_string())
