"""The inspector's index kept in the linkage GeoPackage itself: the first click answers at once.

Reading a 200,000-parcel linkage output into memory (parcels, 350,000 ledger rows, buildings, findings)
and indexing it takes seconds before the first click can answer. The GeoPackage already holds what a
click needs: an R-tree over the parcel geometries (``rtree_parcels_tax_geom``, part of the GeoPackage
standard) and the rows themselves. What it lacks are attribute indexes on the PNU columns; they are
added once (``CREATE INDEX IF NOT EXISTS gimpo_inspector_*``), stay in the file for every later session,
and make each lookup a B-tree search. A click then reads a handful of rows: a few milliseconds at any
city size, with nothing loaded up front.

:class:`GeoPackageIndex` answers the same questions as :class:`~.index.InspectorIndex` (which keeps the
in-memory form for a linkage that was just run or linked live), so statements, search and export work
on either.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ..errors import InputError, MissingColumnsError
from .index import REQUIRED_COLUMNS

PARCELS = "parcels_tax"
# (table, column) pairs a click or a search looks up; the index names are ours, so we never touch others.
LOOKUPS = (
    ("parcels_tax", "PNU"),
    ("parcels_tax", "lot"),
    ("buildings_tax", "pnu"),
    ("findings", "pnu"),
    ("ledger_matched", "pnu"),
    ("ledger_unmatched", "pnu"),
)
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
RECENT = 24  # answers kept: a few parcels' rows, a few tables each


def index_name(table: str, column: str) -> str:
    return f"gimpo_inspector_{table}_{column}".lower()


def gpkg_geometry(blob: bytes | None):
    """A shapely geometry from a GeoPackage geometry blob (``GP`` header, optional envelope, then WKB)."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    if flags & 0x10:  # the empty-geometry flag
        return None
    start = 8 + _ENVELOPE_BYTES.get((flags >> 1) & 0x07, 0)
    return shapely.from_wkb(bytes(blob[start:]))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class GeoPackageIndex:
    """Lookups straight from the linkage GeoPackage ``path`` (read-only after the indexes exist)."""

    def __init__(self, path: str | Path, add_indexes: bool = True) -> None:
        """``add_indexes=False`` opens the file as it is (lookups scan until the indexes exist): the GUI
        then adds them in the background while the first clicks are already answered."""
        self.path = Path(path)
        self.source = str(self.path)
        if not self.path.is_file():
            raise InputError(
                f"연계 결과 {self.path}가 없습니다.", "gimpo:linktaxledger(세금대장 연계)를 먼저 실행하세요."
            )
        self.indexes_added = ensure_lookup_indexes(self.path) if add_indexes else False
        self._version = _file_version(self.path)
        # timeout: a background CREATE INDEX holds the write lock for a moment when it commits
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False, timeout=30)
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self._columns = {t: [r[1] for r in self._db.execute(f"PRAGMA table_info({_quote(t)})")] for t in tables}
        for table, required in REQUIRED_COLUMNS.items():
            missing = [c for c in required if c not in self._columns.get(table, [])]
            if missing:
                raise MissingColumnsError(
                    f"{self.path}의 {table} 레이어에 {', '.join(missing)} 필드가 없습니다.",
                    "gimpo:linktaxledger(세금대장 연계)가 쓴 GeoPackage를 고르거나 다시 실행하세요.",
                )
        geometry = dict(self._db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        self._geometry = geometry
        self._rtree = f"rtree_{PARCELS}_{geometry[PARCELS]}"
        if self._rtree not in tables:
            raise InputError(
                f"{self.path}의 {PARCELS}에 공간 색인(R-tree)이 없습니다.",
                "gimpo:linktaxledger로 다시 쓰거나 QGIS의 '공간 색인 생성'을 실행하세요.",
            )
        srs = self._db.execute(
            "SELECT s.organization, s.organization_coordsys_id, s.definition FROM gpkg_geometry_columns g "
            "JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE g.table_name = ?",
            (PARCELS,),
        ).fetchone()
        self._crs = _crs(srs)
        self._count = self._db.execute(f"SELECT COUNT(*) FROM {_quote(PARCELS)}").fetchone()[0]
        self._recent: dict[tuple, pd.DataFrame] = {}

    def is_current(self) -> bool:
        """False once the file was replaced or changed (a new linkage run, or our indexes added): the
        caller opens it again rather than answer from the old file or the old rows."""
        try:
            return _file_version(self.path) == self._version
        except OSError:
            return False

    # --- plumbing -----------------------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def _rows(self, table: str, where: str, params: tuple, geometry: bool = False) -> pd.DataFrame:
        """Rows of ``table`` matching ``where``; with ``geometry`` a GeoDataFrame in the index CRS."""
        columns = self._columns.get(table)
        if columns is None:
            return pd.DataFrame(columns=["pnu", "bld_id"])
        geom = self._geometry.get(table)
        names = [c for c in columns if c != geom]
        selected = ", ".join(_quote(c) for c in names + ([geom] if geometry and geom else []))
        cursor = self._db.execute(f"SELECT {selected} FROM {_quote(table)} WHERE {where} ORDER BY fid", params)
        records = cursor.fetchall()
        if geometry and geom:
            frame = pd.DataFrame([r[:-1] for r in records], columns=names)
            shapes = [gpkg_geometry(r[-1]) for r in records]
            return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapes, crs=self._crs), crs=self._crs)
        return pd.DataFrame(records, columns=names)

    def _by_pnu(self, table: str, pnu: str, geometry: bool = False) -> pd.DataFrame:
        """Rows of one parcel; the last few answers are kept (a click asks for the buildings twice:
        the statement and the highlight)."""
        key = (table, pnu, geometry)
        if key not in self._recent:
            if len(self._recent) >= RECENT:
                self._recent.pop(next(iter(self._recent)))
            self._recent[key] = self._query_by_pnu(table, pnu, geometry)
        return self._recent[key]

    def _query_by_pnu(self, table: str, pnu: str, geometry: bool) -> pd.DataFrame:
        column = "PNU" if table == PARCELS else "pnu"
        frame = self._rows(table, f"{_quote(column)} = ?", (pnu,), geometry)
        for name in ("pnu", "bld_id"):
            if name in frame:
                frame[name] = frame[name].fillna("").astype(str)
        return frame

    def _parcels_in(self, minx: float, miny: float, maxx: float, maxy: float) -> gpd.GeoDataFrame:
        where = (
            f"fid IN (SELECT id FROM {_quote(self._rtree)} WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?)"
        )
        return self._rows(PARCELS, where, (minx, maxx, miny, maxy), geometry=True)

    # --- the questions the statement, the search and the map ask ------------------------------------
    def __len__(self) -> int:
        return int(self._count)

    @property
    def crs(self):
        return self._crs

    def has_parcel(self, pnu: str) -> bool:
        return self._db.execute(f"SELECT 1 FROM {PARCELS} WHERE PNU = ? LIMIT 1", (pnu,)).fetchone() is not None

    def pnu_at(self, x: float, y: float) -> str | None:
        """The PNU of the parcel containing the point; on a shared edge the smaller parcel."""
        box = "maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?"
        rows = self._db.execute(
            f"SELECT PNU, {_quote(self._geometry[PARCELS])} FROM {PARCELS} "
            f"WHERE fid IN (SELECT id FROM {_quote(self._rtree)} WHERE {box}) ORDER BY fid",
            (x, x, y, y),
        ).fetchall()
        point = shapely.Point(x, y)
        best: tuple[tuple[float, int], str] | None = None
        for position, (pnu, blob) in enumerate(rows):
            shape = gpkg_geometry(blob)
            if shape is not None and shapely.intersects(shape, point):
                key = (shape.area, position)
                if best is None or key < best[0]:
                    best = (key, str(pnu))
        return None if best is None else best[1]

    def parcel_row(self, pnu: str) -> pd.Series | None:
        rows = self._by_pnu(PARCELS, pnu)
        return None if rows.empty else rows.iloc[0]

    def parcel_geometry(self, pnu: str):
        row = self._db.execute(
            f"SELECT {_quote(self._geometry[PARCELS])} FROM {PARCELS} WHERE PNU = ? ORDER BY fid LIMIT 1", (pnu,)
        ).fetchone()
        return None if row is None else gpkg_geometry(row[0])

    def buildings_of(self, pnu: str) -> gpd.GeoDataFrame:
        return self._by_pnu("buildings_tax", pnu, geometry=True)

    def ledger_of(self, pnu: str) -> pd.DataFrame:
        return self._by_pnu("ledger_matched", pnu)

    def unmatched_of(self, pnu: str) -> pd.DataFrame:
        return self._by_pnu("ledger_unmatched", pnu)

    def findings_of(self, pnu: str) -> pd.DataFrame:
        return self._by_pnu("findings", pnu)

    def neighbours(self, pnu: str, margin: float = 30.0) -> gpd.GeoDataFrame:
        geometry = self.parcel_geometry(pnu)
        if geometry is None:
            return self._rows(PARCELS, "0", (), geometry=True)
        minx, miny, maxx, maxy = geometry.bounds
        return self._parcels_in(minx - margin, miny - margin, maxx + margin, maxy + margin)

    def parcels_with_lot(self, lot: str) -> pd.DataFrame:
        """(PNU, legal_dong_name) of the parcels with this 지번, for a search by lot alone."""
        cursor = self._db.execute(f"SELECT PNU, legal_dong_name FROM {PARCELS} WHERE lot = ? ORDER BY fid", (lot,))
        return pd.DataFrame(cursor.fetchall(), columns=["PNU", "legal_dong_name"])

    def random_points(self, count: int, seed: int = 7) -> list[tuple[str, float, float]]:
        """(PNU, x, y) of ``count`` random parcels, a point inside each (benchmarks, tests)."""
        rng = np.random.default_rng(seed)
        every = np.array([row[0] for row in self._db.execute(f"SELECT fid FROM {PARCELS}")], dtype=np.int64)
        fids = rng.choice(every, size=min(count, len(every)), replace=False)
        picked = self._rows(PARCELS, f"fid IN ({','.join(str(int(f)) for f in fids)})", (), geometry=True)
        points = picked.geometry.representative_point()
        return [(str(p), pt.x, pt.y) for p, pt in zip(picked["PNU"], points, strict=True)]


def _file_version(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _crs(srs: tuple | None):
    if srs is None:
        return None
    organization, code, definition = srs
    if str(organization).upper() == "EPSG" and code and int(code) > 0:
        return CRS.from_epsg(int(code))
    return CRS.from_wkt(definition) if definition and definition != "undefined" else None


def ensure_lookup_indexes(path: Path) -> bool:
    """Add the attribute indexes a click needs to the GeoPackage, once; True when any was added now.

    A file the user may not write keeps working (lookups are then table scans, still correct)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as error:
        raise InputError(f"{path}을(를) GeoPackage로 읽을 수 없습니다: {error}.") from error
    wanted = [(t, c) for t, c in LOOKUPS if t in tables and index_name(t, c) not in present]
    if not wanted:
        return False
    try:
        db = sqlite3.connect(str(path), timeout=10)
        # No cache spill: a spilling writer takes the file's exclusive lock early, and the clicks reading the
        # same file meanwhile (the GUI adds the indexes in the background) would wait until it is done.
        db.execute("PRAGMA cache_spill = OFF")
        try:
            with db:
                for table, column in wanted:
                    db.execute(
                        f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} ON {_quote(table)} ({_quote(column)})"
                    )
        finally:
            db.close()
    except sqlite3.Error:
        return False  # read-only file or locked: lookups scan the tables instead
    return True


def has_lookup_indexes(path: str | Path) -> bool:
    """True when the GeoPackage already carries every lookup index (opening it is then instant)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return all(index_name(t, c) in present for t, c in LOOKUPS if t in tables)


def is_linkage_geopackage(path: str | Path) -> bool:
    path = Path(path)
    if path.suffix.lower() != ".gpkg" or not path.is_file():
        return False
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {PARCELS, "ledger_matched"} <= tables
