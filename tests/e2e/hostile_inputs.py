"""The hostile-input battery's generator: every algorithm of the provider × every bad-input kind that applies.

Algorithms are discovered from the provider (a new one gets the battery as soon as it has a baseline in
:data:`BASELINES`, and the suite fails until it has one). Kinds are derived from the algorithm's own
parameter definitions: each feature-source input given in the baseline gets the layer kinds (empty, 20 %
null geometries, self-intersecting polygons, degrees labelled EPSG:5186, text / negative / inf / 1e308
in its first numeric field, NULL / duplicate / unsafe ids in its id field), each number parameter 0 and
1e12, each CRS parameter EPSG:999999, and the output a read-only folder and a missing drive.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from shapely.geometry import Polygon

Files = dict[str, Path]


def _city(files: Files, layer: str) -> str:
    return f"{files['gpkg']}|layername={layer}"


# Valid runs of each algorithm on the small sample city (what the kinds mutate). None: needs a database.
BASELINES: dict[str, Callable[[Files, Path], dict[str, Any]] | None] = {
    "gimpo:createsamplecity": lambda f, out: {"PARCELS": 300, "OUTPUT_FOLDER": str(out / "city")},
    "gimpo:linktaxledger": lambda f, out: {
        "PARCELS": _city(f, "parcels"),
        "BUILDINGS": _city(f, "buildings"),
        "LEDGER": str(f["ledger_csv"]),
        "OUTPUT": str(out / "linkage.gpkg"),
    },
    "gimpo:heatmap": lambda f, out: {
        "INPUT": _city(f, "complaints"),
        "RADIUS": 300,
        "PIXEL_SIZE": 50,
        "OUTPUT": str(out / "heat.tif"),
    },
    "gimpo:statisticalmap": lambda f, out: {
        "INPUT": _city(f, "complaints"),
        "AREAS": _city(f, "population_admin_dong"),
        "OUTPUT": str(out / "stat.gpkg"),
    },
    "gimpo:policymap": lambda f, out: {
        "INPUT": _city(f, "population_admin_dong"),
        "INDICATORS": f"{_first_numeric(_city(f, 'population_admin_dong'))}:+:1",
        "K": 3,
        "OUTPUT": str(out / "policy.gpkg"),
    },
    "gimpo:permitcheck": lambda f, out: {
        **{k: _city(f, v) for k, v in PERMIT_LAYERS.items()},
        "DEM": str(f["dem"]),
        "OUTPUT": str(out / "permits.gpkg"),
    },
    "gimpo:cctvcoverage": lambda f, out: {
        "CAMERAS": _city(f, "cctv"),
        "BUILDINGS": _city(f, "buildings"),
        "TARGETS": _city(f, "safety_zones"),
        "CANDIDATES": _city(f, "streetlights"),
        "NEW_CAMERAS": 2,
        "OUTPUT": str(out / "cctv.gpkg"),
    },
    "gimpo:excavationimpact": lambda f, out: {
        "FACILITIES": str(f["gpkg"]),
        "DIG": str(f["dig"]),
        "OUTPUT": str(out / "impact.gpkg"),
        "NOTICES": str(out / "notices"),
    },
    "gimpo:clearancecheck": lambda f, out: {"FACILITIES": str(f["gpkg"]), "OUTPUT": str(out / "clearance.gpkg")},
    "gimpo:facilityaging": lambda f, out: {
        "FACILITIES": str(f["gpkg"]),
        "REFERENCE_YEAR": 2026,
        "OUTPUT": str(out / "aging.gpkg"),
    },
    "gimpo:publishtodatabase": None,  # its destination is PostGIS: tests/db covers it where a server runs
    "gimpo:valveisolation": lambda f, out: {
        "FACILITIES": str(f["gpkg"]),
        "BREAKS": _city(f, "water_breaks"),
        "BUILDINGS": _city(f, "buildings"),
        "OUTPUT": str(out / "valves.gpkg"),
    },
    "gimpo:incidentcameras": lambda f, out: {
        "CAMERAS": _city(f, "cctv"),
        "BUILDINGS": _city(f, "buildings"),
        "INCIDENT": _first_point(_city(f, "cctv")),
        "OUTPUT": str(out / "incident.gpkg"),
    },
    "gimpo:ledgerchange": lambda f, out: {
        "LEDGER_BEFORE": str(f["ledger_csv"]),
        "LEDGER_AFTER": str(f["ledger_csv"]),
        "PARCELS_BEFORE": _city(f, "parcels"),
        "PARCELS_AFTER": _city(f, "parcels_2027"),
        "OUTPUT": str(out / "change.gpkg"),
    },
    "gimpo:publishwebmap": lambda f, out: {
        "VECTORS": [_city(f, "admin_dongs")],
        "EVENTS": _city(f, "complaints"),
        "OUTPUT": str(out / "web"),
    },
    # These read another algorithm's result (a linkage worklist, a survey package, a 수치지형도 delivery):
    # their bad inputs are covered by tests/e2e/test_year_and_field_cli.py and the topomap tests.
    "gimpo:exportfieldsurvey": None,
    "gimpo:importfieldsurvey": None,
    "gimpo:loadtopomap": None,
}
PERMIT_LAYERS = {"APPLICATIONS": "permit_applications", "PARCELS": "parcels", "ZONING": "zoning", "ROADS": "roads"}


def _first_point(uri: str) -> str:
    """A point parameter at the first feature of a point layer, 5 m east (in front of most cameras)."""
    point = _read(uri).geometry.iloc[0]
    return f"{point.x + 5},{point.y} [EPSG:5186]"


def _first_numeric(uri: str) -> str:
    frame = _read(uri)
    return _numeric_field(frame)


def _read(uri: str) -> gpd.GeoDataFrame:
    path, _, layer = uri.partition("|layername=")
    return pyogrio.read_dataframe(path, layer=layer or None)


@dataclass(frozen=True)
class Case:
    """One run of the battery: ``mutate`` turns the baseline parameters into the bad ones."""

    algorithm: str
    kind: str
    target: str  # the parameter the kind is applied to
    mutate: Callable[[dict[str, Any], Path], dict[str, Any]]

    @property
    def id(self) -> str:
        return f"{self.algorithm.split(':')[1]}-{self.target}-{self.kind}"


def _layer_case(name: str, change: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame | None], crs: str | None = None):
    def mutate(parameters: dict[str, Any], folder: Path) -> dict[str, Any]:
        frame = _read(str(parameters[name]))
        changed = change(frame.copy())
        path = folder / f"bad_{name.lower()}.gpkg"
        if crs:
            changed = changed.set_crs(crs, allow_override=True)
        pyogrio.write_dataframe(changed, path, layer="bad")
        return {**parameters, name: f"{path}|layername=bad"}

    return mutate


def _id_field(frame: pd.DataFrame) -> str | None:
    names = [c for c in frame.columns if c != "geometry"]
    for c in names:
        if c.endswith("_id") or c in ("id", "pnu"):
            return c
    return None


def _numeric_field(frame: pd.DataFrame) -> str | None:
    for c in frame.columns:
        if c != "geometry" and pd.api.types.is_numeric_dtype(frame[c]) and not c.endswith("_id") and c != "fid":
            return c
    return None


def _null_geometries(frame):
    frame.loc[frame.index[::5], "geometry"] = None
    return frame


def _bowties(frame):
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    from shapely import affinity

    for index in frame.index[::4]:
        geometry = frame.at[index, "geometry"]
        if geometry is not None:
            c = geometry.centroid
            frame.at[index, "geometry"] = affinity.translate(bowtie, c.x, c.y)
    return frame


def _to_degrees(frame):
    return frame.to_crs("EPSG:4326")  # then labelled EPSG:5186 by _layer_case


def _set_values(field: str, values: list[Any]):
    def change(frame):
        column = frame[field].astype(object)
        for position, index in enumerate(frame.index[::3]):
            column[index] = values[position % len(values)]
        numeric = pd.api.types.is_numeric_dtype(frame[field]) and not any(isinstance(v, str) for v in values)
        frame[field] = pd.to_numeric(column) if numeric else column
        return frame

    return change


def _duplicate_ids(field: str):
    def change(frame):
        frame[field] = frame[field].astype(object)
        frame.loc[frame.index[1::2], field] = frame[field].iloc[0]
        return frame

    return change


def _unsafe_ids(field: str):
    def change(frame):
        frame[field] = frame[field].astype(str)
        unsafe = ["2026/001", "2026_001", "2026:001", "가" * 100]
        for position, index in enumerate(frame.index[: len(unsafe)]):
            frame.at[index, field] = unsafe[position]
        return frame

    return change


# Ids an algorithm reads without an id-field parameter (its input schema names them).
INTRINSIC_IDS = {
    ("gimpo:permitcheck", "APPLICATIONS"): "application_id",
    ("gimpo:linktaxledger", "PARCELS"): "pnu",
    ("gimpo:excavationimpact", "DIG"): "dig_id",
}


def _field_parameters(algorithm: Any, layer: str, frame: pd.DataFrame) -> Iterator[tuple[str, str, bool]]:
    """(parameter, field, numeric) for each field parameter of ``layer`` that names a field of ``frame``."""
    from qgis.core import QgsProcessingParameterField

    for definition in algorithm.parameterDefinitions():
        if not isinstance(definition, QgsProcessingParameterField) or definition.parentLayerParameterName() != layer:
            continue
        numeric = definition.dataType() == QgsProcessingParameterField.DataType.Numeric
        default = definition.defaultValue() if isinstance(definition.defaultValue(), str) else None
        if default in frame:
            yield definition.name(), default, numeric
        elif numeric and _numeric_field(frame):
            yield definition.name(), _numeric_field(frame), numeric
        elif "ID" in definition.name().split("_") and _id_field(frame):
            yield definition.name(), _id_field(frame), numeric


def _with_field(mutate: Callable, parameter: str, field: str) -> Callable:
    return lambda parameters, folder: {**mutate(parameters, folder), parameter: field}


def layer_kinds(algorithm: Any, name: str, uri: str) -> Iterator[tuple[str, Callable]]:
    frame = _read(uri)
    yield "empty", _layer_case(name, lambda f: f.iloc[0:0])
    if not isinstance(frame, gpd.GeoDataFrame):
        return  # a table: the geometry kinds do not apply
    yield "null_geometry_20pct", _layer_case(name, _null_geometries)
    if frame.geom_type.dropna().str.contains("Polygon").any():
        yield "self_intersecting", _layer_case(name, _bowties)
    yield "degrees_labelled_5186", _layer_case(name, _to_degrees, crs="EPSG:5186")
    ids = []
    for parameter, field, numeric in _field_parameters(algorithm, name, frame):
        if numeric:
            text = _layer_case(name, _set_values(field, ["넓음"]))
            absurd = _layer_case(name, _set_values(field, [-500.0, np.inf, 1e308]))
            yield f"text_in_{parameter}", _with_field(text, parameter, field)
            yield f"negative_inf_1e308_in_{parameter}", _with_field(absurd, parameter, field)
        elif "ID" in parameter.split("_"):
            ids.append((parameter, field))
    intrinsic = INTRINSIC_IDS.get((algorithm.id(), name))
    if intrinsic in frame:
        ids.append((None, intrinsic))
    for parameter, field in ids[:1]:
        label = parameter or field
        for kind, change in (("null", _set_values(field, [None])), ("duplicate", _duplicate_ids(field))):
            if kind == "duplicate" and len(frame) < 2:
                continue  # one record cannot share its id
            mutate = _layer_case(name, change)
            yield f"{kind}_{label}", _with_field(mutate, parameter, field) if parameter else mutate
        yield f"unsafe_{label}", _layer_case(name, _unsafe_ids(field))


def _store_case(name: str, change: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]):
    """A copy of a facility-store GeoPackage with ``change`` applied to every spatial layer."""

    def mutate(parameters: dict[str, Any], folder: Path) -> dict[str, Any]:
        source = Path(str(parameters[name]))
        path = folder / f"bad_{name.lower()}.gpkg"
        for layer, geometry_type in pyogrio.list_layers(source):
            if layer == "layer_styles":
                continue
            frame = pyogrio.read_dataframe(source, layer=layer)
            if isinstance(frame, gpd.GeoDataFrame) and geometry_type:
                frame = change(frame)
            pyogrio.write_dataframe(frame, path, layer=layer)
        return {**parameters, name: str(path)}

    return mutate


def _replace(name: str, value: Any):
    return lambda parameters, folder: {**parameters, name: value}


def _read_only_output(name: str):
    def mutate(parameters, folder):
        locked = folder / "locked"
        locked.mkdir(exist_ok=True)
        locked.chmod(0o555)
        return {**parameters, name: str(locked / Path(str(parameters[name])).name)}

    return mutate


def cases(algorithm: Any, files: Files, folder: Path) -> Iterator[Case]:
    """Every case that applies to ``algorithm`` (a QgsProcessingAlgorithm), from its parameter definitions."""
    from qgis.core import (
        QgsProcessingParameterCrs,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterFileDestination,
        QgsProcessingParameterFolderDestination,
        QgsProcessingParameterNumber,
        QgsProcessingParameterRasterDestination,
    )

    baseline = BASELINES[algorithm.id()](files, folder)
    identifier = algorithm.id()
    for definition in algorithm.parameterDefinitions():
        name = definition.name()
        if isinstance(definition, QgsProcessingParameterFeatureSource) and name in baseline:
            for kind, mutate in layer_kinds(algorithm, name, str(baseline[name])):
                yield Case(identifier, kind, name, mutate)
        elif name == "FACILITIES" and name in baseline:  # a facility store: a GeoPackage of several layers
            yield Case(identifier, "empty_store", name, _store_case(name, lambda f: f.iloc[0:0]))
            yield Case(identifier, "null_geometry_20pct_store", name, _store_case(name, _null_geometries))
        elif isinstance(definition, QgsProcessingParameterNumber):
            yield Case(identifier, "zero", name, _replace(name, 0))
            yield Case(identifier, "absurd_1e12", name, _replace(name, 1e12))
        elif isinstance(definition, QgsProcessingParameterCrs):
            yield Case(identifier, "crs_999999", name, _replace(name, "EPSG:999999"))
        elif (
            isinstance(
                definition,
                QgsProcessingParameterFileDestination
                | QgsProcessingParameterFolderDestination
                | QgsProcessingParameterRasterDestination,
            )
            and name in baseline
        ):
            if os.geteuid() != 0:  # root writes into a 0555 folder: the kind does not exist for root
                yield Case(identifier, "read_only_folder", name, _read_only_output(name))
            yield Case(
                identifier, "missing_drive", name, _replace(name, f"/proc/no_drive/{Path(str(baseline[name])).name}")
            )


__all__ = ["BASELINES", "Case", "cases"]
