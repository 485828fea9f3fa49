"""Lineage on the real 월곶면 parcels: a second year made from them by real cadastral operations, and
every operation recovered with the right parents, children and kind; every parcel of both years in
exactly one family."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.lineage import parcel_lineage
from gimpo_gis_plugin.core.lineage.lineage import (
    SPLIT,
    UNCHANGED,
)
from tests.core.lineage.operations import read_real_parcels, second_year


@pytest.fixture(scope="module")
def real_parcels(shared_data) -> gpd.GeoDataFrame:
    return read_real_parcels(shared_data)


@pytest.mark.parametrize("refit_shift_m", [0.0, 0.1])
def test_every_operation_is_recovered_and_every_parcel_is_in_one_family(real_parcels, refit_shift_m):
    new, truth = second_year(real_parcels, np.random.default_rng(20260601), refit_shift_m)
    result = parcel_lineage(real_parcels, new)
    links = result.links
    # Conservation: every parcel of each year appears, and in one family only.
    assert set(links["parent_pnu"].dropna()) == set(real_parcels["PNU"])
    assert set(links["child_pnu"].dropna()) == set(new["PNU"])
    assert links.dropna(subset=["parent_pnu"]).groupby("parent_pnu")["family"].nunique().max() == 1
    assert links.dropna(subset=["child_pnu"]).groupby("child_pnu")["family"].nunique().max() == 1
    for kind, operations in truth.operations.items():
        for parents, children in operations:
            anchor = next(iter(parents or children))
            column = "parent_pnu" if parents else "child_pnu"
            family = links.loc[links[column] == anchor, "family"].iat[0]
            rows = links[links["family"] == family]
            assert set(rows["parent_pnu"].dropna()) == parents, (kind, parents, children)
            assert set(rows["child_pnu"].dropna()) == children, (kind, parents, children)
            assert (rows["kind"] == kind).all(), (kind, parents, rows["kind"].unique())
    operated = {p for ops in truth.operations.values() for ps, _ in ops for p in ps}
    rest = links[links["parent_pnu"].notna() & ~links["parent_pnu"].isin(operated)]
    counts = rest["kind"].value_counts()
    # A re-fitted map is not a change: every untouched parcel is UNCHANGED.
    assert counts.to_dict() == {UNCHANGED: rest["parent_pnu"].nunique()}
    split = next(iter(truth.operations[SPLIT]))
    family = links.loc[links["parent_pnu"] == next(iter(split[0])), "family"].iat[0]
    sentence = result.explain(int(family))
    assert sentence.startswith("분할: ") and "면적 합 일치" in sentence


def test_bad_snapshots_are_refused_in_korean(real_parcels):
    with pytest.raises(InputError, match="비어 있습니다"):
        parcel_lineage(real_parcels.iloc[:0], real_parcels)
    with pytest.raises(InputError, match="PNU 필드"):
        parcel_lineage(real_parcels.rename(columns={"PNU": "pnu"}), real_parcels)
    with pytest.raises(InputError, match="좌표계"):
        parcel_lineage(real_parcels, real_parcels.to_crs("EPSG:4326"))


def test_a_parcel_drawn_in_two_pieces_is_one_parcel():
    a = shapely.box(0, 0, 10, 10)
    old = gpd.GeoDataFrame({"PNU": ["4157035026100010000"]}, geometry=[a], crs="EPSG:5186")
    pieces = gpd.GeoDataFrame(
        {"PNU": ["4157035026100010000"] * 2},
        geometry=[shapely.box(0, 0, 5, 10), shapely.box(5, 0, 10, 10)],
        crs="EPSG:5186",
    )
    result = parcel_lineage(old, pieces)
    assert list(result.links["kind"]) == [UNCHANGED]
    assert pd.Series(result.families["kind"]).tolist() == [UNCHANGED]
