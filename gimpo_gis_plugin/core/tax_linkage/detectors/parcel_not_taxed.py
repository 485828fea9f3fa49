"""PARCEL_NOT_TAXED: a taxable parcel that no 토지 or 주택 row taxes.

Speaks only for parcels with a standard PNU (대장구분 1 or 2: a 가지번 lot is not yet registered), whose
지목 is taxable (not in ``non_taxable_jimok``) and that are not on the exemption list. A 주택 row taxes
its parcel (주택분 재산세 covers the 부속토지). Tax at stake: the median tax per m² of taxed parcels of the
same 법정동 and 지목, else the same 지목, else all, times the GIS area.
"""

from __future__ import annotations

import pandas as pd

from ...pnu import STANDARD_REGISTER_DIGITS
from .evidence import Evidence, findings

CODE = "PARCEL_NOT_TAXED"


def detect(evidence: Evidence) -> list[pd.DataFrame]:
    parcels, options = evidence.parcel_rows, evidence.options
    # isin() takes arrays: a Python set of 2,000,000 keys costs three times the test itself.
    taxed = pd.concat([evidence.land["pnu"], evidence.house_rows["pnu"]]).to_numpy()
    standard = parcels["register"].isin(list(STANDARD_REGISTER_DIGITS)) & parcels["pnu_valid"]
    taxable = (
        standard
        & ~parcels["jimok"].isin(list(options.non_taxable_jimok))
        & ~parcels["PNU"].isin(list(options.exempt_pnus))
    )
    untaxed = parcels[taxable & ~parcels["PNU"].isin(taxed)].drop_duplicates("PNU")
    if not len(untaxed):
        return []
    land_tax = evidence.live_land.groupby("pnu", sort=False)["tax"].sum()
    info = evidence.parcel_info.reindex(land_tax.index)
    rate = land_tax / evidence.parcel_area.reindex(land_tax.index)
    by_dong_jimok = rate.groupby([info["legal_dong_code"], info["jimok"]]).median()
    by_jimok = rate.groupby(info["jimok"]).median()
    if len(by_dong_jimok):
        keys = pd.MultiIndex.from_arrays([untaxed["legal_dong_code"], untaxed["jimok"]])
        estimate = pd.Series(by_dong_jimok.reindex(keys).to_numpy(), index=untaxed.index)
    else:
        estimate = pd.Series(float("nan"), index=untaxed.index)
    estimate = estimate.fillna(untaxed["jimok"].map(by_jimok)).fillna(rate.median()).fillna(0)
    return [
        findings(
            CODE,
            pnu=untaxed["PNU"],
            bld_id="",
            row_id="",
            detail="지목 "
            + untaxed["jimok"].replace("", "?")
            + ", GIS 면적 "
            + untaxed["gis_area_m2"].map("{:,.1f} m²".format)
            + ": 과세대장에 토지·주택 행 없음 (no land row in the ledger)",
            tax_at_stake=(estimate * untaxed["gis_area_m2"]).to_numpy(),
        )
    ]
