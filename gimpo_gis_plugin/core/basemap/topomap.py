"""Read an NGII 수치지형도 v2.0 delivery (folders or zips of map sheets, 도엽) into one layer per code.

A delivery holds one folder (or zip) per 도엽, each with shapefiles named ``N3A_B0010000.shp`` and so on
(topomap_codes.py). Sheets are read one by one (a .dbf without .cpg in CP949, as the NGII ships it, is
detected by core/vector_io.py), tagged with their sheet number and scale, and merged per code and shape;
a sheet delivered twice (the neighbouring 구 folders both carry a boundary sheet) is read once, and a
feature present in two sheets with the same UFID is kept once. Shapefiles whose names are not layer
codes are listed as skipped, never silently dropped.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import styles
from ..errors import InputError
from ..progress import SILENT, Progress
from ..vector_io import DEFAULT_CRS, read_vector
from .topomap_codes import FILE_NAME, SCALES, SHAPES, lookup

SHEET = re.compile(r"(?<!\d)(\d{8}|\d{7})(?!\d)")


@dataclass
class TopoMap:
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)  # output layer name -> features
    titles: dict[str, str] = field(default_factory=dict)  # output layer name -> Korean title
    styles: dict[str, str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files not read, with the reason
    duplicates: int = 0


def _sheet_number(path: Path, root: Path) -> str:
    for part in reversed(path.relative_to(root).parts[:-1] or (path.stem,)):
        match = SHEET.search(part)
        if match:
            return match.group(1)
    return path.parent.name


def _shapefiles(folder: Path, scratch: Path) -> list[tuple[Path, Path]]:
    """(shapefile, root it is relative to): the folder's, and those inside its zips (extracted)."""
    found = [(p, folder) for p in sorted(folder.rglob("*")) if p.suffix.lower() == ".shp"]
    for index, archive in enumerate(sorted(folder.rglob("*.zip"))):
        target = scratch / f"{index}_{archive.stem}"
        try:
            with zipfile.ZipFile(archive) as handle:
                handle.extractall(target)
        except zipfile.BadZipFile as exc:
            raise InputError(f"{archive}: zip 파일이 손상되었습니다 ({exc}).", "도엽 파일을 다시 받으세요.") from exc
        found += [(p, scratch) for p in sorted(target.rglob("*")) if p.suffix.lower() == ".shp"]
    return found


def _style(code: str, shape: str) -> str:
    row = lookup(code)
    kind = {"A": "fill", "L": "line", "P": "marker", "T": "marker"}[shape]
    if row is None:
        return styles.single_symbol(styles.Symbol(kind, "#9e9e9e", "#606060"))
    colour = row.stroke if kind == "line" else row.fill
    symbol = styles.Symbol(kind, colour, row.stroke, row.width_mm if kind != "marker" else 0.26, 1.2)
    return styles.single_symbol(symbol)


def load_topo_map(folder: str | Path, crs: str = DEFAULT_CRS, progress: Progress = SILENT) -> TopoMap:
    """Every layer code of the delivery in ``folder``, merged over its sheets, in ``DEFAULT_CRS``.

    ``crs``: the CRS of shapefiles without a .prj (v2.0 deliveries are EPSG:5186 unless said otherwise).
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"수치지형도 폴더 {root}이(가) 없습니다.", "도엽 폴더들이 들어 있는 폴더를 주세요.")
    result = TopoMap()
    parts: dict[tuple[str, str, str], list[gpd.GeoDataFrame]] = {}
    seen_sheets: set[tuple[str, str]] = set()
    with tempfile.TemporaryDirectory(prefix="gimpo-topomap-") as scratch:
        files = _shapefiles(root, Path(scratch))
        if not files:
            raise InputError(f"{root}에 shapefile(.shp)이 없습니다.", "수치지형도 v2.0 SHP 납품 폴더를 주세요.")
        for index, (path, base) in enumerate(files):
            progress.check()
            match = FILE_NAME.match(path.stem)
            if not match:
                result.skipped.append(f"{path.name}: 레이어 코드 이름이 아님 (N3A_B0010000 모양이 아님)")
                continue
            scale, shape, code = match.group("scale"), match.group("shape").upper(), match.group("code").upper()
            sheet = _sheet_number(path, base)
            if (sheet, path.name.upper()) in seen_sheets:
                continue  # the same sheet delivered twice
            seen_sheets.add((sheet, path.name.upper()))
            has_prj = path.with_suffix(".prj").exists()
            frame = read_vector(path, crs=None if has_prj else crs)
            if frame.empty:
                continue
            frame["sheet"] = sheet
            frame["scale"] = SCALES.get(scale, scale)
            parts.setdefault((code, shape, scale), []).append(frame)
            if sheet not in result.sheets:
                result.sheets.append(sheet)
            progress.set(0.9 * (index + 1) / len(files))
    codes_seen = [code for code, _, _ in parts]
    for (code, shape, scale), frames in sorted(parts.items()):
        merged = pd.concat(frames, ignore_index=True)
        merged = gpd.GeoDataFrame(merged, geometry=frames[0].geometry.name, crs=frames[0].crs)
        key = next((c for c in merged.columns if str(c).upper() == "UFID"), None)
        before = len(merged)
        if key is not None:
            merged = merged[merged[key].isna() | ~merged[key].duplicated()].reset_index(drop=True)
        result.duplicates += before - len(merged)
        row = lookup(code)
        name = row.name.replace("/", "·") if row else code
        layer = f"{name}_{code}"
        if codes_seen.count(code) > 1:  # the same code as areas and lines, or at two scales: keep them apart
            layer += f"_{SHAPES[shape]}_{SCALES.get(scale, scale)}"
        result.layers[layer] = merged
        result.titles[layer] = f"{name} ({code}, {SCALES.get(scale, scale)})"
        result.styles[layer] = _style(code, shape)
    result.sheets.sort()
    progress.set(1.0)
    return result
