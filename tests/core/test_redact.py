"""Passwords are removed from every text the plugin logs or returns, whatever form the destination has."""

from __future__ import annotations

import pytest

from gimpo_gis_plugin.core.redact import redact, redact_value


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://tax:s3cr%27t@db.gimpo.go.kr:5432/gimpo?schema=tax",
        "postgres://tax:s3cr%27t@db:5432/gimpo",
        "PG:dbname=gimpo host=db user=tax password=s3cr%27t schemas=tax",
        "PG:dbname='gimpo' user='tax' password='s3cr%27t' active_schema=tax",
        "postgres://dbname='gimpo' host=db user='tax' password='s3cr%27t' key='fid' table=\"tax\".\"f\"",
        "postgresql://db/gimpo?user=tax&password=s3cr%27t&schema=tax",
        "Cannot write to postgresql://tax:s3cr%27t@db/gimpo: refused",
    ],
)
def test_every_form_loses_its_password(text):
    cleaned = redact(text)
    assert "s3cr" not in cleaned and "***" in cleaned
    assert "gimpo" in cleaned  # the rest stays readable


def test_texts_without_a_password_are_unchanged():
    for text in ("/data/out.gpkg", "postgresql://tax@db/gimpo?schema=x", "PG:dbname=gimpo user=tax", "a@b"):
        assert redact(text) == text


def test_results_are_redacted_deep():
    value = {"OUTPUT": "postgresql://a:pw1@h/d", "FILES": ["x", "password=pw2"], "N": 3}
    assert redact_value(value) == {"OUTPUT": "postgresql://a:***@h/d", "FILES": ["x", "password=***"], "N": 3}


def test_strip_password_removes_it_entirely():
    from gimpo_gis_plugin.core.redact import strip_password

    layer = "dbname='gimpo' host=db user='tax' password='p\\'w d' key='fid' table=\"tax\".\"findings\" (geom)"
    assert strip_password(layer) == "dbname='gimpo' host=db user='tax' key='fid' table=\"tax\".\"findings\" (geom)"
    assert strip_password("postgresql://tax:pw@db/gimpo") == "postgresql://tax@db/gimpo"
