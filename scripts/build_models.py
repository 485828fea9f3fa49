"""Write the planners' Processing models (processing/*.model3) from code, so that they stay in step with
the algorithms' parameters: a model is data QGIS reads; building it through QGIS's own model API means
QGIS itself checks every child and link. Run `python scripts/build_models.py` after changing an
algorithm's parameters (the tests check that the committed files are what this script writes).

Each model is a chain of the plugin's algorithms (and QGIS's own where that is the right tool); its
results are the declared model outputs, named ``<child>:<OUTPUT>`` as QGIS names them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsProcessing,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)
from qgis.PyQt.QtCore import QPointF

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "processing"
GROUP = "Models (모델)"


def _model(name: str, description: str) -> QgsProcessingModelAlgorithm:
    model = QgsProcessingModelAlgorithm(name, GROUP, "gimpo_models")
    model.setHelpContent({"ALG_DESC": description, "ALG_CREATOR": "Gimpo GIS", "ALG_VERSION": "1"})
    return model


def _input(model: QgsProcessingModelAlgorithm, parameter: QgsProcessingParameterDefinition) -> None:
    component = QgsProcessingModelParameter(parameter.name())
    component.setPosition(QPointF(120 + 220 * len(model.parameterComponents()), 60))
    model.addModelParameter(parameter, component)


def _from_input(name: str) -> list[QgsProcessingModelChildParameterSource]:
    return [QgsProcessingModelChildParameterSource.fromModelParameter(name)]


def _from_child(child: str, output: str) -> list[QgsProcessingModelChildParameterSource]:
    return [QgsProcessingModelChildParameterSource.fromChildOutput(child, output)]


def _value(value: object) -> list[QgsProcessingModelChildParameterSource]:
    return [QgsProcessingModelChildParameterSource.fromStaticValue(value)]


def _child(
    model: QgsProcessingModelAlgorithm,
    child_id: str,
    algorithm: str,
    description: str,
    sources: dict[str, list[QgsProcessingModelChildParameterSource]],
    outputs: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Add a child step; ``outputs`` maps its destination parameters to (model output name, description):
    the model then takes them as ``<child_id>:<name>`` (QGIS's naming), e.g. ``link:linkage=out.gpkg``."""
    child = QgsProcessingModelChildAlgorithm(algorithm)
    child.setChildId(child_id)
    child.setDescription(description)
    step = len(model.childAlgorithms())
    child.setPosition(QPointF(220 + 260 * (step % 4), 220 + 160 * (step // 4)))
    for parameter, source in sources.items():
        child.addParameterSources(parameter, source)
    declared = {}
    for parameter, (name, title) in (outputs or {}).items():
        output = QgsProcessingModelOutput(name, title)
        output.setChildId(child_id)
        output.setChildOutputName(parameter)
        output.setMandatory(False)
        output.setPosition(child.position() + QPointF(0, 80))
        declared[name] = output
    child.setModelOutputs(declared)
    model.addChildAlgorithm(child)


def annual_tax_audit() -> QgsProcessingModelAlgorithm:
    model = _model(
        "annual_tax_audit",
        "연간 재산세 과세자료 점검 (annual tax audit): links the ledger to parcels and buildings, maps the "
        "findings per 법정동 (statistical map) and ranks the 법정동 by the tax at stake in untaxed buildings "
        "(policy map with hot spots).",
    )
    polygon = [QgsProcessing.TypeVectorPolygon]
    _input(model, QgsProcessingParameterFeatureSource("PARCELS", "Parcels (연속지적도)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("BUILDINGS", "Buildings (GIS건물통합정보)", polygon))
    _input(model, QgsProcessingParameterFile("LEDGER", "Property-tax ledger (CSV/XLSX)"))
    _input(model, QgsProcessingParameterFeatureSource("AREAS", "Areas for the maps (법정동 or 행정동)", polygon))
    _child(
        model,
        "link",
        "gimpo:linktaxledger",
        "과세자료 연계 (link the ledger)",
        {"PARCELS": _from_input("PARCELS"), "BUILDINGS": _from_input("BUILDINGS"), "LEDGER": _from_input("LEDGER")},
        {"OUTPUT": ("linkage", "Linkage (과세자료 연계 결과)")},
    )
    _child(
        model,
        "findings_map",
        "gimpo:statisticalmap",
        "발견사항 통계지도 (findings per area)",
        {"INPUT": _from_child("link", "FINDINGS"), "AREAS": _from_input("AREAS"), "STATISTIC": _value(0)},
        {"OUTPUT": ("findings_map", "Findings per area (발견사항 통계지도)")},
    )
    _child(
        model,
        "untaxed",
        "native:extractbyattribute",
        "건축물 과세누락만 (untaxed buildings only)",
        {
            "INPUT": _from_child("link", "FINDINGS"),
            "FIELD": _value("code"),
            "OPERATOR": _value(0),
            "VALUE": _value("BUILDING_NOT_TAXED"),
            "OUTPUT": _value("TEMPORARY_OUTPUT"),
        },
    )
    _child(
        model,
        "untaxed_map",
        "gimpo:statisticalmap",
        "과세누락 추정세액 (tax at stake per area)",
        {
            "INPUT": _from_child("untaxed", "OUTPUT"),
            "AREAS": _from_input("AREAS"),
            "STATISTIC": _value(1),  # sum
            "FIELD": _value("tax_at_stake"),
            "VALUE_NAME": _value("untaxed_tax"),
        },
        {"OUTPUT": ("untaxed_map", "Untaxed buildings per area (과세누락 통계지도)")},
    )
    _child(
        model,
        "policy",
        "gimpo:policymap",
        "과세누락 정책지도 (policy map)",
        {
            "INPUT": _from_child("untaxed_map", "OUTPUT_LAYER"),
            "INDICATORS": _value("untaxed_tax:+:2;n_untaxed_tax:+:1"),
        },
        {
            "OUTPUT": ("policy_map", "Policy map of untaxed buildings (과세누락 정책지도)"),
            "OUTPUT_HTML": ("policy_summary", "Policy map summary (HTML)"),
        },
    )
    return model


def permit_desk_day() -> QgsProcessingModelAlgorithm:
    model = _model(
        "permit_desk_day",
        "인허가 창구 하루 (permit desk day): checks a batch of applications against zoning, overlays, road "
        "access and slope, and writes the verdict layer and one HTML report page per application.",
    )
    polygon = [QgsProcessing.TypeVectorPolygon]
    _input(model, QgsProcessingParameterFeatureSource("APPLICATIONS", "Applications (인허가 신청)"))
    _input(model, QgsProcessingParameterFeatureSource("PARCELS", "Parcels (연속지적도)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("ZONING", "Zoning (용도지역)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("OVERLAYS", "Overlays (규제지역)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("ROADS", "Roads with width_m", [QgsProcessing.TypeVectorLine]))
    _input(model, QgsProcessingParameterRasterLayer("DEM", "DEM (수치표고)", optional=True))
    _input(
        model,
        QgsProcessingParameterNumber(
            "MAX_REPORTS",
            "Report pages at most (검토서 최대 수)",
            QgsProcessingParameterNumber.Type.Integer,
            1000,
            True,
            0,
        ),
    )
    _child(
        model,
        "permits",
        "gimpo:permitcheck",
        "인허가 검토 (permit check)",
        {
            name: _from_input(name)
            for name in ("APPLICATIONS", "PARCELS", "ZONING", "OVERLAYS", "ROADS", "DEM", "MAX_REPORTS")
        },
        {
            "OUTPUT": ("verdicts", "Verdicts (검토 결과)"),
            "REPORT_FOLDER": ("reports", "Report pages (검토서)"),
        },
    )
    return model


def dig_safety_check() -> QgsProcessingModelAlgorithm:
    model = _model(
        "dig_safety_check",
        "굴착 안전 점검 (dig-safety check): for a batch of planned digs, every buried facility within its "
        "3-D safety envelope with a notice per managing agency, and the clearance conflicts of the network.",
    )
    _input(model, QgsProcessingParameterFile("FACILITIES", "Facility store (시설물 GeoPackage)"))
    _input(model, QgsProcessingParameterFeatureSource("DIGS", "Planned digs (굴착 계획)"))
    _input(model, QgsProcessingParameterField("DEPTH_FIELD", "Dig depth field (m)", parentLayerParameterName="DIGS"))
    _input(
        model,
        QgsProcessingParameterField("ID_FIELD", "Dig id field (굴착 ID)", None, "DIGS", optional=True),
    )
    _child(
        model,
        "impact",
        "gimpo:excavationimpact",
        "굴착 영향 시설물 (excavation impact)",
        {
            "FACILITIES": _from_input("FACILITIES"),
            "DIG": _from_input("DIGS"),
            "DEPTH_FIELD": _from_input("DEPTH_FIELD"),
            "ID_FIELD": _from_input("ID_FIELD"),
        },
        {"OUTPUT": ("affected", "Affected facilities (영향 시설물)"), "NOTICES": ("notices", "Notices per agency")},
    )
    _child(
        model,
        "clearance",
        "gimpo:clearancecheck",
        "이격거리 검토 (clearance check)",
        {"FACILITIES": _from_input("FACILITIES")},
        {"OUTPUT": ("conflicts", "Clearance conflicts (이격거리 위반)")},
    )
    return model


def safety_review() -> QgsProcessingModelAlgorithm:
    model = _model(
        "safety_review",
        "안전 점검 (safety review): a heat map of complaints, complaint hot spots on a 250 m grid (Gi*), and "
        "CCTV coverage with the blind spots inside those hot spots and the best sites for new cameras.",
    )
    points = [QgsProcessing.TypeVectorPoint]
    polygon = [QgsProcessing.TypeVectorPolygon]
    _input(model, QgsProcessingParameterFeatureSource("COMPLAINTS", "Complaints (민원)", points))
    _input(model, QgsProcessingParameterFeatureSource("AREA", "City boundary or 행정동", polygon))
    _input(model, QgsProcessingParameterFeatureSource("CAMERAS", "CCTV cameras", points))
    _input(model, QgsProcessingParameterFeatureSource("BUILDINGS", "Buildings (with height)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("CANDIDATES", "Candidate sites (streetlights)", points))
    _child(
        model,
        "heat",
        "gimpo:heatmap",
        "민원 히트맵 (complaints heat map)",
        {
            "INPUT": _from_input("COMPLAINTS"),
            "RADIUS": _value(300),
            "PIXEL_SIZE": _value(10),
            "MASK": _from_input("AREA"),
        },
        {"OUTPUT": ("heatmap", "Complaints heat map (민원 히트맵)")},
    )
    _child(
        model,
        "grid",
        "gimpo:statisticalmap",
        "민원 250 m 격자 (complaints per cell)",
        {
            "INPUT": _from_input("COMPLAINTS"),
            "AREAS": _from_input("AREA"),
            "AREA_KIND": _value(1),
            "CELL_SIZE": _value(250),
            "VALUE_NAME": _value("complaints"),
            "OUTPUT": _value("TEMPORARY_OUTPUT"),
        },
    )
    _child(
        model,
        "hotspots",
        "gimpo:policymap",
        "민원 핫스팟 (Gi* hot spots)",
        {
            "INPUT": _from_child("grid", "OUTPUT_LAYER"),
            "INDICATORS": _value("complaints:+:1"),
            "K": _value(8),
            "OUTPUT": _value("TEMPORARY_OUTPUT"),
            "OUTPUT_HTML": _value("TEMPORARY_OUTPUT"),
        },
    )
    _child(
        model,
        "hot_cells",
        "native:extractbyattribute",
        "유의한 핫스팟 (significant hot spots)",
        {
            "INPUT": _from_child("hotspots", "OUTPUT_LAYER"),
            "FIELD": _value("hotspot"),
            "OPERATOR": _value(2),  # >
            "VALUE": _value("0"),
            "OUTPUT": _value("TEMPORARY_OUTPUT"),
        },
    )
    _child(
        model,
        "coverage",
        "gimpo:cctvcoverage",
        "CCTV 사각지대 (coverage and blind spots)",
        {
            "CAMERAS": _from_input("CAMERAS"),
            "BUILDINGS": _from_input("BUILDINGS"),
            "TARGETS": _from_child("hot_cells", "OUTPUT"),
            "TARGET_ID_FIELD": _value("cell_id"),
            "CANDIDATES": _from_input("CANDIDATES"),
            "NEW_CAMERAS": _value(10),
        },
        {"OUTPUT": ("coverage", "CCTV coverage and blind spots (CCTV 사각지대)")},
    )
    return model


MODELS: list[Callable[[], QgsProcessingModelAlgorithm]] = [
    annual_tax_audit,
    permit_desk_day,
    dig_safety_check,
    safety_review,
]


def build(folder: Path = MODELS_DIR) -> list[Path]:
    """Write every model; needs QGIS with the gimpo provider registered (children are checked)."""
    folder.mkdir(exist_ok=True)
    written = []
    for make in MODELS:
        model = make()
        model.updateDestinationParameters()  # the model outputs become its destination parameters
        path = folder / f"{model.name()}.model3"
        if not model.toFile(str(path)):
            raise RuntimeError(f"could not write {path}")
        written.append(path)
    return written


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.insert(0, str(ROOT))
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    from gimpo_gis_plugin.processing.provider import GimpoProvider

    provider = GimpoProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    for path in build():
        print(path)


if __name__ == "__main__":
    main()
