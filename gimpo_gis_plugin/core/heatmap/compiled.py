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


@numba.njit(cache=True, nogil=True, inline="always")
def _polynomial(ox: float, du0: float, dv2: float, inverse2: float, power: int) -> float:
    """(1 - d²/ρ²)^m at column offset ``ox`` (negative outside the disk: what the moments added there)."""
    du = ox - du0
    ratio = 1.0 - (du * du + dv2) * inverse2
    if power == 0:
        return 1.0
    if power == 1:
        return ratio
    if power == 2:
        return ratio * ratio
    return ratio * ratio * ratio


@numba.njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _add_run(
    flat: np.ndarray, base: int, start: int, end: int, du0: float, dv2: float, inverse2: float, power: int, w: float
) -> None:
    """flat[base + ox] += w·(1 - d²/ρ²)^m for ox in start..end (d from the point, in pixels)."""
    for ox in range(start, end + 1):
        flat[base + ox] += w * _polynomial(ox, du0, dv2, inverse2, power)


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
    buffer: int,
    power: int,
    ref_first: np.ndarray,
    ref_last: np.ndarray,
) -> None:
    """Make each point's disk its own instead of the reference disk the moments assumed.

    ``rows``/``cols`` are the points' centre cells in the block ``flat`` (row-major, ``width`` wide).
    In each window row the point's own chord [first, last] and the reference chord differ by a few
    cells at either end: cells only in its own chord get its kernel added, cells only in the reference
    chord get the polynomial the moments added there (negative outside the disk) taken away.
    In the wide rows both chords contain the centre, so each end is one shift (usually 0 or 1 cell);
    only the few rows at the top and bottom need the general set difference. Empty chords: first > last.
    """
    rho2 = rho * rho
    inverse2 = 1.0 / rho2
    span = 2 * buffer + 1
    wide = np.empty(span, dtype=np.bool_)
    for i in range(span):
        oy = i - buffer
        wide[i] = (abs(oy) + 0.5) ** 2 <= rho2 - 1.0 and ref_first[i] <= ref_last[i]
    for p in range(len(u)):
        up, vp, w = u[p], v[p], weight[p]
        for i in range(span):
            oy = i - buffer
            dv = oy - vp
            dv2 = dv * dv
            room = rho2 - dv2
            rf, rl = ref_first[i], ref_last[i]
            base = (rows[p] + oy) * width + cols[p]
            if room >= 0.0:
                half = math.sqrt(room)
                first = max(math.ceil(up - half), -buffer)
                last = min(math.floor(up + half), buffer)
            else:
                first, last = 1, 0
            if wide[i]:
                # Both chords contain the centre: only the ends can differ (in about a third of the rows).
                if first != rf:
                    _add_run(flat, base, min(first, rf), max(first, rf) - 1, up, dv2, inverse2, power,
                             w if first < rf else -w)  # fmt: skip
                if last != rl:
                    _add_run(flat, base, min(last, rl) + 1, max(last, rl), up, dv2, inverse2, power,
                             w if last > rl else -w)  # fmt: skip
                continue
            if first <= last:  # own minus reference: left of the reference chord, right of it
                _add_run(flat, base, first, min(last, rf - 1) if rf <= rl else last, up, dv2, inverse2, power, w)
                if rf <= rl:
                    _add_run(flat, base, max(first, rl + 1), last, up, dv2, inverse2, power, w)
            if rf <= rl:  # reference minus own
                _add_run(flat, base, rf, min(rl, first - 1) if first <= last else rl, up, dv2, inverse2, power, -w)
                if first <= last:
                    _add_run(flat, base, max(rf, last + 1), rl, up, dv2, inverse2, power, -w)


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
