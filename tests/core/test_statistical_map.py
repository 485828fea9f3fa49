"""통계지도 engine: statistics on hand-made data, grids, stacking, styled output, bad input."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gimpo_gis_plugin.core.choropleth import (
    StatisticalMapOptions,
    aggregate,
    build_statistical_map,
    hex_grid,
    square_grid,
    write_statistical_map,
)
from gimpo_gis_plugin.core.errors import InputError, MissingColumnsError
from gimpo_gis_plugin.core.geopackage import read_embedded_style

CRS = "EPSG:5186"


@pytest.fixture
def two_squares():
    """Two 1 km squares side by side, with 1,000 and 0 residents."""
    return gpd.GeoDataFrame(
        {"name": ["west", "east"], "population": [1000, 0]},
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs=CRS,
    )


@pytest.fixture
def points():
    return gpd.GeoDataFrame(
        {"amount": [1.0, 2.0, 3.0, 10.0, None, 5.0]},
        geometry=shapely.points([(100, 100), (200, 200), (300, 300), (1500, 500), (400, 400), (5000, 5000)]),
        crs=CRS,
    )


def test_statistics_on_hand_made_data(two_squares, points):
    count = aggregate(points, two_squares, "count")
    assert count.areas["value"].tolist() == [4, 1]  # the point with no amount still counts
    assert count.rejects["reason"].tolist() == ["outside every area"]
    assert aggregate(points, two_squares, "sum", "amount").areas["value"].tolist() == [6, 10]
    assert aggregate(points, two_squares, "mean", "amount").areas["value"].tolist() == [2, 10]
    assert aggregate(points, two_squares, "median", "amount").areas["value"].tolist() == [2, 10]
    assert aggregate(points, two_squares, "density").areas["value"].tolist() == [4, 1]  # per km²
    rate = aggregate(points, two_squares, "rate", population=two_squares["population"].to_numpy())
    assert rate.areas["value"].iloc[0] == 4.0 and np.isnan(rate.areas["value"].iloc[1])
    assert any("no population" in n for n in rate.notes)
    rejects = aggregate(points, two_squares, "sum", "amount").rejects
    assert set(rejects["reason"]) == {"amount is empty or not a number", "outside every area"}


def test_point_on_a_shared_border_counts_in_both_areas(two_squares):
    border = gpd.GeoDataFrame(geometry=shapely.points([(1000, 500)]), crs=CRS)
    assert aggregate(border, two_squares, "count").areas["value"].tolist() == [1, 1]


def test_polygons_are_placed_by_their_point_on_surface(two_squares):
    parcels = gpd.GeoDataFrame(
        {"area": [1.0, 2.0]}, geometry=[shapely.box(10, 10, 20, 20), shapely.box(1500, 10, 1600, 20)], crs=CRS
    )
    assert aggregate(parcels, two_squares, "sum", "area").areas["value"].tolist() == [1, 2]


def test_grids_are_aligned_and_cover_the_extent():
    grid = square_grid((150, 150, 1020, 480), 100, CRS)
    assert grid.total_bounds.tolist() == [100, 100, 1100, 500]
    assert np.allclose(grid.area, 10_000) and grid["cell_id"].iloc[0] == "E100N100"
    hexes = hex_grid((0, 0, 2000, 2000), 500, CRS)
    assert np.allclose(hexes.area, 500**2 * np.sqrt(3) / 2)
    uncovered = shapely.box(0, 0, 2000, 2000).difference(shapely.union_all(hexes.geometry.to_numpy()))
    assert uncovered.area < 1e-6  # rounding slivers only
    with pytest.raises(InputError, match="more than 2,000,000"):
        square_grid((0, 0, 1e6, 1e6), 1, CRS)


def test_complaints_per_admin_dong_written_styled(sample_city, tmp_path):
    complaints = sample_city.layers["complaints"]
    dongs = sample_city.layers["population_admin_dong"]
    options = StatisticalMapOptions(statistic="count", method="jenks", classes=5)
    result = build_statistical_map(complaints, dongs, options)
    expected = complaints["admin_dong_code"].value_counts().reindex(dongs["admin_dong_code"]).fillna(0)
    assert result.areas["value"].tolist() == expected.tolist()
    assert result.classes["areas"].sum() == 14 and result.areas["class"].between(1, 5).all()
    path = write_statistical_map(result, tmp_path / "map.gpkg", options)
    written = gpd.read_file(path, layer="statistical_map")
    assert {"n_records", "value", "class", "class_label", "admin_dong_name"} <= set(written.columns)
    style = read_embedded_style(path, "statistical_map")
    assert 'type="graduatedSymbol"' in style and 'attr="value"' in style and 'id="Jenks"' in style
    assert style.count("<range ") == result.classification.count


def test_maps_stack_on_one_area_layer_under_their_own_names(sample_city):
    dongs = sample_city.layers["population_admin_dong"]
    rate = build_statistical_map(
        sample_city.layers["complaints"],
        dongs,
        StatisticalMapOptions(statistic="rate", population_field="population", value_name="complaints_per_1000"),
    )
    both = build_statistical_map(
        sample_city.layers["tax_arrears"],
        rate.areas,
        StatisticalMapOptions(statistic="sum", field="amount", value_name="arrears_amount"),
    )
    assert {"complaints_per_1000", "complaints_per_1000_class", "arrears_amount", "n_arrears_amount"} <= set(
        both.areas.columns
    )
    assert both.areas["complaints_per_1000"].tolist() == rate.areas["complaints_per_1000"].tolist()
    with pytest.raises(InputError, match="already has the field"):
        build_statistical_map(
            sample_city.layers["tax_arrears"], rate.areas, StatisticalMapOptions(value_name="complaints_per_1000")
        )


def test_rate_on_a_grid_from_the_population_layer(sample_city):
    result = build_statistical_map(
        sample_city.layers["complaints"],
        None,
        StatisticalMapOptions(statistic="rate", area_kind="square", cell_size=1000),
        population_layer=sample_city.layers["population_grid"],
    )
    # 100 m population cells nest in 1 km cells: apportioned population is exact.
    assert result.areas["value_population"].sum() <= sample_city.layers["population_grid"]["population"].sum()
    assert result.classification.count >= 2


def test_bad_input_names_the_problem(two_squares, points):
    with pytest.raises(MissingColumnsError, match="no field 'amout'"):
        aggregate(points, two_squares, "sum", "amout")
    with pytest.raises(InputError, match="needs a value field"):
        aggregate(points, two_squares, "mean")
    with pytest.raises(InputError, match="area layer has no features"):
        aggregate(points, two_squares.iloc[:0], "count")
    with pytest.raises(InputError, match="needs a population"):
        aggregate(points, two_squares, "rate")
    with pytest.raises(InputError, match="no population field 'residents'"):
        build_statistical_map(
            points, two_squares, StatisticalMapOptions(statistic="rate", population_field="residents")
        )


def test_empty_input_gives_zero_counts_in_one_class(two_squares, points):
    result = build_statistical_map(points.iloc[:0], two_squares, StatisticalMapOptions())
    assert result.areas["value"].tolist() == [0, 0] and result.classification.count == 1


def test_fewer_areas_than_classes(two_squares, points):
    result = build_statistical_map(points, two_squares, StatisticalMapOptions(classes=5))
    assert result.classification.count == 2 and sorted(result.areas["class"]) == [1, 2]
