"""The ledger linkage, the permit check and the excavation impact through bin/qgis_process against a real
PostGIS: writing to the database gives exactly what the GeoPackage run gives, reading the inputs from the
database (after gimpo:publishtodatabase) gives the same result as reading them from the GeoPackage, and a
database that refuses the login or does not answer stops the run at once with a message that says why.
"""

from __future__ import annotations

import contextlib
import socket
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg2
import pytest
import shapely

from gimpo_gis_plugin.core.store import layer_source, list_layers, read_layers, read_styles
from tests.conftest import permit_inputs

from .conftest import fresh_database, same_geometries

pytestmark = pytest.mark.e2e


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a canonical order: by every attribute as text, then by the geometry's WKB."""
    if len(frame) == 0:
        return frame.reset_index(drop=True)
    key = frame.drop(columns=[frame.geometry.name] if isinstance(frame, gpd.GeoDataFrame) else []).astype(str)
    if isinstance(frame, gpd.GeoDataFrame):
        key["__wkb"] = [shapely.to_wkb(g, hex=True) if g is not None else "" for g in frame.geometry]
    order = key.agg("\x1f".join, axis=1).argsort(kind="stable")
    return frame.iloc[order.to_numpy()].reset_index(drop=True)


def assert_same_layers(expected_source: str | Path, actual_source: str | Path) -> dict[str, int]:
    """Same layers, columns, rows and values (geometries coordinate for coordinate); return the row counts."""
    expected, actual = read_layers(expected_source), read_layers(actual_source)
    assert sorted(actual) == sorted(expected)
    for name, frame in expected.items():
        other = actual[name]
        assert list(other.columns) == list(frame.columns), name
        assert len(other) == len(frame), name
        assert isinstance(other, gpd.GeoDataFrame) == isinstance(frame, gpd.GeoDataFrame), name
        left, right = _sorted(frame), _sorted(other)
        if isinstance(frame, gpd.GeoDataFrame):
            assert same_geometries(left.geometry, right.geometry), name
            assert right.crs.equals(left.crs), name
            left, right = left.drop(columns=left.geometry.name), right.drop(columns=right.geometry.name)
        pd.testing.assert_frame_equal(pd.DataFrame(left), pd.DataFrame(right), check_dtype=False, obj=name)
    assert read_styles(actual_source).keys() == read_styles(expected_source).keys()
    return {name: len(frame) for name, frame in expected.items()}


def _ok(run) -> dict:
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.results


@pytest.fixture(scope="module")
def linkage_inputs(sample_city_files) -> dict[str, str]:
    gpkg = sample_city_files["gpkg"]
    return {
        "PARCELS": f"{gpkg}|layername=parcels",
        "BUILDINGS": f"{gpkg}|layername=buildings",
        "LEDGER": str(sample_city_files["ledger_csv"]),
    }


@pytest.fixture(scope="module")
def linkage_on_gpkg(qgis_algorithm, linkage_inputs, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("linkage_gpkg") / "linkage.gpkg"
    _ok(qgis_algorithm("gimpo:linktaxledger", **linkage_inputs, OUTPUT=output))
    return output


def _excavation(qgis_algorithm, facilities, dig_file, output, notices):
    return qgis_algorithm(
        "gimpo:excavationimpact",
        FACILITIES=facilities,
        DIG=dig_file,
        DEPTH_FIELD="depth",
        ID_FIELD="dig_id",
        OUTPUT=output,
        NOTICES=notices,
    )


@pytest.fixture(scope="module")
def excavation_on_gpkg(qgis_algorithm, sample_city_files, dig_file, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("excavation_gpkg")
    _ok(_excavation(qgis_algorithm, sample_city_files["gpkg"], dig_file, folder / "impact.gpkg", folder / "notices"))
    return folder / "impact.gpkg"


@pytest.fixture(scope="module")
def published_city(qgis_algorithm, postgis_cluster, sample_city_files):
    """The sample city in the schema 'city' of a database of its own, published by gimpo:publishtodatabase."""
    with fresh_database(postgis_cluster) as url:
        _ok(qgis_algorithm("gimpo:publishtodatabase", INPUT=sample_city_files["gpkg"], DATABASE=url, SCHEMA="city"))
        yield url + "?schema=city"


def test_linkage_into_postgis_equals_the_geopackage_run(
    qgis_app, qgis_algorithm, linkage_inputs, linkage_on_gpkg, postgis_url, postgis_cluster, tmp_path, monkeypatch
):
    from qgis.core import QgsProcessingContext, QgsProcessingUtils

    from gimpo_gis_plugin.core.redact import redact

    destination = postgis_url + "?schema=tax_2026"
    run = qgis_algorithm("gimpo:linktaxledger", **linkage_inputs, OUTPUT=destination, REPORT=tmp_path / "r.html")
    results = _ok(run)
    rows = assert_same_layers(linkage_on_gpkg, destination)
    assert rows["findings"] == results["FINDING_COUNT"] > 100
    assert rows["ledger_matched"] + rows["ledger_unmatched"] == results["LEDGER_ROWS"]
    assert results["OUTPUT"] == redact(destination) != destination  # no password in any result or log
    assert postgis_cluster.password not in run.stdout + run.stderr
    assert (tmp_path / "r.html").stat().st_size > 2000
    # The layer results are what Processing opens as an input, so a model can chain the next algorithm; in
    # another process the password comes from the environment (in the run's own process, QGIS's cache).
    monkeypatch.setenv("PGPASSWORD", postgis_cluster.password)
    context = QgsProcessingContext()
    for name in ("findings", "ledger_unmatched"):
        assert results[name.upper()].startswith("postgres://")
        layer = QgsProcessingUtils.mapLayerFromString(results[name.upper()], context)
        assert layer is not None and layer.isValid(), results[name.upper()]
        assert layer.providerType() == "postgres" and layer.featureCount() == rows[name]


def test_permit_check_into_postgis_equals_the_geopackage_run(qgis_algorithm, sample_city_files, postgis_url, tmp_path):
    inputs = permit_inputs(sample_city_files, MAX_REPORTS=2)
    on_file = _ok(
        qgis_algorithm(
            "gimpo:permitcheck", **inputs, OUTPUT=tmp_path / "permits.gpkg", REPORT_FOLDER=tmp_path / "file_reports"
        )
    )
    destination = postgis_url + "?schema=permits"
    in_database = _ok(
        qgis_algorithm("gimpo:permitcheck", **inputs, OUTPUT=destination, REPORT_FOLDER=tmp_path / "db_reports")
    )
    rows = assert_same_layers(tmp_path / "permits.gpkg", destination)
    verdicts = ("PERMITTED", "CONDITIONAL", "NOT_PERMITTED", "INSUFFICIENT_DATA")
    assert [in_database[v] for v in verdicts] == [on_file[v] for v in verdicts]
    assert sum(in_database[v] for v in verdicts) == rows["summary"]
    # The layer description, which QGIS shows as the layer's abstract, is the table comment.
    with contextlib.closing(psycopg2.connect(postgis_url, connect_timeout=5)) as connection, connection.cursor() as cur:
        cur.execute("SELECT obj_description('permits.summary'::regclass, 'pg_class')")
        assert cur.fetchone()[0].startswith("Permit check verdicts (rules ")
    # The report maps draw the verdicts from where they were written: the same pages either way.
    file_pages = sorted(p.name for p in (tmp_path / "file_reports").iterdir())
    assert sorted(p.name for p in (tmp_path / "db_reports").iterdir()) == file_pages
    assert len([p for p in file_pages if p.endswith(".png")]) == 2


def test_excavation_impact_into_postgis_equals_the_geopackage_run(
    qgis_algorithm, sample_city_files, dig_file, excavation_on_gpkg, postgis_url, tmp_path
):
    destination = postgis_url + "?schema=digs"
    results = _ok(_excavation(qgis_algorithm, sample_city_files["gpkg"], dig_file, destination, tmp_path / "notices"))
    rows = assert_same_layers(excavation_on_gpkg, destination)
    assert rows["affected"] == results["AFFECTED_COUNT"] >= 6  # water, sewer, gas, power, telecom, heat
    assert rows["affected_lines"] > 0 and rows["digs"] == 1
    assert sorted(p.name for p in (tmp_path / "notices").iterdir()) == sorted(
        p.name for p in (excavation_on_gpkg.parent / "notices").iterdir()
    )


OTHER_ALGORITHMS = {
    "gimpo:clearancecheck": lambda gpkg: {"FACILITIES": gpkg},
    "gimpo:facilityaging": lambda gpkg: {"FACILITIES": gpkg, "REFERENCE_YEAR": 2026},
    "gimpo:cctvcoverage": lambda gpkg: {
        "CAMERAS": f"{gpkg}|layername=cctv",
        "BUILDINGS": f"{gpkg}|layername=buildings",
        "TARGETS": f"{gpkg}|layername=safety_zones",
        "TARGET_ID_FIELD": "zone_id",
        "NEW_CAMERAS": 0,  # siting is the slow part and writes the same kind of layers
    },
}


@pytest.mark.parametrize("algorithm", sorted(OTHER_ALGORITHMS))
def test_the_other_vector_algorithms_into_postgis_equal_their_geopackage_runs(
    qgis_algorithm, sample_city_files, postgis_url, tmp_path, algorithm
):
    parameters = OTHER_ALGORITHMS[algorithm](sample_city_files["gpkg"])
    _ok(qgis_algorithm(algorithm, **parameters, OUTPUT=tmp_path / "out.gpkg"))
    destination = postgis_url + "?schema=results"
    _ok(qgis_algorithm(algorithm, **parameters, OUTPUT=destination))
    assert_same_layers(tmp_path / "out.gpkg", destination)


def test_maps_chain_through_the_database_as_through_geopackages(
    qgis_algorithm, sample_city_files, postgis_url, postgis_cluster, tmp_path, monkeypatch
):
    """statisticalmap -> policymap, once via GeoPackages and once via PostGIS, the second step reading the
    first one's OUTPUT_LAYER result (as a model passes it on). Results carry no password: a second
    qgis_process takes it from the environment (PGPASSWORD here, ~/.pgpass or authcfg for a planner)."""
    monkeypatch.setenv("PGPASSWORD", postgis_cluster.password)
    gpkg = sample_city_files["gpkg"]
    statistics = {
        "INPUT": f"{gpkg}|layername=complaints",
        "AREAS": f"{gpkg}|layername=population_admin_dong",
        "STATISTIC": 5,
        "POPULATION_FIELD": "population",
        "VALUE_NAME": "complaints_per_1000",
    }
    policy = {"INDICATORS": "complaints_per_1000:+:2;households:-:1", "K": 4}
    destinations = {"file": (tmp_path / "stats.gpkg", tmp_path / "policy.gpkg")}
    destinations["database"] = (postgis_url + "?schema=stats", postgis_url + "?schema=policy")
    for first, second in destinations.values():
        stats = _ok(qgis_algorithm("gimpo:statisticalmap", **statistics, OUTPUT=first))
        _ok(qgis_algorithm("gimpo:policymap", **policy, INPUT=stats["OUTPUT_LAYER"], OUTPUT=second))
    for on_file, in_database in zip(destinations["file"], destinations["database"], strict=True):
        assert_same_layers(on_file, in_database)


def test_inputs_read_from_postgis_give_the_geopackage_result(
    qgis_algorithm, published_city, linkage_inputs, linkage_on_gpkg, dig_file, excavation_on_gpkg, tmp_path
):
    # A PostGIS layer as Processing names one (the form qgis_process opens; the Browser's drag and drop too).
    parcels, buildings = (f"postgres://{layer_source(published_city, name)}" for name in ("parcels", "buildings"))
    _ok(
        qgis_algorithm(
            "gimpo:linktaxledger",
            PARCELS=parcels,
            BUILDINGS=buildings,
            LEDGER=linkage_inputs["LEDGER"],
            OUTPUT=tmp_path / "from_db.gpkg",
        )
    )
    assert_same_layers(linkage_on_gpkg, tmp_path / "from_db.gpkg")
    # The facility store is a whole schema: given as the database destination itself.
    _ok(_excavation(qgis_algorithm, published_city, dig_file, tmp_path / "impact.gpkg", tmp_path / "notices"))
    assert_same_layers(excavation_on_gpkg, tmp_path / "impact.gpkg")


def test_a_refused_password_stops_the_run_before_any_work(qgis_algorithm, postgis_cluster, postgis_url, linkage_inputs):
    database = postgis_url.rsplit("/", 1)[1]
    destination = postgis_cluster.url(database, password="not-the-password") + "?schema=tax"
    started = time.monotonic()
    run = qgis_algorithm("gimpo:linktaxledger", **linkage_inputs, OUTPUT=destination)
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert f"Cannot connect to PostgreSQL {postgis_cluster.host}:{postgis_cluster.port}, database {database}" in output
    assert "the user name or password was refused" in output
    assert "not-the-password" not in output
    assert "Ledger rows:" not in output  # refused before the linkage ran, not after
    assert elapsed < 60  # qgis_process start-up included; the refusal itself is immediate
    assert list_layers(postgis_url + "?schema=tax") == []


@contextlib.contextmanager
def _silent_server():
    """A port that accepts TCP connections and never answers: a hung server or a black-holing firewall."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.mark.parametrize(
    ("server", "message"),
    [("silent", "no answer within 2 s"), ("closed", "connection refused (no PostgreSQL server listens there)")],
)
def test_an_unreachable_server_is_a_clear_error_not_a_hang(
    qgis_algorithm, sample_city_files, dig_file, tmp_path, server, message
):
    with contextlib.ExitStack() as stack:
        port = stack.enter_context(_silent_server()) if server == "silent" else _closed_port()
        destination = f"postgresql://planner:secret@127.0.0.1:{port}/gimpo?schema=digs&connect_timeout=2"
        started = time.monotonic()
        run = _excavation(qgis_algorithm, sample_city_files["gpkg"], dig_file, destination, tmp_path / "notices")
        elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert f"Cannot connect to PostgreSQL 127.0.0.1:{port}, database gimpo, user planner: {message}" in output
    assert "secret" not in output
    assert elapsed < 60
    assert not (tmp_path / "notices").exists()  # stopped before the analysis


def test_a_raster_cannot_go_to_the_database(qgis_algorithm, sample_city_files):
    run = qgis_algorithm(
        "gimpo:heatmap",
        INPUT=f"{sample_city_files['gpkg']}|layername=complaints",
        RADIUS=300,
        PIXEL_SIZE=50,
        OUTPUT="postgresql://planner:secret@127.0.0.1:5432/gimpo?schema=maps",
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "rasters are written as GeoTIFF files" in output and "secret" not in output


def test_a_saved_qgis_connection_by_name_as_output(
    qgis_app, postgis_cluster, postgis_url, sample_city_files, dig_file, tmp_path
):
    """In the toolbox a planner types the name of the saved 통합DB connection, not a URI."""
    from qgis.core import QgsApplication, QgsProviderRegistry

    from gimpo_gis_plugin.processing.provider import GimpoProvider

    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = (
        f"dbname='{postgis_url.rsplit('/', 1)[1]}' host={postgis_cluster.host} port={postgis_cluster.port} "
        f"user='{postgis_cluster.user}' password='{postgis_cluster.password}'"
    )
    metadata.saveConnection(metadata.createConnection(uri, {"saveUsername": True, "savePassword": True}), "통합DB")
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        import processing

        result = processing.run(
            "gimpo:excavationimpact",
            {
                "FACILITIES": str(sample_city_files["gpkg"]),
                "DIG": str(dig_file),
                "DEPTH_FIELD": "depth",
                "OUTPUT": "통합DB",
                "NOTICES": str(tmp_path / "notices"),
            },
        )
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
        metadata.deleteConnection("통합DB")
    assert result["OUTPUT"] == "통합DB"
    assert {"affected", "affected_lines", "digs"} <= set(list_layers(postgis_url))  # the public schema
    assert len(read_layers(postgis_url, ["affected"])["affected"]) == result["AFFECTED_COUNT"] >= 6


def test_in_one_process_a_password_free_layer_result_still_opens(qgis_app, sample_city_files, postgis_url, monkeypatch):
    """As a model chains its steps: the layer result has no password, QGIS's credential cache has it."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingUtils

    import processing
    from gimpo_gis_plugin.processing.provider import GimpoProvider

    monkeypatch.delenv("PGPASSWORD", raising=False)
    gpkg = sample_city_files["gpkg"]
    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        results = processing.run(
            "gimpo:statisticalmap",
            {
                "INPUT": f"{gpkg}|layername=complaints",
                "AREAS": f"{gpkg}|layername=population_admin_dong",
                "OUTPUT": postgis_url + "?schema=chain",
            },
        )
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
    password = postgis_url.split(":")[2].split("@")[0]
    assert password not in str(results)
    context = QgsProcessingContext()  # owns the layer it opens
    layer = QgsProcessingUtils.mapLayerFromString(results["OUTPUT_LAYER"], context)
    assert layer is not None and layer.isValid() and layer.featureCount() == results["AREAS_COUNT"]
