"""Assemble out/gimpo_demo.qgz from every GeoPackage layer and GeoTIFF under out/, styled by the styles
saved inside them, and render the project to out/gimpo_demo.png (offscreen, as QGIS draws it).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from demo_layer_names import RESULT_PROPERTY, TABLE_PROPERTY, group_title, layer_title, shared_tables
from demo_report import FIGURES, TITLES, busiest_dig, figures_html, first_not_permitted
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
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
# What the project shows when opened: the city's outline, streets and buildings under the tax worklist
# (the heart of the product). Every other result is in the layer tree, collapsed and switched off, one
# tick away: all of them drawn at once hide each other (report.html shows each on its own).
SHOWN_WHEN_OPENED = {
    "gimpo_sample_city": {"admin_dongs", "roads", "buildings"},
    "tax_linkage": {"parcels_tax", "findings"},
}
# The report tells the story in this order (results not listed follow).
STORY = [
    "tax_linkage", "audit_findings_per_legal_dong", "audit_untaxed_per_legal_dong", "audit_untaxed_policy_map",
    "complaints_heatmap", "statistical_map_complaints", "policy_map", "permit_check", "excavation_impact",
    "facility_clearance", "facility_aging", "valve_isolation", "cctv_coverage", "safety_review_cctv_in_hotspots",
]  # fmt: skip
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
    packages = sorted(out.rglob("*.gpkg"))
    shared = shared_tables({gpkg.stem: _layers_of(gpkg) for gpkg in packages})
    for gpkg in packages:
        group: QgsLayerTreeGroup = root.insertGroup(0, group_title(gpkg.stem))
        group.setCustomProperty(RESULT_PROPERTY, gpkg.stem)
        shown = SHOWN_WHEN_OPENED.get(gpkg.stem, set())
        group.setItemVisibilityChecked(bool(shown))
        group.setExpanded(bool(shown))
        for name in _order(_layers_of(gpkg)):
            layer = QgsVectorLayer(f"{gpkg}|layername={name}", layer_title(gpkg.stem, name, shared), "ogr")
            if not layer.isValid():
                continue
            layer.setCustomProperty(RESULT_PROPERTY, gpkg.stem)
            layer.setCustomProperty(TABLE_PROPERTY, name)
            project.addMapLayer(layer, False)
            node = group.insertLayer(0, layer)
            node.setItemVisibilityChecked(name in shown)
            if layer.isSpatial() and layer.featureCount() > 0:
                extent.combineExtentWith(layer.extent())
    for tif in sorted(out.rglob("*.tif")):
        raster = QgsRasterLayer(str(tif), group_title(tif.stem))
        if raster.isValid():
            raster.setCustomProperty(RESULT_PROPERTY, tif.stem)
            project.addMapLayer(raster, False)
            root.insertLayer(0, raster).setItemVisibilityChecked(False)
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
    outline = [n.layer() for n in project.layerTreeRoot().findLayers() if _table(n.layer()) == "admin_dongs"]
    sections: list[str] = []
    order: list[int] = []
    for group in project.layerTreeRoot().children():
        result = _result(group)
        if result == "gimpo_sample_city":
            continue
        layers = [n.layer() for n in (group.findLayers() if isinstance(group, QgsLayerTreeGroup) else [group])]
        layers = [layer for layer in layers if layer is not None and layer.isSpatial()]
        if not layers:
            continue
        picture = maps / f"{result}.png"
        render(project, extent, picture, QSize(1000, 760), outline[:1] + layers)
        names = ", ".join(layer.name() for layer in layers)
        figures = figures_html(FIGURES[result](out)) if result in FIGURES else ""
        sections.append(
            f"<section><h2>{html.escape(TITLES.get(result, result))}</h2>"
            f'<p class="muted">{html.escape(result)}: {html.escape(names)}</p>'
            f'{figures}<img src="maps/{picture.name}" alt="{html.escape(result)}"></section>'
        )
        order.append(STORY.index(result) if result in STORY else len(STORY))
    sections = [section for _, section in sorted(zip(order, sections, strict=True), key=lambda pair: pair[0])]
    sections += close_ups(project, out, maps)
    pages = sorted(p for p in out.rglob("*.html") if p.name != "report.html")
    links = "".join(
        f'<li><a href="{p.relative_to(out)}">{html.escape(str(p.relative_to(out)))}</a></li>' for p in pages[:60]
    )
    report = out / "report.html"
    report.write_text(
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>김포시 GIS 데모 보고서</title>"
        "<style>body{font-family:NanumGothic,sans-serif;margin:2em;max-width:1100px;word-break:keep-all}img{width:100%;"
        "border:1px solid #ccc}.muted{color:#666}table.figures{border-collapse:collapse;margin:.5em 0 1em}"
        "table.figures th{text-align:left;font-weight:normal;padding:2px 1.5em 2px 0}"
        "table.figures td{text-align:right;font-variant-numeric:tabular-nums}</style></head><body>"
        "<h1>김포시 GIS 데모 보고서 (Gimpo GIS demo report)</h1>"
        "<p>표본 도시에서 플러그인의 모든 처리 결과를 QGIS가 그린 지도 (every result of the demo, drawn by QGIS). "
        "Open <code>gimpo_demo.qgz</code> in QGIS for the layers themselves.</p>"
        + "".join(sections)
        + f"<h2>보고서 (reports written by the algorithms)</h2><ul>{links}</ul></body></html>",
        encoding="utf-8",
    )
    return report


def _result(node) -> str:
    """The result (GeoPackage or raster stem) a layer-tree node shows: its property, else its name."""
    found = node.customProperty(RESULT_PROPERTY)
    if not found and hasattr(node, "layer") and node.layer() is not None:
        found = node.layer().customProperty(RESULT_PROPERTY)
    return str(found or node.name())


def _table(layer) -> str:
    """The layer's table name in its GeoPackage (its contract name), whatever it is called in the project."""
    return str(layer.customProperty(TABLE_PROPERTY) or layer.name()) if layer is not None else ""


def _layer(project: QgsProject, group: str, name: str):
    """The layer of table ``name`` in result ``group`` (None when the demo did not write it)."""
    groups = [g for g in project.layerTreeRoot().children() if isinstance(g, QgsLayerTreeGroup)]
    node = next((g for g in groups if _result(g) == group), None)
    if node is None:
        return None
    return next((n.layer() for n in node.findLayers() if _table(n.layer()) == name), None)


def _zoom(layer, expression: str, margin: float = 2.0) -> QgsRectangle | None:
    """The extent of the features matching ``expression``, widened ``margin`` times (at least 300 m)."""
    extent = QgsRectangle()
    for feature in layer.getFeatures(QgsFeatureRequest().setFilterExpression(expression)):
        extent.combineExtentWith(feature.geometry().boundingBox())
    if extent.isNull():
        return None
    extent.scale(margin)
    if extent.width() < 300:
        extent.scale(300 / max(extent.width(), 1e-9))
    return extent


def close_ups(project: QgsProject, out: Path, maps: Path) -> list[str]:
    """One refused permit application and the planned dig that touches most facilities, up close."""
    city = [_layer(project, "gimpo_sample_city", n) for n in ("buildings", "roads", "parcels")]
    city = [layer for layer in city if layer is not None]
    sections = []
    refused = first_not_permitted(out)
    summary = _layer(project, "permit_check", "summary")
    if refused and summary is not None:
        application, reasons = refused
        extent = _zoom(summary, f"\"application_id\" = '{application}'")
        if extent is not None:
            picture = maps / "permit_close_up.png"
            render(project, extent, picture, QSize(900, 700), [summary, *city])
            report = out / "permit_reports" / f"{application}.html"
            link = f' <a href="permit_reports/{report.name}">검토서 (report)</a>' if report.exists() else ""
            sections.append(
                f"<section><h2>인허가 검토 사례: {html.escape(application)} — 불허 (not permitted)</h2>"
                f"<p>{html.escape(reasons)}{link}</p><img src='maps/{picture.name}' alt='{application}'></section>"
            )
    dig = busiest_dig(out)
    digs = _layer(project, "excavation_impact", "digs")
    if dig and digs is not None:
        dig_id, count = dig
        extent = _zoom(digs, f"\"dig_id\" = '{dig_id}'", margin=3.0)
        if extent is not None:
            layers = [_layer(project, "excavation_impact", n) for n in ("affected", "affected_lines")]
            picture = maps / "excavation_close_up.png"
            render(project, extent, picture, QSize(900, 700), [*(x for x in layers if x), digs, *city])
            link = ' <a href="excavation_notices/index.html">통보문 (notices)</a>'
            sections.append(
                f"<section><h2>굴착 영향 사례: {html.escape(dig_id)} — 시설물 {count}건 (facilities affected)</h2>"
                f"<p>굴착 전 관리기관에 통보 (each agency gets its notice before the dig).{link}</p>"
                f"<img src='maps/{picture.name}' alt='{dig_id}'></section>"
            )
    sections += valve_close_up(project, maps, city)
    return sections


VALVE_LAYERS = ("breaks", "valves_to_close", "valves_failed", "hydrants_out_of_service", "isolated_pipes",
                "cut_off_pipes", "buildings_without_water")  # fmt: skip


def valve_close_up(project: QgsProject, maps: Path, city: list) -> list[str]:
    """The reported main break with its shut-off plan: valves to close (numbered), the pipes and buildings
    without water, over the water mains and valves of the store."""
    pipes = _layer(project, "valve_isolation", "isolated_pipes")
    if pipes is None or pipes.featureCount() == 0:
        return []
    extent = _zoom(pipes, "TRUE", margin=3.0)
    layers = [x for x in (_layer(project, "valve_isolation", n) for n in VALVE_LAYERS) if x is not None]
    water = [x for x in (_layer(project, "gimpo_sample_city", n) for n in ("valve_ps", "wtl_pipe_lm")) if x]
    picture = maps / "valve_isolation_close_up.png"
    render(project, extent, picture, QSize(900, 700), [*layers, *water, *city])
    valves = _layer(project, "valve_isolation", "valves_to_close")
    count = valves.featureCount() if valves is not None else 0
    return [
        f"<section><h2>상수관로 파손 사례: 닫을 밸브 {count}개 (valves to close, numbered in order)</h2>"
        "<p>빨간 번호 순서로 밸브를 잠그면 빨간 관로가 단수됩니다 (주황: 함께 단수되는 하류). "
        '<a href="valve_isolation_notice.html">주민 안내문·밸브 조작 순서 (notice)</a></p>'
        f"<img src='maps/{picture.name}' alt='valve isolation'></section>"
    ]


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
