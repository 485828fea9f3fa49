"""Assemble out/gimpo_demo.qgz from every GeoPackage layer and GeoTIFF under out/, styled by the styles
saved inside them, and render the project to out/gimpo_demo.png (offscreen, as QGIS draws it).
"""

from __future__ import annotations

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
    if owns_app:
        project.clear()
    return project_path, picture


def render(project: QgsProject, extent: QgsRectangle, path: Path, size: QSize) -> None:
    """Draw the visible layers of ``project`` as QGIS's map canvas would, into a PNG."""
    visible = [
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
