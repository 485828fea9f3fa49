"""The sample city: deterministic, realistic (real codes, valid PNUs, quirks) and internally coherent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.legal_dong import legal_dongs_of
from gimpo_gis_plugin.core.pnu import parse_pnu
from gimpo_gis_plugin.core.sample_city import build_sample_city
from gimpo_gis_plugin.core.sample_city.ledger import LEDGER_COLUMNS


def test_same_seed_gives_the_same_city(sample_city):
    again = build_sample_city(5000, seed=41570)
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.parcels.drop(columns="geometry")), pd.DataFrame(sample_city.parcels.drop(columns="geometry"))
    )
    assert shapely.equals_exact(again.parcels.geometry.values, sample_city.parcels.geometry.values, 1e-9).all()
    pd.testing.assert_frame_equal(again.ledger.rows, sample_city.ledger.rows)


def test_other_seed_gives_another_city(sample_city):
    other = build_sample_city(5000, seed=7)
    assert not other.parcels["PNU"].equals(sample_city.parcels["PNU"])


def test_parcel_count_is_near_the_request(sample_city):
    assert 0.85 * 5000 <= len(sample_city.parcels) <= 1.1 * 5000


def test_fourteen_real_admin_dongs(sample_city):
    admin = sample_city.admin_dongs
    assert len(admin) == 14
    assert set(admin["admin_dong_code"].str[:5]) == {"41570"}
    assert "사우동" in set(admin["admin_dong_name"])
    assert admin.crs.to_epsg() == 5186


def test_legal_dong_codes_are_real_gimpo_codes(sample_city):
    real = set(legal_dongs_of("41570")["code"])
    used = set(sample_city.parcels["legal_dong_code"])
    assert used <= real
    assert len(used) >= 40  # 9 동 and most 리


def test_every_pnu_parses_and_is_unique(sample_city):
    pnus = sample_city.parcels["PNU"]
    assert pnus.is_unique
    parsed = [parse_pnu(p) for p in pnus]
    assert {p.register for p in parsed} == {"1", "2", "6"}
    assert all(p.sigungu_code == "41570" for p in parsed)


def test_mountain_lots_are_forest(sample_city):
    parcels = sample_city.parcels
    mountain = parcels[parcels["PNU"].str[10] == "2"]
    assert len(mountain) > 0
    assert (mountain["jimok"] == "임").all()
    assert mountain["JIBUN"].str.startswith("산").all()


def test_real_data_quirks_are_planted(sample_city):
    parcels = sample_city.parcels
    gajibeon = parcels[parcels["quirk"] == "gajibeon"]
    assert len(gajibeon) >= 2
    assert (gajibeon["PNU"].str[10:15] == "60000").all()
    assert gajibeon["JIBUN"].str.match(r"^0-\d+가$").all()
    assert (parcels["BCHK"] == "9").sum() == 2
    mismatch = parcels[parcels["quirk"] == "pnu_jibun_mismatch"].iloc[0]
    assert str(int(mismatch["PNU"][15:])) not in mismatch["JIBUN"].split()[0].split("-")[-1:]
    # JIBUN with and without a space before the 지목
    assert parcels["JIBUN"].str.contains(r"\d [가-힣]$").any()
    assert parcels["JIBUN"].str.contains(r"\d[가-힣]$").any()


def test_parcels_do_not_overlap(sample_city):
    geoms = sample_city.parcels.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    assert overlap.max(initial=0.0) < 0.01


def test_buildings_stand_inside_their_parcels(sample_city):
    parcels = sample_city.parcels.set_index("PNU")
    buildings = sample_city.buildings
    hosts = parcels.geometry.reindex(buildings["pnu"]).to_numpy()
    inside = shapely.covers(shapely.buffer(hosts, 0.01), buildings.geometry.to_numpy())
    assert inside.all()
    assert (buildings["total_floor_area"] >= buildings["building_area"] * 0.9).all()
    assert buildings["bld_id"].str.len().eq(25).all()


def test_roads_have_widths_and_separate_blocks(sample_city):
    roads = sample_city.roads
    assert set(roads["road_class"]) == {"main", "local"}
    assert (roads["width_m"] >= 4).all()
    assert (sample_city.parcels["jimok"] == "도").sum() > 0


def test_ledger_has_korean_headers_and_masked_taxpayers(sample_city):
    rows = sample_city.ledger.rows
    assert list(rows.columns) == list(LEDGER_COLUMNS)
    assert rows["taxpayer"].str.contains(r"\*").all()
    assert rows["resident_no"].str.contains(r"\*{5}").all()


def test_ground_truth_matches_the_ledger(sample_city):
    rows, truth = sample_city.ledger.rows, sample_city.ledger.ground_truth
    codes = set(truth["code"])
    assert {
        "BUILDING_NOT_TAXED",
        "PARCEL_NOT_TAXED",
        "AREA_MISMATCH",
        "USE_MISMATCH",
        "DUPLICATE_LEDGER",
        "LEDGER_NO_PARCEL",
        "ADDRESS_UNRESOLVED",
        "ADDRESS_ONLY",
    } <= codes
    untaxed_buildings = truth.loc[truth["code"] == "BUILDING_NOT_TAXED", "bld_id"]
    assert not untaxed_buildings.isin(rows["bld_id"]).any()
    land_pnus = set(rows.loc[rows["object_kind"] == "토지", "pnu"])
    untaxed_parcels = truth.loc[truth["code"] == "PARCEL_NOT_TAXED", "pnu"]
    assert not untaxed_parcels.isin(land_pnus).any()
    no_parcel = truth.loc[truth["code"] == "LEDGER_NO_PARCEL", "pnu"]
    assert not no_parcel.isin(sample_city.parcels["PNU"]).any()
    address_only = rows[rows["row_id"].isin(truth.loc[truth["code"] == "ADDRESS_ONLY", "row_id"])]
    assert (address_only["pnu"] == "").all() and (address_only["address"] != "").all()
    duplicated_ids = truth.loc[truth["code"] == "DUPLICATE_LEDGER", "row_id"]
    assert duplicated_ids.isin(rows["row_id"]).all()
    assert rows["row_id"].is_unique


def test_files_an_office_receives(sample_city_files):
    csv = sample_city_files["ledger_csv"]
    with pytest.raises(UnicodeDecodeError):
        csv.read_bytes().decode("utf-8")
    ledger = pd.read_csv(csv, encoding="cp949", dtype=str)
    assert "고유번호" in ledger.columns and "물건소재지" in ledger.columns
    xlsx = pd.read_excel(sample_city_files["ledger_xlsx"], dtype=str)
    assert len(xlsx) == len(ledger)


@pytest.mark.parametrize("bad", [-5, 0, 99, 10_000_000, 2.5, "many"])
def test_bad_parcel_counts_are_refused(bad):
    with pytest.raises(InputError, match="Number of parcels"):
        build_sample_city(bad)


def test_scale_knob_grows_the_city():
    small = build_sample_city(1000, seed=1)
    larger = build_sample_city(20_000, seed=1)
    assert 0.8 * 1000 <= len(small.parcels) <= 1.2 * 1000
    assert 0.9 * 20_000 <= len(larger.parcels) <= 1.1 * 20_000
    assert np.isclose(len(larger.buildings) / len(larger.parcels), 0.6, atol=0.25)
