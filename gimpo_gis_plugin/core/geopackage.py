"""Write GeoPackages atomically, with QGIS styles embedded, without importing qgis.

Outputs open styled in QGIS because each layer's QML is stored in the ``layer_styles`` table that QGIS
itself uses (the QGIS GeoPackage styling extension) with ``useAsDefault`` set. Everything is written to
a temporary file beside the target and moved into place only when complete, so a failed or cancelled run
never leaves a half-written GeoPackage where the user expects a result.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .errors import OutputError
from .gpkg_bulk import bulk_write_layer, can_bulk_write
from .run_outputs import put_in_place, register_temp, sweep_stale, temp_name

GEOMETRY_COLUMN = "geom"

_LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


def check_writable(path: Path) -> None:
    """Fail early, before any computation, when ``path`` cannot be written (Korean first, then English)."""
    folder = path.parent if str(path.parent) else Path(".")
    advice = "쓰기 권한이 있는 기존 폴더를 고르세요. Choose an existing folder you can write to."
    if not folder.is_dir():
        raise OutputError(
            f"출력 {path}을(를) 쓸 수 없습니다: 폴더 {folder}이(가) 없습니다. "
            f"Cannot write {path}: the folder {folder} does not exist.",
            advice,
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(
            f"출력 {path}을(를) 쓸 수 없습니다: 폴더 {folder}에 쓰기 권한이 없습니다. "
            f"Cannot write {path}: no permission to write in {folder}.",
            advice,
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(
            f"{path}은(는) 읽기 전용이라 바꿀 수 없습니다. Cannot replace {path}: the file is read-only.",
            "다른 파일 이름을 고르세요. Choose another file name.",
        )
    try:  # permissions alone do not tell (root, read-only mounts, /proc): try to create a file there
        fd, probe = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(
            f"출력 {path}을(를) 쓸 수 없습니다: {exc.strerror or exc} ({folder}). "
            f"Cannot write {path}: {exc.strerror or exc} in {folder}.",
            advice,
        ) from exc


@contextlib.contextmanager
def atomic_path(path: Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; put it onto ``path`` only if the block succeeds.

    The temporary name says which process wrote it; inside a run the replacement is journalled and
    committed with the run's other outputs (core/run_outputs.py), and temporary files of killed runs in
    that folder are removed first.
    """
    path = Path(path)
    check_writable(path)
    sweep_stale(path.parent if str(path.parent) else Path("."))
    tmp = temp_name(path, "tmp", suffix or path.suffix or ".tmp")
    register_temp(tmp)
    try:
        yield tmp  # writers (GDAL) create the file themselves
        put_in_place(tmp, path)
    except OSError as exc:
        raise OutputError(
            f"{path}을(를) 쓸 수 없습니다: {exc.strerror or exc}. Cannot write {path}.",
            "디스크 공간과 쓰기 권한을 확인하세요. Check the disk space and permissions.",
        ) from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def write_geopackage(
    path: str | Path,
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    styles: Mapping[str, str] | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> Path:
    """Write ``layers`` (name -> frame) to one GeoPackage at ``path``, atomically, with QML ``styles``.

    GeoDataFrames become spatial layers, plain DataFrames attribute tables (e.g. unmatched ledger rows,
    summaries). An existing file at ``path`` is replaced only once the new one is complete.
    """
    path = Path(path)
    styles = styles or {}
    descriptions = descriptions or {}
    unknown = set(styles) - set(layers)
    if unknown:
        raise ValueError(f"styles given for layers that are not written: {sorted(unknown)}")
    with atomic_path(path, ".gpkg") as tmp:
        for name, frame in layers.items():
            _write_layer(tmp, name, frame)
        if styles:
            _embed_styles(tmp, layers, styles, descriptions)
        if descriptions:
            _describe_layers(tmp, {name: text for name, text in descriptions.items() if name in layers})
    return path


def add_layer(path: str | Path, name: str, frame: gpd.GeoDataFrame | pd.DataFrame) -> None:
    """Add (or replace) one layer in an existing GeoPackage in place, e.g. a run's rejects table written
    after the engine's own outputs (a run's transaction keeps the previous file until it commits)."""
    path = Path(path)
    with contextlib.suppress(Exception):  # replacing: drop the old layer first (GDAL cannot overwrite in append)
        if name in {n for n, _ in pyogrio.list_layers(path)}:
            from osgeo import ogr

            dataset = ogr.Open(str(path), 1)
            index = next(i for i in range(dataset.GetLayerCount()) if dataset.GetLayer(i).GetName() == name)
            dataset.DeleteLayer(index)
            dataset = None
    _write_layer(path, name, frame)


def _write_layer(path: Path, name: str, frame: gpd.GeoDataFrame | pd.DataFrame) -> None:
    options = {"layer": name, "driver": "GPKG", "append": path.exists()}
    geometry_type = None
    if isinstance(frame, gpd.GeoDataFrame):
        frame = frame.rename_geometry(GEOMETRY_COLUMN) if frame.geometry.name != GEOMETRY_COLUMN else frame
        geometry_type = _promoted_geometry_type(frame)
    if can_bulk_write(frame):  # the common case, several times faster (see gpkg_bulk)
        bulk_write_layer(path, name, frame, geometry_type, options["append"])
    elif isinstance(frame, gpd.GeoDataFrame):
        pyogrio.write_dataframe(frame, path, geometry_type=geometry_type, spatial_index=True, **options)
    else:
        pyogrio.write_dataframe(pd.DataFrame(frame), path, **options)


def _promoted_geometry_type(frame: gpd.GeoDataFrame) -> str | None:
    """One declared geometry type per layer (QGIS styles by it); mixed single/multi becomes multi."""
    kinds = set(frame.geom_type.dropna().unique())
    if not kinds:
        return "Unknown" if len(frame) == 0 else None
    families = {kind.removeprefix("Multi") for kind in kinds}
    if len(families) == 1:
        family = families.pop()
        return f"Multi{family}" if any(k.startswith("Multi") for k in kinds) else family
    return "Unknown"


def _embed_styles(
    path: Path,
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    styles: Mapping[str, str],
    descriptions: Mapping[str, str],
) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(_LAYER_STYLES_DDL)
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)"
            " VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles')"
        )
        for name, qml in styles.items():
            geometry_column = GEOMETRY_COLUMN if isinstance(layers[name], gpd.GeoDataFrame) else ""
            db.execute("DELETE FROM layer_styles WHERE f_table_name = ?", (name,))
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
                " styleName, styleQML, styleSLD, useAsDefault, description, owner, ui)"
                " VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                (name, geometry_column, name, qml, descriptions.get(name, "")),
            )


def _describe_layers(path: Path, descriptions: Mapping[str, str]) -> None:
    """The layer's description in gpkg_contents, which QGIS shows as the layer's abstract."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            "UPDATE gpkg_contents SET description = ? WHERE table_name = ?",
            [(text, name) for name, text in descriptions.items()],
        )


def read_embedded_style(path: str | Path, layer: str) -> str | None:
    """The default QML stored for ``layer`` in the GeoPackage at ``path``, if any (used by tests)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        try:
            row = db.execute(
                "SELECT styleQML FROM layer_styles WHERE f_table_name = ? AND useAsDefault = 1"
                " ORDER BY id DESC LIMIT 1",
                (layer,),
            ).fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None
