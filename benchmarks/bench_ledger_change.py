"""Year-over-year ledger change on the 200,000-parcel sample city, against the linkage's own time.

The second year is the first one's ledger revalued by 5 % with every 50th row dropped (a 소멸), and a
cadastre where every 400th parcel is split in two (so the lineage overlay has work to do). Both runs go
through qgis_process; the target (issue 19) is ledgerchange ≤ 2× linktaxledger on the same city.
"""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .harness import BENCH_DIR, qgis_run, sample_city


def _second_year(city) -> tuple[str, str]:
    ledger = BENCH_DIR / f"{city.name}_ledger_next.csv"
    parcels = BENCH_DIR / f"{city.name}_parcels_next.gpkg"
    if not ledger.exists():
        rows = pd.read_csv(city / "tax_ledger_2026.csv", encoding="cp949", dtype=str)
        value = next(c for c in rows.columns if "시가표준액" in c)
        rows[value] = (pd.to_numeric(rows[value], errors="coerce") * 1.05).round().astype("Int64").astype(str)
        rows.iloc[np.arange(len(rows)) % 50 != 0].to_csv(ledger, index=False, encoding="cp949")
    if not parcels.exists():
        frame = gpd.read_file(city / "gimpo_sample_city.gpkg", layer="parcels")
        split = np.flatnonzero(np.arange(len(frame)) % 400 == 0)
        pieces = []
        for k in split:
            shape = frame.geometry.iat[k]
            minx, miny, maxx, maxy = shape.bounds
            half = shapely.box(minx - 1, miny - 1, (minx + maxx) / 2, maxy + 1)
            frame.geometry.iat[k] = shapely.intersection(shape, half)
            child = frame.iloc[[k]].copy()
            child["PNU"] = child["PNU"].str[:15] + "9999"
            child.geometry.iat[0] = shapely.difference(shape, half)
            pieces.append(child)
        pd.concat([frame, *pieces], ignore_index=True).to_file(parcels, layer="parcels", driver="GPKG")
    return str(ledger), str(parcels)


def run(report) -> None:
    parcels = int(os.environ.get("BENCH_LEDGER_PARCELS", 200_000))
    city = sample_city(parcels)
    gpkg = city / "gimpo_sample_city.gpkg"
    next_ledger, next_parcels = _second_year(city)
    linkage = qgis_run(
        "gimpo:linktaxledger",
        PARCELS=f"{gpkg}|layername=parcels",
        BUILDINGS=f"{gpkg}|layername=buildings",
        LEDGER=city / "tax_ledger_2026.csv",
        OUTPUT=BENCH_DIR / f"linkage_for_change_{parcels}.gpkg",
    )
    change = qgis_run(
        "gimpo:ledgerchange",
        LEDGER_BEFORE=city / "tax_ledger_2026.csv",
        LEDGER_AFTER=next_ledger,
        PARCELS_BEFORE=f"{gpkg}|layername=parcels",
        PARCELS_AFTER=f"{next_parcels}|layername=parcels",
        OUTPUT=BENCH_DIR / f"ledger_change_{parcels}.gpkg",
    )
    report.ratio(f"ledger change vs linkage, {parcels:,} parcels a year", change, linkage, "≤ 2.0")
