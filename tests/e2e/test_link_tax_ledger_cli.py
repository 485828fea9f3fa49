"""gimpo:linktaxledger through bin/qgis_process, as a batch job runs it: exit codes, outputs, bad input."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def city(sample_city_files):
    gpkg = sample_city_files["gpkg"]
    return {
        "PARCELS": f"{gpkg}|layername=parcels",
        "BUILDINGS": f"{gpkg}|layername=buildings",
        "LEDGER": sample_city_files["ledger_csv"],
    }


def test_run_writes_every_layer_and_the_report(qgis_algorithm, city, tmp_path):
    run = qgis_algorithm("gimpo:linktaxledger", **city, OUTPUT=tmp_path / "out" / "linkage.gpkg")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    results = run.results
    assert results["LEDGER_ROWS"] == results["MATCHED"] + results["UNMATCHED"]
    assert "인코딩 CP949/EUC-KR" in run.stdout
    assert "미연계" in run.stdout
    for layer in ("parcels_tax", "buildings_tax", "findings", "ledger_matched", "ledger_unmatched", "summary"):
        assert results[layer.upper()].endswith(f"|layername={layer}")
    findings = gpd.read_file(results["OUTPUT"], layer="findings")
    assert len(findings) == results["FINDING_COUNT"] > 100
    assert (tmp_path / "out" / "linkage.html").stat().st_size > 2000


def test_xlsx_ledger_and_json_parameters_on_stdin(qgis_process, city, sample_city_files, tmp_path):
    parameters = {
        "inputs": {
            **{k: str(v) for k, v in city.items()},
            "LEDGER": str(sample_city_files["ledger_xlsx"]),
            "OUTPUT": str(tmp_path / "x.gpkg"),
        }
    }
    import subprocess

    from tests.conftest import QGIS_PROCESS

    done = subprocess.run(
        [str(QGIS_PROCESS), "--json", "run", "gimpo:linktaxledger", "-"],
        input=json.dumps(parameters),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["results"]["UNMATCHED"] > 0


def _fails(run, *phrases: str) -> None:
    text = run.stdout + run.stderr
    assert run.returncode != 0
    for phrase in phrases:
        assert phrase in text, text[-3000:]


def test_unknown_encoding_fails_naming_the_file(qgis_algorithm, city, tmp_path):
    ledger = tmp_path / "utf16_ledger.csv"
    ledger.write_bytes("과세대상구분,과세면적\n토지,1\n".encode("utf-16") + b"\xff\x80\x80")
    run = qgis_algorithm("gimpo:linktaxledger", **{**city, "LEDGER": ledger}, OUTPUT=tmp_path / "o.gpkg")
    _fails(run, "utf16_ledger.csv", "CP949")
    assert not list(tmp_path.glob("*.gpkg"))


def test_missing_columns_fail_listing_them(qgis_algorithm, city, tmp_path):
    ledger = tmp_path / "short.csv"
    pd.DataFrame({"번호": [1], "금액": [2]}).to_csv(ledger, index=False)
    run = qgis_algorithm("gimpo:linktaxledger", **{**city, "LEDGER": ledger}, OUTPUT=tmp_path / "o.gpkg")
    _fails(run, "object_kind", "번호, 금액", "COLUMN_MAP")


def test_unwritable_output_fails_and_leaves_no_file(qgis_algorithm, city, tmp_path):
    not_a_folder = tmp_path / "plain_file"
    not_a_folder.write_text("x")
    run = qgis_algorithm("gimpo:linktaxledger", **city, OUTPUT=not_a_folder / "o.gpkg")
    _fails(run, "출력 폴더", "plain_file")
    run = qgis_algorithm("gimpo:linktaxledger", **city, OUTPUT="/proc/linkage.gpkg")
    _fails(run, "Cannot write /proc/linkage.gpkg")
    assert not list(tmp_path.glob("**/*.gpkg"))


@pytest.mark.shared_data
def test_geojson_without_crs_needs_the_crs_parameter(qgis_algorithm, shared_data, tmp_path):
    parcels = shared_data / "gimpo_wolgot_parcels_epsg5186.geojson"
    ledger = tmp_path / "ledger.csv"
    pd.DataFrame(
        {
            "과세대상구분": ["토지", "토지"],
            "물건소재지": ["김포시 월곶면 성동리 1", "김포시 가상동 1"],
            "과세면적": ["10", "5"],
        }
    ).to_csv(ledger, index=False, encoding="cp949")
    run = qgis_algorithm("gimpo:linktaxledger", PARCELS=parcels, LEDGER=ledger, OUTPUT=tmp_path / "a.gpkg")
    _fails(run, "look like metres", "EPSG:5186")
    run = qgis_algorithm(
        "gimpo:linktaxledger", PARCELS=parcels, LEDGER=ledger, LAYER_CRS="EPSG:5186", OUTPUT=tmp_path / "b.gpkg"
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert run.results["LEDGER_ROWS"] == 2 and run.results["UNMATCHED"] >= 1
    unmatched = gpd.read_file(run.results["OUTPUT"], layer="ledger_unmatched")
    assert "ADDRESS_UNRESOLVED" in set(unmatched["reason_code"])


def test_cp949_shapefile_without_cpg_and_an_invalid_parcel(qgis_algorithm, sample_city, sample_city_files, tmp_path):
    import shapely

    parcels = sample_city.parcels.head(300).copy()
    x0, y0, x1, y1 = parcels.geometry.iloc[0].bounds
    parcels.loc[parcels.index[0], "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # bow tie
    shp = tmp_path / "연속지적도.shp"
    parcels[["PNU", "JIBUN", "geometry"]].to_file(shp, encoding="cp949")
    shp.with_suffix(".cpg").unlink(missing_ok=True)  # as offices send them: no .cpg
    run = qgis_algorithm(
        "gimpo:linktaxledger", PARCELS=shp, LEDGER=sample_city_files["ledger_csv"], OUTPUT=tmp_path / "s.gpkg"
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "잘못된 도형을 고쳤습니다: 1개" in run.stdout  # the shared record screening (core/input_screen.py)
    out = gpd.read_file(run.results["OUTPUT"], layer="parcels_tax")
    assert len(out) == 300
    assert out["JIBUN"].tolist() == parcels["JIBUN"].tolist()  # Korean 지목 read right from the CP949 DBF
    assert out.geometry.is_valid.all()
