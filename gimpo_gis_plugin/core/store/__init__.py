"""One place that writes and reads a set of styled layers, to a GeoPackage or to a PostGIS schema.

Algorithms produce ``layers`` (name -> GeoDataFrame for maps, DataFrame for tables) and ``styles``
(name -> QML) and call :func:`write_layers`. The destination decides where they go:

- a file path: one GeoPackage, written atomically with the styles embedded (``write_geopackage``);
- a PostgreSQL connection (``postgresql://…?schema=…``, ``PG:dbname=… schemas=…``, or a QGIS layer
  source ``dbname='…' host=… table="schema"."t"``): tables in that schema, replaced in one transaction,
  with primary keys, GIST indexes and the styles in QGIS's ``layer_styles`` table.

Either way a user opens the result in QGIS and sees styled layers; :func:`layer_source` gives the
string QGIS (and a Processing model) opens one layer by. No qgis import here: this runs in plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ..errors import InputError
from ..geopackage import check_writable, read_embedded_style, write_geopackage
from ..input_screen import with_rejects
from ..progress import SILENT, Progress
from ..rrn_guard import is_personal_data_allowed, mask_resident_numbers
from .destination import PostgresTarget, is_postgres, parse_postgres
from .postgis import (
    GEOMETRY_COLUMN,
    PRIMARY_KEY,
    DatabaseError,
    check_postgis,
    connect,
    list_tables,
    read_postgis,
    write_postgis,
)

__all__ = [
    "DatabaseError",
    "PostgresTarget",
    "check_destination",
    "is_postgres",
    "layer_source",
    "list_layers",
    "parse_postgres",
    "read_layers",
    "read_styles",
    "write_layers",
]


def write_layers(
    destination: str | Path,
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    styles: Mapping[str, str] | None = None,
    descriptions: Mapping[str, str] | None = None,
    progress: Progress = SILENT,
    schema: str | None = None,
) -> str:
    """Write ``layers`` with their QML ``styles`` to ``destination``; return the destination as written.

    ``schema`` overrides the schema in a PostgreSQL destination (ignored for GeoPackages). A table name
    in the destination renames the single layer written (e.g. a QGIS layer source chosen as output).
    """
    styles = dict(styles or {})
    unknown = set(styles) - set(layers)
    if unknown:
        raise ValueError(f"styles given for layers that are not written: {sorted(unknown)}")
    layers = _guard_personal_data(with_rejects(layers), progress)
    if not is_postgres(destination):
        return str(write_geopackage(Path(destination), layers, styles, descriptions))
    target = parse_postgres(str(destination)).with_schema(schema)
    if target.table:
        if len(layers) != 1:
            raise InputError(
                f"The destination names one table ({target.table}) but {len(layers)} layers are written.",
                "Give the database and schema only (without table=); each layer becomes a table.",
            )
        (only,) = layers
        layers = {target.table: layers[only]}
        styles = {target.table: styles[only]} if only in styles else {}
        descriptions = {target.table: descriptions[only]} if descriptions and only in descriptions else None
    write_postgis(target, layers, styles, descriptions, progress)
    return str(destination)


def _guard_personal_data(
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame], progress: Progress
) -> Mapping[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Every text field of every layer with resident-number-shaped text masked (core/rrn_guard.py),
    unless the user asked for personal data; the log says how many values were masked."""
    if is_personal_data_allowed():
        return layers
    guarded = {}
    for name, frame in layers.items():
        guarded[name], count = mask_resident_numbers(frame)
        if count:
            progress.warn(
                f"{name}: 주민등록번호 형태의 값 {count}개를 가렸습니다(뒤 6자리 *). "
                f"{count} resident-number-shaped values masked in layer {name}."
            )
    return guarded


def check_destination(destination: str | Path) -> None:
    """Fail now, before any computation, when ``destination`` cannot be written: a file in a folder that
    does not exist or is read-only, or a database that cannot be reached, refuses the login or lacks PostGIS.
    """
    if is_postgres(destination):
        check_postgis(parse_postgres(str(destination)))
    else:
        check_writable(Path(destination))


def list_layers(source: str | Path) -> list[str]:
    """The layers of a GeoPackage/OGR file, or the tables of a PostgreSQL schema (without layer_styles)."""
    if is_postgres(source):
        target = parse_postgres(str(source))
        return [target.table] if target.table else list_tables(target)
    path = Path(source)
    if not path.exists():
        raise InputError(f"Input {path} does not exist.", "Check the path.")
    return [name for name, _ in pyogrio.list_layers(path) if name != "layer_styles"]


def read_layers(source: str | Path, names: list[str] | None = None) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Read layers (all when ``names`` is None) from a GeoPackage/OGR file or a PostgreSQL schema."""
    if is_postgres(source):
        return read_postgis(parse_postgres(str(source)), names)
    path = Path(source)
    names = names if names is not None else list_layers(path)
    result: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
    for name in names:
        try:
            result[name] = pyogrio.read_dataframe(path, layer=name)
        except Exception as exc:  # pyogrio raises several types; all mean "cannot read"
            raise InputError(f"Cannot read layer {name} of {path}: {exc}") from exc
    return result


def read_styles(source: str | Path, names: list[str] | None = None) -> dict[str, str]:
    """The default QML of each layer that has one (GeoPackage or PostgreSQL ``layer_styles``)."""
    names = names if names is not None else list_layers(source)
    if not is_postgres(source):
        path = Path(source)
        if path.suffix.lower() != ".gpkg":
            # A shapefile/GeoJSON carries its style as a sidecar .qml, which QGIS loads by default too.
            sidecar = path.with_suffix(".qml")
            return {name: sidecar.read_text(encoding="utf-8") for name in names[:1]} if sidecar.exists() else {}
        found = {name: read_embedded_style(path, name) for name in names}
        return {name: qml for name, qml in found.items() if qml}
    from .layer_styles import read_default_style

    target = parse_postgres(str(source))
    schema = target.schema or "public"
    with connect(target) as connection, connection.cursor() as cursor:
        found = {name: read_default_style(cursor, target.database, schema, name) for name in names}
    return {name: qml for name, qml in found.items() if qml}


def layer_source(destination: str | Path, name: str, has_geometry: bool = True) -> str:
    """The source string QGIS opens layer ``name`` of ``destination`` with (``QgsVectorLayer(source, ...)``).

    GeoPackage: ``path|layername=name`` (provider ``ogr``). PostgreSQL: a QGIS layer URI (provider
    ``postgres``) with the primary key, and the password when the destination had one, as QGIS itself
    stores it in projects.
    """
    if not is_postgres(destination):
        return f"{destination}|layername={name}"
    target = parse_postgres(str(destination))
    parts = [f"{key}={_uri_value(value)}" for key, value in target.conninfo.items() if key != "connect_timeout"]
    parts.append(f"key={_uri_value(PRIMARY_KEY)}")
    table = f"{_quoted_identifier(target.schema or 'public')}.{_quoted_identifier(target.table or name)}"
    parts.append(f"table={table}" + (f" ({GEOMETRY_COLUMN})" if has_geometry else ""))
    return " ".join(parts)


def _uri_value(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _quoted_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
