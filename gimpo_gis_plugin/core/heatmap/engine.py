"""Heat maps from points: QGIS-identical kernel density plus what QGIS lacks.

``kernel_density`` reproduces ``qgis:heatmapkerneldensityestimation`` (same grid, same values) and adds a
Gaussian kernel and an automatic radius. ``time_slices`` makes one band per month or quarter on one grid,
``rate_surface`` divides events by a population surface (per 1,000 residents, with a floor so that
near-empty areas do not explode) and ``mask_outside`` blanks everything outside a boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import CrsError, InputError
from ..progress import SILENT, Progress
from . import density
from .bandwidth import automatic_bandwidth
from .grid import Grid, check_size, qgis_grid
from .kernels import KERNEL_NAMES, POLYNOMIAL_POWER, Kernel, bandwidth_to_radius, support_radius
from .points import PointData

REPROJECT_TO = "EPSG:5186"
# Above this many (point, cell) pairs the polynomial kernels use moments + FFT instead of direct sums.
_FAST_ABOVE_PAIRS = 20_000_000
_MAX_RADIUS_GROUPS = 8


@dataclass
class HeatmapOptions:
    pixel_size: float
    radius: float | None = None  # None: automatic (bandwidth_rule)
    kernel: Kernel = Kernel.QUARTIC
    decay: float = 0.0
    scaled: bool = False
    bandwidth_rule: str = "silverman"
    method: str = "auto"  # auto | direct | fast


@dataclass
class Heatmap:
    grid: Grid
    bands: list[np.ndarray]
    descriptions: list[str]
    crs: str | None
    radius: float | None
    warnings: list[str] = field(default_factory=list)


def prepare_points(points: PointData, progress: Progress = SILENT) -> tuple[PointData, list[str]]:
    """Reproject degrees to EPSG:5186 (the heat map needs metres), drop unusable points, say so."""
    notes: list[str] = []
    if points.crs is None:
        raise CrsError("The points have no coordinate reference system.", "Give the layer's CRS (e.g. EPSG:5186).")
    from pyproj import CRS, Transformer

    crs = CRS.from_user_input(points.crs)
    if crs.is_geographic:
        transformer = Transformer.from_crs(crs, REPROJECT_TO, always_xy=True)
        x, y = transformer.transform(points.x, points.y)
        points = PointData(
            np.asarray(x), np.asarray(y), points.weight, REPROJECT_TO, points.radius, points.dates,
            points.null_weights, points.null_radii,
        )  # fmt: skip
        notes.append(
            f"The layer is in degrees ({crs.name}); the points were reprojected to {REPROJECT_TO} "
            "so that the radius and pixel size are metres."
        )
    finite = np.isfinite(points.x) & np.isfinite(points.y)
    if (~finite).any():
        notes.append(
            f"좌표가 없거나 쓸 수 없는 점 {int((~finite).sum())}개를 제외했습니다. "
            f"{int((~finite).sum())} point(s) without usable coordinates were left out."
        )
        points = points.subset(finite)
    if points.radius is not None and (points.radius <= 0).any():
        unusable = int((points.radius <= 0).sum())
        notes.append(
            f"반경 값이 없거나 0 이하, 무한대인 점 {unusable}개는 히트맵에 더하지 않습니다. "
            f"{unusable} point(s) with a missing, zero, negative or infinite radius add nothing."
        )
    if points.null_weights:
        notes.append(
            f"가중치가 없는 점 {points.null_weights}개는 가중치 0으로 셉니다(QGIS와 같음). "
            f"{points.null_weights} point(s) have no weight; they count as weight 0 (as in QGIS)."
        )
    for note in notes:
        progress.warn(note)
    return points, notes


def _chosen_radius(points: PointData, options: HeatmapOptions, notes: list[str], progress: Progress) -> float:
    if options.radius is not None:
        if not options.radius > 0:
            raise InputError(
                f"반경(RADIUS)은 0보다 커야 합니다: {options.radius}. "
                f"Radius must be greater than 0; got {options.radius}.",
                "예: RADIUS=300 (미터), 또는 비워 두면 자동 반경. Give e.g. RADIUS=300.",
            )
        return float(options.radius)
    sigma = automatic_bandwidth(points.x, points.y, points.weight, options.bandwidth_rule)
    radius = bandwidth_to_radius(options.kernel, sigma, options.decay)
    note = (
        f"Automatic radius ({options.bandwidth_rule}): σ = {sigma:.1f} m, "
        f"{KERNEL_NAMES[options.kernel]} radius {radius:.1f} m."
    )
    notes.append(note)
    progress.info(note)
    return radius


def density_grid(points: PointData, options: HeatmapOptions, radius: float | None) -> Grid:
    """QGIS's grid for these points: extent widened by the largest reach (4 σ for the Gaussian)."""
    if not options.pixel_size > 0:
        raise InputError(
            f"화소 크기(PIXEL_SIZE)는 0보다 커야 합니다: {options.pixel_size}. "
            f"Pixel size must be greater than 0; got {options.pixel_size}.",
            "예: PIXEL_SIZE=10 (미터). Give e.g. PIXEL_SIZE=10.",
        )
    reach = float(points.radius.max()) if points.radius is not None and len(points) else radius
    return qgis_grid(points.extent(), support_radius(options.kernel, reach), options.pixel_size)


def accumulate(
    out: np.ndarray, grid: Grid, points: PointData, options: HeatmapOptions, radius: float | None, progress: Progress
) -> None:
    """Add the points' kernels to ``out`` on ``grid`` (points whose window leaves the grid add nothing)."""
    if not len(points):
        return
    if points.radius is None:  # one radius for all: no copy, no sort of a million radii
        if not float(radius) > 0:
            return  # no point has a usable radius
        radii, distinct = np.full(len(points), float(radius)), np.array([float(radius)])
    else:
        usable = points.radius > 0
        points, radii = points.subset(usable), points.radius[usable]
        distinct = np.unique(radii)
    kernel = options.kernel
    window = 2 * np.ceil(support_radius(kernel, float(distinct.max())) / grid.pixel) + 1
    method = options.method
    if method == "auto":
        large = len(points) * window**2 > _FAST_ABOVE_PAIRS
        method = "fast" if large and kernel in POLYNOMIAL_POWER and len(distinct) <= _MAX_RADIUS_GROUPS else "direct"
    if method == "fast" and kernel in POLYNOMIAL_POWER:
        for index, value in enumerate(distinct):
            group = radii == value
            density.accumulate_polynomial(
                out, grid, points.x[group], points.y[group], points.weight[group], float(value), kernel,
                options.scaled, progress.sub(index / len(distinct), (index + 1) / len(distinct)),
            )  # fmt: skip
    else:
        density.accumulate_direct(
            out, grid, points.x, points.y, points.weight, radii, kernel, options.decay, options.scaled, progress
        )


def _empty(options: HeatmapOptions, crs: str | None, notes: list[str], progress: Progress) -> Heatmap:
    note = "There are no points to map: the heat map is an empty 1 × 1 raster."
    notes.append(note)
    progress.warn(note)
    pixel = options.pixel_size if options.pixel_size > 0 else 1.0
    grid = Grid(0.0, 0.0, pixel, pixel, pixel, 1, 1)
    return Heatmap(grid, [np.zeros((1, 1))], ["density"], crs, options.radius, notes)


def _clean(band: np.ndarray) -> np.ndarray:
    """Zero the FFT's round-off where no kernel reaches (so zero stays transparent)."""
    peak = float(np.abs(band).max()) if band.size else 0.0
    if peak > 0:
        band[np.abs(band) <= peak * 1e-6] = 0.0
    return band


def kernel_density(points: PointData, options: HeatmapOptions, progress: Progress = SILENT) -> Heatmap:
    """One band of kernel density, identical to QGIS's heatmap for QGIS's kernels."""
    points, notes = prepare_points(points, progress)
    if options.radius is not None and not options.radius > 0:
        raise InputError(
            f"반경(RADIUS)은 0보다 커야 합니다: {options.radius}. Radius must be greater than 0; got {options.radius}.",
            "예: RADIUS=300 (미터), 또는 비워 두면 자동 반경. Give e.g. RADIUS=300.",
        )
    if not options.pixel_size > 0:
        raise InputError(
            f"화소 크기(PIXEL_SIZE)는 0보다 커야 합니다: {options.pixel_size}. "
            f"Pixel size must be greater than 0; got {options.pixel_size}.",
            "예: PIXEL_SIZE=10 (미터). Give e.g. PIXEL_SIZE=10.",
        )
    if not len(points):
        return _empty(options, points.crs, notes, progress)
    radius = None if points.radius is not None else _chosen_radius(points, options, notes, progress)
    grid = density_grid(points, options, radius)
    check_size(grid, 1, 0, points=len(points))
    out = np.zeros((grid.rows, grid.cols))
    accumulate(out, grid, points, options, radius, progress.sub(0.0, 0.95))
    name = f"{KERNEL_NAMES[options.kernel]} {'scaled' if options.scaled else 'raw'}"
    return Heatmap(grid, [_clean(out)], [name], points.crs, radius, notes)


def period_labels(dates: np.ndarray, period: str) -> np.ndarray:
    """'2026-03' per month or '2026-Q1' per quarter; '' where the date is missing."""
    months = dates.astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(int) + 1970
    month = months.astype(int) % 12 + 1
    if period == "month":
        labels = np.char.add(np.char.add(years.astype(str), "-"), np.char.zfill(month.astype(str), 2))
    elif period == "quarter":
        labels = np.char.add(np.char.add(years.astype(str), "-Q"), ((month - 1) // 3 + 1).astype(str))
    else:
        raise InputError(f"Unknown time slice {period!r}.", "Use 'month' or 'quarter'.")
    return np.where(np.isnat(dates), "", labels)


def time_slices(
    points: PointData, options: HeatmapOptions, period: str = "month", progress: Progress = SILENT
) -> Heatmap:
    """One band per month or quarter, all on the grid of all dated points (so bands compare)."""
    if points.dates is None:
        raise InputError("Time slices need a date field.", "Give DATE_FIELD (dates like 2026-03-15).")
    points, notes = prepare_points(points, progress)
    labels = period_labels(points.dates, period)
    undated = labels == ""
    if undated.any():
        note = f"{int(undated.sum())} point(s) have no readable date and are left out of the time slices."
        notes.append(note)
        progress.warn(note)
        points, labels = points.subset(~undated), labels[~undated]
    if not len(points):
        return _empty(options, points.crs, notes, progress)
    radius = None if points.radius is not None else _chosen_radius(points, options, notes, progress)
    grid = density_grid(points, options, radius)
    periods = sorted(set(labels.tolist()))
    check_size(grid, len(periods), 0, "set of time slices", len(points))
    bands = []
    for index, label in enumerate(periods):
        band = np.zeros((grid.rows, grid.cols))
        subset = points.subset(labels == label)
        accumulate(band, grid, subset, options, radius, progress.sub(index / len(periods), (index + 1) / len(periods)))
        bands.append(_clean(band))
    return Heatmap(grid, bands, periods, points.crs, radius, notes)


def rate_surface(
    events: Heatmap,
    population: PointData,
    options: HeatmapOptions,
    per: float = 1000.0,
    floor: float = 100.0,
    progress: Progress = SILENT,
) -> Heatmap:
    """Events per ``per`` residents: event density / population density, same kernel and radius.

    Both surfaces are raw kernel sums, so the kernel's scale cancels and the ratio is "events per
    resident nearby". Where fewer than ``floor`` residents are nearby the ``floor`` is used instead, so a
    single complaint in an empty field does not become a huge rate. ``events`` must be raw.
    """
    if floor <= 0:
        raise InputError(f"The rate floor must be greater than 0; got {floor}.", "Give e.g. RATE_FLOOR=100.")
    population, notes = prepare_points(population, progress)
    grid = events.grid
    if population.crs != events.crs and events.crs is not None:
        from pyproj import CRS, Transformer

        if not CRS.from_user_input(population.crs).equals(CRS.from_user_input(events.crs)):
            transformer = Transformer.from_crs(population.crs, events.crs, always_xy=True)
            x, y = transformer.transform(population.x, population.y)
            population = PointData(np.asarray(x), np.asarray(y), population.weight, events.crs)
    # The population surface is computed on a grid widened by the window, then cut back, so that
    # residents just outside the events' extent still count near its edge.
    radius = events.radius if events.radius is not None else options.radius
    if radius is None:
        raise InputError("The rate needs one radius for events and population.", "Give RADIUS (not a radius field).")
    margin = int(np.ceil(support_radius(options.kernel, radius) / grid.pixel)) + 1
    shift = margin * grid.pixel
    wide = Grid(
        grid.xmin - shift, grid.ymin - shift, grid.xmax + shift, grid.ymax + shift, grid.pixel,
        grid.rows + 2 * margin, grid.cols + 2 * margin,
    )  # fmt: skip
    check_size(wide, len(events.bands) + 1, 0, "rate surface")
    surface = np.zeros((wide.rows, wide.cols))
    raw = HeatmapOptions(options.pixel_size, radius, options.kernel, options.decay, False, method=options.method)
    accumulate(surface, wide, population.subset(population.weight != 0), raw, radius, progress)
    residents = _clean(surface)[margin:-margin, margin:-margin]
    denominator = np.maximum(residents, floor)
    bands = [np.where(band != 0, per * band / denominator, 0.0) for band in events.bands]
    names = [f"{name} per {per:g} residents" for name in events.descriptions]
    notes = [*events.warnings, *notes, f"Rate floor: {floor:g} residents nearby."]
    return Heatmap(grid, bands, names, events.crs, radius, notes)


def mask_outside(heatmap: Heatmap, geometries: list) -> Heatmap:
    """Blank (nodata) every cell whose centre lies outside the polygons, e.g. the city boundary."""
    from rasterio.features import geometry_mask
    from rasterio.transform import Affine

    if not geometries:
        raise InputError("The mask layer has no polygons.", "Give a polygon layer such as the 행정동 boundaries.")
    outside = geometry_mask(
        geometries, (heatmap.grid.rows, heatmap.grid.cols), Affine.from_gdal(*heatmap.grid.transform)
    )
    bands = [np.where(outside, np.nan, band) for band in heatmap.bands]
    return Heatmap(heatmap.grid, bands, heatmap.descriptions, heatmap.crs, heatmap.radius, heatmap.warnings)
