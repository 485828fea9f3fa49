"""Slope of a site from a DEM: Horn's method, as GDAL's ``gdaldem slope`` (``gdal:slope``) computes it.

Only the window around each site is read (1 cell of padding so the site's own cells have all eight
neighbours), so a 5 m DEM of the whole city is never loaded at once. A cell belongs to the site when
its centre lies inside the polygon; a site too small to hold a cell centre uses the cell under its
representative point.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from ..errors import InputError


def horn_slope(z: np.ndarray, x_res: float, y_res: float) -> np.ndarray:
    """Slope in degrees of a 2-D elevation array (NaN = no data); border cells are NaN, as in gdaldem
    without -compute_edges."""
    z = np.asarray(z, dtype=np.float64)
    out = np.full(z.shape, np.nan)
    if z.shape[0] < 3 or z.shape[1] < 3:
        return out
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dz_dx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8.0 * x_res)
    dz_dy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8.0 * y_res)
    out[1:-1, 1:-1] = np.degrees(np.arctan(np.hypot(dz_dx, dz_dy)))
    return out


class Dem:
    """A DEM GeoTIFF opened with GDAL's bindings (they share QGIS's PROJ; no rasterio needed)."""

    def __init__(self, path: str | Path) -> None:
        from osgeo import gdal

        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(
                f"The DEM {self.path} does not exist.", "Give a GeoTIFF DEM, or leave DEM empty to skip slope."
            )
        self.dataset = gdal.Open(str(self.path))
        if self.dataset is None:
            raise InputError(f"Cannot open the DEM {self.path}.", "Give a single-band GeoTIFF in metres.")
        x0, dx, rx, y0, ry, dy = self.dataset.GetGeoTransform()
        if rx or ry or dy >= 0:
            raise InputError(f"The DEM {self.path} is rotated or south-up.", "Warp it to a north-up grid (gdalwarp).")
        self.x0, self.y0, self.dx, self.dy = x0, y0, dx, -dy
        self.band = self.dataset.GetRasterBand(1)
        self.nodata = self.band.GetNoDataValue()
        self.width, self.height = self.dataset.RasterXSize, self.dataset.RasterYSize

    def site_slope(self, site: shapely.Geometry) -> tuple[float, float, int] | None:
        """(mean, max slope in degrees, cells) over the site; None when the site is outside the DEM."""
        minx, miny, maxx, maxy = site.bounds
        col0 = int(np.floor((minx - self.x0) / self.dx)) - 1
        col1 = int(np.floor((maxx - self.x0) / self.dx)) + 2
        row0 = int(np.floor((self.y0 - maxy) / self.dy)) - 1
        row1 = int(np.floor((self.y0 - miny) / self.dy)) + 2
        c0, c1 = max(col0, 0), min(col1, self.width)
        r0, r1 = max(row0, 0), min(row1, self.height)
        if c1 - c0 < 3 or r1 - r0 < 3:
            return None
        z = self.band.ReadAsArray(c0, r0, c1 - c0, r1 - r0).astype(np.float64)
        if self.nodata is not None:
            z[z == self.nodata] = np.nan
        slope = horn_slope(z, self.dx, self.dy)
        xs = self.x0 + (np.arange(c0, c1) + 0.5) * self.dx
        ys = self.y0 - (np.arange(r0, r1) + 0.5) * self.dy
        grid_x, grid_y = np.meshgrid(xs, ys)
        inside = shapely.contains_xy(site, grid_x, grid_y)
        if not inside.any():
            point = shapely.point_on_surface(site)
            inside = np.zeros_like(inside)
            col = int((point.x - self.x0) / self.dx) - c0
            row = int((self.y0 - point.y) / self.dy) - r0
            if 0 <= row < inside.shape[0] and 0 <= col < inside.shape[1]:
                inside[row, col] = True
        values = slope[inside]
        values = values[np.isfinite(values)]
        if not len(values):
            return None
        return float(values.mean()), float(values.max()), len(values)
