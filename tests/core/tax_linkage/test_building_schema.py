"""Buildings layers as the nation ships them: schema detection, real ids, host PNUs, use classes, refusals."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gimpo_gis_plugin.core.errors import MissingColumnsError
from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger
from gimpo_gis_plugin.core.tax_linkage.building_layer import prepare_building_layer
from gimpo_gis_plugin.core.tax_linkage.building_schema import building_schemas, detect_building_schema
from gimpo_gis_plugin.core.tax_linkage.building_use import use_classes
from gimpo_gis_plugin.core.vector_io import read_vector

# Detailed 건축물대장 codes of the same major use as the sample city's major codes.
DETAILED = {"01000": "01003", "02000": "02001", "03000": "03001", "04000": "04001", "17000": "17100"}


def register_pks(n: int) -> list[str]:
    return [f"41570-{100000 + i}" for i in range(n)]


def as_gis_korean(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The sample city's buildings as GIS건물통합정보 with Korean column names and detailed use codes."""
    return gpd.GeoDataFrame(
        {
            "GIS건물통합식별번호": [f"G{i:012d}" for i in range(len(buildings))],
            "고유번호": buildings["pnu"].to_numpy(),
            "건축물용도코드": buildings["use_code"].map(lambda c: DETAILED.get(c, c)).to_numpy(),
            "건축물용도명": buildings["use_name"].to_numpy(),
            "건축물면적": buildings["building_area"].to_numpy(),
            "연면적": buildings["total_floor_area"].to_numpy(),
            "건축물ID": register_pks(len(buildings)),
            "지상층수": buildings["floors_above"].to_numpy(),
            "사용승인일자": buildings["approval_date"].to_numpy(),
        },
        geometry=buildings.geometry.to_numpy(),
        crs=buildings.crs,
    )


def as_shp_abbreviations(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The SHP release's coded names, lower case as some exports write them."""
    return gpd.GeoDataFrame(
        {
            "ufid": [f"U{i:09d}" for i in range(len(buildings))],
            "bd_mgt_sn": buildings["bld_id"].to_numpy(),
            "pnu": buildings["pnu"].to_numpy(),
            "usability": buildings["use_code"].to_numpy(),
            "archarea": buildings["building_area"].to_numpy(),
            "totalarea": buildings["total_floor_area"].to_numpy(),
            "grnd_flr": buildings["floors_above"].to_numpy(),
        },
        geometry=buildings.geometry.to_numpy(),
        crs=buildings.crs,
    )


def as_positional(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The V-World AL_D010 shapefile: A0..A28 in the Korean column order."""
    n = len(buildings)
    columns = {f"A{i}": [""] * n for i in range(29)}
    columns.update(
        A1=[f"G{i:012d}" for i in range(n)],
        A2=buildings["pnu"].to_numpy(),
        A8=buildings["use_code"].to_numpy(),
        A9=buildings["use_name"].to_numpy(),
        A12=buildings["building_area"].to_numpy(),
        A14=buildings["total_floor_area"].to_numpy(),
        A19=register_pks(n),
    )
    return gpd.GeoDataFrame(columns, geometry=buildings.geometry.to_numpy(), crs=buildings.crs)


def as_juso(buildings: gpd.GeoDataFrame, mountain_digit_as_pnu: bool = False) -> gpd.GeoDataFrame:
    """도로명주소 건물 TL_SPBD_BULD: lot fields split (산 as 0/1), BDTYP_CD in the old numbering."""
    pnu = buildings["pnu"]
    old_codes = {
        "14000": "10000",
        "17000": "13000",
        "18000": "14000",
        "10000": "08000",
        "07000": "06000",
        "21000": "17000",
    }
    mountain = pnu.str[10].map({"1": "0", "2": "1"})
    key_digit = pnu.str[10] if mountain_digit_as_pnu else mountain
    return gpd.GeoDataFrame(
        {
            "BD_MGT_SN": (pnu.str[:10] + key_digit + pnu.str[11:] + buildings["bld_id"].str[19:]).to_numpy(),
            "SIG_CD": pnu.str[:5].to_numpy(),
            "EMD_CD": pnu.str[5:8].to_numpy(),
            "LI_CD": pnu.str[8:10].to_numpy(),
            "MNTN_YN": mountain.to_numpy(),
            "LNBR_MNNM": pnu.str[11:15].astype(int).to_numpy(),
            "LNBR_SLNO": pnu.str[15:19].astype(int).to_numpy(),
            "BDTYP_CD": buildings["use_code"].map(lambda c: old_codes.get(c, c)).to_numpy(),
            "RN_CD": "3000001",
            "BULD_MNNM": np.arange(1, len(buildings) + 1),
            "BULD_SLNO": 0,
            "GRO_FLO_CO": buildings["floors_above"].to_numpy(),
        },
        geometry=buildings.geometry.to_numpy(),
        crs=buildings.crs,
    )


def as_register_api(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """건축물대장 API fields, with mainPurpsCd read as a number (leading zero lost: 2001)."""
    pnu = buildings["pnu"]
    codes = buildings["use_code"].map(lambda c: DETAILED.get(c, c)).astype(int).astype(str)
    return gpd.GeoDataFrame(
        {
            "mgmBldrgstPk": register_pks(len(buildings)),
            "sigunguCd": pnu.str[:5].to_numpy(),
            "bjdongCd": pnu.str[5:10].to_numpy(),
            "platGbCd": pnu.str[10].map({"1": "0", "2": "1"}).to_numpy(),
            "bun": pnu.str[11:15].to_numpy(),
            "ji": pnu.str[15:19].to_numpy(),
            "mainPurpsCd": codes.to_numpy(),
            "totArea": buildings["total_floor_area"].to_numpy(),
        },
        geometry=buildings.geometry.to_numpy(),
        crs=buildings.crs,
    )


@pytest.fixture(scope="module")
def sample_buildings(sample_city) -> gpd.GeoDataFrame:
    """The sample city's buildings on lots of the standard registers (일반 1, 산 2): the ones that
    TL_SPBD_BULD's 산여부 can describe."""
    buildings = sample_city.buildings
    return buildings[buildings["pnu"].str[10].isin(["1", "2"])].reset_index(drop=True)


@pytest.mark.parametrize(
    ("shape", "schema", "id_column"),
    [
        (as_gis_korean, "gis_building_ko", "건축물ID"),
        (as_shp_abbreviations, "gis_building_abbr", "bd_mgt_sn"),
        (as_positional, "gis_building_a", "A19"),
        (as_juso, "juso_building", "BD_MGT_SN"),
        (as_register_api, "building_register", "mgmBldrgstPk"),
    ],
)
def test_each_national_schema_is_read_with_the_real_ids_parcels_and_uses(sample_buildings, shape, schema, id_column):
    layer = shape(sample_buildings)
    expected_ids = layer[id_column].astype(str).to_numpy()  # the ledger's building rows carry this id
    prepared = prepare_building_layer(layer, ledger_ids=pd.Series(expected_ids[:50]))
    frame = prepared.frame
    assert prepared.schema.schema.key == schema
    assert (frame["bld_id"].to_numpy() == expected_ids).all()
    assert not frame["bld_id"].str.startswith("GIS-").any()
    assert (frame["pnu"].to_numpy() == sample_buildings["pnu"].to_numpy()).all()
    assert (frame["use_class"] != "").all()
    truth = sample_buildings["use_code"].map(use_classes_current())
    assert (frame["use_class"].to_numpy() == truth.to_numpy()).all()
    if schema != "juso_building":
        assert np.allclose(frame["total_floor_area"], sample_buildings["total_floor_area"])
    assert "형식으로 인식" in prepared.messages[0]


def use_classes_current() -> dict[str, str]:
    table = pd.read_csv("resources/rules/building_use_classes.csv", dtype=str)
    return dict(zip(table["use_code"], table["taxed_use_class"], strict=True))


def test_the_mapping_log_names_each_field_in_korean(sample_buildings):
    prepared = prepare_building_layer(as_shp_abbreviations(sample_buildings.head(5)))
    log = prepared.messages[0]
    assert log.startswith("건물 레이어: GIS건물통합정보(SHP 약어 필드) 형식으로 인식 — ")
    assert "bd_mgt_sn→건물관리번호" in log and "totalarea→연면적" in log and "usability→용도코드" in log
    assert any(m.startswith("건물 ID: 건물관리번호(bd_mgt_sn) 사용") for m in prepared.messages)


def test_the_id_the_ledger_uses_wins_and_the_others_become_aliases(sample_buildings):
    layer = as_gis_korean(sample_buildings.head(30))
    by_gis_id = prepare_building_layer(layer, ledger_ids=layer["GIS건물통합식별번호"].head(3))
    assert (by_gis_id.frame["bld_id"] == layer["GIS건물통합식별번호"]).all()
    # A ledger row carrying the 건축물대장 PK still finds the building known by its GIS id.
    assert by_gis_id.aliases[layer["건축물ID"].iat[7]] == layer["GIS건물통합식별번호"].iat[7]


def test_juso_pnu_from_lot_fields_and_the_management_number_convention(sample_buildings):
    with_lots = prepare_building_layer(as_juso(sample_buildings))
    assert any("건물관리번호 앞 19자리와 지번 필드 PNU 비교" in m for m in with_lots.messages)
    assert set(with_lots.frame["pnu_source"]) == {"지번 필드"}
    lots = ["LNBR_MNNM", "LNBR_SLNO", "MNTN_YN"]
    # 산 written 0/1 in the key (a 0 tells the convention): every PNU recovered.
    frame = prepare_building_layer(as_juso(sample_buildings).drop(columns=lots)).frame
    assert (frame["pnu"] == sample_buildings["pnu"]).all()
    # 산 written 1/2: recovered when a 2 tells the convention; all 1 cannot be told and is not guessed.
    mountain = sample_buildings["pnu"].str[10] == "2"
    for buildings in (sample_buildings, sample_buildings[~mountain].reset_index(drop=True)):
        prepared = prepare_building_layer(as_juso(buildings, mountain_digit_as_pnu=True).drop(columns=lots))
        if (buildings["pnu"].str[10] == "2").any():
            assert (prepared.frame["pnu"] == buildings["pnu"]).all()
        else:
            assert (prepared.frame["pnu"] == "").all()
            assert any("표기 방식" in w for w in prepared.warnings)
    assert any("연면적이 없어" in w for w in with_lots.warnings)


def test_use_code_tables_are_not_mixed():
    codes = pd.Series(["14000", "14000", "2001", "Z6000", "02003", "", "99999"])
    names = pd.Series([""] * 7)
    current, _ = use_classes(codes, names, "current")
    juso, _ = use_classes(codes, names, "juso")
    assert list(current[:5]) == ["상업용", "상업용", "주거용", "상업용", "주거용"]  # 14000 업무시설
    assert juso.iat[0] == "공업용"  # BDTYP_CD 14000 창고시설
    assert list(current[5:]) == ["", ""]
    by_name, _ = use_classes(pd.Series([""]), pd.Series(["공 장"]), "current")
    assert by_name.iat[0] == "공업용"


def test_every_schema_file_row_names_a_known_schema():
    keys = {s.key for s in building_schemas()}
    fields = pd.read_csv("resources/vocabulary/building_schema_fields.csv", dtype=str)
    assert set(fields["schema"]) <= keys
    for schema in building_schemas():
        assert schema.fields_with_role("id"), schema.key


def test_a_layer_of_no_known_schema_stops_listing_its_fields_and_what_is_expected(sample_buildings):
    layer = gpd.GeoDataFrame({"id": [1], "area": [2.0]}, geometry=sample_buildings.geometry[:1].to_numpy())
    with pytest.raises(MissingColumnsError) as error:
        prepare_building_layer(layer, layer_label="건물 레이어 bld.shp")
    text = str(error.value)
    assert "건물 레이어 bld.shp" in text and "id, area" in text
    for expected in ("GIS건물통합식별번호", "BD_MGT_SN", "mgmBldrgstPk", "연면적", "TOTALAREA"):
        assert expected in text


def test_a_recognised_layer_without_id_or_floor_area_stops_naming_them(sample_buildings):
    layer = as_gis_korean(sample_buildings.head(3)).drop(columns=["GIS건물통합식별번호", "건축물ID", "연면적"])
    with pytest.raises(MissingColumnsError) as error:
        prepare_building_layer(layer)
    text = str(error.value)
    assert "GIS건물통합정보(한글 필드명)" in text and "GIS건물통합식별번호 또는 건축물ID" in text and "연면적" in text


def test_cp949_shapefile_without_cpg_with_korean_names_cut_to_ten_bytes(sample_buildings, tmp_path):
    layer = as_gis_korean(sample_buildings.head(40))
    path = tmp_path / "AL_D010_41_20240101.shp"
    with pytest.warns(RuntimeWarning):
        layer.to_file(path, encoding="cp949")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    read = read_vector(path)
    assert "건축물용도" in read.columns and "GIS건물통" in read.columns  # what GDAL leaves of the names
    match = detect_building_schema(read.columns)
    assert match.schema.key == "gis_building_ko" and match.columns["use_code"] == "건축물용도"
    frame = prepare_building_layer(read, ledger_ids=pd.Series(register_pks(40))).frame
    assert (frame["bld_id"].to_numpy() == np.array(register_pks(40))).all()
    assert (frame["use_class"] != "").all()


def test_national_schema_buildings_give_the_same_findings_as_the_project_schema(sample_city):
    ledger = sample_city.ledger.rows
    own = link_tax_ledger(sample_city.parcels, sample_city.buildings, ledger)
    national = link_tax_ledger(sample_city.parcels, as_shp_abbreviations(sample_city.buildings), ledger)

    def keys(result):
        return sorted(map(tuple, result.findings[["code", "pnu", "bld_id", "row_id"]].astype(str).to_numpy()))

    assert keys(national) == keys(own)
    assert not national.findings["bld_id"].str.startswith("GIS-").any()
    assert any("형식으로 인식" in note for note in national.notes)
