"""Match the tax objects of two years and give every object, and so every ledger row, one change class.

- ``unchanged``: the same object, the same area, uses, taxpayers and values;
- ``revalued``: the same object whose only change is its 시가표준액 or tax (the yearly 공시가격 update);
- ``changed``: the same object with another area, use, taxpayer or number of shares (said which);
- ``lineage``: land (or a building known only by its parcel) whose parcel was split, merged, renumbered
  or re-parcelled: matched through the parcel lineage, not the PNU, and explained
  (``분할: …0000 → …0001, …0002; 과세면적 합 일치``);
- ``new`` / ``ended``: an object only in the later / only in the earlier year.

Ledger areas are the registers' areas (대장면적), exact to the 0.01 m², so any difference is a change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..lineage.lineage import KIND_LABELS, MERGED, RENUMBERED, REPARCELLED, SPLIT
from .objects import LAND, object_keys, tax_objects

UNCHANGED, REVALUED, CHANGED, LINEAGE, NEW, ENDED = "unchanged", "revalued", "changed", "lineage", "new", "ended"
CLASS_LABELS = {
    UNCHANGED: "변동 없음",
    REVALUED: "시가표준액만 변동",
    CHANGED: "변동",
    LINEAGE: "필지 이동(분할·합병 등)",
    NEW: "신규",
    ENDED: "소멸",
}
LINEAGE_KINDS = (SPLIT, MERGED, RENUMBERED, REPARCELLED)
AREA_EPSILON_M2 = 0.005


@dataclass
class LedgerChange:
    objects: pd.DataFrame  # one row per object of either year: class, before/after figures, explanation
    rows: pd.DataFrame  # one row per ledger row of both years: year, source_row, object_key, class
    counts: pd.DataFrame  # rows and objects per class and year (the conservation proof)


def ledger_change(before: pd.DataFrame, after: pd.DataFrame, lineage: pd.DataFrame | None = None) -> LedgerChange:
    """``before`` / ``after``: ledger rows with at least object_kind, pnu (placed), taxed_area; ``lineage``:
    the links of :func:`core.lineage.parcel_lineage` (parent_pnu, child_pnu, family, kind) or None."""
    old, new = tax_objects(before), tax_objects(after)
    merged = old.merge(new, on="object_key", how="outer", suffixes=("_before", "_after"), indicator=True)
    merged["class"] = np.where(
        merged["_merge"] == "left_only", ENDED, np.where(merged["_merge"] == "right_only", NEW, "")
    )
    both = merged["_merge"] == "both"
    changes = _changed_fields(merged[both])
    merged.loc[both, "changed_fields"] = changes
    merged.loc[both, "class"] = np.where(changes == "", np.where(_revalued(merged[both]), REVALUED, UNCHANGED), CHANGED)
    merged["explanation"] = merged["changed_fields"].fillna("")
    if lineage is not None and len(lineage):
        _apply_lineage(merged, lineage)
    merged["class_label"] = merged["class"].map(CLASS_LABELS)
    merged["pnu"] = merged["pnu_after"].where(
        merged["pnu_after"].notna() & (merged["pnu_after"] != ""), merged["pnu_before"]
    )
    merged["delta_assessed_value"] = merged["assessed_value_after"].fillna(0) - merged["assessed_value_before"].fillna(
        0
    )
    merged["delta_tax"] = merged["tax_after"].fillna(0) - merged["tax_before"].fillna(0)
    objects = merged.drop(columns=["_merge"])
    row_class = objects.set_index("object_key")["class"]
    rows = pd.concat(
        [
            _row_classes(before, "before", row_class),
            _row_classes(after, "after", row_class),
        ],
        ignore_index=True,
    )
    counts = (
        rows.groupby(["year", "class"]).size().rename("rows").reset_index()
        if len(rows)
        else pd.DataFrame(columns=["year", "class", "rows"])
    )
    return LedgerChange(objects.reset_index(drop=True), rows, counts)


def _changed_fields(pairs: pd.DataFrame) -> np.ndarray:
    out = np.full(len(pairs), "", dtype=object)
    area_before, area_after = pairs["taxed_area_before"].to_numpy(float), pairs["taxed_area_after"].to_numpy(float)
    area = ~np.isclose(area_before, area_after, atol=AREA_EPSILON_M2, rtol=0, equal_nan=True)
    for mask, text in (
        (area, lambda k: f"과세면적 {area_before[k]:,.2f} → {area_after[k]:,.2f} m²"),
        (pairs["uses_before"].to_numpy() != pairs["uses_after"].to_numpy(), lambda k: "과세용도 변경"),
        (pairs["taxpayers_before"].to_numpy() != pairs["taxpayers_after"].to_numpy(), lambda k: "납세자 변경"),
        (pairs["rows_before"].to_numpy() != pairs["rows_after"].to_numpy(), lambda k: "지분 수 변경"),
    ):
        for k in np.flatnonzero(mask):
            out[k] = f"{out[k]}; {text(k)}" if out[k] else text(k)
    return out


def _revalued(pairs: pd.DataFrame) -> np.ndarray:
    value = ~np.isclose(
        pairs["assessed_value_before"].to_numpy(float), pairs["assessed_value_after"].to_numpy(float), equal_nan=True
    )
    tax = ~np.isclose(pairs["tax_before"].to_numpy(float), pairs["tax_after"].to_numpy(float), equal_nan=True)
    return value | tax


def _apply_lineage(merged: pd.DataFrame, lineage: pd.DataFrame) -> None:
    """Objects on parcels of a split / merge / renumber / re-parcel family: one explained class."""
    moving = lineage[lineage["kind"].isin(LINEAGE_KINDS)]
    if moving.empty:
        return
    family_of_parent = (
        moving.dropna(subset=["parent_pnu"]).drop_duplicates("parent_pnu").set_index("parent_pnu")["family"]
    )
    family_of_child = moving.dropna(subset=["child_pnu"]).drop_duplicates("child_pnu").set_index("child_pnu")["family"]
    land_like = merged["object_key"].str.startswith(f"{LAND}:") | merged["object_key"].str.contains(":@", regex=False)
    family = (
        merged["pnu_before"].map(family_of_parent).where(lambda f: f.notna(), merged["pnu_after"].map(family_of_child))
    )
    family = family.where(land_like)
    inside = family.notna()
    if not inside.any():
        return
    kinds = moving.drop_duplicates("family").set_index("family")["kind"]
    for fam, members in merged[inside].groupby(family[inside]):
        kind = kinds[fam]
        links = moving[moving["family"] == fam]
        parents = sorted(set(links["parent_pnu"].dropna()))
        children = sorted(set(links["child_pnu"].dropna()))
        land = members[members["object_key"].str.startswith(f"{LAND}:")]
        area_before = land["taxed_area_before"].sum(min_count=1)
        area_after = land["taxed_area_after"].sum(min_count=1)
        if pd.isna(area_before) or pd.isna(area_after):
            balance = "과세면적 비교 불가(한 해의 과세 없음)"
        elif abs(area_before - area_after) <= AREA_EPSILON_M2:
            balance = "과세면적 합 일치"
        else:
            balance = f"과세면적 합 {area_before:,.2f} → {area_after:,.2f} m² (확인 필요)"
        text = f"{KIND_LABELS[kind]}: {', '.join(parents)} → {', '.join(children)}; {balance}"
        merged.loc[members.index, "class"] = LINEAGE
        merged.loc[members.index, "explanation"] = text
        merged.loc[members.index, "lineage_family"] = fam


def _row_classes(rows: pd.DataFrame, year: str, row_class: pd.Series) -> pd.DataFrame:
    keys = object_keys(rows)
    return pd.DataFrame(
        {
            "year": year,
            "source_row": rows["source_row"].to_numpy() if "source_row" in rows else np.arange(1, len(rows) + 1),
            "row_id": rows["row_id"].to_numpy() if "row_id" in rows else None,
            "object_key": keys.to_numpy(),
            "class": keys.map(row_class).to_numpy(),
        }
    )
