"""The ``gimpo`` Processing provider.

The algorithms are listed here, by module and class (:data:`ALGORITHMS`), and the models are the
``.model3`` files shipped with the plugin. An algorithm whose module fails to import is never dropped
without a word: the provider loads the others, and says which module failed and why in a critical
message (printed by qgis_process, shown in the desktop's log; ``GimpoProvider.load_errors`` keeps them for
the plugin's message bar), because an algorithm that silently vanishes from the toolbox breaks every model
and batch recipe that names it, far from the cause. A test checks that the list names every module.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from collections.abc import Iterator

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProcessingModelAlgorithm, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core.paths import models_dir, resource
from ..dependencies import missing_dependencies, missing_dependencies_message
from ..i18n import tr

with warnings.catch_warnings():  # geopandas imports shapely.geos, deprecated: see load_algorithm_class
    warnings.simplefilter("ignore", DeprecationWarning)
    from . import algorithms
    from .base import GimpoAlgorithm

LOG_TAG = "Gimpo GIS"
# (module of gimpo_gis_plugin.processing.algorithms, class): every algorithm of the provider.
ALGORITHMS: tuple[tuple[str, str], ...] = (
    ("create_sample_city", "CreateSampleCity"),
    ("link_tax_ledger", "LinkTaxLedger"),
    ("heatmap", "Heatmap"),
    ("statistical_map", "StatisticalMap"),
    ("policy_map", "PolicyMap"),
    ("permit_check", "PermitCheck"),
    ("cctv_coverage", "CctvCoverage"),
    ("excavation_impact", "ExcavationImpact"),
    ("clearance_check", "ClearanceCheck"),
    ("facility_aging", "FacilityAging"),
    ("valve_isolation", "ValveIsolation"),
    ("incident_cameras", "IncidentCameras"),
    ("ledger_change", "LedgerChange"),
    ("field_survey", "ExportFieldSurvey"),
    ("field_survey", "ImportFieldSurvey"),
    ("publish_web_map", "PublishWebMap"),
    ("load_topo_map", "LoadTopoMap"),
    ("publish_to_database", "PublishToDatabase"),
)


# The models' ids stay their English file names (batch recipes and tests run gimpo:annual_tax_audit); the
# toolbox and the Model Designer's run dialog show these Korean titles (source strings, see i18n.py).
MODEL_TITLES = {
    "annual_tax_audit": "연간 재산세 과세자료 점검",
    "permit_desk_day": "인허가 창구 하루",
    "dig_safety_check": "굴착 안전 점검",
    "safety_review": "안전 점검 (민원·CCTV)",
}
MODEL_CONTEXT = "GimpoModels"


class GimpoModel(QgsProcessingModelAlgorithm):
    """A shipped model with a Korean display name and group (QGIS shows a model's name, its id, otherwise)."""

    def displayName(self) -> str:  # noqa: N802 - QGIS API name
        title = MODEL_TITLES.get(self.name())
        return QCoreApplication.translate(MODEL_CONTEXT, title) if title else super().displayName()

    def group(self) -> str:
        return QCoreApplication.translate(MODEL_CONTEXT, super().group())

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API name
        """Run the chain; then only the layers of the model's own outputs stay to be loaded on the map (each
        step hands its result layers to the context, intermediate ones included, as a dialog run needs)."""
        results = super().processAlgorithm(parameters, context, feedback)
        finals = [str(value) for key, value in results.items() if ":" in key and isinstance(value, str) and value]
        keep = {
            source: details
            for source, details in context.layersToLoadOnCompletion().items()
            if any(source == final or source.startswith(final + "|") for final in finals)
        }
        context.setLayersToLoadOnCompletion(keep)
        return results

    def createInstance(self) -> GimpoModel:  # noqa: N802 - QGIS API name
        copy = GimpoModel()
        copy.loadVariant(self.toVariant())
        copy.setSourceFilePath(self.sourceFilePath())
        return copy


class AlgorithmLoadError(RuntimeError):
    """An algorithm of :data:`ALGORITHMS` cannot be loaded; the message names the module and the cause."""


def algorithm_classes(listing: tuple[tuple[str, str], ...] = ALGORITHMS) -> Iterator[type[GimpoAlgorithm]]:
    """The listed algorithm classes, in order; AlgorithmLoadError for the first that cannot be loaded."""
    for module_name, class_name in listing:
        yield load_algorithm_class(module_name, class_name)


def load_algorithm_class(module_name: str, class_name: str) -> type[GimpoAlgorithm]:
    """One listed algorithm class, or AlgorithmLoadError naming the module and the cause."""
    name = f"{algorithms.__name__}.{module_name}"
    try:
        # __import__, not importlib: QGIS tracks a plugin's modules through the builtin import hook
        # and purges them on unload; a module it did not see would survive a reload, stale.
        # Third-party packages deprecate their own internals (geopandas imports shapely.geos): the
        # warnings they give while loading say nothing to a planner and are kept off stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            __import__(name)
        cls = getattr(sys.modules[name], class_name)
    except Exception as exc:  # an import error, a syntax error, a missing class: all mean "broken"
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        raise AlgorithmLoadError(
            f"김포 GIS: 알고리즘 모듈 {module_name}을(를) 불러올 수 없어 도구상자에 알고리즘을 올리지 않았습니다. "
            f"Algorithm module {module_name} failed to load: {detail}"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, GimpoAlgorithm) and cls.ALGORITHM_ID):
        raise AlgorithmLoadError(f"{name}.{class_name} is not a GimpoAlgorithm with an ALGORITHM_ID.")
    return cls


class GimpoProvider(QgsProcessingProvider):
    def __init__(self) -> None:
        super().__init__()
        self.load_errors: list[str] = []  # the algorithms that could not be loaded, and why (also logged)

    def id(self) -> str:
        return "gimpo"

    def name(self) -> str:
        return tr("김포 GIS")

    def longName(self) -> str:  # noqa: N802 - QGIS API name
        return tr("김포 GIS: 재산세 과세자료, 인허가, 시설물, 지도")

    def icon(self) -> QIcon:
        return QIcon(str(resource("icons", "gimpo.svg")))

    def loadAlgorithms(self) -> None:  # noqa: N802 - QGIS API name
        missing = missing_dependencies()
        if missing:
            QgsMessageLog.logMessage(missing_dependencies_message(missing), LOG_TAG, Qgis.MessageLevel.Critical)
            return
        self.load_errors = []
        for module_name, class_name in ALGORITHMS:
            try:
                cls = load_algorithm_class(module_name, class_name)
            except AlgorithmLoadError as exc:
                self.load_errors.append(str(exc))
                QgsMessageLog.logMessage(str(exc), LOG_TAG, Qgis.MessageLevel.Critical)
                continue
            self.addAlgorithm(cls())
        registry = QgsApplication.processingRegistry()
        if registry.providerById(self.id()) is not self:
            # The models chain this provider's algorithms, which the registry can only find once the
            # provider is registered (it is not yet while QGIS first loads it): load them right after.
            registry.providerAdded.connect(self._reload_once_registered)
            return
        for model_file in sorted(models_dir().glob("*.model3")):
            model = GimpoModel()
            if model.fromFile(str(model_file)):
                self.addAlgorithm(model)
            else:
                QgsMessageLog.logMessage(
                    f"모델 {model_file.name}을(를) 읽을 수 없습니다. Model {model_file.name} could not be read",
                    LOG_TAG,
                    Qgis.MessageLevel.Critical,
                )

    def _reload_once_registered(self, provider_id: str) -> None:
        if provider_id != self.id():
            return
        QgsApplication.processingRegistry().providerAdded.disconnect(self._reload_once_registered)
        self.refreshAlgorithms()
