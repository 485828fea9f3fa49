"""The kernel sum as a compiled loop: every point's window, cell by cell, as QGIS computes it.

Numpy cannot do this fast: a million points × ~3,000 cells each is billions of tiny operations that
numpy can only batch through huge temporary arrays. Compiled (numba), the loop costs a few nanoseconds
per cell, which is what makes the heat map many times faster than QGIS's own C++ (QGIS reads and writes
a raster block per point; we add into one array in memory).

Where QGIS puts a point's kernel (``QgsKernelDensityEstimation::addFeature``): a window of
``2·buffer + 1`` pixels whose top-left cell is ``trunc(offset / pixel - buffer)`` in x (from the left)
and in y (from the top), and whose pixel centres are measured from the *bottom* of the widened extent.
The y centres therefore run upwards while the rows run downwards (the kernel is mirrored in y within
its window); ``place_points`` in density.py computes the windows, this loop reproduces the sums.

Parallelism without locks: the raster is cut into bands of rows, each thread owns some bands and adds
the part of every window that falls into its band, so no two threads ever write the same cell.
"""

from __future__ import annotations

import math

import numba
import numpy as np

QUARTIC, TRIANGULAR, UNIFORM, TRIWEIGHT, EPANECHNIKOV, GAUSSIAN = range(6)


@numba.njit(cache=True, inline="always")
def _is_power(kind: int) -> bool:
    """The kernels (1 - d²/r²)^m with m ≥ 1: zero at the radius, so a clamp can replace the distance test."""
    return kind in (QUARTIC, TRIWEIGHT, EPANECHNIKOV)


@numba.njit(cache=True, boundscheck=False)
def _cell_value(kind: int, distance2: float, bandwidth: float, reach: float, decay: float) -> float:
    """Raw kernel height at squared distance ``distance2``; 0 beyond the reach (QGIS's formulas)."""
    if _is_power(kind):
        # Within the radius 1 - (d/r)² ≥ 0 and beyond it < 0: clamping replaces the distance test.
        t = 1.0 - distance2 / (bandwidth * bandwidth)
        if t <= 0.0:
            return 0.0
        if kind == QUARTIC:
            return t * t
        if kind == TRIWEIGHT:
            return t * t * t
        return t
    distance = math.sqrt(distance2)
    if distance > reach:
        return 0.0
    if kind == UNIFORM:
        return 1.0
    ratio = distance / bandwidth
    if kind == TRIANGULAR:
        return 1.0 - (1.0 - decay) * ratio
    return math.exp(-0.5 * ratio * ratio)


@numba.njit(cache=True, boundscheck=False)
def _add_band(
    out: np.ndarray,
    band: tuple[int, int],
    chosen: np.ndarray,
    points: np.ndarray,
    windows: np.ndarray,
    frame: tuple[float, float, float],
    kind: int,
    decay: float,
) -> None:
    """Add the rows band[0]..band[1]-1 of the windows of the points ``chosen`` (see add_kernels)."""
    xmin, ymin, pixel = frame
    dx2 = np.empty(out.shape[1] + 1)
    for p in chosen:
        left, bottom_index, top, n = windows[p, 0], windows[p, 1], windows[p, 2], windows[p, 3]
        row0, row1 = max(top, band[0]), min(top + n, band[1])
        if row0 >= row1:
            continue
        px, py, w, bw, reach = points[p, 0], points[p, 1], points[p, 2], points[p, 3], points[p, 4]
        for j in range(n):
            dx = (left + j + 0.5) * pixel + xmin - px
            dx2[j] = dx * dx
        for row in range(row0, row1):
            dy = (bottom_index + row - top + 0.5) * pixel + ymin - py
            dy2 = dy * dy
            line = out[row, left : left + n]
            if _is_power(kind):
                room = bw * bw - dy2
                if room <= 0.0:
                    continue
                # Only the columns of this row's chord (±1 for rounding; the clamp zeroes the rest).
                half = math.sqrt(room) / pixel + 1.0
                centre = (px - xmin) / pixel - left - 0.5
                j0 = max(int(centre - half), 0)
                j1 = min(int(centre + half) + 1, n)
                _add_power_row(line, dx2, dy2, j0, j1, w, 1.0 / (bw * bw), kind)
            else:
                for j in range(n):
                    line[j] += w * _cell_value(kind, dx2[j] + dy2, bw, reach, decay)


@numba.njit(cache=True, boundscheck=False, inline="always")
def _add_power_row(
    line: np.ndarray, dx2: np.ndarray, dy2: float, j0: int, j1: int, w: float, inverse2: float, kind: int
) -> None:
    """line[j] += w·max(1 - d²/r², 0)^m for j in j0..j1-1: branch-free, so the compiler vectorises it."""
    if kind == QUARTIC:
        for j in range(j0, j1):
            t = max(1.0 - (dx2[j] + dy2) * inverse2, 0.0)
            line[j] += w * (t * t)
    elif kind == TRIWEIGHT:
        for j in range(j0, j1):
            t = max(1.0 - (dx2[j] + dy2) * inverse2, 0.0)
            line[j] += w * (t * t * t)
    else:
        for j in range(j0, j1):
            line[j] += w * max(1.0 - (dx2[j] + dy2) * inverse2, 0.0)


@numba.njit(cache=True, parallel=True, boundscheck=False)
def _add_bands(
    out: np.ndarray,
    bands: np.ndarray,
    ranges: np.ndarray,
    order: np.ndarray,
    points: np.ndarray,
    windows: np.ndarray,
    frame: tuple[float, float, float],
    kind: int,
    decay: float,
) -> None:
    for b in numba.prange(len(bands) - 1):
        chosen = order[ranges[b, 0] : ranges[b, 1]]
        _add_band(out, (bands[b], bands[b + 1]), chosen, points, windows, frame, kind, decay)


def add_kernels(
    out: np.ndarray,
    points: np.ndarray,
    windows: np.ndarray,
    frame: tuple[float, float, float],
    kind: int,
    decay: float,
    band_rows: int = 64,
) -> None:
    """Add each point's raw kernel × weight to ``out`` (rows top-down), in parallel over bands of rows.

    ``points``: float rows (x, y, weight, bandwidth, reach); ``windows``: int rows (xpos, ypos,
    yposio, size) as QGIS places them; ``frame``: (xmin, ymin, pixel) of the grid. The windows must lie
    inside ``out`` (the caller drops the points QGIS would drop). Points are sorted by their window's
    top row so that each band finds its points with two binary searches.
    """
    if not len(points):
        return
    rows = out.shape[0]
    tops = windows[:, 2]
    order = np.lexsort((windows[:, 0], tops))
    sorted_tops = tops[order]
    bands = np.arange(0, rows + band_rows, band_rows, dtype=np.int64)
    bands[-1] = rows
    # A window starting at row t covers rows t..t+size-1: band [b0, b1) needs tops in (b0 - size, b1).
    ranges = np.column_stack(
        [
            np.searchsorted(sorted_tops, bands[:-1] - int(windows[:, 3].max()), side="right"),
            np.searchsorted(sorted_tops, bands[1:], side="left"),
        ]
    ).astype(np.int64)
    _add_bands(
        out, bands, ranges, order.astype(np.int64), np.ascontiguousarray(points, dtype=np.float64),
        np.ascontiguousarray(windows, dtype=np.int64), tuple(float(f) for f in frame), int(kind), float(decay),
    )  # fmt: skip


@numba.njit(cache=True, nogil=True, boundscheck=False)
def add_rim_corrections(
    flat: np.ndarray,
    width: int,
    rows: np.ndarray,
    cols: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    weight: np.ndarray,
    rho: float,
    power: int,
    cell_x: np.ndarray,
    cell_y: np.ndarray,
    in_reference: np.ndarray,
) -> None:
    """Make each point's disk its own instead of the reference disk the moments assumed.

    ``rows``/``cols`` are the points' centre cells in the block ``flat`` (row-major, ``width`` wide).
    ``cell_x``/``cell_y`` are the window offsets of the rim cells (density.rim_cells): the only cells that
    can be inside one disk and outside the other; ``in_reference`` is 1.0 where the reference disk has
    the cell. A cell only in the point's own disk gets its kernel w·(1 - d²/ρ²)^m added, a cell only in
    the reference disk gets the polynomial the moments added there (the same expression, negative
    inside the bracket) taken away: both are (own - reference)·w·(1 - d²/ρ²)^m, zero elsewhere.

    Every rim cell is written, most with 0: a branch per cell costs more than the store, and without
    it the arithmetic loop, one per power, is vectorised (3× faster than walking each window row's
    chord ends with a square root).
    """
    rho2 = rho * rho
    inverse2 = 1.0 / rho2
    count = len(cell_x)
    offset = np.empty(count, dtype=np.int64)
    for c in range(count):
        offset[c] = int(cell_y[c]) * width + int(cell_x[c])
    change = np.empty(count)
    for p in range(len(u)):
        up, vp, w = u[p], v[p], weight[p]
        if power == 0:
            for c in range(count):
                dx, dy = cell_x[c] - up, cell_y[c] - vp
                change[c] = ((1.0 if dx * dx + dy * dy <= rho2 else 0.0) - in_reference[c]) * w
        elif power == 1:
            for c in range(count):
                dx, dy = cell_x[c] - up, cell_y[c] - vp
                d2 = dx * dx + dy * dy
                change[c] = ((1.0 if d2 <= rho2 else 0.0) - in_reference[c]) * w * (1.0 - d2 * inverse2)
        elif power == 2:
            for c in range(count):
                dx, dy = cell_x[c] - up, cell_y[c] - vp
                d2 = dx * dx + dy * dy
                ratio = 1.0 - d2 * inverse2
                change[c] = ((1.0 if d2 <= rho2 else 0.0) - in_reference[c]) * w * (ratio * ratio)
        else:
            for c in range(count):
                dx, dy = cell_x[c] - up, cell_y[c] - vp
                d2 = dx * dx + dy * dy
                ratio = 1.0 - d2 * inverse2
                change[c] = ((1.0 if d2 <= rho2 else 0.0) - in_reference[c]) * w * (ratio * ratio * ratio)
        base = rows[p] * width + cols[p]
        for c in range(count):
            flat[base + offset[c]] += change[c]


@numba.njit(cache=True, nogil=True, boundscheck=False)
def bin_moment(
    grid: np.ndarray, cells: np.ndarray, u: np.ndarray, v: np.ndarray, weight: np.ndarray, a: int, b: int, e: int
) -> None:
    """grid[cell] = Σ w·u^a·v^b·(u²+v²)^e over the points in each cell (``grid`` is overwritten).

    One term at a time into one reused array: ten fresh moment grids of a 2,000² raster are 170 MB of
    new pages, and the first touch of those pages cost more than the sums themselves.
    """
    grid[:] = 0.0
    for p in range(len(cells)):
        up, vp = u[p], v[p]
        q = up * up + vp * vp
        value = weight[p]
        for _ in range(a):
            value *= up
        for _ in range(b):
            value *= vp
        for _ in range(e):
            value *= q
        grid[cells[p]] += value


@numba.njit(cache=True, boundscheck=False)
def order_by_cell(cells: np.ndarray, count: int) -> np.ndarray:
    """Indices that put ``cells`` (0..count-1) in raster order: a counting sort, linear instead of n log n."""
    starts = np.zeros(count + 1, dtype=np.int64)
    for cell in cells:
        starts[cell + 1] += 1
    for cell in range(count):
        starts[cell + 1] += starts[cell]
    order = np.empty(len(cells), dtype=np.int64)
    for index in range(len(cells)):
        cell = cells[index]
        order[starts[cell]] = index
        starts[cell] += 1
    return order
