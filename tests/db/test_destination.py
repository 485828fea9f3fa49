"""Every way a planner writes a PostgreSQL destination names the same database, schema and table."""

from __future__ import annotations

import pytest

from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.store import is_postgres, layer_source, parse_postgres

EXPECTED = {"host": "db.gimpo.go.kr", "port": "5432", "dbname": "gimpo", "user": "tax", "password": "p'w d"}


@pytest.mark.parametrize(
    "destination",
    [
        "postgresql://tax:p%27w%20d@db.gimpo.go.kr:5432/gimpo?schema=tax_2026",
        "postgres://tax:p%27w%20d@db.gimpo.go.kr:5432/gimpo?schema=tax_2026",
        "PG:dbname=gimpo host=db.gimpo.go.kr port=5432 user=tax password='p\\'w d' schemas=tax_2026",
        "PG:dbname='gimpo' host='db.gimpo.go.kr' port=5432 user='tax' password='p\\'w d' active_schema=tax_2026",
        "dbname='gimpo' host=db.gimpo.go.kr port=5432 user='tax' password='p\\'w d' sslmode=prefer key='fid' "
        'srid=5186 type=MultiPolygon checkPrimaryKeyUnicity=\'1\' table="tax_2026"."parcels" (geom)',
        # QGIS Processing's name for a PostGIS layer (what qgis_process opens as an input layer)
        "postgres://dbname='gimpo' host=db.gimpo.go.kr port=5432 user='tax' password='p\\'w d' "
        'key=\'fid\' table="tax_2026"."parcels" (geom)',
    ],
)
def test_the_accepted_forms_name_the_same_place(destination):
    assert is_postgres(destination)
    target = parse_postgres(destination)
    assert {k: v for k, v in target.conninfo.items() if k != "sslmode"} == EXPECTED
    assert target.schema == "tax_2026"
    assert "p'w d" not in target.describe()


def test_a_qgis_layer_uri_gives_schema_and_table_even_with_quotes_inside():
    target = parse_postgres('dbname=\'gimpo\' table="a""b"."c.d" (geom) sql=name = \'x\'')
    assert (target.schema, target.table) == ('a"b', "c.d")


def test_file_paths_are_not_databases(tmp_path):
    assert not is_postgres(str(tmp_path / "out.gpkg"))
    assert not is_postgres(tmp_path / "postgres.gpkg")
    assert not is_postgres("C:/data/hostname=x.gpkg")


@pytest.mark.parametrize(
    ("destination", "message"),
    [
        ("postgresql://u@h:99999999/db", "port"),
        ("PG:dbname=gimpo hots=localhost", "unknown connection setting 'hots'"),
        ("dbname='gimpo' authcfg=abc1234", "authentication configuration"),
        ("PG:dbname='gimpo", "not closed"),
    ],
)
def test_bad_destinations_are_explained(destination, message):
    with pytest.raises(InputError, match=message):
        parse_postgres(destination)


def test_layer_source_round_trips_through_the_parser():
    source = layer_source("postgresql://tax:s3cr%27t@localhost:5433/gimpo?schema=a%22b", "parcels")
    target = parse_postgres(source)
    assert target.conninfo["password"] == "s3cr't"
    assert (target.schema, target.table) == ('a"b', "parcels")
    assert source.endswith('table="a""b"."parcels" (geom)')
