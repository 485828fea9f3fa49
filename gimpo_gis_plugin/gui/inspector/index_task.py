"""Preparing the inspector index in the background (a QgsTask), so QGIS stays usable meanwhile.

Two cases take time: a linkage GeoPackage opened for the first time (its lookup indexes are added
once, about a second at 200,000 parcels, see :mod:`gimpo_gis_plugin.core.inspector.gpkg_index`) and a
live linkage of the officer's own layers. Both run in QGIS's task manager (progress in the status
bar); the inspector answers the click that was waiting as soon as the task is done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qgis.core import QgsApplication, QgsTask


class IndexTask(QgsTask):
    """Runs ``build()`` off the main thread; ``on_done(task)`` is called on the main thread afterwards."""

    def __init__(self, description: str, key: tuple, build: Callable[[], Any], on_done: Callable) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.key = key
        self._build = build
        self._on_done = on_done
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> bool:
        try:
            self.result = self._build()
        except Exception as error:
            self.error = error
            return False
        return True

    def finished(self, ok: bool) -> None:
        self._on_done(self)


def start(task: IndexTask) -> None:
    QgsApplication.taskManager().addTask(task)
