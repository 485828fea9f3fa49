"""Which layer the inspector reads: the linkage's parcels (``parcels_tax``), remembered in the project.

A project such as the demo holds several polygon layers with a PNU: the raw cadastre (``parcels`` of the
sample city, hidden) and the parcels the linkage wrote (``parcels_tax`` of its GeoPackage, with the
ledger and findings beside them). Clicks must read the latter. The choice is stored in the project
(``QgsProject.writeEntry``) so it survives a restart, and the officer is asked only when two linkage
outputs are loaded and none was chosen before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qgis.core import QgsMapLayer, QgsProject, QgsProviderRegistry

from ...i18n import tr
from .map_tool import pnu_field

PROJECT_SCOPE = "gimpo_gis"
PROJECT_KEY = "/inspector/parcel_layer"
LINKAGE_PARCELS = "parcels_tax"
LINKAGE_LEDGER = "ledger_matched"


def layer_file(layer: QgsMapLayer) -> tuple[str, str | None]:
    """(file path, layer name inside the file) of an OGR layer's source."""
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    return str(parts.get("path") or layer.source()), parts.get("layerName") or None


@lru_cache(maxsize=64)
def _tables(path: str, mtime_ns: int) -> frozenset[str]:
    import pyogrio

    return frozenset(name for name, _ in pyogrio.list_layers(path))


def gpkg_tables(path: str) -> frozenset[str]:
    file = Path(path)
    if file.suffix.lower() != ".gpkg" or not file.is_file():
        return frozenset()
    try:
        return _tables(str(file), file.stat().st_mtime_ns)
    except Exception:
        return frozenset()


def linkage_path(layer: QgsMapLayer | None) -> str | None:
    """The GeoPackage path when ``layer`` is the parcels layer a gimpo:linktaxledger run wrote."""
    if layer is None or not pnu_field(layer):
        return None
    path, name = layer_file(layer)
    if name not in (LINKAGE_PARCELS, None):
        return None
    tables = gpkg_tables(path)
    return path if LINKAGE_PARCELS in tables and LINKAGE_LEDGER in tables else None


def describe(layer: QgsMapLayer) -> str:
    """How the panel names the layer it reads: its name in the project and its file."""
    path, name = layer_file(layer)
    where = Path(path).name + (f" › {name}" if name else "")
    kind = tr("세금대장 연계 결과") if linkage_path(layer) else tr("연계 결과가 아닌 필지 레이어")
    return tr("조회 레이어: {name} ({where}, {kind})").format(name=layer.name(), where=where, kind=kind)


@dataclass(frozen=True)
class Candidates:
    linkage: list  # parcels_tax layers of linkage GeoPackages
    others: list  # other polygon layers with a PNU (raw cadastre)


def candidates(project: QgsProject) -> Candidates:
    layers = [layer for layer in project.mapLayers().values() if pnu_field(layer)]
    linkage = [layer for layer in layers if linkage_path(layer)]
    return Candidates(linkage, [layer for layer in layers if layer not in linkage])


def remembered(project: QgsProject) -> QgsMapLayer | None:
    layer_id, found = project.readEntry(PROJECT_SCOPE, PROJECT_KEY, "")
    layer = project.mapLayer(layer_id) if found and layer_id else None
    return layer if pnu_field(layer) else None


def remember(project: QgsProject, layer: QgsMapLayer | None) -> None:
    if layer is None:
        return
    current, _ = project.readEntry(PROJECT_SCOPE, PROJECT_KEY, "")
    if current != layer.id():
        project.writeEntry(PROJECT_SCOPE, PROJECT_KEY, layer.id())


def label(layer: QgsMapLayer, project: QgsProject) -> str:
    """The entry in the "which layer?" question: tree path and file, so two ``parcels_tax`` differ."""
    node = project.layerTreeRoot().findLayer(layer.id())
    groups = []
    parent = node.parent() if node is not None else None
    while parent is not None and parent.parent() is not None:
        groups.insert(0, parent.name())
        parent = parent.parent()
    path, name = layer_file(layer)
    return " / ".join([*groups, layer.name()]) + f"  —  {path}" + (f" › {name}" if name else "")
