"""Where an algorithm's OUTPUT goes: a GeoPackage file or a schema of the integrated PostGIS database.

Every algorithm keeps ONE ``QgsProcessingParameterFileDestination`` OUTPUT and hands it to
:func:`vector_output`. ``parameterAsFileOutput`` passes a database destination through unchanged
(checked with qgis_process 3.22: ``postgresql://…?schema=…``, ``PG:dbname=… schemas=…`` and a QGIS layer
URI arrive exactly as typed), so the value is either a file path or a database, and both go through the
same :func:`core.store.write_layers`. The destination is checked before any work (a folder that cannot be
written, a refused password, an unreachable server), so a batch does not compute for minutes and then fail.

Layer results are what QGIS Processing itself opens as an input: ``path|layername=x`` for a GeoPackage,
``postgres://`` + the QGIS layer URI for PostGIS (qgis_process and models open a PostGIS input only in that
form), so a model can chain an algorithm that wrote to the database into the next one. A result never
carries the password (it is printed by ``qgis_process --json`` and kept in batch logs): the layer URI
goes without it and the password is put in QGIS's credential cache for this process, where the next
model step's PostgreSQL connection finds it (another process uses ~/.pgpass, PGPASSWORD or authcfg).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from qgis.core import (
    QgsCredentials,
    QgsDataSourceUri,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingUtils,
)

from ..core import store
from ..core.progress import SILENT, Progress
from ..core.redact import strip_password
from .database import resolve_database, saved_connection_names

PROCESSING_POSTGRES_PREFIX = "postgres://"
DATABASE_OUTPUT_HELP = (
    "GeoPackage 파일, 또는 통합DB(PostGIS)의 스키마: postgresql://사용자@호스트:5432/데이터베이스?schema=이름, "
    "PG:dbname=... host=... schemas=이름, 또는 QGIS에 저장된 PostgreSQL 연결 이름(public 스키마). "
    "데이터베이스에서는 같은 이름의 테이블을 한 트랜잭션으로 바꾸며 기본키, 공간 인덱스, 스타일(QGIS 기본 스타일)을 "
    "함께 씁니다. 비밀번호는 로그와 결과에 남지 않습니다(QGIS 인증 설정 authcfg 또는 ~/.pgpass 권장)."
)


@dataclass(frozen=True)
class VectorOutput:
    """A checked destination: ``destination`` is a GeoPackage path or a libpq/URI database destination."""

    destination: str
    given: str  # what the user gave (a saved connection's name stays a name): the OUTPUT result

    @property
    def is_database(self) -> bool:
        return store.is_postgres(self.destination)

    @property
    def given_stem(self) -> str:
        """The GeoPackage's file name without suffix (the map names of its layers), '' for a database."""
        return "" if self.is_database else Path(self.destination).stem

    def describe(self) -> str:
        """For the log: the file, or the database and schema without the password."""
        if not self.is_database:
            return self.destination
        target = store.parse_postgres(self.destination)
        return f"{target.describe()}, 스키마 {target.schema or 'public'}"

    def write(
        self,
        layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
        styles: Mapping[str, str] | None = None,
        descriptions: Mapping[str, str] | None = None,
        progress: Progress = SILENT,
    ) -> dict[str, str]:
        """Write the styled layers (one atomic GeoPackage, or one database transaction); return their
        layer results keyed by the upper-case layer name (the algorithms' output ids)."""
        store.write_layers(self.destination, layers, styles, descriptions, progress)
        return self.layer_results(layers)

    def layer(self, name: str, has_geometry: bool = True) -> str:
        """The string QGIS Processing opens layer ``name`` of this output with (model chaining); for a
        database without the password, which goes to QGIS's credential cache (module docstring)."""
        source = store.layer_source(self.destination, name, has_geometry)
        if not self.is_database:
            return source
        without = strip_password(source)
        if without != source:
            _remember_credentials(source, without)
        return PROCESSING_POSTGRES_PREFIX + without

    def layer_results(self, layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame]) -> dict[str, str]:
        return {name.upper(): self.layer(name, isinstance(frame, gpd.GeoDataFrame)) for name, frame in layers.items()}

    def qgis_layer(self, name: str) -> tuple[str, str]:
        """(source, provider) for ``QgsVectorLayer(source, name, provider)``, e.g. to render a map of it."""
        if self.is_database:
            return store.layer_source(self.destination, name), "postgres"
        return store.layer_source(self.destination, name), "ogr"

    def beside(self, suffix: str, name: str) -> Path:
        """A file that goes with the output (an HTML report): next to the GeoPackage, or, for a database,
        a new file in the Processing temporary folder (the log says where)."""
        if self.is_database:
            return Path(QgsProcessingUtils.generateTempFilename(f"{name}{suffix}"))
        return Path(self.destination).with_suffix(suffix)


def vector_output(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    name: str,
    context: QgsProcessingContext,
    suffix: str = ".gpkg",
) -> VectorOutput:
    """The OUTPUT parameter ``name`` as a checked destination (see the module docstring).

    A database is a URI, a ``PG:``/layer-URI string, or the name of a saved QGIS PostgreSQL connection
    (its public schema; give a URI with ``?schema=`` for another). Anything else is a file; a missing
    ``.gpkg`` suffix is added and missing parent folders are created.
    """
    value = (algorithm.parameterAsFileOutput(parameters, name, context) or "").strip()
    if not value:
        raise QgsProcessingException(
            f"{name}이(가) 비어 있습니다: GeoPackage 경로나 postgresql://사용자@호스트:5432/데이터베이스?schema=이름 "
            f"같은 PostgreSQL 대상을 주세요. No {name} given."
        )
    if store.is_postgres(value) or value in saved_connection_names():
        destination = resolve_database(value)
        store.check_destination(destination)
        return VectorOutput(destination, value)
    path = Path(value)
    if suffix and path.suffix.lower() != suffix:
        path = path.with_suffix(suffix)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QgsProcessingException(
            f"출력 폴더 {path.parent}을(를) 만들 수 없습니다: {exc.strerror}. 쓰기 권한이 있는 폴더를 고르세요. "
            f"Cannot create the folder for the output."
        ) from exc
    store.check_destination(path)
    return VectorOutput(str(path), str(path))


def raster_output(
    algorithm: QgsProcessingAlgorithm, parameters: dict[str, Any], name: str, context: QgsProcessingContext
) -> str:
    """A raster destination: always a GeoTIFF file; a database destination is refused with the reason."""
    value = parameters.get(name)
    if isinstance(value, str) and (store.is_postgres(value) or value in saved_connection_names()):
        raise QgsProcessingException(
            f"{name}에 PostgreSQL 데이터베이스를 주었지만 래스터는 GeoTIFF 파일(옆에 .qml 스타일)로만 씁니다. "
            ".tif 경로를 주세요(벡터 결과는 데이터베이스에 쓸 수 있습니다). Give a .tif path: rasters are written as GeoTIFF files."
        )
    output = algorithm.parameterAsOutputLayer(parameters, name, context)
    if store.is_postgres(output):
        raise QgsProcessingException(f"{name}: 래스터는 GeoTIFF 파일로만 씁니다(PostgreSQL 불가).")
    return output


def _remember_credentials(source: str, without_password: str) -> None:
    """Put the user and password of ``source`` in QGIS's credential cache under the realm QGIS's PostgreSQL
    provider asks for when it opens ``without_password`` (its connection info), so it connects."""
    full = QgsDataSourceUri(source)
    realm = QgsDataSourceUri(without_password).connectionInfo(False)
    if full.password():
        QgsCredentials.instance().put(realm, full.username(), full.password())
