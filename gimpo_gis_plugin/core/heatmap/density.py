"""Kernel density on QGIS's grid: a direct per-point sum and a fast exact method for large inputs.

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
(``compiled.add_rim_corrections``). The result equals the direct sum up to floating-point rounding.

The per-point loops (direct sums, moment binning, the rim) are compiled (compiled.py); numpy and
pocketfft do the FFTs. Measured on 1,000,000 points, radius 30 pixels, 2,061² cells (CPU seconds of one
thread): rim 0.22, moments + FFTs ≈ 0.49 (ten terms for the quartic); each of two threads takes half of
the terms and then a share of the rim.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.fft

from ..progress import SILENT, Progress
from .grid import Grid
from .kernels import POLYNOMIAL_POWER, Kernel, scale_factor, support_radius

# Direct evaluation works on chunks of about this many (point, cell) pairs: bounded memory, fast numpy.
_TILE = 2048
_ONE_TILE_MAX = 4096
# The rim is cut into this many bands of rows, so that both threads share it once the FFTs are done.
_RIM_BANDS = 8


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


def _compiled():
    """The compiled loops. Imported when a heat map is computed, so that without numba the heat map stays in
    the toolbox and says, in Korean with the install command, that numba is missing (instead of the whole
    algorithm module failing to import and the tool silently disappearing)."""
    from ...dependencies import require

    require("numba")
    from . import compiled

    return compiled


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
    """Add every point's kernel to ``out`` (float64) cell by cell, with QGIS's own arithmetic.

    Any kernel, one radius per point. The compiled loop does the work; it runs on slices of the
    points so that progress is reported and cancel is honoured between slices.
    """
    compiled = _compiled()
    support = support_radius(kernel, bandwidth)
    place = place_points(x, y, support, grid)
    keep = np.flatnonzero(place.fits)
    if not len(keep):
        return
    scale = np.array([scale_factor(kernel, b, decay) for b in np.unique(bandwidth)]) if scaled else None
    factor = weight.astype(np.float64)
    if scale is not None:
        factor = factor * scale[np.searchsorted(np.unique(bandwidth), bandwidth)]
    points = np.column_stack([x, y, factor, bandwidth, support])
    windows = np.column_stack([place.xpos, place.ypos, place.yposio, 2 * place.buffer + 1])
    slices = max(1, min(20, len(keep) // 50_000))
    for index, part in enumerate(np.array_split(keep, slices)):
        compiled.add_kernels(out, points[part], windows[part], (grid.xmin, grid.ymin, grid.pixel), int(kernel), decay)
        progress.set((index + 1) / slices)


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


def rim_cells(
    rho: float, buffer: int, reach_u: float = 0.5, reach_v: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Window offsets (x, y) of the cells that a point's own disk and the reference disk can disagree on,
    and 1.0 where the reference disk (ox² + oy² ≤ ρ²) has the cell.

    With the point at (u, v), |u| ≤ reach_u, |v| ≤ reach_v, a cell is in its own disk when A + B ≥ 0
    (module docstring) and |B| ≤ 2·|ox|·reach_u + 2·|oy|·reach_v + reach_u² + reach_v²: only cells with
    |A| within that (plus one for rounding) can change side. Usually |u|, |v| ≤ ½ and that is about 8·ρ
    cells (248 for ρ = 30 against 2,821 in the disk); QGIS truncates a window corner left of the grid's
    edge towards zero, so a point near the left or bottom edge can sit up to 1½ cells off its centre.
    """
    offsets = np.arange(-buffer, buffer + 1, dtype=np.float64)
    ox, oy = np.meshgrid(offsets, offsets)
    inside = rho * rho - ox * ox - oy * oy
    reach = 2 * np.abs(ox) * reach_u + 2 * np.abs(oy) * reach_v + reach_u**2 + reach_v**2 + 1.0
    rim = np.abs(inside) <= reach
    return ox[rim], oy[rim], (inside[rim] >= 0).astype(np.float64)


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
    compiled = _compiled()
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
    reach_u, reach_v = (max(0.5, float(np.abs(offset[keep]).max())) for offset in (place.u, place.v))
    cell_x, cell_y, in_reference = rim_cells(rho, buffer, reach_u, reach_v)
    tile = max(grid.rows, grid.cols) if max(grid.rows, grid.cols) <= _ONE_TILE_MAX else _TILE
    tiles_across = -(-grid.cols // tile)
    tile_of = (place.crow[keep] // tile) * tiles_across + place.ccol[keep] // tile
    if tiles_across > 1 or grid.rows > tile:
        order = np.argsort(tile_of, kind="stable")
        keep, tile_of = keep[order], tile_of[order]
    bounds = np.searchsorted(tile_of, np.arange(tile_of.max() + 2))
    occupied = np.flatnonzero(np.diff(bounds))
    # The kernels' spectra are kept per tile shape only when tiles repeat them: for one tile, keeping all
    # ten (190 MB of fresh pages at 2,000² cells) costs more than making each when it is used.
    kept_spectra: dict[tuple[int, int, int], np.ndarray] | None = {} if len(occupied) > 1 else None

    def kernel_spectrum(index: int, shape: tuple[int, int]) -> np.ndarray:
        if kept_spectra is None:
            return _padded_spectrum(terms[index][3], shape)
        key = (index, *shape)
        if key not in kept_spectra:  # each term belongs to one thread, so no two threads make the same key
            kept_spectra[key] = _padded_spectrum(terms[index][3], shape)
        return kept_spectra[key]

    for step, tile_id in enumerate(occupied):
        members = keep[bounds[tile_id] : bounds[tile_id + 1]]
        row0, col0 = (tile_id // tiles_across) * tile, (tile_id % tiles_across) * tile
        height, width = min(tile, grid.rows - row0), min(tile, grid.cols - col0)
        local = (place.crow[members] - row0) * width + (place.ccol[members] - col0)
        # In raster order the rim's writes stay in cache (random order costs a cache miss per window row).
        by_cell = compiled.order_by_cell(local, height * width)
        members, local = members[by_cell], local[by_cell]
        padded = (height + 2 * buffer, width + 2 * buffer)
        shape = (scipy.fft.next_fast_len(padded[0], real=True), scipy.fft.next_fast_len(padded[1], real=True))

        def spectrum(indices, members=members, local=local, height=height, width=width, shape=shape):
            """Σ FFT(moment grid) · FFT(kernel array) over the terms ``indices`` (not yet inverted)."""
            grid_moment = np.empty(height * width, dtype=np.float32)
            u, v, w = place.u[members], place.v[members], weight[members] * scale
            total = None
            for index in indices:
                a, b, e, _ = terms[index]
                compiled.bin_moment(grid_moment, local, u, v, w, a, b, e)
                product = scipy.fft.rfft2(grid_moment.reshape(height, width), s=shape, workers=1)
                product *= kernel_spectrum(index, shape)
                total = product if total is None else total.__iadd__(product)
            return total

        def rim(part, row0=row0, col0=col0, width=padded[1]):
            """The rim of ``part`` (consecutive in raster order) in its own band of rows: (first row, band)."""
            rows = place.crow[part] - row0
            top = int(rows[0])
            band = np.zeros((int(rows[-1]) - top + 1 + 2 * buffer) * width)
            compiled.add_rim_corrections(
                band, width, rows - top + buffer, place.ccol[part] - col0 + buffer,
                place.u[part], place.v[part], weight[part] * scale, rho, power, cell_x, cell_y, in_reference,
            )  # fmt: skip
            return top, band.reshape(-1, width)

        # pocketfft and the compiled code release the GIL: the two threads each take half of the terms'
        # FFTs, then share the rim's bands as they come free (the FFTs cost about twice the rim).
        with ThreadPoolExecutor(max_workers=2) as pool:
            halves = [pool.submit(spectrum, range(half, len(terms), 2)) for half in (0, 1) if half < len(terms)]
            parts = [part for part in np.array_split(members, _RIM_BANDS) if len(part)]
            rim_jobs = [pool.submit(rim, part) for part in parts]
            total = halves[0].result()
            for half in halves[1:]:
                total += half.result()
            smooth = scipy.fft.irfft2(total, s=shape, workers=1)[: padded[0], : padded[1]]
            block = np.ascontiguousarray(smooth, dtype=np.float64)
            del total, smooth
            for job in rim_jobs:
                top, band = job.result()
                block[top : top + len(band)] += band
        _add_block(out, block, row0 - buffer, col0 - buffer)
        progress.set((step + 1) / len(occupied))


def _padded_spectrum(kernel: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """rfft2 of the small kernel zero-padded to ``shape``: the row transforms of the zero rows are skipped."""
    rows = scipy.fft.rfft(kernel.astype(np.float32), n=shape[1], axis=1, workers=1)
    return scipy.fft.fft(rows, n=shape[0], axis=0, workers=1)


def _add_block(out: np.ndarray, block: np.ndarray, top: int, left: int) -> None:
    """out[top:, left:] += block, clipped to out (only FFT round-off falls outside)."""
    r0, c0 = max(top, 0), max(left, 0)
    r1 = min(top + block.shape[0], out.shape[0])
    c1 = min(left + block.shape[1], out.shape[1])
    if r1 > r0 and c1 > c0:
        out[r0:r1, c0:c1] += block[r0 - top : r1 - top, c0 - left : c1 - left]
