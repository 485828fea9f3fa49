"""USE_MISMATCH: the taxed use contradicts the map.

Speaks for a land row taxed as 나대지 (vacant land) on a parcel with a building on it, and for a
건축물 row whose taxed use class (주거용 / 상업용 / 공업용 / 기타) differs from its building's use class
(주용도코드 → class, resources/rules/building_use_classes.csv); a 주택 row likewise when its taxed use
names a class (a 주택 row on a shop building is not flagged for its kind alone: 상가주택 are common).
Rows with another use word, or buildings of unknown use, are not judged.
"""

from __future__ import annotations

import pandas as pd

from ..buildings import building_use_classes
from .evidence import Evidence, findings

CODE = "USE_MISMATCH"
VACANT_LAND = "나대지"


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    land, buildings, info = evidence.live_land, evidence.buildings, evidence.building_info
    vacant = land[(land["taxed_use"] == VACANT_LAND) & land["pnu"].isin(buildings["pnu"].to_numpy())]
    n_buildings = buildings.groupby("pnu", sort=False).size()
    out = [
        findings(
            CODE,
            pnu=vacant["pnu"],
            bld_id="",
            row_id=vacant["row_id"],
            detail="나대지로 과세되었으나 건물 "
            + vacant["pnu"].map(n_buildings).astype(int).astype(str)
            + "동이 있음 (taxed as vacant land, but buildings stand on it)",
            tax_at_stake=vacant["tax"],
        )
    ]
    classes = set(building_use_classes().values())
    houses = evidence.live_houses[evidence.live_houses["matched_bld_id"] != ""]
    rows = pd.concat([evidence.live_buildings, houses]) if len(houses) else evidence.live_buildings
    bclass = rows["matched_bld_id"].map(info["use_class"])
    wrong = rows[rows["taxed_use"].isin(classes) & bclass.isin(classes) & (rows["taxed_use"] != bclass)]
    out.append(
        findings(
            CODE,
            pnu=wrong["pnu"],
            bld_id=wrong["matched_bld_id"],
            row_id=wrong["row_id"],
            detail=wrong["taxed_use"]
            + "(으)로 과세, 건축물 용도는 "
            + wrong["matched_bld_id"].map(info["use_name"]).astype(str)
            + " ("
            + bclass[wrong.index]
            + ")",
            tax_at_stake=wrong["tax"],
        )
    )
    return out
