"""Write the planners' Processing models (processing/*.model3) from code, so that they stay in step with
the algorithms' parameters: a model is data QGIS reads; building it through QGIS's own model API means
QGIS itself checks every child and link. Run `python scripts/build_models.py` after changing an
algorithm's parameters (the tests check that the committed files are what this script writes).

Each model is a chain of the plugin's algorithms (and QGIS's own where that is the right tool); its
results are the declared model outputs, named ``<child>:<OUTPUT>`` as QGIS names them. Every parameter of
a child that the chain does not set gets the algorithm's default as a static value, as the Model Designer
does when a step is added: QGIS validates a child only when each mandatory parameter has a source, and a
child without them shows red in the Designer and fails ``validate()``. The model's id (its name) stays
English, the toolbox shows the Korean title (processing/provider.py MODEL_TITLES).
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
from qgis.PyQt.QtXml import QDomDocument

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "processing"
GROUP = "업무 모델"


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
    _defaults(child, sources)
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


def _defaults(child: QgsProcessingModelChildAlgorithm, sources: dict[str, object]) -> None:
    """The algorithm's default, as a static value, for every input parameter the chain leaves unset."""
    algorithm = QgsApplication.processingRegistry().algorithmById(child.algorithmId())
    if algorithm is None:
        raise RuntimeError(f"{child.algorithmId()} is not registered: cannot build the model")
    for definition in algorithm.parameterDefinitions():
        if definition.name() in sources or definition.isDestination():
            continue
        if definition.defaultValue() is None:
            if not definition.flags() & QgsProcessingParameterDefinition.FlagOptional:
                raise RuntimeError(f"{child.childId()}: mandatory {definition.name()} has no default and no source")
            continue
        child.addParameterSources(definition.name(), _value(definition.defaultValue()))


def annual_tax_audit() -> QgsProcessingModelAlgorithm:
    model = _model(
        "annual_tax_audit",
        "연간 재산세 과세자료 점검: 과세대장을 필지·건물에 잇고, 발견사항을 법정동별 통계지도로 그리며, 건축물 "
        "과세누락의 추정세액으로 법정동의 순위를 매깁니다(핫스팟이 있는 정책지도).",
    )
    polygon = [QgsProcessing.TypeVectorPolygon]
    _input(model, QgsProcessingParameterFeatureSource("PARCELS", "필지 (연속지적도)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("BUILDINGS", "건물 (GIS건물통합정보)", polygon))
    _input(model, QgsProcessingParameterFile("LEDGER", "재산세 과세대장 (CSV/XLSX)"))
    _input(model, QgsProcessingParameterFeatureSource("AREAS", "지도의 지역 (법정동 또는 행정동)", polygon))
    _child(
        model,
        "link",
        "gimpo:linktaxledger",
        "과세자료 연계",
        {"PARCELS": _from_input("PARCELS"), "BUILDINGS": _from_input("BUILDINGS"), "LEDGER": _from_input("LEDGER")},
        {"OUTPUT": ("linkage", "과세자료 연계 결과")},
    )
    _child(
        model,
        "findings_map",
        "gimpo:statisticalmap",
        "발견사항 통계지도",
        {"INPUT": _from_child("link", "FINDINGS"), "AREAS": _from_input("AREAS"), "STATISTIC": _value(0)},
        {"OUTPUT": ("findings_map", "지역별 발견사항 통계지도")},
    )
    _child(
        model,
        "untaxed",
        "native:extractbyattribute",
        "건축물 과세누락만 추리기",
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
        "지역별 과세누락 추정세액",
        {
            "INPUT": _from_child("untaxed", "OUTPUT"),
            "AREAS": _from_input("AREAS"),
            "STATISTIC": _value(1),  # sum
            "FIELD": _value("tax_at_stake"),
            "VALUE_NAME": _value("untaxed_tax"),
        },
        {"OUTPUT": ("untaxed_map", "지역별 과세누락 통계지도")},
    )
    _child(
        model,
        "policy",
        "gimpo:policymap",
        "과세누락 정책지도",
        {
            "INPUT": _from_child("untaxed_map", "OUTPUT_LAYER"),
            "INDICATORS": _value("untaxed_tax:+:2;n_untaxed_tax:+:1"),
        },
        {
            "OUTPUT": ("policy_map", "과세누락 정책지도"),
            "OUTPUT_HTML": ("policy_summary", "정책지도 요약 (HTML)"),
        },
    )
    return model


def permit_desk_day() -> QgsProcessingModelAlgorithm:
    model = _model(
        "permit_desk_day",
        "인허가 창구 하루: 신청 묶음을 용도지역, 중첩 규제, 도로 접도, 경사도와 대조하고 판정 레이어와 신청마다 "
        "HTML 검토서 한 쪽을 씁니다.",
    )
    polygon = [QgsProcessing.TypeVectorPolygon]
    _input(model, QgsProcessingParameterFeatureSource("APPLICATIONS", "인허가 신청"))
    _input(model, QgsProcessingParameterFeatureSource("PARCELS", "필지 (연속지적도)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("ZONING", "용도지역", polygon))
    _input(model, QgsProcessingParameterFeatureSource("OVERLAYS", "중첩 규제 지역", polygon))
    _input(model, QgsProcessingParameterFeatureSource("ROADS", "도로 (width_m 포함)", [QgsProcessing.TypeVectorLine]))
    _input(model, QgsProcessingParameterRasterLayer("DEM", "수치표고모델 DEM", optional=True))
    _input(
        model,
        QgsProcessingParameterNumber(
            "MAX_REPORTS", "검토서 최대 쪽수", QgsProcessingParameterNumber.Type.Integer, 1000, True, 0
        ),
    )
    _child(
        model,
        "permits",
        "gimpo:permitcheck",
        "인허가 검토",
        {
            name: _from_input(name)
            for name in ("APPLICATIONS", "PARCELS", "ZONING", "OVERLAYS", "ROADS", "DEM", "MAX_REPORTS")
        },
        {
            "OUTPUT": ("verdicts", "인허가 검토 판정"),
            "REPORT_FOLDER": ("reports", "검토서 (HTML)"),
        },
    )
    return model


def dig_safety_check() -> QgsProcessingModelAlgorithm:
    model = _model(
        "dig_safety_check",
        "굴착 안전 점검: 계획 굴착 묶음마다 3차원 안전 범위 안의 모든 지하시설물과 관리기관별 통보서, 그리고 관로망의 "
        "이격거리 위반을 찾습니다.",
    )
    _input(model, QgsProcessingParameterFile("FACILITIES", "시설물 저장소 (GeoPackage)"))
    _input(model, QgsProcessingParameterFeatureSource("DIGS", "계획 굴착"))
    _input(model, QgsProcessingParameterField("DEPTH_FIELD", "굴착 깊이 필드 (m)", parentLayerParameterName="DIGS"))
    _input(
        model,
        QgsProcessingParameterField("ID_FIELD", "굴착 ID 필드", None, "DIGS", optional=True),
    )
    _child(
        model,
        "impact",
        "gimpo:excavationimpact",
        "굴착 영향 시설물",
        {
            "FACILITIES": _from_input("FACILITIES"),
            "DIG": _from_input("DIGS"),
            "DEPTH_FIELD": _from_input("DEPTH_FIELD"),
            "ID_FIELD": _from_input("ID_FIELD"),
        },
        {"OUTPUT": ("affected", "굴착 영향 시설물"), "NOTICES": ("notices", "관리기관별 통보서")},
    )
    _child(
        model,
        "clearance",
        "gimpo:clearancecheck",
        "이격거리 검토",
        {"FACILITIES": _from_input("FACILITIES")},
        {"OUTPUT": ("conflicts", "이격거리 위반")},
    )
    return model


def safety_review() -> QgsProcessingModelAlgorithm:
    model = _model(
        "safety_review",
        "안전 점검: 민원 히트맵, 250 m 격자의 민원 핫스팟(Gi*), 그 핫스팟 안의 CCTV 사각지대와 신규 카메라 최적 "
        "위치를 구합니다.",
    )
    points = [QgsProcessing.TypeVectorPoint]
    polygon = [QgsProcessing.TypeVectorPolygon]
    _input(model, QgsProcessingParameterFeatureSource("COMPLAINTS", "민원", points))
    _input(model, QgsProcessingParameterFeatureSource("AREA", "시 경계 또는 행정동", polygon))
    _input(model, QgsProcessingParameterFeatureSource("CAMERAS", "CCTV 카메라", points))
    _input(model, QgsProcessingParameterFeatureSource("BUILDINGS", "건물 (높이 포함)", polygon))
    _input(model, QgsProcessingParameterFeatureSource("CANDIDATES", "신규 카메라 후보 지점 (가로등)", points))
    _child(
        model,
        "heat",
        "gimpo:heatmap",
        "민원 히트맵",
        {
            "INPUT": _from_input("COMPLAINTS"),
            "RADIUS": _value(300),
            "PIXEL_SIZE": _value(10),
            "MASK": _from_input("AREA"),
        },
        {"OUTPUT": ("heatmap", "민원 히트맵")},
    )
    _child(
        model,
        "grid",
        "gimpo:statisticalmap",
        "민원 250 m 격자",
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
        "민원 핫스팟 (Gi*)",
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
        "유의한 핫스팟만 추리기",
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
        "CCTV 사각지대",
        {
            "CAMERAS": _from_input("CAMERAS"),
            "BUILDINGS": _from_input("BUILDINGS"),
            "TARGETS": _from_child("hot_cells", "OUTPUT"),
            "TARGET_ID_FIELD": _value("cell_id"),
            "CANDIDATES": _from_input("CANDIDATES"),
            "NEW_CAMERAS": _value(10),
        },
        {"OUTPUT": ("coverage", "CCTV 감시 범위와 사각지대")},
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
        _write(model, path)
        written.append(path)
    return written


def _write(model: QgsProcessingModelAlgorithm, path: Path) -> None:
    """Write ``model`` as QGIS 3.22 writes it, from any QGIS: the committed files hold on every version.

    QGIS 3.22 has one naming of model outputs, ``<child>:<output>`` (what the demo, the tests and users'
    batch files use). Later QGIS gives a model made in code internal_version Version2, which names outputs
    after their descriptions ("Clearance conflicts (이격거리 위반)" -> clearance_conflicts__); a file
    without that key loads as Version1 with the old names. So the model is reloaded without the key, and
    the file is then stripped of what only later QGIS writes and what it rebuilds on load anyway: the
    version key, an empty output group and order, and the ``_modelChild*`` metadata of the outputs.
    """
    variant = model.toVariant()
    if variant.pop("internal_version", None) is not None and not model.loadVariant(variant):
        raise RuntimeError(f"could not reload model {model.name()}")
    if not model.toFile(str(path)):
        raise RuntimeError(f"could not write {path}")
    document = QDomDocument()
    if not document.setContent(path.read_bytes())[0]:
        raise RuntimeError(f"QGIS wrote a model file it cannot read: {path}")
    if _drop_later_qgis_additions(document.documentElement()):
        path.write_text(document.toString(2), encoding="utf-8")


def _options(element) -> list:
    """The <Option> children of an element that QgsXmlUtils wrote."""
    found, node = [], element.firstChildElement("Option")
    while not node.isNull():
        found.append(node)
        node = node.nextSiblingElement("Option")
    return found


def _drop_later_qgis_additions(root) -> bool:
    """Remove what QGIS > 3.22 adds to a model file (see ``_write``); True if anything was removed."""
    removed = False
    for option in _options(root):
        name = option.attribute("name")
        empty = not _options(option) and option.attribute("value", "") == ""
        if name == "internal_version" or (name in ("outputGroup", "outputOrder") and empty):
            root.removeChild(option)
            removed = True
        elif name == "parameterDefinitions":
            for definition in _options(option):
                for metadata in (o for o in _options(definition) if o.attribute("name") == "metadata"):
                    derived = [e for e in _options(metadata) if e.attribute("name").startswith("_modelChild")]
                    for entry in derived:
                        metadata.removeChild(entry)
                    if derived and not _options(metadata):
                        metadata.removeAttribute("type")  # as 3.22 writes an output's empty metadata
                    removed = removed or bool(derived)
    return removed


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
