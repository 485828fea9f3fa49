"""PNU_NONSTANDARD: a parcel whose land-register digit is neither 1 (일반) nor 2 (산), e.g. the 가지번
lots (digit 6, main lot 0000) of real 연속지적도. Informational: speaks once per such parcel."""

from __future__ import annotations

import pandas as pd

from ...pnu import STANDARD_REGISTER_DIGITS
from .evidence import Evidence, findings

CODE = "PNU_NONSTANDARD"


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    parcels = evidence.parcel_rows
    odd = parcels[parcels["pnu_valid"] & ~parcels["register"].isin(list(STANDARD_REGISTER_DIGITS))]
    odd = odd.drop_duplicates("PNU")
    return [
        findings(
            CODE,
            pnu=odd["PNU"],
            bld_id="",
            row_id="",
            detail="대장구분 " + odd["register"] + " (지번 " + odd["JIBUN"] + "): 가지번 등 확정 전 지번",
            tax_at_stake=0.0,
        )
    ]
