"""Drive a modal dialog from a test: the next one that opens is answered by a function, never left open.

``answer_next_dialog(handler)`` polls for the application's active modal widget; when one appears it
calls ``handler(dialog)`` (fill fields, accept or reject). A dialog still open after ``timeout_ms`` is
rejected, so a test fails instead of hanging.
"""

from __future__ import annotations

from collections.abc import Callable

from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialog


def answer_next_dialog(handler: Callable[[QDialog], None], timeout_ms: int = 20000) -> dict:
    state = {"seen": None, "waited": 0}

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            state["seen"] = dialog
            try:
                handler(dialog)
            finally:
                if dialog.isVisible():
                    dialog.reject()
            return
        state["waited"] += 20
        if state["waited"] < timeout_ms:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return state
