"""Ledger rows placed by their address on the real 월곶면 parcels, through the whole linkage: lot addresses
written the ways exports write them, road-name addresses resolved through a TL_SPBD_BULD buildings
layer, and road-name rows that carry the 건물관리번호 when the layer has no road names."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger
from tests.core.tax_linkage.address_spellings import spell

pytestmark = pytest.mark.shared_data
ROADS = ("월곶로", "보구곶로", "용강로")  # road names of this test's own numbering


@pytest.fixture(scope="module")
def wolgot(shared_data):
    parcels = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(5186, allow_override=True)
    parcels["PNU"] = parcels["PNU"].astype(str)
    lots = parcels[parcels["PNU"].str[10].isin(["1", "2"]) & (parcels["PNU"].str[11:15] != "0000")]
    lots = lots[lots["JIBUN"].str.endswith("대") & ~lots["PNU"].duplicated(keep=False)]
    hosts = lots.sample(240, random_state=41570).reset_index(drop=True)
    pnu = hosts["PNU"]
    n = len(hosts)
    road = [ROADS[i % 3] for i in range(n)]
    buildings = gpd.GeoDataFrame(
        {
            "BD_MGT_SN": pnu.str[:10] + pnu.str[10].map({"1": "0", "2": "1"}) + pnu.str[11:] + "000001",
            "SIG_CD": pnu.str[:5],
            "EMD_CD": pnu.str[5:8],
            "LI_CD": pnu.str[8:10],
            "MNTN_YN": pnu.str[10].map({"1": "0", "2": "1"}),
            "LNBR_MNNM": pnu.str[11:15].astype(int),
            "LNBR_SLNO": pnu.str[15:19].astype(int),
            "RN": road,
            "RN_CD": [f"30000{ROADS.index(r) + 1:02d}" for r in road],
            "BULD_MNNM": np.arange(n) // 3 * 2 + 1,
            "BULD_SLNO": 0,
            "BULD_SE_CD": "0",
            "BDTYP_CD": "01000",
        },
        geometry=hosts.geometry.representative_point().buffer(2.0, cap_style=3).to_numpy(),
        crs=parcels.crs,
    )
    return parcels, buildings


def ledger_rows(buildings: gpd.GeoDataFrame, truth: pd.Series) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = len(buildings)
    kind = np.arange(n) % 3  # 0 lot address, 1 road-name address, 2 road-name address + 건물관리번호
    road_address = "경기도 김포시 월곶면 " + buildings["RN"] + " " + buildings["BULD_MNNM"].astype(str)
    address = np.where(kind == 0, [spell(p, rng) for p in truth], road_address)
    return pd.DataFrame(
        {
            "row_id": [f"B{i}" for i in range(n)],
            "year": "2024",
            "object_kind": "건축물",
            "address": address,
            "pnu": "",
            "bld_id": np.where(kind == 2, buildings["BD_MGT_SN"], ""),
            "taxed_area": 100.0,
            "tax": 10000.0,
            "source_row": np.arange(2, n + 2),
        }
    )


def test_rows_are_placed_on_their_own_parcels_by_lot_and_road_name_addresses(wolgot):
    parcels, buildings = wolgot
    truth = (
        buildings["SIG_CD"] + buildings["EMD_CD"] + buildings["LI_CD"] + buildings["MNTN_YN"].map({"0": "1", "1": "2"})
    )
    truth = truth + buildings["LNBR_MNNM"].map("{:04d}".format) + buildings["LNBR_SLNO"].map("{:04d}".format)
    ledger = ledger_rows(buildings, truth)
    result = link_tax_ledger(parcels, buildings, ledger)
    matched = result.ledger_matched.set_index("row_id")
    assert result.ledger_unmatched.empty, result.ledger_unmatched[["address", "reason"]].head().to_string()
    placed = matched.loc[ledger["row_id"], "pnu"].to_numpy()
    assert (placed == truth.to_numpy()).all()  # every row on its own parcel, none on a neighbour
    assert (matched.loc[ledger["row_id"], "bld_id"].to_numpy() == buildings["BD_MGT_SN"].to_numpy()).all()
    assert any("TL_SPBD_BULD" in note for note in result.notes)

    # Without road names in the layer, road-name rows carrying the 건물관리번호 are still placed by it;
    # the others say why they are not.
    no_roads = buildings.drop(columns=["RN"])
    result = link_tax_ledger(parcels, no_roads, ledger)
    unmatched = result.ledger_unmatched.set_index("row_id")
    carried = ledger["bld_id"] != ""
    road_only = (ledger["address"].str.contains("로 ")) & ~carried
    assert set(unmatched.index) == set(ledger.loc[road_only, "row_id"])
    assert unmatched["reason"].str.contains("도로명").all()
    matched = result.ledger_matched.set_index("row_id")
    by_key = ledger.loc[carried, "row_id"]
    assert (matched.loc[by_key, "pnu"].to_numpy() == truth[carried.to_numpy()].to_numpy()).all()
    assert set(matched.loc[by_key, "pnu_source"]) == {"building_id"}


def test_a_road_name_address_names_its_building_among_several_on_one_parcel(wolgot):
    """Two buildings on one parcel (a house and its annex, TL_SPBD_BULD has no floor area to tell them
    apart): the building row written with the road-name address of the second is placed on that one."""
    parcels, buildings = wolgot
    first = buildings.iloc[[0]]
    annex = first.assign(
        BD_MGT_SN=first["BD_MGT_SN"].str[:-6] + "000002",
        BULD_MNNM=first["BULD_MNNM"] + 1000,
        geometry=first.geometry.translate(0.5, 0.5),
    )
    layer = pd.concat([buildings, annex], ignore_index=True)
    road, number = annex["RN"].iat[0], int(annex["BULD_MNNM"].iat[0])
    ledger = pd.DataFrame(
        {
            "row_id": ["R1", "R2"],
            "year": "2024",
            "object_kind": "건축물",
            "address": [f"경기도 김포시 월곶면 {road} {number}", f"경기도 김포시 월곶면 {road} {number - 1000}"],
            "pnu": "",
            "bld_id": "",
            "taxed_area": 60.0,
            "tax": 10000.0,
            "source_row": [2, 3],
        }
    )
    result = link_tax_ledger(parcels, layer, ledger)
    assert result.ledger_unmatched.empty, result.ledger_unmatched[["address", "reason"]].to_string()
    placed = result.ledger_matched.set_index("row_id")["bld_id"]
    assert placed["R1"] == annex["BD_MGT_SN"].iat[0]
    assert placed["R2"] == first["BD_MGT_SN"].iat[0]
