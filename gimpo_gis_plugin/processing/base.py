"""Base class of the plugin's algorithms: naming, translation, help, and error translation.

Subclasses set the class attributes and implement :meth:`GimpoAlgorithm.execute`. ``processAlgorithm``
turns the engine's own errors into ``QgsProcessingException`` (so ``qgis_process`` exits non-zero with
the engine's message) and hands ``execute`` a :class:`Progress` bound to the feedback.

The hook must not be called ``run``: ``QgsProcessingAlgorithm.run`` is what QGIS's own Python
Processing (``processing.run``, the toolbox's batch and model execution) calls, and a subclass method of
that name would hide it. A subclass that still defines ``run(parameters, context, feedback, progress)``
has it moved to ``execute`` when the class is created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core.errors import CancelledError, GimpoError
from ..core.paths import resource
from ..core.progress import Progress

GROUPS = {
    "data": "Sample data and reference",
    "tax": "Property tax (재산세)",
    "maps": "Heat, statistical and policy maps",
    "permits": "Permit decision support (인허가)",
    "facilities": "Facilities above and below ground (시설물)",
    "database": "Integrated database (통합DB)",
}


def progress_for(feedback: QgsProcessingFeedback | None) -> Progress:
    """A core Progress that reports to Processing feedback (percent, log, cancel)."""
    if feedback is None:
        return Progress()
    return Progress(
        on_fraction=lambda f: feedback.setProgress(100.0 * f),
        is_cancelled=feedback.isCanceled,
        on_info=feedback.pushInfo,
        on_warning=feedback.pushWarning,
    )


class GimpoAlgorithm(QgsProcessingAlgorithm):
    """Common behaviour; subclasses define ALGORITHM_ID, DISPLAY_NAME, GROUP_ID, HELP and run()."""

    ALGORITHM_ID = ""
    DISPLAY_NAME = ""
    GROUP_ID = "data"
    HELP = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "run" in cls.__dict__:  # see the module docstring: never shadow QgsProcessingAlgorithm.run
            cls.execute = cls.__dict__["run"]
            delattr(cls, "run")

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    def createInstance(self) -> GimpoAlgorithm:  # noqa: N802 - QGIS API name
        return type(self)()

    def name(self) -> str:
        return self.ALGORITHM_ID

    def displayName(self) -> str:  # noqa: N802 - QGIS API name
        return self.tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return QCoreApplication.translate("GimpoGroups", GROUPS[self.GROUP_ID])

    def groupId(self) -> str:  # noqa: N802 - QGIS API name
        return self.GROUP_ID

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API name
        return self.tr(self.HELP)

    def icon(self) -> QIcon:
        return QIcon(str(resource("icons", "gimpo.svg")))

    def processAlgorithm(  # noqa: N802 - QGIS API name
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
    ) -> dict[str, Any]:
        try:
            return self.execute(parameters, context, feedback, progress_for(feedback))
        except CancelledError as exc:
            raise QgsProcessingException(self.tr("Cancelled: no output was written.")) from exc
        except GimpoError as exc:
            raise QgsProcessingException(str(exc)) from exc

    def optional_file(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> Path | None:
        """An optional file parameter (a rule table): its path, or None so that the core uses the bundled one."""
        value = self.parameterAsFile(parameters, name, context)
        return Path(value) if value else None

    def optional_number(self, parameters: dict[str, Any], name: str, context: QgsProcessingContext) -> float | None:
        """An optional number: None when left empty (QGIS would read an empty value as 0)."""
        value = parameters.get(name)
        if value is None or str(value).strip() == "":
            return None
        return self.parameterAsDouble(parameters, name, context)

    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        raise NotImplementedError
