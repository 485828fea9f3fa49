"""gimpo:linktaxledger through bin/qgis_process on messy ledgers built on the real 월곶면 parcels: a shape it
handles runs (exit 0, every row accounted for, totals excluded); a shape it must refuse exits non-zero with
a Korean message naming the file, and writes no output file."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from tests.core.tax_linkage.messy_ledgers import build_case, write_shape

pytestmark = [pytest.mark.e2e, pytest.mark.shared_data]


@pytest.fixture(scope="module")
def real(shared_data, tmp_path_factory):
    parcels = gpd.read_file(shared_data / "gimpo_wolgot_parcels_epsg5186.geojson").set_crs(5186, allow_override=True)
    case = build_case(parcels, seed=11)
    folder = tmp_path_factory.mktemp("messy")
    buildings = folder / "buildings.gpkg"
    case.buildings.drop(columns=["use_class"]).to_file(buildings, layer="buildings")
    inputs = {
        "PARCELS": shared_data / "gimpo_wolgot_parcels_epsg5186.geojson",
        "BUILDINGS": f"{buildings}|layername=buildings",
        "LAYER_CRS": "EPSG:5186",
    }
    return case, inputs, folder


def test_utf16_export_with_totals_runs_and_excludes_them(qgis_algorithm, real, tmp_path):
    case, inputs, folder = real
    ledger = write_shape(case, "utf16_tabs_totals", folder)
    run = qgis_algorithm("gimpo:linktaxledger", **inputs, LEDGER=ledger, OUTPUT=tmp_path / "o.gpkg")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.results["LEDGER_ROWS"] == len(case.ledger) == run.results["MATCHED"] + run.results["UNMATCHED"]
    log = json.loads(run.stdout).get("log", {})
    text = json.dumps(log, ensure_ascii=False) + run.stderr
    assert "합계·소계 행 (totals row) 4개 제외" in text and "빈 행 (blank row) 4개 제외" in text, text[-2000:]
    excluded = gpd.read_file(tmp_path / "o.gpkg", layer="ledger_excluded")
    assert len(excluded) == 8


@pytest.mark.parametrize(
    ("shape", "phrase"),
    [
        ("xlsx_numeric_rounded", "숫자로 저장되어 있습니다"),
        ("csv_scientific_pnu", "숫자로 저장되어 있습니다"),
        ("mixed_encoding", "1001번째 줄"),
        ("csv_named_xlsx", "내용은 텍스트(CSV)입니다"),
    ],
)
def test_unsafe_exports_are_refused_without_output(qgis_algorithm, real, tmp_path, shape, phrase):
    case, inputs, folder = real
    ledger = write_shape(case, shape, folder)
    run = qgis_algorithm("gimpo:linktaxledger", **inputs, LEDGER=ledger, OUTPUT=tmp_path / "o.gpkg")
    text = run.stdout + run.stderr
    assert run.returncode != 0
    assert phrase in text and ledger.name in text, text[-2000:]
    assert "Traceback" not in text
    assert not list(tmp_path.glob("*.gpkg")) and not list(tmp_path.glob("*.html"))
