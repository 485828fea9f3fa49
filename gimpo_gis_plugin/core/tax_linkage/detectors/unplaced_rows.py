"""Findings for ledger rows that could not be placed, one per row, coded by the reason:
LEDGER_NO_PARCEL, LEDGER_NO_BUILDING, ADDRESS_UNRESOLVED, PNU_MALFORMED, OBJECT_KIND_UNKNOWN,
LEDGER_VALUE_INVALID. Rows of objects that are on no map (선박, 항공기) are not findings."""

from __future__ import annotations

import pandas as pd

from .evidence import Evidence, findings

CODES = (
    "LEDGER_NO_PARCEL",
    "LEDGER_NO_BUILDING",
    "ADDRESS_UNRESOLVED",
    "PNU_MALFORMED",
    "OBJECT_KIND_UNKNOWN",
    "LEDGER_VALUE_INVALID",
)


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    rows = evidence.unmatched
    out = []
    for code, group in rows[rows["reason_code"].isin(CODES)].groupby("reason_code", sort=True):
        out.append(
            findings(
                str(code),
                pnu=group["pnu"],
                bld_id=group["bld_id"],
                row_id=group["row_id"],
                detail=group["reason"],
                tax_at_stake=group["tax"].fillna(0),
            )
        )
    return out
