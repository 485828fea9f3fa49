"""Lot addresses to PNUs with the national 법정동 table, the ways officers write them."""

from __future__ import annotations

import pytest

from gimpo_gis_plugin.core.legal_dong import load_legal_dong_table
from gimpo_gis_plugin.core.tax_linkage import AddressResolver
from gimpo_gis_plugin.core.tax_linkage import address as reasons


@pytest.fixture(scope="module")
def resolver() -> AddressResolver:
    return AddressResolver("41570")


@pytest.mark.parametrize(
    ("text", "pnu"),
    [
        ("경기도 김포시 월곶면 성동리 산 12-3", "4157035026200120003"),
        ("김포시 월곶면 성동리 산12-3", "4157035026200120003"),
        ("성동리 산 12-3", "4157035026200120003"),
        ("성동리산12-3", "4157035026200120003"),
        ("김포시 사우동 123-4번지", "4157010600101230004"),
        ("사우동 123", "4157010600101230000"),
        ("사우동123-4", "4157010600101230004"),
        ("경기 김포시  사우동   5", "4157010600100050000"),
        ("김포시 통진읍 가현리 7-1", "4157025025100070001"),
    ],
)
def test_resolves(resolver, text, pnu):
    result = resolver.resolve(text)
    assert (result.pnu, result.reason) == (pnu, "")


def test_abolished_name_resolves_to_its_successor_with_a_warning(resolver):
    result = resolver.resolve("김포시 고촌면 향산리 5")
    table = load_legal_dong_table().set_index("code")
    assert table.loc["4157031021", "abolished"]  # 고촌면 향산리 is 폐지 in the table
    assert result.pnu == "4157025321100050000"  # 고촌읍 향산리
    assert "abolished" in result.message and "4157031021" in result.message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("경기도 김포시 가상동 12-3", reasons.UNKNOWN_DONG),
        ("김포시 사우동 12-가", reasons.MALFORMED_LOT),
        ("김포시 사우동", reasons.NO_LOT),
        ("서울특별시 강남구 역삼동 1", reasons.OUTSIDE_SIGUNGU),
        ("", reasons.EMPTY),
    ],
)
def test_unresolvable_addresses_say_why(resolver, text, reason):
    result = resolver.resolve(text)
    assert result.pnu == "" and result.reason == reason and result.message


def test_every_current_gimpo_legal_dong_is_reachable_by_its_own_name(resolver):
    for path in resolver.dong_names():
        result = resolver.resolve(f"김포시 {path} 1")
        assert result.reason == "", path
        assert result.pnu.startswith("41570")


@pytest.mark.parametrize(
    ("text", "pnu"),
    [
        ("김포시 사우동 １２３－４번지", "4157010600101230004"),  # full-width digits and dash
        ("사우동 123‐4", "4157010600101230004"),  # U+2010
        ("사우동 123의 4", "4157010600101230004"),
        ("사우동 123번지 4호", "4157010600101230004"),  # the old way of writing 123-4
        ("사우동 123-4 행복빌라", "4157010600101230004"),  # a building name after the lot
        ("사우동 123-4 행복빌라 101동 202호", "4157010600101230004"),
        ("성동리 12 외 2필지", "4157035026100120000"),
        ("성동리 山 12-3", "4157035026200120003"),
        ("성동리 산31-1임", "4157035026200310001"),  # the 지목 after the lot, as in JIBUN
        ("김포시월곶면성동리123", "4157035026101230000"),  # names typed together
        ("월곶면 성동리 (임야) 산 5", "4157035026200050000"),
    ],
)
def test_real_export_spellings(resolver, text, pnu):
    result = resolver.resolve(text)
    assert (result.pnu, result.reason) == (pnu, "")


@pytest.mark.parametrize(
    ("text", "pnu", "warned"),
    [
        ("경기도 김포군 월곶면 성동리 5", "4157035026100050000", "김포군"),  # 김포군 became 김포시 (41870 -> 41570)
        ("김포군 월곳면 보구곳리 5", "4157035027100050000", "김포군"),  # and the old spelling 곳 of the table
        ("김포군 김포읍 사우리 5", "4157010600100050000", "사우동"),  # 1998 시 승격: 김포읍 X리 -> X동
        ("김포시 통진면 마송리 3", "4157025022100030000", "통진읍"),
        ("고촌면 향산리 5", "4157025321100050000", "고촌읍"),
    ],
)
def test_old_names_resolve_through_the_code_table_with_a_warning(resolver, text, pnu, warned):
    result = resolver.resolve(text)
    assert (result.pnu, result.reason) == (pnu, "")
    assert warned in result.message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("김포군 검단면 마전리 3", reasons.ABOLISHED_DONG),  # 검단면 went to 인천: no successor in 김포시
        ("마산리 3", reasons.ABOLISHED_DONG),  # 양촌면 마산리: the table names no unique successor
        ("사우동 123 4호", reasons.MALFORMED_LOT),  # 4호: 부번 or unit? refused, not guessed
        ("사우동 123 124", reasons.MALFORMED_LOT),
        ("사우동 123번지 4", reasons.MALFORMED_LOT),
        ("성동리 0-1가", reasons.MALFORMED_LOT),  # 가지번: only a PNU can name it
        ("경기도 김포시 통진읍 조강로 123", reasons.ROAD_ADDRESS_UNRESOLVED),  # no buildings layer given
        ("김포시 김포본동 12", reasons.ADMIN_DONG),  # a 행정동 where the 법정동 belongs
        ("김포시 김포2동 12", reasons.ADMIN_DONG),
    ],
)
def test_what_cannot_be_told_is_refused_in_korean(resolver, text, reason):
    result = resolver.resolve(text)
    assert result.pnu == "" and result.reason == reason
    assert any("가" <= c <= "힣" for c in result.message)


def test_road_name_addresses_resolve_through_the_buildings_layer():
    import pandas as pd

    from gimpo_gis_plugin.core.tax_linkage.road_address import RoadAddressIndex

    buildings = pd.DataFrame(
        {
            "bld_id": ["B1", "B2", "B3", "B4", "B5"],
            "pnu": [
                "4157025022100030000",
                "4157010400100120000",
                "4157010400100130000",
                "4157010400100140000",
                "4157010400100150000",
            ],
            "road_name": ["조강로", "김포한강11로", "김포한강11로", "김포한강11로", "김포한강11로140번길"],
            "building_main_no": [123, 12, 12, 14, 5],
            "building_sub_no": [0, 3, 3, 0, 0],
            "underground": ["0", "0", "0", "0", "0"],
        }
    )
    roads = AddressResolver("41570", roads=RoadAddressIndex(buildings))
    assert roads.resolve("경기도 김포시 통진읍 조강로 123").pnu == "4157025022100030000"
    assert roads.resolve("조강로123").bld_id == "B1"
    assert roads.resolve("김포한강11로 14 (장기동)").pnu == "4157010400100140000"
    assert roads.resolve("경기도 김포시 김포한강11로 140번길 5, 101동").pnu == "4157010400100150000"
    assert roads.resolve("김포한강11로140번길 5").bld_id == "B5"
    assert roads.resolve("김포시 장기동 김포한강11로 14").pnu == "4157010400100140000"  # the 동 written first
    shared = roads.resolve("김포한강11로 12-3")  # two buildings on two parcels share the number: refused
    assert shared.pnu == "" and shared.reason == reasons.ROAD_ADDRESS_UNRESOLVED and "필지" in shared.message
    missing = roads.resolve("조강로 999")
    assert missing.reason == reasons.ROAD_ADDRESS_UNRESOLVED and "없습니다" in missing.message


def test_rows_with_a_known_building_id_are_placed_by_the_building():
    import pandas as pd

    from gimpo_gis_plugin.core.tax_linkage.address import known_building_ids, place_by_building_id

    rows = pd.DataFrame(
        {
            "kind": ["building", "building", "land"],
            "bld_id": ["41570-1001", "B9", ""],
            "pnu": ["", "", ""],
            "pnu_source": "",
            "reason_code": ["ADDRESS_UNRESOLVED"] * 3,
            "reason": "x",
        }
    )
    buildings = pd.DataFrame({"bld_id": ["B1"], "pnu": ["4157025022100030000"]})
    rows["bld_id"] = known_building_ids(rows["bld_id"], pd.Series({"41570-1001": "B1"}))  # register PK -> B1
    assert place_by_building_id(rows, buildings) == 1
    assert rows.loc[0, ["bld_id", "pnu", "pnu_source", "reason_code"]].tolist() == [
        "B1",
        "4157025022100030000",
        "building_id",
        "",
    ]
    assert rows.loc[1:, "reason_code"].tolist() == ["ADDRESS_UNRESOLVED"] * 2


@pytest.mark.shared_data
def test_real_wolgot_parcels_written_the_ways_exports_write_them(shared_data):
    from tests.core.tax_linkage.address_spellings import ambiguous_spellings, measure, real_pnus, spellings

    pnus = real_pnus(shared_data)
    figures = measure(spellings(pnus))
    assert figures["wrong"] == []  # never a row on a neighbouring parcel
    assert figures["share"] >= 0.99, figures["unresolved"][:5]
    refused = measure(ambiguous_spellings(pnus))
    assert refused["wrong"] == [] and len(refused["unresolved"]) == refused["n"]
