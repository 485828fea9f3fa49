"""Turn what a planner gives as a database (a saved QGIS connection's name, or a URI) into a destination.

The engine (``core.store``) only understands connection strings; the names of QGIS PostgreSQL
connections, and their authentication configurations (passwords kept in QGIS's encrypted store), only
exist inside QGIS, so they are resolved here, in the Processing adapter.
"""

from __future__ import annotations

from qgis.core import QgsDataSourceUri, QgsProcessingException, QgsProviderConnectionException, QgsProviderRegistry

from ..core.store import is_postgres


def saved_connection_names() -> list[str]:
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections(False)) if metadata is not None else []


def resolve_database(value: str) -> str:
    """A libpq/URI destination for ``value``: returned as is when it already is one, else looked up by name.

    The saved connection's authentication configuration (authcfg) is expanded into user and password,
    as QGIS does when it opens the layers itself.
    """
    value = (value or "").strip()
    if not value:
        raise QgsProcessingException("No database given: choose a PostgreSQL connection or give a URI.")
    if is_postgres(value):
        return value
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    if metadata is None:
        raise QgsProcessingException("This QGIS has no PostgreSQL provider; install qgis-providers.")
    try:
        connection = metadata.findConnection(value, False)
    except QgsProviderConnectionException as exc:
        connection = None
        reason = str(exc)
    else:
        reason = ""
    if connection is None:
        known = ", ".join(saved_connection_names()) or "none saved"
        raise QgsProcessingException(
            f"'{value}' is neither a PostgreSQL URI nor the name of a saved QGIS PostgreSQL connection"
            f" (saved: {known}). {reason}\n"
            "Give a URI such as postgresql://user@host:5432/database, or add the connection in the Browser "
            "(PostgreSQL ▸ New Connection)."
        )
    uri = QgsDataSourceUri(connection.uri())
    return uri.connectionInfo(True)
