"""The test server itself: a real PostGIS that answers, and that refuses a wrong password."""

from __future__ import annotations

import contextlib

import pytest


def test_the_server_has_postgis(postgis_url):
    import psycopg2

    with contextlib.closing(psycopg2.connect(postgis_url, connect_timeout=5)) as connection, connection.cursor() as cur:
        cur.execute("SELECT postgis_lib_version(), ST_SRID(ST_SetSRID(ST_MakePoint(1, 2), 5186))")
        version, srid = cur.fetchone()
    assert version.startswith("3.")
    assert srid == 5186


def test_a_wrong_password_is_refused(postgis_cluster):
    import psycopg2

    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(postgis_cluster.url("postgres", password="wrong"), connect_timeout=5)
