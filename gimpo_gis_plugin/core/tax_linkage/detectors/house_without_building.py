"""LEDGER_NO_BUILDING for 주택 rows: a 주택 row placed on its parcel (it taxes the 부속토지) where the map
shows no building — the house may be demolished, or missing from the building layer. Speaks once per
such row; the row stays in ledger_matched (it is placed on the parcel)."""

from __future__ import annotations

import pandas as pd

from .evidence import Evidence, findings

CODE = "LEDGER_NO_BUILDING"


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    rows = evidence.matched[evidence.matched["house_without_building"] & ~evidence.matched["is_duplicate"]]
    return [
        findings(
            CODE,
            pnu=rows["pnu"],
            bld_id="",
            row_id=rows["row_id"],
            detail="주택으로 과세되었으나 필지 "
            + rows["pnu"]
            + "에 지도상 건물이 없음 (taxed as a house, no building on the map)",
            tax_at_stake=rows["tax"].fillna(0),
        )
    ]
