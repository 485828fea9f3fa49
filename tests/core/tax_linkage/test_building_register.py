"""The 건축물대장 표제부 text export: its 대지구분 codes, rejects, and buildings missing from map and ledger."""

from __future__ import annotations

import pandas as pd
import pytest

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger
from gimpo_gis_plugin.core.tax_linkage.building_register import FIELDS, read_building_register


def register_line(pk: str, pnu: str, site_kind: str, use_code: str = "01000", area: float = 120.0) -> str:
    values = dict.fromkeys(FIELDS, "")
    values.update(
        register_pk=pk,
        sigungu_code=pnu[:5],
        bjdong_code=pnu[5:10],
        site_kind_code=site_kind,
        main_lot=pnu[11:15],
        sub_lot=pnu[15:19],
        use_code=use_code,
        use_name="단독주택",
        total_floor_area=str(area),
        building_name='김포 "행복" 주택',
    )
    return "|".join(values[f] for f in FIELDS)


@pytest.fixture(scope="module")
def case(sample_city, tmp_path_factory):
    parcels = sample_city.parcels
    built = sample_city.buildings.iloc[0]
    mountain = parcels[(parcels["PNU"].str[10] == "2") & ~parcels["PNU"].isin(sample_city.buildings["pnu"])].iloc[0]
    vacant = parcels[(parcels["PNU"].str[10] == "1") & ~parcels["PNU"].isin(sample_city.buildings["pnu"])]
    vacant = vacant[~vacant["PNU"].isin(sample_city.ledger.rows["pnu"])].iloc[0]
    lines = [
        register_line("11", built["pnu"], "0", built["use_code"], built["total_floor_area"]),
        register_line("12", mountain["PNU"], "1"),  # 산 lot: register 1 must become PNU digit 2
        register_line("13", vacant["PNU"], "0"),
        register_line("14", vacant["PNU"], "2"),  # 블록: no PNU
        register_line("15", "4157010100199990000", "0"),  # no such parcel
    ]
    path = tmp_path_factory.mktemp("register") / "mart_djy_03.txt"
    path.write_text("\n".join(lines) + "\n", encoding="cp949")
    return {"path": path, "built": built, "mountain": mountain["PNU"], "vacant": vacant["PNU"]}


def test_site_kind_codes_become_pnu_digits_and_blocks_are_rejected(case):
    register = read_building_register(case["path"])
    assert register.encoding == "CP949/EUC-KR"
    pnus = dict(zip(register.records["register_pk"], register.records["pnu"], strict=True))
    assert pnus["11"] == case["built"]["pnu"]
    assert pnus["12"] == case["mountain"] and pnus["12"][10] == "2"
    assert register.rejects["register_pk"].tolist() == ["14"]
    assert register.rejects["reason_code"].tolist() == ["SITE_KIND_NO_PNU"]


def test_register_buildings_missing_from_map_and_ledger_are_untaxed(case, sample_city):
    register = read_building_register(case["path"])
    result = link_tax_ledger(sample_city.parcels, sample_city.buildings, sample_city.ledger.rows, register=register)
    reg = result.findings[result.findings["bld_id"].str.startswith("REG-")]
    assert set(reg["code"]) == {"BUILDING_NOT_TAXED"}
    assert set(reg["pnu"]) == {case["mountain"], case["vacant"]}
    assert reg.geometry.notna().all()
    matched = result.register_matched.set_index("register_pk")
    assert matched.loc["11", "bld_id"] == case["built"]["bld_id"]
    unmatched = result.register_unmatched.set_index("register_pk")["reason_code"].to_dict()
    assert unmatched == {"14": "SITE_KIND_NO_PNU", "15": "REGISTER_NO_PARCEL"}
    assert len(result.register_matched) + len(result.register_unmatched) == 5  # every record accounted for
    assert {"register_matched", "register_unmatched"} <= set(result.layers())


def test_a_file_of_another_layout_is_refused(tmp_path):
    path = tmp_path / "other.txt"
    path.write_text("a|b|c\n", encoding="utf-8")
    with pytest.raises(InputError, match="표제부"):
        read_building_register(path)


def test_trailing_separator_is_accepted(case, tmp_path):
    path = tmp_path / "trailing.txt"
    text = case["path"].read_text(encoding="cp949")
    path.write_text("".join(line + "|\n" for line in text.splitlines()), encoding="cp949")
    assert len(read_building_register(path).records) == 4
    assert isinstance(read_building_register(path).records, pd.DataFrame)


def test_register_records_pair_by_the_register_pk_the_buildings_layer_carries(sample_city, tmp_path):
    from gimpo_gis_plugin.core.tax_linkage.building_register import link_building_register

    built = sample_city.buildings.iloc[:2]
    lines = [
        register_line("RP-1", built["pnu"].iat[0], "0", area=1.0),  # far from the GIS area: PK decides
        register_line("RP-2", built["pnu"].iat[1], "0", area=float(built["total_floor_area"].iat[1])),
    ]
    path = tmp_path / "mart_djy_03.txt"
    path.write_text("\n".join(lines) + "\n", encoding="cp949")
    register = read_building_register(path)
    buildings = sample_city.buildings.assign(register_pk="")
    buildings.loc[buildings.index[0], "register_pk"] = "RP-1"
    matched, _, _ = link_building_register(register.records, sample_city.parcels, buildings, set())
    pairs = dict(zip(matched["register_pk"], matched["bld_id"], strict=True))
    assert pairs == {"RP-1": built["bld_id"].iat[0], "RP-2": built["bld_id"].iat[1]}
