"""The change of the tax base per 법정동 (and 행정동 when their boundaries are given), as a table, a
styled choropleth of the statistical-map engine, and the sentences the report leads with."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import styles
from ..choropleth.classify import classify
from ..choropleth.statistical_map import graduated_style
from ..legal_dong import load_legal_dong_table
from .change import CLASS_LABELS

CLASSES = list(CLASS_LABELS)


def change_by_area(objects: pd.DataFrame, parcels: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
    """One row per 법정동: objects per class, Δ 시가표준액 and Δ 재산세; polygons dissolved from ``parcels``
    (the later year's 연속지적도, field PNU) when given."""
    frame = objects.assign(legal_dong_code=objects["pnu"].astype("string").str[:10])
    counts = frame.pivot_table(index="legal_dong_code", columns="class", values="object_key", aggfunc="count")
    counts = counts.reindex(columns=CLASSES).fillna(0).astype(np.int64).add_prefix("n_")
    sums = frame.groupby("legal_dong_code")[["delta_assessed_value", "delta_tax"]].sum()
    table = counts.join(sums).reset_index()
    names = load_legal_dong_table().set_index("code")["full_name"]
    table.insert(1, "legal_dong_name", table["legal_dong_code"].map(names).fillna(""))
    if parcels is None or len(parcels) == 0:
        return table
    dongs = (
        parcels.assign(legal_dong_code=parcels["PNU"].astype(str).str[:10]).dissolve("legal_dong_code").reset_index()
    )
    return gpd.GeoDataFrame(
        dongs[["legal_dong_code", dongs.geometry.name]].merge(table, on="legal_dong_code", how="inner"),
        geometry=dongs.geometry.name,
        crs=parcels.crs,
    )


def change_by_admin_dong(
    objects: pd.DataFrame, parcels: gpd.GeoDataFrame, admin_dongs: gpd.GeoDataFrame, name_field: str = "adm_nm"
) -> gpd.GeoDataFrame:
    """The same per 행정동: each object counted where its parcel's inner point lies."""
    points = parcels.assign(pnu=parcels["PNU"].astype(str))[["pnu", parcels.geometry.name]].copy()
    points = points.set_geometry(points.geometry.representative_point())
    joined = gpd.sjoin(points, admin_dongs[[name_field, admin_dongs.geometry.name]], predicate="within", how="left")
    where = joined.drop_duplicates("pnu").set_index("pnu")[name_field]
    frame = objects.assign(admin_dong=objects["pnu"].map(where).fillna("(행정동 밖)"))
    counts = frame.pivot_table(index="admin_dong", columns="class", values="object_key", aggfunc="count")
    counts = counts.reindex(columns=CLASSES).fillna(0).astype(np.int64).add_prefix("n_")
    sums = frame.groupby("admin_dong")[["delta_assessed_value", "delta_tax"]].sum()
    table = counts.join(sums).reset_index()
    return gpd.GeoDataFrame(
        admin_dongs[[name_field, admin_dongs.geometry.name]].merge(
            table, left_on=name_field, right_on="admin_dong", how="left"
        ),
        geometry=admin_dongs.geometry.name,
        crs=admin_dongs.crs,
    )


def change_style(areas: pd.DataFrame, value_field: str = "delta_assessed_value", label_field: str | None = None) -> str:
    """Graduated by the change of the tax base, blue for shrinking, red for growing (the statistical map's
    classes and legend)."""
    values = pd.to_numeric(areas[value_field], errors="coerce").to_numpy(dtype=float)
    classification = classify(values[np.isfinite(values)], "jenks", min(5, max(1, int(np.isfinite(values).sum()))))
    return graduated_style(classification, styles.DIVERGING_BLUE_RED, label_field, value_field)


def headline(table: pd.DataFrame, name_field: str = "legal_dong_name") -> list[str]:
    """Where the tax base grew and shrank most, and why (the classes that carried the change)."""
    if table.empty:
        return ["변동이 계산된 지역이 없습니다."]
    ordered = table.sort_values("delta_assessed_value")
    lines = []
    for row, word in ((ordered.iloc[-1], "가장 많이 늘어난"), (ordered.iloc[0], "가장 많이 줄어든")):
        reasons = ", ".join(
            f"{CLASS_LABELS[c]} {int(row[f'n_{c}']):,}건"
            for c in ("new", "ended", "lineage", "changed")
            if row[f"n_{c}"]
        )
        name = row.get(name_field) or row.get("legal_dong_code") or row.get("admin_dong")
        lines.append(
            f"과세표준(시가표준액)이 {word} 곳: {name} ({row['delta_assessed_value']:+,.0f}원"
            f"{'; ' + reasons if reasons else ''})"
        )
    return lines
