"""Each detector's rule for when it may speak, on a few real-shaped objects of the sample city."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger


@pytest.fixture(scope="module")
def built(sample_city):
    """One parcel with exactly one building on it, and that building."""
    counts = sample_city.buildings.groupby("pnu").size()
    pnu = counts[counts == 1].index[0]
    parcel = sample_city.parcels[sample_city.parcels["PNU"] == pnu]
    building = sample_city.buildings[sample_city.buildings["pnu"] == pnu]
    return parcel, building


def _rows(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"row_id": [f"r{i}" for i in range(n)], "year": "2026", "share": "1", "source_row": np.arange(2, n + 2)}
    return pd.DataFrame({**base, **columns})


def test_a_house_row_taxes_both_the_parcel_and_the_building(built):
    parcel, building = built
    area = building["total_floor_area"].iat[0]
    rows = _rows(object_kind=["주택"], pnu=[parcel["PNU"].iat[0]], taxed_area=[area], tax=[1000.0])
    result = link_tax_ledger(parcel, building, rows)
    assert result.counts["unmatched"] == 0
    assert not {"BUILDING_NOT_TAXED", "PARCEL_NOT_TAXED", "AREA_MISMATCH"} & set(result.findings["code"])


def test_a_house_area_speaks_only_when_it_fits_neither_house_nor_parcel(built):
    parcel, building = built
    pnu = parcel["PNU"].iat[0]
    land_area = parcel.geometry.area.iat[0]
    fits_land = link_tax_ledger(parcel, building, _rows(object_kind=["주택분"], pnu=[pnu], taxed_area=[land_area]))
    assert "AREA_MISMATCH" not in set(fits_land.findings["code"])
    wild = max(land_area, building["total_floor_area"].iat[0]) * 3
    neither = link_tax_ledger(parcel, building, _rows(object_kind=["주택분"], pnu=[pnu], taxed_area=[wild]))
    assert "AREA_MISMATCH" in set(neither.findings["code"])


def test_a_house_row_without_a_building_keeps_its_parcel_and_is_reported(sample_city):
    bare = sample_city.parcels[~sample_city.parcels["PNU"].isin(sample_city.buildings["pnu"])].head(1)
    rows = _rows(object_kind=["주택"], pnu=[bare["PNU"].iat[0]], taxed_area=[80.0])
    result = link_tax_ledger(bare, sample_city.buildings.iloc[:0], rows)
    assert result.counts["matched"] == 1
    assert set(result.findings["code"]) == {"LEDGER_NO_BUILDING"}


def test_ships_are_placed_nowhere_and_are_no_finding(built):
    parcel, building = built
    rows = _rows(object_kind=["선박", "토지"], pnu=["", parcel["PNU"].iat[0]], taxed_area=[10.0, 1.0])
    result = link_tax_ledger(parcel, building, rows)
    assert result.ledger_unmatched["reason_code"].tolist() == ["OBJECT_NOT_ON_MAP"]
    assert "OBJECT_KIND_UNKNOWN" not in set(result.findings["code"])


def test_bad_numbers_never_inflate_duplicates_nor_reach_findings_as_inf(built):
    parcel, building = built
    pnu = parcel["PNU"].iat[0]
    rows = _rows(
        object_kind=["토지"] * 4,
        pnu=[pnu] * 4,
        taxed_area=[parcel.geometry.area.iat[0], np.nan, np.nan, np.nan],
        tax=[10.0, np.inf, 1e308, -5.0],
        read_reason_code=["", "LEDGER_VALUE_INVALID", "LEDGER_VALUE_INVALID", "LEDGER_VALUE_INVALID"],
        read_reason=["", "x", "y", "z"],
    )
    result = link_tax_ledger(parcel, building, rows)
    codes = result.findings["code"].value_counts()
    assert codes.get("LEDGER_VALUE_INVALID") == 3 and "DUPLICATE_LEDGER" not in codes
    assert np.isfinite(result.findings["tax_at_stake"]).all() and result.findings["tax_at_stake"].max() < 1e6
    assert np.isfinite(result.ledger_unmatched["tax"].fillna(0)).all()


def test_resident_numbers_in_any_text_column_are_masked(built):
    parcel, building = built
    rows = _rows(
        object_kind=["토지", "토지"],
        pnu=[parcel["PNU"].iat[0], ""],
        address=["성동리 (900101-1234567)", "가상리 1 소유자 9001011234567"],
        taxed_use=["전 800101-2345678", ""],
        taxed_area=[parcel.geometry.area.iat[0], 5.0],
    )
    result = link_tax_ledger(parcel, building, rows)
    text = " ".join(
        pd.concat([result.ledger_matched, result.ledger_unmatched]).astype(str).to_numpy().ravel().tolist()
        + result.findings["detail"].tolist()
        + result.warnings
    )
    assert "1234567" not in text and "2345678" not in text and "900101-1******" in text
