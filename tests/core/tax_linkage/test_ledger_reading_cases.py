"""Ledger reading as real exports come: vocabulary headers, split lots, identifiers that went through a
number, encodings, totals rows, bad numbers, the exemption list; messages in Korean naming the line."""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

from gimpo_gis_plugin.core.errors import EncodingError, InputError, MissingColumnsError
from gimpo_gis_plugin.core.tax_linkage import read_ledger
from gimpo_gis_plugin.core.tax_linkage.exemptions import read_exempt_pnus
from gimpo_gis_plugin.core.tax_linkage.vocabulary import ledger_keys, object_kind_of

PNU = "4157035026101120004"


def _write(tmp_path, frame: pd.DataFrame, name="ledger.csv", encoding="utf-8") -> object:
    path = tmp_path / name
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def test_common_export_headers_need_no_column_map(tmp_path):
    frame = pd.DataFrame(
        {
            "과세물건": ["주택분", "토지"],
            "소재지": ["김포시 월곶면 성동리 112-4", ""],
            "필지고유번호": ["", PNU],
            "과세면적(㎡)": ["88.5", "1,200"],
            "산출세액": ["12,000원", "3000"],
            "주민(법인)등록번호": ["900101-1234567", ""],
        }
    )
    table = read_ledger(_write(tmp_path, frame))
    assert table.column_map["object_kind"] == "과세물건" and table.column_map["resident_no"] == "주민(법인)등록번호"
    assert table.rows["taxed_area"].tolist() == [88.5, 1200.0] and table.rows["tax"].tolist() == [12000.0, 3000.0]


def test_split_lots_make_the_address_or_the_pnu(tmp_path):
    frame = pd.DataFrame(
        {
            "물건구분": ["토지", "토지", "토지"],
            "소재지": ["김포시 월곶면 성동리", "김포시 월곶면 성동리", ""],
            "법정동코드": ["", "", "4157035026"],
            "산구분": ["일반", "산", "산"],
            "본번": ["112", "3", "7"],
            "부번": ["4", "", "0"],
            "면적": ["1", "2", "3"],
        }
    )
    rows = read_ledger(_write(tmp_path, frame)).rows
    assert rows["address"].tolist()[:2] == ["김포시 월곶면 성동리 112-4", "김포시 월곶면 성동리 산 3"]
    assert rows["pnu"].tolist()[2] == "4157035026200070000"


def test_missing_required_field_lists_headers_and_keys(tmp_path):
    with pytest.raises(MissingColumnsError) as error:
        read_ledger(_write(tmp_path, pd.DataFrame({"번호": ["1"], "면적값": ["3"]})))
    text = str(error.value)
    assert "번호, 면적값" in text and "object_kind" in text and "main_no" in text and "COLUMN_MAP" in text


def test_help_knows_every_key():
    keys = ledger_keys()
    assert {"object_kind", "taxed_area", "mountain", "main_no", "sub_no", "resident_no"} <= set(keys)
    assert all(k.meaning_ko for k in keys.values())


def test_object_kinds_from_the_vocabulary():
    kinds = object_kind_of(pd.Series(["토지", "건축물분", "주택", "주택분", "3", "선박", "기타", " 주 택 "]))
    assert kinds.tolist() == ["land", "building", "house", "house", "house", "ship", "", "house"]


@pytest.mark.parametrize("value", ["4.15703E+18", "4157035026101120000.0"])
def test_pnu_written_as_a_number_stops_naming_column_and_rows(tmp_path, value):
    frame = pd.DataFrame({"과세대상구분": ["토지"] * 3, "고유번호": [value, PNU, PNU], "과세면적": ["1"] * 3})
    with pytest.raises(InputError) as error:
        read_ledger(_write(tmp_path, frame))
    text = str(error.value)
    assert "'고유번호' 열" in text and "2행" in text and "텍스트" in text


def test_a_column_of_rounded_pnus_is_refused(tmp_path):
    frame = pd.DataFrame({"과세대상구분": ["토지"] * 10, "고유번호": [f"41570350261{i:04d}0000" for i in range(10)],
                          "과세면적": ["1"] * 10})  # fmt: skip
    with pytest.raises(InputError, match="반올림"):
        read_ledger(_write(tmp_path, frame))


def test_numeric_resident_numbers_in_a_workbook_get_their_zero_back(tmp_path):
    import openpyxl

    path = tmp_path / "ledger.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["과세대상구분", "고유번호", "과세면적", "주민등록번호"])
    book.active.append(["토지", PNU, 12.5, 501013234567])
    book.save(path)
    rows = read_ledger(path).rows
    assert rows["resident_no"].iat[0] == "0501013234567" and rows["taxed_area"].iat[0] == 12.5


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_with_bom(tmp_path, bom, codec):
    path = tmp_path / "ledger.txt"
    path.write_bytes(bom + f"과세대상구분\t고유번호\t과세면적\n토지\t{PNU}\t12\n".encode(codec))
    table = read_ledger(path)
    assert table.encoding == "UTF-16" and table.rows["pnu"].iat[0] == PNU


def test_mixed_encoding_names_the_first_line_in_the_other_one(tmp_path):
    path = tmp_path / "mixed.csv"
    head = "과세대상구분,물건소재지,과세면적\n토지,성동리 1,1\n".encode()
    path.write_bytes(head + "토지,성동리 2,1\n".encode("cp949"))
    with pytest.raises(EncodingError) as error:
        read_ledger(path)
    assert "3번째 줄" in str(error.value) and "mixed.csv" in str(error.value)


def test_workbook_named_csv_and_csv_named_xlsx_are_told(tmp_path):
    fake = tmp_path / "ledger.xlsx"
    fake.write_text("과세대상구분,과세면적\n토지,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="텍스트"):
        read_ledger(fake)
    real = tmp_path / "real.xlsx"
    pd.DataFrame({"과세대상구분": ["토지"], "과세면적": [1]}).to_excel(real, index=False)
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(real.read_bytes())
    with pytest.raises(InputError, match="엑셀 통합문서"):
        read_ledger(renamed)


def test_totals_blank_rows_and_bad_numbers(tmp_path):
    path = tmp_path / "ledger.csv"
    text = (
        "2026년 재산세 과세대장\n과세번호,과세대상구분,고유번호,과세면적,재산세액\n"
        f"1,토지,{PNU},10,100\n,,,,\n2,토지,{PNU},넓음,100\n3,토지,{PNU},-500,100\n4,토지,{PNU},inf,1e308\n"
        "합  계,,,9999,1029641640\n소계:,,,,\n5,토지,NULL,12,100\n"
    )
    path.write_text(text, encoding="cp949")
    rows = read_ledger(path).rows
    assert rows["row_status"].tolist() == ["", "blank", "", "", "", "total", "total", ""]
    assert rows["source_row"].tolist() == [3, 4, 5, 6, 7, 8, 9, 10]
    invalid = rows[rows["read_reason_code"] != ""]
    assert invalid["row_id"].tolist() == ["2", "3", "4"]
    assert invalid["read_reason"].str.contains("과세면적").all()
    assert rows["pnu"].iat[-1] == ""  # NULL is empty


def test_exemption_list_in_cp949_or_utf16(tmp_path):
    for encoding in ("cp949", "utf-16"):
        path = tmp_path / f"exempt_{encoding}.csv"
        path.write_bytes(f"고유번호,비고\n{PNU},국유지\n".encode(encoding))
        assert read_exempt_pnus(path) == {PNU}
    bad = tmp_path / "bad.csv"
    bad.write_text("고유번호\n4.15703E+18\n", encoding="utf-8")
    with pytest.raises(InputError, match="2번째 줄"):
        read_exempt_pnus(bad)


def test_quoted_headers_a_coded_dong_column_and_two_digit_kinds(tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_text(
        '"물건구분","법정동","산구분","본번","부번","면적"\n"01","4157035026","0","112","4","10"\n', encoding="utf-8"
    )
    rows = read_ledger(path).rows
    assert rows["pnu"].iat[0] == PNU and rows["object_kind"].iat[0] == "01"
    assert object_kind_of(rows["object_kind"]).iat[0] == "land"


def test_full_width_pnu_is_read_as_its_digits(sample_city):
    from gimpo_gis_plugin.core.tax_linkage import link_tax_ledger

    parcel = sample_city.parcels.iloc[[0]]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in parcel["PNU"].iat[0])
    rows = pd.DataFrame({"row_id": ["a"], "object_kind": ["토지"], "pnu": [wide], "taxed_area": [1.0]})
    result = link_tax_ledger(parcel, sample_city.buildings.iloc[:0], rows)
    assert result.counts["matched"] == 1 and result.ledger_matched["pnu"].iat[0] == parcel["PNU"].iat[0]


def test_shares_excel_turned_into_dates_are_fractions_again(tmp_path):
    import datetime

    import openpyxl

    path = tmp_path / "ledger.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["과세대상구분", "고유번호", "과세면적", "지분"])
    book.active.append(["토지", PNU, 5.0, datetime.datetime(2026, 1, 2)])
    book.active.append(["토지", PNU, 5.0, "1월 3일"])
    book.active.append(["토지", PNU, 5.0, "1/2"])
    book.save(path)
    table = read_ledger(path)
    assert table.rows["share"].tolist() == ["1/2", "1/3", "1/2"]
    assert any("지분" in w for w in table.warnings)


def test_main_lot_alone_with_the_place_in_the_address(tmp_path):
    frame = pd.DataFrame({"과세대상구분": ["토지"], "소재지": ["김포시 월곶면 성동리"], "본번": ["112"], "면적": ["3"]})
    rows = read_ledger(_write(tmp_path, frame)).rows
    assert rows["address"].iat[0] == "김포시 월곶면 성동리 112"
