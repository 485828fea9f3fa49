"""QML styles in the ``public.layer_styles`` table, exactly where and how QGIS keeps them for PostgreSQL.

QGIS (3.22: ``QgsPostgresProviderMetadata::saveStyle``/``loadStyle``) looks up a layer's default style
in the table ``layer_styles`` on the search path (``public``) by ``f_table_catalog`` (the database
name), ``f_table_schema``, ``f_table_name`` and ``f_geometry_column`` (NULL for a table without
geometry), preferring ``useAsDefault``. The DDL below is the one QGIS 3.22 runs when it creates the
table (checked against a QGIS 3.22.16 ``saveStyleToDatabase`` on a real server: same columns and
types), so a QGIS that saves styles later finds the table it expects. ``type`` stays NULL: newer QGIS
versions read NULL as "a vector style", 3.22 does not filter on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_DDL = """
CREATE TABLE IF NOT EXISTS public.layer_styles (
    id SERIAL PRIMARY KEY,
    f_table_catalog varchar,
    f_table_schema varchar,
    f_table_name varchar,
    f_geometry_column varchar,
    styleName text,
    styleQML xml,
    styleSLD xml,
    useAsDefault boolean,
    description text,
    owner varchar(63) DEFAULT CURRENT_USER,
    ui xml,
    update_time timestamp DEFAULT CURRENT_TIMESTAMP,
    type varchar
)
"""


def replace_styles(
    cursor: Any,
    database: str,
    schema: str,
    geometry_columns: Mapping[str, str | None],
    styles: Mapping[str, str],
    descriptions: Mapping[str, str],
) -> None:
    """Make ``styles`` (table -> QML) the default styles of those tables; other tables keep theirs.

    Earlier default styles of a republished table are removed with it, so a republish never leaves two
    defaults (QGIS would pick the newest, but a colleague's "Load style" list would fill with duplicates).
    Named non-default styles that colleagues saved are kept.
    """
    if not styles:
        return
    cursor.execute(_DDL)
    for table, qml in styles.items():
        geometry_column = geometry_columns.get(table)
        cursor.execute(
            "DELETE FROM public.layer_styles WHERE f_table_catalog = %s AND f_table_schema = %s"
            " AND f_table_name = %s AND (useAsDefault OR styleName = %s)",
            (database, schema, table, table),
        )
        cursor.execute(
            "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
            " styleName, styleQML, styleSLD, useAsDefault, description, ui)"
            # XMLPARSE(DOCUMENT ...) as QGIS does: QML starts with <!DOCTYPE qgis ...>, which CONTENT refuses.
            " VALUES (%s, %s, %s, %s, %s, XMLPARSE(DOCUMENT %s), NULL, true, %s, NULL)",
            (database, schema, table, geometry_column, table, qml, descriptions.get(table, "")),
        )


def read_default_style(cursor: Any, database: str, schema: str, table: str) -> str | None:
    """The default QML QGIS would load for ``schema.table`` (None when there is none)."""
    cursor.execute("SELECT to_regclass('public.layer_styles') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(
        "SELECT styleQML::text FROM public.layer_styles WHERE f_table_catalog = %s AND f_table_schema = %s"
        " AND f_table_name = %s ORDER BY useAsDefault DESC, update_time DESC, id DESC LIMIT 1",
        (database, schema, table),
    )
    row = cursor.fetchone()
    return row[0] if row else None
