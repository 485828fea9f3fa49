"""Reading the ledger as offices send it: encodings, Korean headers, column maps, XLSX, bad files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gimpo_gis_plugin.core.errors import EncodingError, InputError, MissingColumnsError
from gimpo_gis_plugin.core.tax_linkage import read_ledger

ROWS = pd.DataFrame(
    {
        "과세번호": ["2026-1", "2026-2"],
        "과세대상구분": ["토지", "건축물"],
        "물건소재지": ["경기도 김포시 사우동 12", "김포시 월곶면 성동리 산 3-1"],
        "고유번호": ["4157010600100120000", ""],
        "과세면적": ["1,234.5", "88"],
        "재산세액": ["12000", "3,000"],
        "납세자명": ["김민수", "이영희"],
    }
)


@pytest.mark.parametrize(
    ("encoding", "reported"), [("utf-8", "UTF-8"), ("cp949", "CP949/EUC-KR"), ("euc-kr", "CP949/EUC-KR")]
)
def test_encoding_is_detected_and_reported(tmp_path, encoding, reported):
    path = tmp_path / "ledger.csv"
    ROWS.to_csv(path, index=False, encoding=encoding)
    table = read_ledger(path)
    assert table.encoding == reported
    assert table.rows["address"].tolist() == ROWS["물건소재지"].tolist()
    assert table.rows["taxed_area"].tolist() == [1234.5, 88.0]  # thousands separators read
    assert table.rows["source_row"].tolist() == [2, 3]


def test_utf8_with_bom_and_tab_separator(tmp_path):
    path = tmp_path / "ledger.txt"
    ROWS.to_csv(path, index=False, sep="\t", encoding="utf-8-sig")
    table = read_ledger(path)
    assert table.encoding == "UTF-8"
    assert table.rows["pnu"].iloc[0] == "4157010600100120000"


def test_unknown_encoding_names_the_file_and_the_encodings_tried(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes("과세대상구분,과세면적\n".encode("utf-16") + b"\xff\xff\x80")
    with pytest.raises(EncodingError) as error:
        read_ledger(path)
    assert "broken.csv" in str(error.value) and "CP949" in str(error.value) and "UTF-8" in str(error.value)


def test_missing_columns_list_missing_and_available_and_point_to_the_column_map(tmp_path):
    path = tmp_path / "other.csv"
    pd.DataFrame({"번호": ["1"], "면적값": ["3"]}).to_csv(path, index=False)
    with pytest.raises(MissingColumnsError) as error:
        read_ledger(path)
    text = str(error.value)
    assert "object_kind" in text and "taxed_area" in text and "pnu or address" in text
    assert "번호, 면적값" in text and "column map" in text.lower()


def test_column_map_from_json_file_reads_another_layout(tmp_path):
    path = tmp_path / "other.csv"
    pd.DataFrame({"구분": ["토지"], "필지번호": ["4157010600100120000"], "면적값": ["10"]}).to_csv(path, index=False)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"object_kind": "구분", "pnu": "필지번호", "taxed_area": "면적값"}), encoding="utf-8")
    table = read_ledger(path, mapping)
    assert table.rows.loc[0, "pnu"] == "4157010600100120000"
    assert table.rows.loc[0, "row_id"] == "row 2"  # no 과세번호: named by its line in the file


def test_column_map_naming_absent_headers_or_unknown_fields_is_refused(tmp_path):
    path = tmp_path / "ledger.csv"
    ROWS.to_csv(path, index=False)
    with pytest.raises(MissingColumnsError, match="필지번호"):
        read_ledger(path, {"pnu": "필지번호"})
    with pytest.raises(InputError, match="unknown fields: colour"):
        read_ledger(path, {"colour": "색"})


def test_xlsx(tmp_path):
    path = tmp_path / "ledger.xlsx"
    ROWS.to_excel(path, index=False)
    table = read_ledger(path)
    assert table.encoding == "XLSX"
    assert table.rows["taxpayer"].tolist() == ["김민수", "이영희"]


def test_sample_city_export_reads_with_the_default_layout(sample_city_files, sample_city):
    table = read_ledger(sample_city_files["ledger_csv"])
    assert table.encoding == "CP949/EUC-KR"
    assert len(table.rows) == len(sample_city.ledger.rows)
    xlsx = read_ledger(sample_city_files["ledger_xlsx"])
    assert xlsx.rows["row_id"].tolist() == table.rows["row_id"].tolist()
