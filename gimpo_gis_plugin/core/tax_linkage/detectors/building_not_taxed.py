"""BUILDING_NOT_TAXED: a building on the map that no 건축물 or 주택 row of the ledger taxes.

Speaks for every building no placed row names, duplicates included (a duplicate still taxes it).
Tax at stake: the median tax per m² of floor area of taxed buildings of the same use class (else of all
taxed buildings) times the building's floor area.
"""

from __future__ import annotations

import pandas as pd

from .evidence import Evidence, findings

CODE = "BUILDING_NOT_TAXED"


def building_tax_per_m2(rows: pd.DataFrame, class_of: pd.Series, wanted: pd.Series) -> pd.Series:
    """Tax per m² of floor area for each class in ``wanted``: the median over taxed buildings of that use
    class (``class_of``: bld_id -> class), else over all taxed buildings, else 0."""
    per_building = rows.groupby("matched_bld_id", sort=False)[["tax", "taxed_area"]].sum()
    per_building = per_building[per_building["taxed_area"] > 0]
    rate = per_building["tax"] / per_building["taxed_area"]
    by_class = rate.groupby(class_of.reindex(per_building.index)).median()
    return wanted.map(by_class).fillna(rate.median()).fillna(0)


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    buildings = evidence.buildings
    taxed = pd.concat([evidence.building_rows["matched_bld_id"], evidence.house_rows["matched_bld_id"]])
    untaxed = buildings[~buildings["bld_id"].isin(taxed.to_numpy())]
    if not len(untaxed):
        return []
    estimate = building_tax_per_m2(evidence.live_buildings, evidence.building_info["use_class"], untaxed["use_class"])
    area = pd.to_numeric(untaxed["total_floor_area"], errors="coerce")
    return [
        findings(
            CODE,
            pnu=untaxed["pnu"],
            bld_id=untaxed["bld_id"],
            row_id="",
            detail=untaxed["use_name"].fillna("").astype(str)
            + ", 연면적 "
            + area.map("{:,.1f} m²".format)
            + ": 과세대장에 건축물·주택 행 없음 (no building row in the ledger)",
            tax_at_stake=(estimate * area.fillna(0)).to_numpy(),
        )
    ]


def register_findings(missing: pd.DataFrame, evidence: Evidence, class_of_code: dict[str, str]) -> pd.DataFrame:
    """BUILDING_NOT_TAXED for 건축물대장 buildings missing from map and ledger, priced like GIS ones."""
    use_class = missing["use_code"].map(class_of_code)
    estimate = building_tax_per_m2(evidence.live_buildings, evidence.building_info["use_class"], use_class)
    return findings(
        CODE,
        pnu=missing["pnu"],
        bld_id=missing["bld_id"],
        row_id=missing["row_id"],
        detail=missing["detail"],
        tax_at_stake=(estimate * missing["floor_area"].fillna(0)).to_numpy(),
    )
