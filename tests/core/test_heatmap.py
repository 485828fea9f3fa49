"""The heat-map engine without QGIS: exactness of the fast method, extras beyond QGIS, bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely

from gimpo_gis_plugin.core.errors import InputError, MissingColumnsError
from gimpo_gis_plugin.core.heatmap import (
    HeatmapOptions,
    Kernel,
    kernel_density,
    mask_outside,
    points_from_arrays,
    rate_surface,
    read_points,
    time_slices,
    write_geotiff,
)
from gimpo_gis_plugin.core.heatmap import grid as grid_module
from gimpo_gis_plugin.core.heatmap.bandwidth import automatic_bandwidth
from gimpo_gis_plugin.core.heatmap.grid import qgis_grid
from gimpo_gis_plugin.core.progress import Progress

CRS = "EPSG:5186"


def _points(n=1500, seed=7, weighted=True):
    rng = np.random.default_rng(seed)
    x = 190_000 + rng.gamma(3.0, 300.0, n)
    y = 450_000 + rng.normal(1000.0, 400.0, n)
    x[:40], y[:40] = 190_700.0, 451_000.0  # a stack on one spot, exactly on round coordinates
    weight = rng.random(n) * 4 if weighted else None
    return points_from_arrays(x, y, CRS, weight)


@pytest.mark.parametrize("kernel", [Kernel.QUARTIC, Kernel.UNIFORM, Kernel.EPANECHNIKOV, Kernel.TRIWEIGHT])
@pytest.mark.parametrize(("radius", "pixel"), [(300.0, 10.0), (57.3, 5.0), (25.0, 10.0)])
def test_fast_method_equals_the_direct_sum(kernel, radius, pixel):
    points = _points()
    direct = kernel_density(points, HeatmapOptions(pixel, radius, kernel, method="direct")).bands[0]
    fast = kernel_density(points, HeatmapOptions(pixel, radius, kernel, method="fast")).bands[0]
    assert direct.shape == fast.shape
    assert np.abs(direct - fast).max() <= 1e-5 * direct.max()


def test_grid_is_qgis_layout():
    grid = qgis_grid((100.0, 200.0, 1100.0, 700.0), 50.0, 10.0)
    assert (grid.xmin, grid.ymax) == (50.0, 750.0)
    assert (grid.cols, grid.rows) == (111, 61)  # ceil(1100 / 10) + 1, ceil(600 / 10) + 1
    assert grid.transform == (50.0, 10.0, 0.0, 750.0, 0.0, -10.0)
    assert grid.buffer_pixels(300.0) == 30 and grid.buffer_pixels(305.0) == 31 and grid.buffer_pixels(300.4) == 30


def test_single_point_peak_and_scaled_volume():
    points = points_from_arrays(np.array([1005.0]), np.array([2005.0]), CRS, np.array([2.0]))
    raw = kernel_density(points, HeatmapOptions(10.0, 100.0, Kernel.QUARTIC)).bands[0]
    assert raw.max() == pytest.approx(2.0 * (1 - (np.hypot(5, 5) / 100) ** 2) ** 2)
    for kernel, radius in ((Kernel.UNIFORM, 100.0), (Kernel.GAUSSIAN, 40.0)):
        scaled = kernel_density(points, HeatmapOptions(10.0, radius, kernel, scaled=True)).bands[0]
        assert scaled.sum() * 100.0 == pytest.approx(2.0, rel=0.02)  # density × pixel area = weight


def test_gaussian_is_radially_symmetric_and_reaches_four_sigma():
    points = points_from_arrays(np.array([1000.0]), np.array([2000.0]), CRS)
    heat = kernel_density(points, HeatmapOptions(10.0, 50.0, Kernel.GAUSSIAN))
    band = heat.bands[0]
    assert heat.grid.xmin == 1000.0 - 200.0
    row, col = np.unravel_index(band.argmax(), band.shape)
    assert band[row, col + 5] == pytest.approx(band[row + 5, col])
    # The point sits on a pixel corner (the extent is widened by exactly 4 σ): nearest centres are 5 m off.
    assert band[row, col] == pytest.approx(np.exp(-0.5 * 50 / 50**2), rel=1e-9)
    assert band[row, col + 5] == pytest.approx(np.exp(-0.5 * (45**2 + 5**2) / 50**2), rel=1e-9)


def test_automatic_radius_is_reported():
    rng = np.random.default_rng(3)
    x, y = rng.normal(0, 100.0, 10_000), rng.normal(0, 100.0, 10_000)
    assert automatic_bandwidth(x, y, np.ones(10_000), "scott") == pytest.approx(100.0 * 10_000 ** (-1 / 6), rel=0.03)
    silverman = automatic_bandwidth(x, y, np.ones(10_000), "silverman")
    assert 5.0 < silverman < 30.0
    heat = kernel_density(points_from_arrays(x + 2e5, y + 5e5, CRS), HeatmapOptions(5.0, None, Kernel.QUARTIC))
    assert heat.radius == pytest.approx(silverman * np.sqrt(8.0))
    assert any("Automatic radius (silverman)" in note for note in heat.warnings)


def test_rate_per_thousand_residents_with_a_floor():
    xs, ys = np.meshgrid(np.arange(0.0, 1000.0, 50.0), np.arange(0.0, 1000.0, 50.0))
    residents = points_from_arrays(xs.ravel() + 2e5, ys.ravel() + 5e5, CRS, np.full(xs.size, 500.0))
    events = points_from_arrays(xs.ravel() + 2e5, ys.ravel() + 5e5, CRS, np.full(xs.size, 2.0))
    options = HeatmapOptions(10.0, 150.0, Kernel.QUARTIC)
    rate = rate_surface(kernel_density(events, options), residents, options, per=1000.0, floor=100.0)
    band = rate.bands[0]
    centre = band[band.shape[0] // 2, band.shape[1] // 2]
    assert centre == pytest.approx(4.0, rel=1e-6)  # 2 events per 500 residents = 4 per 1,000
    lonely = points_from_arrays(np.array([3e5]), np.array([6e5]), CRS)
    alone = rate_surface(kernel_density(lonely, options), residents, options, floor=100.0).bands[0]
    assert alone.max() == pytest.approx(1000.0 * 1.0 / 100.0, rel=0.01)  # the floor, not a division by ~0


def test_time_slices_one_band_per_month():
    points = _points(600)
    dates = np.array(["2026-01-15", "2026-02-03", "2026-02-28", None] * 150, dtype=object)
    dated = points_from_arrays(points.x, points.y, CRS, points.weight, dates=dates)
    messages = []
    heat = time_slices(dated, HeatmapOptions(20.0, 200.0), "month", Progress(on_warning=messages.append))
    assert heat.descriptions == ["2026-01", "2026-02"]
    whole = kernel_density(dated.subset(~np.isnat(dated.dates)), HeatmapOptions(20.0, 200.0)).bands[0]
    assert np.allclose(heat.bands[0] + heat.bands[1], whole, atol=1e-6 * whole.max())
    assert any("150 point(s) have no readable date" in m for m in messages)
    quarters = time_slices(dated, HeatmapOptions(20.0, 200.0), "quarter")
    assert quarters.descriptions == ["2026-Q1"]


def test_mask_blanks_outside_the_boundary():
    heat = kernel_density(_points(), HeatmapOptions(20.0, 200.0))
    boundary = shapely.box(190_500, 450_500, 191_500, 451_500)
    masked = mask_outside(heat, [boundary]).bands[0]
    assert np.isnan(masked[0, 0]) and np.isfinite(masked).sum() == pytest.approx(50 * 50, abs=120)


def test_written_geotiff_opens_styled(tmp_path):
    heat = kernel_density(_points(), HeatmapOptions(20.0, 200.0))
    path = write_geotiff(tmp_path / "heat.tif", heat.bands, heat.grid, heat.crs, heat.descriptions)
    with rasterio.open(path) as dataset:
        assert dataset.transform.to_gdal() == heat.grid.transform
        assert np.allclose(dataset.read(1), heat.bands[0], atol=1e-6 * heat.bands[0].max())
    style = path.with_suffix(".qml").read_text()
    assert "singlebandpseudocolor" in style and 'percentTransparent="100"' in style


def test_points_are_read_fast_and_by_fallback_the_same(tmp_path):
    points = _points(300)
    frame = gpd.GeoDataFrame(
        {"w": points.weight, "day": ["2026-03-01"] * 300}, geometry=gpd.points_from_xy(points.x, points.y), crs=CRS
    )
    frame.loc[3, "w"] = None
    frame.to_file(tmp_path / "p.gpkg", layer="p")
    fast = read_points(tmp_path / "p.gpkg", "p", weight_field="w", date_field="day")
    assert fast.null_weights == 1 and fast.weight[3] == 0.0 and fast.crs == CRS
    assert np.array_equal(fast.x, points.x) and fast.dates[0] == np.datetime64("2026-03-01")
    multi = frame.copy()
    multi.geometry = [shapely.MultiPoint([g]) for g in frame.geometry]
    multi.to_file(tmp_path / "m.gpkg", layer="m")
    slow = read_points(tmp_path / "m.gpkg", "m", weight_field="w")
    assert np.array_equal(slow.x, fast.x) and np.array_equal(slow.weight, fast.weight)
    with pytest.raises(MissingColumnsError, match="no field 'weight'"):
        read_points(tmp_path / "p.gpkg", "p", weight_field="weight")


def test_null_weights_count_as_zero_with_a_warning():
    messages = []
    points = points_from_arrays(np.array([0.0, 100.0]), np.array([0.0, 0.0]), CRS, np.array([1.0, np.nan]))
    heat = kernel_density(points, HeatmapOptions(10.0, 30.0), Progress(on_warning=messages.append))
    assert messages and "1 point(s) have no weight" in messages[0]
    assert heat.bands[0][:, -8:].max() == 0.0  # the right-hand point adds nothing


def test_non_point_input_is_refused(tmp_path):
    polygons = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10)], crs=CRS)
    polygons.to_file(tmp_path / "poly.gpkg", layer="parcels")
    with pytest.raises(InputError, match="not points"):
        read_points(tmp_path / "poly.gpkg", "parcels")


def test_no_points_give_an_empty_raster_and_a_warning():
    messages = []
    empty = points_from_arrays(np.array([]), np.array([]), CRS)
    heat = kernel_density(empty, HeatmapOptions(10.0, 100.0), Progress(on_warning=messages.append))
    assert heat.bands[0].shape == (1, 1) and heat.bands[0].max() == 0.0
    assert messages and "no points" in messages[0]


@pytest.mark.parametrize(
    ("radius", "pixel", "message"), [(0.0, 10.0, "Radius"), (-5.0, 10.0, "Radius"), (100.0, 0.0, "Pixel")]
)
def test_radius_and_pixel_must_be_positive(radius, pixel, message):
    with pytest.raises(InputError, match=message):
        kernel_density(_points(50), HeatmapOptions(pixel, radius))


def test_too_large_a_raster_states_size_and_memory(monkeypatch):
    far = points_from_arrays(np.array([0.0, 300_000.0]), np.array([0.0, 300_000.0]), CRS)
    with pytest.raises(InputError, match=r"cells .*limit 25,000 × 25,000.*GiB"):
        kernel_density(far, HeatmapOptions(10.0, 100.0))
    monkeypatch.setattr(grid_module, "available_memory_bytes", lambda: 64 * 2**20)
    with pytest.raises(InputError, match=r"메모리가 약 .* GiB 필요.*쓸 수 있는 메모리는 0.06 GiB"):
        kernel_density(
            points_from_arrays(np.array([0.0, 50_000.0]), np.array([0.0, 50_000.0]), CRS), HeatmapOptions(10.0, 100.0)
        )


def test_degrees_are_reprojected_with_a_warning():
    messages = []
    lonlat = points_from_arrays(np.array([126.715, 126.72]), np.array([37.615, 37.62]), "EPSG:4326")
    heat = kernel_density(lonlat, HeatmapOptions(10.0, 300.0), Progress(on_warning=messages.append))
    assert heat.crs == "EPSG:5186" and 150_000 < heat.grid.xmin < 200_000
    assert messages and "reprojected to EPSG:5186" in messages[0]


def test_tiled_fast_method_equals_the_direct_sum(monkeypatch):
    # Rasters wider than one FFT tile are done tile by tile, overlapping by the window: same values.
    from gimpo_gis_plugin.core.heatmap import density

    monkeypatch.setattr(density, "_ONE_TILE_MAX", 50)
    monkeypatch.setattr(density, "_TILE", 37)
    points = _points(800)
    direct = kernel_density(points, HeatmapOptions(20.0, 130.0, Kernel.QUARTIC, method="direct")).bands[0]
    tiled = kernel_density(points, HeatmapOptions(20.0, 130.0, Kernel.QUARTIC, method="fast")).bands[0]
    assert max(direct.shape) > 50
    assert np.abs(direct - tiled).max() <= 1e-5 * direct.max()


def test_the_geotiff_follows_the_umask(tmp_path):
    # mkstemp made it 0600 while every other output follows the umask (a colleague could not open it).
    import os

    from gimpo_gis_plugin.core.heatmap.grid import Grid
    from gimpo_gis_plugin.core.heatmap.raster import write_geotiff

    old = os.umask(0o022)
    try:
        path = write_geotiff(tmp_path / "heat.tif", [np.ones((2, 2))], Grid(0, 0, 20, 20, 10, 2, 2), "EPSG:5186")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
