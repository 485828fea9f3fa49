"""Report pages with a map of each site, its zones, overlays and roads, rendered by QGIS itself.

The engine writes the HTML (core/permits/report.py, Qt-free); this module only renders the PNG that
goes beside it, with the layers' own styles (the GeoPackage defaults), offscreen and synchronously on
the calling thread (the algorithm declares FlagNoThreading so that is the main thread).
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsFillSymbol,
    QgsMapRendererCustomPainterJob,
    QgsMapSettings,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage, QPainter

from ..core.errors import OutputError
from ..core.file_names import UniqueFileNames
from ..core.geopackage import atomic_path
from ..core.permits import PermitResult
from ..core.permits.report import application_page, index_page
from ..core.progress import Progress
from ..core.run_outputs import staged_folder

MAP_SIZE = QSize(760, 520)
MARGIN_M = 60.0


def _fresh(layer: QgsVectorLayer, name: str) -> QgsVectorLayer | None:
    """A new layer on the same source, so its default (embedded) style is loaded."""
    if layer is None:
        return None
    fresh = QgsVectorLayer(layer.source(), name, layer.providerType())
    return fresh if fresh.isValid() else layer


def _render(settings: QgsMapSettings, path: Path) -> None:
    image = QImage(MAP_SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        job = QgsMapRendererCustomPainterJob(settings, painter)
        job.renderSynchronously()
    finally:
        painter.end()
    if not image.save(str(path), "PNG"):
        raise OutputError(f"Cannot write the map image {path}.", "Check the report folder's permissions.")


def write_reports(
    folder: Path,
    site_layer: tuple[str, str],
    result: PermitResult,
    layers: dict[str, QgsVectorLayer],
    limit: int,
    progress: Progress,
) -> Path:
    """Write up to ``limit`` application pages (with maps) and index.html listing every application.

    ``site_layer`` is the (source, provider) of the written summary layer (GeoPackage or PostGIS), so the
    maps show the sites with the style stored with them.
    """
    try:
        with staged_folder(folder) as staging:  # replaced whole: no page of an earlier run stays
            _write_pages(staging, site_layer, result, layers, limit, progress)
    except OSError as exc:
        raise OutputError(
            f"보고서 폴더 {folder}을(를) 쓸 수 없습니다: {exc.strerror or exc}. Cannot write the report folder.",
            "쓰기 권한이 있는 폴더를 고르세요. Choose a folder you can write to.",
        ) from exc
    return folder


def _write_pages(
    folder: Path,
    site_layer: tuple[str, str],
    result: PermitResult,
    layers: dict[str, QgsVectorLayer],
    limit: int,
    progress: Progress,
) -> None:
    site = QgsVectorLayer(site_layer[0], "site", site_layer[1])
    context_layers = [_fresh(layers.get(k), k) for k in ("roads", "parcels", "overlays", "zoning")]
    parcels = context_layers[1]
    if parcels is not None:  # lot lines only: the 지목 fill would hide the zones under them
        outline = QgsFillSymbol.createSimple(
            {"color": "0,0,0,0", "outline_color": "90,90,90,255", "outline_width": "0.15", "style": "no"}
        )
        parcels.setRenderer(QgsSingleSymbolRenderer(outline))
    settings = QgsMapSettings()
    settings.setOutputSize(MAP_SIZE)
    settings.setBackgroundColor(QColor("white"))
    settings.setDestinationCrs(site.crs())
    settings.setLayers([layer for layer in [site, *context_layers] if layer is not None])
    summary = result.summary
    pages: dict[str, str] = {}
    findings = result.findings.groupby("application_id", sort=False)
    unique_name = UniqueFileNames()  # 2026/001, 2026_001 and 2026:001 get three pages, not one
    for position in range(min(limit, len(summary))):
        progress.set(position / max(1, min(limit, len(summary))))
        row = summary.iloc[position]
        app_id = str(row["application_id"])
        name = unique_name(app_id, "application")
        image = None
        if row.geometry is not None:
            minx, miny, maxx, maxy = row.geometry.bounds
            site.setSubsetString(f"\"application_id\" = '{app_id.replace(chr(39), chr(39) * 2)}'")
            settings.setExtent(QgsRectangle(minx - MARGIN_M, miny - MARGIN_M, maxx + MARGIN_M, maxy + MARGIN_M))
            image = f"{name}.png"
            _render(settings, folder / image)
        rows = findings.get_group(app_id) if app_id in findings.groups else result.findings.iloc[0:0]
        with atomic_path(folder / f"{name}.html") as tmp:
            tmp.write_text(application_page(row, rows, image, result.rules_version), encoding="utf-8")
        pages[app_id] = f"{name}.html"
    with atomic_path(folder / "index.html") as tmp:
        tmp.write_text(index_page(summary, pages, result.rules_version), encoding="utf-8")
