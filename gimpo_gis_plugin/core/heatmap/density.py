"""Kernel density on QGIS's grid: an exact per-point reference and a fast exact method.

Where QGIS puts a point's kernel (``QgsKernelDensityEstimation::addFeature``): a window of
``2·buffer + 1`` pixels whose top-left cell is ``trunc(offset / pixel - buffer)`` in x (from the left)
and in y (from the top), and whose pixel centres are measured from the *bottom* of the widened extent.
The y centres therefore run upwards while the rows run downwards: the kernel is mirrored in y within
its window. Both methods here reproduce that placement so that every pixel matches QGIS's.

The fast method (for the kernels that are ``(1 - d²/r²)^m`` inside the radius: uniform, epanechnikov,
quartic, triweight) is exact, not approximate: with the point at offset (u, v) from its window's centre
cell and a cell at offset (ox, oy), ρ = r / pixel,

    ρ² - d² = A + B,  A = ρ² - ox² - oy²,  B = 2·ox·u + 2·oy·v - (u² + v²),

so (A + B)^m expands into a few terms (kernel array in ox, oy) × (moment in u, v). Summing the moments
of all points per centre cell and convolving each moment grid with its kernel array (FFT) gives every
point's kernel exactly, but cut to the disk of a point sitting on a cell centre. Each point's own disk
differs from that one in a thin rim of cells; those few cells are added or removed point by point
(``_rim_corrections``). The result equals the direct sum up to floating-point rounding.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.fft

from ..progress import SILENT, Progress
from .grid import Grid
from .kernels import POLYNOMIAL_POWER, Kernel, kernel_values, scale_factor, support_radius

# Direct evaluation works on chunks of about this many (point, cell) pairs: bounded memory, fast numpy.
_DIRECT_CHUNK_PAIRS = 3_000_000
_RIM_CHUNK_POINTS = 4_000
_FLUSH_ENTRIES = 4_000_000
_TILE = 2048
_ONE_TILE_MAX = 4096
_EMPTY = 1 << 40


@dataclass
class Placement:
    """Each point's window as QGIS places it (see the module docstring)."""

    crow: np.ndarray  # row of the window's centre cell (top-down)
    ccol: np.ndarray  # column of the window's centre cell
    u: np.ndarray  # x offset (pixels) of the point from that centre cell, in QGIS's convention
    v: np.ndarray  # y offset (pixels), measured upwards
    xpos: np.ndarray  # QGIS's xPosition, yPosition, yPositionIO (window corner)
    ypos: np.ndarray
    yposio: np.ndarray
    buffer: np.ndarray  # window half-size in pixels
    fits: np.ndarray  # False where QGIS's raster read would fail (the point then adds nothing)


def place_points(x: np.ndarray, y: np.ndarray, support: np.ndarray, grid: Grid) -> Placement:
    """Window of every point for kernels reaching ``support`` (map units), exactly as QGIS computes it."""
    pixel = grid.pixel
    buffer = np.trunc(support / pixel).astype(np.int64)
    buffer = buffer + ((support - pixel * buffer) > 0.5)
    fx = (x - grid.xmin) / pixel
    fy = (y - grid.ymin) / pixel
    xpos = np.trunc(fx - buffer).astype(np.int64)
    ypos = np.trunc(fy - buffer).astype(np.int64)
    yposio = np.trunc((grid.ymax - y) / pixel - buffer).astype(np.int64)
    size = 2 * buffer + 1
    fits = (xpos >= 0) & (yposio >= 0) & (xpos + size <= grid.cols) & (yposio + size <= grid.rows)
    return Placement(
        crow=yposio + buffer,
        ccol=xpos + buffer,
        u=fx - xpos - buffer - 0.5,
        v=fy - ypos - buffer - 0.5,
        xpos=xpos,
        ypos=ypos,
        yposio=yposio,
        buffer=buffer,
        fits=fits,
    )


def accumulate_direct(
    out: np.ndarray,
    grid: Grid,
    x: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    bandwidth: np.ndarray,
    kernel: Kernel,
    decay: float,
    scaled: bool,
    progress: Progress = SILENT,
) -> None:
    """Add every point's kernel to ``out`` (float64) cell by cell, with QGIS's own arithmetic (the reference)."""
    support = support_radius(kernel, bandwidth)
    place = place_points(x, y, support, grid)
    keep = place.fits
    pixel = grid.pixel
    flat = out.reshape(-1)
    buffers = place.buffer[keep]
    done = 0
    total = max(int(keep.sum()), 1)
    for buffer in np.unique(buffers):
        members = np.flatnonzero(keep)[buffers == buffer]
        steps = np.arange(2 * buffer + 1)
        chunk = max(1, _DIRECT_CHUNK_PAIRS // len(steps) ** 2)
        for start in range(0, len(members), chunk):
            idx = members[start : start + chunk]
            centre_x = (place.xpos[idx, None] + steps + 0.5) * pixel + grid.xmin
            centre_y = (place.ypos[idx, None] + steps + 0.5) * pixel + grid.ymin
            dx2 = (centre_x - x[idx, None]) ** 2
            dy2 = (centre_y - y[idx, None]) ** 2
            distance = np.sqrt(dy2[:, :, None] + dx2[:, None, :])
            reach = support[idx, None, None]
            inside = ~(distance > reach)
            band = bandwidth[idx, None, None] * np.ones_like(distance)
            values = weight[idx, None, None] * kernel_values(kernel, distance, band, decay, scaled)
            cells = (place.yposio[idx, None, None] + steps[None, :, None]) * grid.cols + (
                place.xpos[idx, None, None] + steps[None, None, :]
            )
            flat += np.bincount(cells[inside], values[inside], minlength=flat.size)
            done += len(idx)
            progress.set(done / total)


def polynomial_terms(power: int, rho: float, buffer: int) -> list[tuple[int, int, int, np.ndarray]]:
    """(a, b, e, kernel array) such that Σ kernel·u^a·v^b·(u²+v²)^e = ((ρ² - d²)/ρ²)^power on the disk.

    The kernel arrays are cut to the disk of a point on a cell centre (ox² + oy² ≤ ρ²).
    """
    offsets = np.arange(-buffer, buffer + 1, dtype=np.float64)
    ox = offsets[None, :]
    oy = offsets[:, None]
    base = rho * rho - ox * ox - oy * oy
    disk = base >= 0
    terms = []
    for j in range(power + 1):
        outer = math.comb(power, j) * base ** (power - j)
        for a in range(j + 1):
            for b in range(j - a + 1):
                e = j - a - b
                multinomial = math.factorial(j) // (math.factorial(a) * math.factorial(b) * math.factorial(e))
                coefficient = multinomial * 2.0 ** (a + b) * (-1.0) ** e / rho ** (2 * power)
                terms.append((a, b, e, np.where(disk, outer * coefficient * ox**a * oy**b, 0.0)))
    return terms


def reference_rows(rho: float, buffer: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last column offset of the reference disk in each window row (empty rows: _EMPTY)."""
    offsets = np.arange(-buffer, buffer + 1)
    room = rho * rho - offsets.astype(np.float64) ** 2
    first = np.full(len(offsets), _EMPTY, dtype=np.int64)
    last = np.full(len(offsets), _EMPTY - 1, dtype=np.int64)
    for row, space in enumerate(room):
        if space >= 0:
            inside = offsets[offsets.astype(np.float64) ** 2 <= space]
            if len(inside):
                first[row], last[row] = inside.min(), inside.max()
    return first, last


def _runs(first: np.ndarray, last: np.ndarray, cut_first: np.ndarray, cut_last: np.ndarray):
    """The two runs of [first, last] outside [cut_first, cut_last] (as start, end arrays)."""
    left = (first, np.minimum(last, cut_first - 1))
    right = (np.maximum(first, cut_last + 1), last)
    return left, right


def _own_rows(u: np.ndarray, v: np.ndarray, rows: np.ndarray, rho2: float, buffer: int):
    """First and last column offset of each point's own disk in window rows ``rows`` (unclipped rows)."""
    dv = rows[None, :] - v[:, None]
    room = rho2 - dv * dv
    half = np.sqrt(np.maximum(room, 0.0))
    first = np.maximum(np.ceil(u[:, None] - half), -buffer).astype(np.int64)
    last = np.minimum(np.floor(u[:, None] + half), buffer).astype(np.int64)
    return first, last, room


def _rim_corrections(
    place: Placement,
    members: np.ndarray,
    weight: np.ndarray,
    rho: float,
    buffer: int,
    power: int,
    scale: float,
    origin: tuple[int, int],
    width: int,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(local cell index, value) to add so each point's disk is its own and not the reference disk.

    In the wide rows of the disk both intervals contain the centre, so they differ only by a shift of
    each end (usually 0 or 1 cell): two runs per row. The few rows at the top and bottom, where either
    interval may be empty, take the general set difference (four runs).
    """
    ref_first, ref_last = reference_rows(rho, buffer)
    offsets = np.arange(-buffer, buffer + 1)
    rho2 = rho * rho
    wide = ((np.abs(offsets) + 0.5) ** 2 <= rho2 - 1.0) & (ref_first != _EMPTY)
    core_rows, edge_rows = np.flatnonzero(wide), np.flatnonzero(~wide)
    for start in range(0, len(members), _RIM_CHUNK_POINTS):
        idx = members[start : start + _RIM_CHUNK_POINTS]
        u, v = place.u[idx], place.v[idx]
        runs = []
        if len(core_rows):
            first, last, _ = _own_rows(u, v, offsets[core_rows], rho2, buffer)
            shift_left = first - ref_first[core_rows]
            shift_right = last - ref_last[core_rows]
            runs.append((core_rows, np.minimum(first, ref_first[core_rows]), np.abs(shift_left), shift_left < 0))
            runs.append((core_rows, np.minimum(last, ref_last[core_rows]) + 1, np.abs(shift_right), shift_right > 0))
        if len(edge_rows):
            first, last, room = _own_rows(u, v, offsets[edge_rows], rho2, buffer)
            empty = (room < 0) | (first > last)
            first[empty] = _EMPTY
            last[empty] = _EMPTY - 1
            rf = np.broadcast_to(ref_first[edge_rows], first.shape)
            rl = np.broadcast_to(ref_last[edge_rows], first.shape)
            # Cells in the point's own disk but not the reference one are added, the reverse removed.
            for adds, (own_first, own_last, cut_first, cut_last) in (
                (True, (first, last, rf, rl)),
                (False, (rf, rl, first, last)),
            ):
                for run_start, run_end in _runs(own_first, own_last, cut_first, cut_last):
                    runs.append(
                        (edge_rows, run_start, np.maximum(run_end - run_start + 1, 0), np.full(first.shape, adds))
                    )
        for window_rows, run_start, lengths, adds in runs:
            point_rows, columns = np.nonzero(lengths)
            if not len(point_rows):
                continue
            counts = lengths[point_rows, columns]
            begins = run_start[point_rows, columns]
            signs = np.where(adds[point_rows, columns], scale, -scale)
            longer = np.flatnonzero(counts > 1)
            if len(longer):
                # Runs of several cells (top and bottom of the disk): one entry per extra cell.
                extra = counts[longer] - 1
                ends = np.cumsum(extra)
                step = np.arange(1, int(ends[-1]) + 1) - np.repeat(ends - extra, extra)
                point_rows = np.concatenate([point_rows, np.repeat(point_rows[longer], extra)])
                columns = np.concatenate([columns, np.repeat(columns[longer], extra)])
                begins = np.concatenate([begins, np.repeat(begins[longer], extra) + step])
                signs = np.concatenate([signs, np.repeat(signs[longer], extra)])
            ox = begins
            oy = offsets[window_rows[columns]]
            point = idx[point_rows]
            du = ox - place.u[point]
            dv = oy - place.v[point]
            ratio = (rho2 - (du * du + dv * dv)) / rho2
            values = signs * weight[point] * (ratio**power if power else 1.0)
            rows = place.crow[point] - origin[0] + buffer + oy
            cols = place.ccol[point] - origin[1] + buffer + ox
            yield rows * width + cols, values


def accumulate_polynomial(
    out: np.ndarray,
    grid: Grid,
    x: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    radius: float,
    kernel: Kernel,
    scaled: bool,
    progress: Progress = SILENT,
) -> None:
    """Add the kernels of points that share one radius to ``out``, exactly, by moments + FFT + rim."""
    power = POLYNOMIAL_POWER[kernel]
    radii = np.full(len(x), radius)
    place = place_points(x, y, radii, grid)
    keep = np.flatnonzero(place.fits)
    if not len(keep):
        return
    buffer = int(place.buffer[0])
    rho = radius / grid.pixel
    scale = scale_factor(kernel, radius, 0.0) if scaled else 1.0
    terms = polynomial_terms(power, rho, buffer)
    tile = max(grid.rows, grid.cols) if max(grid.rows, grid.cols) <= _ONE_TILE_MAX else _TILE
    tiles_across = -(-grid.cols // tile)
    tile_of = (place.crow[keep] // tile) * tiles_across + place.ccol[keep] // tile
    order = np.argsort(tile_of, kind="stable")
    keep, tile_of = keep[order], tile_of[order]
    bounds = np.searchsorted(tile_of, np.arange(tile_of.max() + 2))
    spectra: dict[tuple[int, int], list[np.ndarray]] = {}
    occupied = np.flatnonzero(np.diff(bounds))
    for step, tile_id in enumerate(occupied):
        members = keep[bounds[tile_id] : bounds[tile_id + 1]]
        row0, col0 = (tile_id // tiles_across) * tile, (tile_id % tiles_across) * tile
        height, width = min(tile, grid.rows - row0), min(tile, grid.cols - col0)
        local = (place.crow[members] - row0) * width + (place.ccol[members] - col0)
        padded = (height + 2 * buffer, width + 2 * buffer)
        shape = (scipy.fft.next_fast_len(padded[0], real=True), scipy.fft.next_fast_len(padded[1], real=True))
        if shape not in spectra:
            spectra[shape] = [scipy.fft.rfft2(term[3].astype(np.float32), s=shape, workers=-1) for term in terms]
        size = padded[0] * padded[1]

        def smooth(members=members, local=local, height=height, width=width, shape=shape, padded=padded):
            total = None
            u, v, w = place.u[members], place.v[members], weight[members] * scale
            q = u * u + v * v
            for (a, b, e, _), spectrum in zip(terms, spectra[shape], strict=True):
                moment = w * (u**a if a else 1.0) * (v**b if b else 1.0) * (q**e if e else 1.0)
                grid_moment = np.bincount(local, moment, minlength=height * width).reshape(height, width)
                product = scipy.fft.rfft2(grid_moment.astype(np.float32), s=shape, workers=1) * spectrum
                total = product if total is None else total.__iadd__(product)
            block = scipy.fft.irfft2(total, s=shape, workers=1)[: padded[0], : padded[1]]
            return np.ascontiguousarray(block, dtype=np.float64)

        def rim(part, origin=(row0, col0), padded=padded, size=size):
            flat = np.zeros(size)
            cells, values, pending = [], [], 0
            for cell, value in _rim_corrections(place, part, weight, rho, buffer, power, scale, origin, padded[1]):
                cells.append(cell)
                values.append(value)
                pending += len(cell)
                if pending > _FLUSH_ENTRIES:
                    flat += np.bincount(np.concatenate(cells), np.concatenate(values), minlength=size)
                    cells, values, pending = [], [], 0
            if cells:
                flat += np.bincount(np.concatenate(cells), np.concatenate(values), minlength=size)
            return flat

        # numpy and pocketfft release the GIL: the smooth part and halves of the rim run side by side.
        workers = max(1, min(os.cpu_count() or 1, 4))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            smooth_job = pool.submit(smooth)
            rim_jobs = [pool.submit(rim, part) for part in np.array_split(members, workers) if len(part)]
            block = smooth_job.result()
            flat_block = block.reshape(-1)
            for job in rim_jobs:
                flat_block += job.result()
        _add_block(out, block, row0 - buffer, col0 - buffer)
        progress.set((step + 1) / len(occupied))


def _add_block(out: np.ndarray, block: np.ndarray, top: int, left: int) -> None:
    """out[top:, left:] += block, clipped to out (only FFT round-off falls outside)."""
    r0, c0 = max(top, 0), max(left, 0)
    r1 = min(top + block.shape[0], out.shape[0])
    c1 = min(left + block.shape[1], out.shape[1])
    if r1 > r0 and c1 > c0:
        out[r0:r1, c0:c1] += block[r0 - top : r1 - top, c0 - left : c1 - left]
