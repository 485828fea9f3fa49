"""The linkage on realistic, messy ledgers built on the real 월곶면 parcels (tests/core/tax_linkage/
messy_ledgers.py): every shape offices send is either linked with precision and recall >= 0.95 for every
finding kind and every row accounted for, or refused with a message naming the file and what to do."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger, read_ledger
from gimpo_gis_plugin.core.tax_linkage.vocabulary import HOUSE, LAND, object_kind_of

from .messy_ledgers import CITY_HEADERS, HANDLED, REFUSED, build_case, score, write_shape

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def case(shared_data):
    parcels = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(5186, allow_override=True)
    return build_case(parcels, seed=7)


def _truth_for(case, shape: str) -> pd.DataFrame:
    truth = case.truth
    if shape == "split_lots_utf8_bom":  # a malformed PNU has no 본번 to split: the row has no place at all
        truth = truth.assign(code=truth["code"].replace({"PNU_MALFORMED": "ADDRESS_UNRESOLVED"}))
        truth = pd.concat([truth, _temporary_lot_truth(case)], ignore_index=True)
    return truth


def _temporary_lot_truth(case) -> pd.DataFrame:
    """A row on a 가지번 parcel (본번 0, JIBUN ``0-5가``) written as 본번 0 / 부번 5 names no lot an address
    can tell (the same numbers may be a register-digit-1 or a digit-6 parcel: address.py refuses it,
    only the PNU names it): the row is ADDRESS_UNRESOLVED and a parcel no other row taxes is not taxed."""
    ledger = case.ledger
    pnu = ledger["pnu"].astype(str)
    temporary = pnu.str.fullmatch(r"\d{19}") & (pnu.str[11:15] == "0000")
    rows = [("ADDRESS_UNRESOLVED", f"row:{r}") for r in ledger.loc[temporary, "row_id"]]
    on_land = object_kind_of(ledger["object_kind"]).isin([LAND, HOUSE]).to_numpy()
    still_taxed = set(pnu[on_land & ~temporary])
    lost = sorted(set(pnu[on_land & temporary]) - still_taxed)
    planted = set(case.truth["key"])
    parcels = [("PARCEL_NOT_TAXED", f"pnu:{p}") for p in lost if f"pnu:{p}" not in planted]
    return pd.DataFrame(rows + parcels, columns=["code", "key"])


@pytest.mark.parametrize("shape", HANDLED)
def test_each_handled_shape_finds_every_kind(case, shape, tmp_path):
    path = write_shape(case, shape, tmp_path)
    table = read_ledger(path)
    result = link_tax_ledger(case.parcels, case.buildings, table.rows)
    figures = score(result.findings, _truth_for(case, shape))
    report = [f"{shape} {code}: planted {p}, found {f}, precision {pr:.3f}, recall {rc:.3f}"
              for code, (p, f, pr, rc) in figures.items()]  # fmt: skip
    print("\n".join(report))
    for line, (_, _, precision, recall) in zip(report, figures.values(), strict=True):
        assert precision >= 0.95 and recall >= 0.95, line
    counts = result.counts
    assert counts["ledger_rows"] == len(case.ledger) == counts["matched"] + counts["unmatched"]
    ids = pd.concat([result.ledger_matched["row_id"], result.ledger_unmatched["row_id"]])
    assert sorted(ids) == sorted(case.ledger["row_id"])
    assert not result.findings["tax_at_stake"].isin([float("inf")]).any()
    assert result.findings["tax_at_stake"].max() < 1e10  # no 합계 row, no 1e308 priced as a finding
    for frame in (result.ledger_matched, result.ledger_unmatched, result.findings):
        text = frame.astype(str).to_numpy().ravel()
        assert not any(case.rrn in value or "2345678" in value for value in text)
        if "resident_no" in frame:
            assert frame["resident_no"].str.fullmatch(r"(90|05)0101-[13]\*{6}").all()
    if shape == "utf16_tabs_totals":
        assert table.encoding == "UTF-16"
        assert counts["excluded_rows"] == 8 and len(result.ledger_excluded) == 8
        assert any("합계" in w for w in result.warnings)


def test_house_rows_carrying_the_land_area_are_read_that_way(shared_data, tmp_path):
    parcels = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(5186, allow_override=True)
    case = build_case(parcels, seed=5, house_area="land")
    result = link_tax_ledger(case.parcels, case.buildings, read_ledger(write_shape(case, "cp949_csv", tmp_path)).rows)
    for code, (planted, found, precision, recall) in score(result.findings, case.truth).items():
        print(
            f"house_area=land {code}: planted {planted}, found {found}, precision {precision:.3f}, recall {recall:.3f}"
        )
        assert precision >= 0.95 and recall >= 0.95, code


@pytest.mark.parametrize("shape", REFUSED)
def test_each_unsafe_shape_is_refused_in_plain_words(case, shape, tmp_path):
    path = write_shape(case, shape, tmp_path)
    with pytest.raises(InputError) as error:
        read_ledger(path)
    text = str(error.value)
    assert path.name in text
    assert "Traceback" not in text and "codec" not in text and "pandas" not in text
    if shape in ("xlsx_numeric_rounded", "csv_scientific_pnu"):
        assert "고유번호" in text and "텍스트" in text and "행" in text
    if shape == "mixed_encoding":
        assert "1001번째 줄" in text
    if shape == "csv_named_xlsx":
        assert "텍스트(CSV)" in text


def as_gis_building_shp(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The case's buildings as GIS건물통합정보 ships them in its SHP release (V-World coded names, upper
    case): the 건물관리번호 is BD_MGT_SN, and the layer carries no road names."""
    return gpd.GeoDataFrame(
        {
            "UFID": [f"B00162023{i:08d}" for i in range(len(buildings))],
            "BD_MGT_SN": buildings["bld_id"].to_numpy(),
            "PNU": buildings["pnu"].to_numpy(),
            "USABILITY": buildings["use_code"].to_numpy(),
            "ARCHAREA": buildings["building_area"].to_numpy(),
            "TOTALAREA": buildings["total_floor_area"].to_numpy(),
            "BLD_NM": buildings["use_name"].to_numpy(),
        },
        geometry=buildings.geometry.to_numpy(),
        crs=buildings.crs,
    )


def test_national_buildings_and_a_ledger_of_road_name_addresses_with_building_ids(case, tmp_path):
    """Both halves at once: the buildings in the GIS건물통합정보 SHP schema (CP949, no .cpg) and a ledger
    whose 건축물 rows give a road-name address and their 건물관리번호 instead of a PNU. The SHP layer has
    no road names, so each such row is placed by its 건물관리번호 on its building's parcel: the findings
    are those planted, scored per kind like the other shapes."""
    shp = tmp_path / "F_FAC_BUILDING_41570.shp"
    as_gis_building_shp(case.buildings).to_file(shp, encoding="cp949")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    buildings = gpd.read_file(shp, encoding="cp949")
    ledger = case.ledger.copy()
    host = case.buildings.set_index("bld_id")["pnu"]
    own = (ledger["object_kind"] == "건축물") & (ledger["bld_id"].map(host) == ledger["pnu"])
    numbers = pd.Series(range(1, int(own.sum()) + 1), index=ledger.index[own]).astype(str)
    ledger.loc[own, "address"] = "경기도 김포시 월곶면 애기봉로 " + numbers
    ledger.loc[own, "pnu"] = ""
    path = tmp_path / "ledger_road_names.csv"
    ledger.rename(columns=CITY_HEADERS).to_csv(path, index=False, encoding="cp949")
    result = link_tax_ledger(case.parcels, buildings, read_ledger(path).rows)
    figures = score(result.findings, case.truth)
    for code, (planted, found, precision, recall) in figures.items():
        print(
            f"gis_shp_road_names {code}: planted {planted}, found {found}, "
            f"precision {precision:.3f}, recall {recall:.3f}"
        )
        assert precision >= 0.95 and recall >= 0.95, code
    assert int(own.sum()) >= 20
    by_id = result.ledger_matched[result.ledger_matched["row_id"].isin(ledger.loc[own, "row_id"])]
    assert len(by_id) == int(own.sum()) and (by_id["pnu_source"] == "building_id").all()
    truth_pnu = case.ledger.loc[own].set_index("row_id")["pnu"]
    assert (by_id.set_index("row_id")["pnu"] == truth_pnu.reindex(by_id["row_id"])).all()
    assert any("GIS건물통합정보(SHP 약어 필드)" in note for note in result.notes)
    assert result.counts["ledger_rows"] == len(case.ledger) == result.counts["matched"] + result.counts["unmatched"]
