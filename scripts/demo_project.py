"""Assemble out/gimpo_demo.qgz from every GeoPackage layer and GeoTIFF under out/, styled by the styles
saved inside them, and render the project to out/gimpo_demo.png (offscreen, as QGIS draws it).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsLayerTreeGroup,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRectangle,
    QgsReferencedRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

# Drawn bottom to top; layers not listed come above these, in file order.
BOTTOM_UP = ["legal_dong_areas", "parcels", "roads", "buildings", "admin_dongs"]
HIDDEN_BY_DEFAULT = {"legal_dong_areas"}
GIMPO_EXTENT = QgsRectangle(150000, 540000, 185000, 575000)  # EPSG:5186, the whole city


def _layers_of(gpkg: Path) -> list[str]:
    metadata = QgsProviderRegistry.instance().providerMetadata("ogr")
    names = []
    for sub in metadata.querySublayers(str(gpkg)):
        if sub.name() != "layer_styles":
            names.append(sub.name())
    return names


def _order(names: list[str]) -> list[str]:
    known = [n for n in BOTTOM_UP if n in names]
    return known + [n for n in names if n not in known]


def build_project(out: Path, size: QSize | None = None) -> tuple[Path, Path]:
    app = QgsApplication.instance()
    owns_app = app is None
    if owns_app:
        app = QgsApplication([], False)
        app.initQgis()
    project = QgsProject.instance()
    project.clear()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:5186"))
    project.setTitle("김포시 GIS 데모 (Gimpo GIS demo)")
    root = project.layerTreeRoot()
    extent = QgsRectangle()
    for gpkg in sorted(out.rglob("*.gpkg")):
        group: QgsLayerTreeGroup = root.insertGroup(0, gpkg.stem)
        for name in _order(_layers_of(gpkg)):
            layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
            if not layer.isValid():
                continue
            project.addMapLayer(layer, False)
            node = group.insertLayer(0, layer)
            node.setItemVisibilityChecked(name not in HIDDEN_BY_DEFAULT)
            if layer.isSpatial() and layer.featureCount() > 0:
                extent.combineExtentWith(layer.extent())
    for tif in sorted(out.rglob("*.tif")):
        raster = QgsRasterLayer(str(tif), tif.stem)
        if raster.isValid():
            project.addMapLayer(raster, False)
            root.insertLayer(0, raster)
    if extent.isEmpty():
        extent = GIMPO_EXTENT
    # A project written headless has no canvas state; this is the extent QGIS opens it at.
    project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, project.crs()))
    project_path = out / "gimpo_demo.qgz"
    if not project.write(str(project_path)):
        raise RuntimeError(f"could not write {project_path}: {project.error()}")
    picture = out / "gimpo_demo.png"
    render(project, extent, picture, size or QSize(1600, 1200))
    write_report(project, extent, out)
    if owns_app:
        project.clear()
    return project_path, picture


def write_report(project: QgsProject, extent: QgsRectangle, out: Path) -> Path:
    """out/report.html: one map per result (its own layers over the 행정동 outline), rendered by QGIS,
    with links to the HTML reports the algorithms wrote, for an official who does not open QGIS."""
    maps = out / "maps"
    maps.mkdir(exist_ok=True)
    outline = [node.layer() for node in project.layerTreeRoot().findLayers() if node.layer().name() == "admin_dongs"]
    sections = []
    for group in project.layerTreeRoot().children():
        if group.name() == "gimpo_sample_city":
            continue
        layers = [n.layer() for n in (group.findLayers() if isinstance(group, QgsLayerTreeGroup) else [group])]
        layers = [layer for layer in layers if layer is not None and layer.isSpatial()]
        if not layers:
            continue
        picture = maps / f"{group.name()}.png"
        render(project, extent, picture, QSize(1000, 760), outline[:1] + layers)
        names = ", ".join(layer.name() for layer in layers)
        sections.append(
            f'<section><h2>{html.escape(group.name())}</h2><p class="muted">{html.escape(names)}</p>'
            f'<img src="maps/{picture.name}" alt="{html.escape(group.name())}"></section>'
        )
    pages = sorted(p for p in out.rglob("*.html") if p.name != "report.html")
    links = "".join(
        f'<li><a href="{p.relative_to(out)}">{html.escape(str(p.relative_to(out)))}</a></li>' for p in pages[:60]
    )
    report = out / "report.html"
    report.write_text(
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>김포시 GIS 데모 보고서</title>"
        "<style>body{font-family:NanumGothic,sans-serif;margin:2em;max-width:1100px}img{width:100%;"
        "border:1px solid #ccc}.muted{color:#666}</style></head><body>"
        "<h1>김포시 GIS 데모 보고서 (Gimpo GIS demo report)</h1>"
        "<p>표본 도시에서 플러그인의 모든 처리 결과를 QGIS가 그린 지도 (every result of the demo, drawn by QGIS). "
        "Open <code>gimpo_demo.qgz</code> in QGIS for the layers themselves.</p>"
        + "".join(sections)
        + f"<h2>보고서 (reports written by the algorithms)</h2><ul>{links}</ul></body></html>",
        encoding="utf-8",
    )
    return report


def render(project: QgsProject, extent: QgsRectangle, path: Path, size: QSize, layers: list | None = None) -> None:
    """Draw ``layers`` (the first on top; default: the visible layers of ``project``) into a PNG as QGIS would."""
    visible = layers or [
        node.layer() for node in project.layerTreeRoot().findLayers() if node.isVisible() and node.layer() is not None
    ]
    settings = QgsMapSettings()
    settings.setLayers(visible)
    settings.setDestinationCrs(project.crs())
    settings.setOutputSize(size)
    settings.setBackgroundColor(QColor("white"))
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    if not job.renderedImage().save(str(path)):
        raise RuntimeError(f"could not save {path}")


if __name__ == "__main__":
    import sys

    print(*build_project(Path(sys.argv[1] if len(sys.argv) > 1 else "out")))
