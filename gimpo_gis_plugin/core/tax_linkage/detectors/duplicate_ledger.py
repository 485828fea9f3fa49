"""DUPLICATE_LEDGER: a row beyond a whole object — within one (year, kind, object) the shares, in file
order, add up past 1 (two co-owners of 1/2 are not duplicates; a third 1/2 is). Speaks once per row
beyond, naming the first row of the object. Rows refused for bad values never reach here, so broken
values cannot inflate it."""

from __future__ import annotations

import pandas as pd

from .evidence import Evidence, findings

CODE = "DUPLICATE_LEDGER"


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    dups = evidence.matched[evidence.matched["is_duplicate"]]
    return [
        findings(
            CODE,
            pnu=dups["pnu"],
            bld_id=dups["matched_bld_id"],
            row_id=dups["row_id"],
            detail=dups["same_as"] + "와(과) 같은 물건 (지분 합계가 1을 넘음) (same object, shares above 1)",
            tax_at_stake=dups["tax"].fillna(0),
        )
    ]
