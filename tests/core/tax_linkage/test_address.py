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
