"""Tax objects (과세물건) from ledger rows: what a year's ledger taxes, one entry per object.

A ledger lists one row per taxpayer share, so co-owners give several rows for one object. The object is
the land of a parcel (토지, by PNU), a building (건축물 or 주택, by its 건물관리번호, else by the parcel it
stands on), or another kind (선박, 항공기) by its row id. Its figures are the sums over its rows; its
taxpayers the set of (masked) names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LAND, BUILDING, HOUSING = "land", "building", "housing"
KIND_WORDS = {
    "토지": LAND,
    "토지분": LAND,
    "land": LAND,
    "건축물": BUILDING,
    "건축물분": BUILDING,
    "건물": BUILDING,
    "building": BUILDING,
    "주택": HOUSING,
    "주택분": HOUSING,
    "housing": HOUSING,
}
OBJECT_COLUMNS = [
    "object_key",
    "kind",
    "pnu",
    "bld_id",
    "rows",
    "taxed_area",
    "assessed_value",
    "tax",
    "uses",
    "taxpayers",
]


def object_keys(rows: pd.DataFrame) -> pd.Series:
    """The object each ledger row belongs to: ``land:<pnu>``, ``building:<bld_id or pnu>``, ``other:<row>``."""
    kind = rows["object_kind"].astype("string").fillna("").str.strip().map(lambda k: KIND_WORDS.get(k, k.lower()))
    pnu = _text(rows, "pnu")
    bld = _text(rows, "bld_id")
    row = _text(rows, "row_id")
    building_like = kind.isin([BUILDING, HOUSING])
    key = np.where(
        kind == LAND,
        "land:" + pnu,
        np.where(building_like, kind + ":" + bld.where(bld != "", "@" + pnu), "other:" + kind + ":" + row),
    )
    return pd.Series(key, index=rows.index, name="object_key")


def tax_objects(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per object: kind, PNU, building id, row count, summed area / value / tax, uses, taxpayers."""
    frame = pd.DataFrame(
        {
            "object_key": object_keys(rows),
            "kind": rows["object_kind"].astype("string").fillna("").str.strip().map(lambda k: KIND_WORDS.get(k, k)),
            "pnu": _text(rows, "pnu"),
            "bld_id": _text(rows, "bld_id"),
            "taxed_area": _number(rows, "taxed_area"),
            "assessed_value": _number(rows, "assessed_value"),
            "tax": _number(rows, "tax"),
            "use": _text(rows, "taxed_use"),
            "taxpayer": _text(rows, "taxpayer"),
        }
    )
    grouped = frame.groupby("object_key", sort=True)
    objects = pd.DataFrame(
        {
            "kind": grouped["kind"].first(),
            "pnu": grouped["pnu"].first(),
            "bld_id": grouped["bld_id"].first(),
            "rows": grouped.size(),
            "taxed_area": grouped["taxed_area"].sum(min_count=1),
            "assessed_value": grouped["assessed_value"].sum(min_count=1),
            "tax": grouped["tax"].sum(min_count=1),
            "uses": grouped["use"].agg(lambda v: "·".join(sorted({u for u in v if u}))),
            "taxpayers": grouped["taxpayer"].agg(lambda v: "·".join(sorted({t for t in v if t}))),
        }
    ).reset_index()
    return objects[OBJECT_COLUMNS]


def _text(rows: pd.DataFrame, column: str) -> pd.Series:
    if column not in rows.columns:
        return pd.Series("", index=rows.index, dtype="string")
    return rows[column].astype("string").fillna("").str.strip()


def _number(rows: pd.DataFrame, column: str) -> pd.Series:
    if column not in rows.columns:
        return pd.Series(np.nan, index=rows.index)
    return pd.to_numeric(rows[column], errors="coerce")
