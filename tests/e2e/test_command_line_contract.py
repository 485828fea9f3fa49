"""The command-line contract of bin/qgis_process (#22): a clean run prints nothing on stderr, an error is
printed once, a PostgreSQL password appears nowhere (the inputs echo, --json, the error), and the heat map
follows the umask like every other output."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.e2e

SECRET = "s3cret-Pw"


def test_a_clean_run_prints_nothing_on_stderr(qgis_algorithm, sample_city_files, tmp_path):
    gpkg = sample_city_files["gpkg"]
    run = qgis_algorithm(
        "gimpo:heatmap", INPUT=f"{gpkg}|layername=complaints", RADIUS=300, PIXEL_SIZE=50, OUTPUT=tmp_path / "h.tif"
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == ""  # no DeprecationWarning, no echo of the log
    assert (tmp_path / "h.tif").stat().st_mode & 0o044 == 0o044  # readable by others under umask 022


@pytest.mark.parametrize("as_json", [True, False])
def test_an_error_is_printed_once_and_a_password_never(qgis_process, sample_city_files, tmp_path, as_json):
    gpkg = sample_city_files["gpkg"]
    destination = f"postgresql://planner:{SECRET}@127.0.0.1:1/gimpo?schema=x"  # nothing listens on port 1
    args = ["--json"] if as_json else []
    done = qgis_process(
        *args,
        "run",
        "gimpo:statisticalmap",
        "--",
        f"INPUT={gpkg}|layername=complaints",
        f"AREAS={gpkg}|layername=admin_dongs",
        f"OUTPUT={destination}",
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert SECRET not in output
    assert output.count("connection refused") == 1, output
    if as_json and done.stdout.strip():
        json.loads(done.stdout)  # still parseable after redaction


def test_json_results_carry_no_password(qgis_process, sample_city_files, tmp_path):
    gpkg = sample_city_files["gpkg"]
    done = qgis_process(
        "--json",
        "run",
        "gimpo:statisticalmap",
        "--",
        f"INPUT={gpkg}|layername=complaints",
        f"AREAS={gpkg}|layername=admin_dongs",
        f"OUTPUT={tmp_path / 'x.gpkg'}",
        f"VALUE_NAME=password={SECRET}",  # a refused value that carries a password-shaped text
    )
    assert done.returncode != 0
    assert SECRET not in done.stdout + done.stderr
