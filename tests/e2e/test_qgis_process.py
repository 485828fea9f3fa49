"""The plugin through bin/qgis_process, as planners and batch jobs run it; exit codes are checked."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e


def test_list_shows_the_gimpo_provider(qgis_process):
    done = qgis_process("list")
    assert done.returncode == 0, done.stderr
    assert "gimpo:createsamplecity" in done.stdout


def test_help_describes_the_parameters(qgis_process):
    done = qgis_process("help", "gimpo:createsamplecity")
    assert done.returncode == 0, done.stderr
    assert "PARCELS" in done.stdout and "OUTPUT_FOLDER" in done.stdout


def test_create_sample_city(qgis_algorithm, tmp_path):
    run = qgis_algorithm("gimpo:createsamplecity", PARCELS=1500, SEED=5, OUTPUT_FOLDER=tmp_path / "city")
    assert run.returncode == 0, run.stderr
    ledger = pd.read_csv(run.results["LEDGER_CSV"], encoding="cp949", dtype=str)
    assert len(ledger) > 1000
    assert run.results["PARCELS_LAYER"].endswith("|layername=parcels")
    import geopandas as gpd

    parcels = gpd.read_file(run.results["GPKG"], layer="parcels")
    assert 1400 <= len(parcels) <= 1600
    assert parcels.crs.to_epsg() == 5186


@pytest.mark.parametrize(
    ("parcels", "folder", "message"),
    [
        (-5, "city", "필지 수(PARCELS)는 100에서"),
        ("lots", "city", "PARCELS"),
        (1000, "/proc/no/such/folder", "출력 폴더"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(qgis_algorithm, tmp_path, parcels, folder, message):
    target = folder if folder.startswith("/") else tmp_path / folder
    run = qgis_algorithm("gimpo:createsamplecity", PARCELS=parcels, OUTPUT_FOLDER=target)
    assert run.returncode != 0
    assert message in run.stdout + run.stderr
