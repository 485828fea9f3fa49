"""통계지도: aggregate, classify, and write a styled GeoPackage (value, class, legend) in one call."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import store, styles
from ..errors import InputError
from ..progress import SILENT, Progress
from .aggregate import STATISTIC_LABELS, aggregate, apportion_population
from .areas import hex_grid, square_grid
from .classify import METHOD_LABELS, QGIS_METHOD_IDS, Classification, classify

AREA_KINDS = ("layer", "square", "hex")
LAYER_NAME = "statistical_map"


@dataclass
class StatisticalMapOptions:
    statistic: str = "count"
    field: str | None = None
    method: str = "jenks"
    classes: int = 5
    area_kind: str = "layer"  # layer, square, hex
    cell_size: float = 500.0
    population_field: str | None = None  # of the area layer
    population_field_of_layer: str | None = None  # of the population layer
    keep_empty_cells: bool = False
    value_name: str = "value"  # another name lets maps be stacked on one area layer (policy indicators)

    @property
    def column_names(self) -> tuple[str, str, str, str]:
        """(count, value, class, class label) column names."""
        if self.value_name == "value":
            return "n_records", "value", "class", "class_label"
        v = self.value_name
        return f"n_{v}", v, f"{v}_class", f"{v}_label"


@dataclass
class StatisticalMap:
    areas: gpd.GeoDataFrame
    classification: Classification
    classes: pd.DataFrame
    rejects: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def build_statistical_map(
    records: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame | None,
    options: StatisticalMapOptions,
    population_layer: gpd.GeoDataFrame | None = None,
    progress: Progress = SILENT,
) -> StatisticalMap:
    if options.area_kind not in AREA_KINDS:
        raise InputError(f"Unknown area kind {options.area_kind!r}.", f"Use one of: {', '.join(AREA_KINDS)}.")
    notes: list[str] = []
    if options.area_kind == "layer":
        if areas is None:
            raise InputError("No area layer given.", "Give a polygon layer (행정동, 법정동 ...) or choose a grid.")
        target = areas
    else:
        extent = areas if areas is not None and len(areas) else records
        if len(extent) == 0:
            raise InputError("The input layer is empty and no area layer bounds the grid.", "Give an area layer.")
        make = square_grid if options.area_kind == "square" else hex_grid
        target = make(tuple(extent.total_bounds), float(options.cell_size), records.crs)
        if areas is not None and len(areas):
            target = target[target.intersects(areas.union_all())].reset_index(drop=True)
    progress.set(0.2)
    population = None
    if options.statistic == "rate":
        if population_layer is not None:
            population, more = apportion_population(
                target, population_layer, options.population_field_of_layer or "population"
            )
            notes += more
        elif options.population_field:
            if options.population_field not in target.columns:
                raise InputError(
                    f"The area layer has no population field {options.population_field!r}.",
                    "Choose the field holding residents, or give a population layer.",
                )
            population = pd.to_numeric(target[options.population_field], errors="coerce").to_numpy(dtype=float)
    n_name, v_name, c_name, l_name = options.column_names
    clash = [c for c in (n_name, v_name, c_name, l_name) if c in target.columns]
    if clash:
        raise InputError(
            f"The area layer already has the field(s) {', '.join(clash)} (a statistical map?).",
            "Give VALUE_NAME (e.g. arrears_count) so this map's value is added as new fields.",
        )
    result = aggregate(records, target[[target.geometry.name]], options.statistic, options.field, population)
    notes += result.notes
    out = target.copy()
    out[n_name] = result.areas["n_records"].to_numpy()
    value = result.areas["value"].to_numpy(dtype=float)
    out[v_name] = value
    if "population_used" in result.areas and options.population_field is None:
        out[f"{v_name}_population"] = result.areas["population_used"].to_numpy()
    if options.area_kind != "layer" and not options.keep_empty_cells:
        keep = out[n_name].to_numpy() > 0
        out, value = out[keep].reset_index(drop=True), value[keep]
    progress.set(0.6)
    classification = classify(value, options.method, options.classes)
    notes += classification.notes
    classes = classification.classes_of(value)
    labels = class_labels(classification)
    out[c_name] = classes
    out[l_name] = [labels[c - 1] if c > 0 else "값 없음 (no value)" for c in classes]
    table = pd.DataFrame(
        {
            "class": np.arange(1, classification.count + 1),
            "lower": classification.breaks[:-1],
            "upper": classification.breaks[1:],
            "label": labels,
            "areas": [int((classes == c).sum()) for c in range(1, classification.count + 1)],
        }
    )
    progress.set(0.8)
    return StatisticalMap(out, classification, table, result.rejects, notes)


def _number(value: float) -> str:
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"


def class_labels(classification: Classification) -> list[str]:
    b = classification.breaks
    return [f"{_number(lo)} – {_number(hi)}" for lo, hi in itertools.pairwise(b)]


def graduated_style(
    classification: Classification, colors=styles.YELLOW_ORANGE_RED, label_field=None, value_field="value"
) -> str:
    labels = class_labels(classification)
    palette = styles.ramp(colors, classification.count)
    ranges = [
        styles.Range(lo, hi, label, styles.Symbol("fill", color, "#666666", 0.2, opacity=0.85))
        for lo, hi, label, color in zip(
            classification.breaks[:-1], classification.breaks[1:], labels, palette, strict=True
        )
    ]
    if not ranges:  # nothing to classify: one grey class so the layer still opens styled
        ranges = [styles.Range(0.0, 0.0, "값 없음 (no value)", styles.Symbol("fill", "#dddddd", "#666666", 0.2))]
    return styles.graduated(
        value_field,
        ranges,
        QGIS_METHOD_IDS[classification.method],
        styles.label_field(label_field, 8) if label_field else "",
    )


def write_statistical_map(result: StatisticalMap, path: str | Path, options: StatisticalMapOptions) -> str | Path:
    """Write the map to ``path``: a GeoPackage, or a PostgreSQL destination (see core.store)."""
    label_field = next((c for c in ("admin_dong_name", "legal_dong_name") if c in result.areas.columns), None)
    description = (
        f"{STATISTIC_LABELS[options.statistic]}"
        f"{' of ' + options.field if options.field else ''}; "
        f"{METHOD_LABELS[result.classification.method]}, {result.classification.count} classes; "
        f"GVF {result.classification.gvf:.3f}"
    )
    rejects = result.rejects.assign(reason=result.rejects["reason"].astype(str))
    store.write_layers(
        path,
        {LAYER_NAME: result.areas, "classes": result.classes, "rejects": rejects},
        {
            LAYER_NAME: graduated_style(
                result.classification, label_field=label_field, value_field=options.column_names[1]
            )
        },
        {LAYER_NAME: description},
    )
    return path
