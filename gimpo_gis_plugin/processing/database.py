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
        raise QgsProcessingException(
            "데이터베이스가 비어 있습니다: PostgreSQL 연결을 고르거나 URI를 주세요. No database given."
        )
    if is_postgres(value):
        return value
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    if metadata is None:
        raise QgsProcessingException(
            "이 QGIS에는 PostgreSQL 공급자가 없습니다: qgis-providers를 설치하세요. This QGIS has no PostgreSQL provider."
        )
    try:
        connection = metadata.findConnection(value, False)
    except QgsProviderConnectionException as exc:
        connection = None
        reason = str(exc)
    else:
        reason = ""
    if connection is None:
        known = ", ".join(saved_connection_names()) or "저장된 연결 없음"
        raise QgsProcessingException(
            f"'{value}'은(는) PostgreSQL URI도, QGIS에 저장된 PostgreSQL 연결 이름도 아닙니다(저장된 연결: {known}). "
            f"{reason}\npostgresql://사용자@호스트:5432/데이터베이스 같은 URI를 주거나, 탐색기에서 연결을 추가하세요 "
            "(PostgreSQL ▸ 새 연결). Neither a PostgreSQL URI nor a saved connection."
        )
    uri = QgsDataSourceUri(connection.uri())
    return uri.connectionInfo(True)
