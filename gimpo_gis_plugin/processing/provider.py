"""The ``gimpo`` Processing provider.

Algorithms are discovered from the modules of :mod:`gimpo_gis_plugin.processing.algorithms` (each
defines one :class:`GimpoAlgorithm` subclass), and models from the ``.model3`` files shipped with the
plugin, so adding an algorithm never means editing a central list.
"""

from __future__ import annotations

import inspect
import pkgutil
import sys
from collections.abc import Iterator

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProcessingModelAlgorithm, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..core.paths import models_dir, resource
from ..dependencies import missing_dependencies, missing_dependencies_message
from ..i18n import tr
from . import algorithms
from .base import GimpoAlgorithm

LOG_TAG = "Gimpo GIS"


def algorithm_classes() -> Iterator[type[GimpoAlgorithm]]:
    """Every GimpoAlgorithm subclass defined in the algorithms package, in module name order."""
    for info in sorted(pkgutil.iter_modules(algorithms.__path__), key=lambda m: m.name):
        name = f"{algorithms.__name__}.{info.name}"
        try:
            # __import__, not importlib: QGIS tracks a plugin's modules through the builtin import hook
            # and purges them on unload; a module it did not see would survive a reload, stale.
            __import__(name)
            module = sys.modules[name]
        except ImportError as exc:
            QgsMessageLog.logMessage(
                f"Algorithm module {info.name} not loaded: {exc}", LOG_TAG, Qgis.MessageLevel.Critical
            )
            continue
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, GimpoAlgorithm) and obj.__module__ == module.__name__ and obj.ALGORITHM_ID:
                yield obj


class GimpoProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "gimpo"

    def name(self) -> str:
        return tr("Gimpo GIS")

    def longName(self) -> str:  # noqa: N802 - QGIS API name
        return tr("Gimpo GIS: tax ledger, permits, facilities and maps for Gimpo-si")

    def icon(self) -> QIcon:
        return QIcon(str(resource("icons", "gimpo.svg")))

    def loadAlgorithms(self) -> None:  # noqa: N802 - QGIS API name
        missing = missing_dependencies()
        if missing:
            QgsMessageLog.logMessage(missing_dependencies_message(missing), LOG_TAG, Qgis.MessageLevel.Critical)
            return
        for cls in algorithm_classes():
            self.addAlgorithm(cls())
        registry = QgsApplication.processingRegistry()
        if registry.providerById(self.id()) is not self:
            # The models chain this provider's algorithms, which the registry can only find once the
            # provider is registered (it is not yet while QGIS first loads it): load them right after.
            registry.providerAdded.connect(self._reload_once_registered)
            return
        for model_file in sorted(models_dir().glob("*.model3")):
            model = QgsProcessingModelAlgorithm()
            if model.fromFile(str(model_file)):
                self.addAlgorithm(model)
            else:
                QgsMessageLog.logMessage(
                    f"Model {model_file.name} could not be read", LOG_TAG, Qgis.MessageLevel.Warning
                )

    def _reload_once_registered(self, provider_id: str) -> None:
        if provider_id != self.id():
            return
        QgsApplication.processingRegistry().providerAdded.disconnect(self._reload_once_registered)
        self.refreshAlgorithms()
