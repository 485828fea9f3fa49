"""The writer-level guard: resident-number-shaped text masked in every text field of every output."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Point

from gimpo_gis_plugin.core import store
from gimpo_gis_plugin.core.rrn_guard import mask_resident_numbers, mask_text, personal_data_allowed


def test_resident_numbers_inside_free_text_are_masked():
    assert mask_text("소유자 900101-1234567 확인") == "소유자 900101-1****** 확인"
    assert mask_text("메모:0203154123456") == "메모:020315-4******"
    assert mask_text("9001011234567 / 851231 - 2345678") == "900101-1****** / 851231-2******"


def test_numbers_that_are_not_resident_numbers_stay():
    for text in ("4157010100100010000", "031-980-2114", "900101-1******", "991301-1234567", "2026/001", "1234567"):
        assert mask_text(text) == text


def test_every_text_column_of_every_layer_written_is_masked(tmp_path):
    parcels = gpd.GeoDataFrame(
        {
            "pnu": ["4157010100100010000", "4157010100100020000"],
            "물건소재지": ["월곶면 900101-1234567", "월곶면 고막리"],
            "과세용도": ["주택", "851231-2345678 임대"],
            "area": [100.0, 200.0],
        },
        geometry=[Point(180_000, 560_000), Point(180_100, 560_100)],
        crs="EPSG:5186",
    )
    notes = pd.DataFrame({"비고": ["주민번호 0203154123456 기재"]})
    warnings = []
    from gimpo_gis_plugin.core.progress import Progress

    path = tmp_path / "out.gpkg"
    store.write_layers(path, {"parcels": parcels, "notes": notes}, progress=Progress(on_warning=warnings.append))
    written = pyogrio.read_dataframe(path, layer="parcels")
    assert written["물건소재지"].tolist() == ["월곶면 900101-1******", "월곶면 고막리"]
    assert written["과세용도"].tolist() == ["주택", "851231-2****** 임대"]
    assert written["pnu"].tolist() == parcels["pnu"].tolist()
    assert pyogrio.read_dataframe(path, layer="notes")["비고"].tolist() == ["주민번호 020315-4****** 기재"]
    assert any("2개" in w for w in warnings) and any("1개" in w for w in warnings)
    assert parcels["물건소재지"][0] == "월곶면 900101-1234567"  # the caller's frame is not changed


def test_the_explicit_personal_data_choice_passes_through(tmp_path):
    frame = pd.DataFrame({"resident_no": ["900101-1234567"]})
    with personal_data_allowed():
        store.write_layers(tmp_path / "p.gpkg", {"t": frame})
    assert pyogrio.read_dataframe(tmp_path / "p.gpkg", layer="t")["resident_no"][0] == "900101-1234567"


def test_non_text_and_missing_values_are_left_alone():
    frame = pd.DataFrame({"n": [9001011234567, None], "t": [None, 5]})
    masked, count = mask_resident_numbers(frame)
    assert count == 0 and masked is frame
