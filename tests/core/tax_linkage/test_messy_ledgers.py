"""The linkage on realistic, messy ledgers built on the real 월곶면 parcels (tests/core/tax_linkage/
messy_ledgers.py): every shape offices send is either linked with precision and recall >= 0.95 for every
finding kind and every row accounted for, or refused with a message naming the file and what to do."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger, read_ledger

from .messy_ledgers import HANDLED, REFUSED, build_case, score, write_shape

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def case(shared_data):
    parcels = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(5186, allow_override=True)
    return build_case(parcels, seed=7)


def _truth_for(case, shape: str) -> pd.DataFrame:
    truth = case.truth
    if shape == "split_lots_utf8_bom":  # a malformed PNU has no 본번 to split: the row has no place at all
        truth = truth.assign(code=truth["code"].replace({"PNU_MALFORMED": "ADDRESS_UNRESOLVED"}))
    return truth


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
