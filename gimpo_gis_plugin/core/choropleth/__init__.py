"""통계지도 (choropleth) engine: aggregation into areas or grids, classification, styled output."""

from .aggregate import STATISTICS, aggregate, apportion_population
from .areas import hex_grid, square_grid
from .classify import METHODS, Classification, classify
from .jenks import jenks_breaks
from .statistical_map import (
    AREA_KINDS,
    StatisticalMap,
    StatisticalMapOptions,
    build_statistical_map,
    write_statistical_map,
)

__all__ = [
    "AREA_KINDS",
    "METHODS",
    "STATISTICS",
    "Classification",
    "StatisticalMap",
    "StatisticalMapOptions",
    "aggregate",
    "apportion_population",
    "build_statistical_map",
    "classify",
    "hex_grid",
    "jenks_breaks",
    "square_grid",
    "write_statistical_map",
]
