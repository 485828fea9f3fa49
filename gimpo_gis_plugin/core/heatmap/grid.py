"""The heat map's raster grid, laid out exactly as QGIS 3.22's kernel density estimation lays it out.

QGIS widens the layer's extent by the (largest) radius on every side, then takes
``ceil(size / pixel) + 1`` rows and columns from the top-left corner, so the raster reaches up to one
pixel beyond the widened extent at the right and bottom. Matching this is what makes our raster
overlay QGIS's cell for cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .. import resources
from ..errors import InputError

MAX_CELLS = 25_000 * 25_000


@dataclass(frozen=True)
class Grid:
    """Widened bounds (``xmin..ymax``, not the raster's bottom edge), pixel size and raster shape."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    pixel: float
    rows: int
    cols: int

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL geotransform (top-left x, pixel width, 0, top-left y, 0, -pixel height)."""
        return (self.xmin, self.pixel, 0.0, self.ymax, 0.0, -self.pixel)

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    def buffer_pixels(self, radius: float) -> int:
        """QGIS's window half-size for ``radius``: whole pixels, plus one if the rest exceeds 0.5 map units.

        (QGIS compares the remainder with 0.5 map units, not half a pixel; kept for identical windows.)
        """
        buffer = int(radius / self.pixel)
        if radius - self.pixel * buffer > 0.5:
            buffer += 1
        return buffer


def qgis_grid(extent: tuple[float, float, float, float], radius: float, pixel: float) -> Grid:
    """The grid QGIS builds for points with bounding box ``extent`` and largest radius ``radius``."""
    if not pixel > 0:
        raise InputError(f"Pixel size must be greater than 0; got {pixel}.", "Give a pixel size in metres, e.g. 10.")
    if not radius > 0:
        raise InputError(
            f"반경(RADIUS)은 0보다 커야 합니다: {radius}. Radius must be greater than 0; got {radius}.",
            "미터 단위 반경을 주세요(예: 300). Give a radius in metres, e.g. 300.",
        )
    xmin, ymin, xmax, ymax = extent
    xmin, ymin, xmax, ymax = xmin - radius, ymin - radius, xmax + radius, ymax + radius
    rows = max(int(math.ceil((ymax - ymin) / pixel) + 1), 1)
    cols = max(int(math.ceil((xmax - xmin) / pixel) + 1), 1)
    return Grid(xmin, ymin, xmax, ymax, pixel, rows, cols)


def available_memory_bytes() -> int | None:
    """Memory this process can still get: MemAvailable and the container's cgroup limit (core/resources.py)."""
    return resources.available_memory_bytes()


def check_size(grid: Grid, bands: int, working_bytes: int, what: str = "heat map", points: int = 0) -> None:
    """Refuse rasters beyond 25,000 × 25,000 cells or beyond the memory this process can get (the
    container's cgroup limit included), before any band is allocated; the message gives the figures."""
    needed = resources.heatmap_bytes(grid.cells, bands, points) + working_bytes
    advice = (
        "화소 크기(PIXEL_SIZE)를 키우거나 반경을 줄이거나, 점 레이어를 분석 지역으로 잘라(clip) 다시 실행하세요. "
        "Use a larger pixel size, a smaller radius, or clip the point layer first."
    )
    if grid.cells > MAX_CELLS:
        raise InputError(
            f"{what}: 래스터가 {grid.cols:,} × {grid.rows:,} 셀({grid.cells:,}; 한도 25,000 × 25,000)이 되어 "
            f"메모리가 약 {resources.gib(needed)} 필요합니다. "
            f"The {what} would be {grid.cols:,} × {grid.rows:,} cells (limit 25,000 × 25,000) "
            f"and need about {resources.gib(needed)}.",
            advice,
        )
    resources.check_memory(
        needed, f"{what} ({grid.cols:,} × {grid.rows:,} 셀, 밴드 {bands}개, 점 {points:,}개)", advice,
        available_memory_bytes(),
    )  # fmt: skip
