"""Write the sample city as an office would receive it: a styled GeoPackage of the map layers, the tax
ledger as a CP949 CSV with Korean headers (and as XLSX), and the ground truth of planted discrepancies.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from .. import styles
from ..geopackage import atomic_path, check_writable, write_geopackage
from ..progress import SILENT, Progress
from .ledger import TAX_YEAR, to_export

GPKG_NAME = "gimpo_sample_city.gpkg"
LEDGER_CSV = f"tax_ledger_{TAX_YEAR}.csv"
LEDGER_XLSX = f"tax_ledger_{TAX_YEAR}.xlsx"
GROUND_TRUTH_CSV = "ground_truth_discrepancies.csv"
# Excel writing is slow (pure Python); above this the XLSX variant is skipped unless asked for.
XLSX_ROW_LIMIT = 100_000

JIMOK_COLORS = {
    "대": "#f4a582",
    "전": "#d9f0a3",
    "답": "#addd8e",
    "임": "#41ab5d",
    "도": "#d9d9d9",
    "장": "#b2abd2",
    "창": "#cab2d6",
    "학": "#fdbf6f",
    "구": "#9ecae1",
    "잡": "#e0e0b0",
}


def base_styles() -> dict[str, str]:
    jimok = [
        styles.Category(code, code, styles.Symbol("fill", color, "#7f7f7f", 0.1))
        for code, color in JIMOK_COLORS.items()
    ]
    jimok.append(styles.Category("", "기타", styles.Symbol("fill", "#f0f0f0", "#7f7f7f", 0.1)))
    return {
        "admin_dongs": styles.single_symbol(
            styles.Symbol("fill", "#000000", "#3a3a3a", 0.8, outline_only=True),
            styles.label_field("admin_dong_name", 11),
        ),
        "legal_dong_areas": styles.single_symbol(
            styles.Symbol("fill", "#000000", "#8c8c8c", 0.3, outline_only=True),
            styles.label_field("legal_dong_name", 8, "#555555"),
        ),
        "parcels": styles.categorized("jimok", jimok),
        "roads": styles.categorized(
            "road_class",
            [
                styles.Category("main", "대로 (main)", styles.Symbol("line", "#e6550d", width=0.8)),
                styles.Category("local", "소로 (local)", styles.Symbol("line", "#fdae6b", width=0.3)),
            ],
        ),
        "buildings": styles.single_symbol(styles.Symbol("fill", "#636363", "#252525", 0.1)),
    }


def write_city(city, folder: Path, write_xlsx: bool = True, progress: Progress = SILENT) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "gpkg": folder / GPKG_NAME,
        "ledger_csv": folder / LEDGER_CSV,
        "ground_truth": folder / GROUND_TRUTH_CSV,
    }
    for path in paths.values():
        check_writable(path)
    layers = {
        "admin_dongs": city.admin_dongs,
        "legal_dong_areas": city.legal_dong_areas,
        "parcels": city.parcels,
        "roads": city.roads,
        "buildings": city.buildings,
        **city.layers,
    }
    all_styles = {**base_styles(), **city.styles}
    write_geopackage(
        paths["gpkg"],
        layers,
        {name: qml for name, qml in all_styles.items() if name in layers},
    )
    # Extensions may write non-vector files beside the GeoPackage (e.g. planning's DEM GeoTIFF).
    from . import extension_modules

    for _name, module in extension_modules():
        if hasattr(module, "write_files"):
            paths.update(module.write_files(city, folder))
    progress.set(0.9)
    export = to_export(city.ledger.rows)
    with atomic_path(paths["ledger_csv"]) as tmp:
        # CP949 is what the city's tax system exports; every character here is in it.
        export.to_csv(tmp, index=False, encoding="cp949")
    with atomic_path(paths["ground_truth"]) as tmp:
        city.ledger.ground_truth.to_csv(tmp, index=False, encoding="utf-8")
    if write_xlsx and len(export) <= XLSX_ROW_LIMIT:
        paths["ledger_xlsx"] = folder / LEDGER_XLSX
        with atomic_path(paths["ledger_xlsx"]) as tmp:
            export.to_excel(tmp, index=False, sheet_name="재산세과세대장", engine="openpyxl")
    elif write_xlsx:
        progress.info(
            f"XLSX ledger skipped: {len(export):,} rows (more than {XLSX_ROW_LIMIT:,}); the CSV has them all."
        )
    progress.set(1.0)
    return paths


def read_layer(path: Path, layer: str) -> gpd.GeoDataFrame:
    return gpd.read_file(path, layer=layer)
