"""Run by the PyQt6 of a throwaway venv (never inside QGIS): which Qt names and attribute chains fail there.

Reads JSON ``[[module, chain], ...]`` on stdin (module as in ``qgis.PyQt.<module>``, chain such as
``Qt.AlignmentFlag.AlignCenter``) and prints JSON ``[[module, chain, error], ...]`` for those PyQt6 lacks.
QGIS's Qt6 ``qgis.PyQt.QtWidgets`` also offers the classes that moved to QtGui (QGIS 3.44's
qgis/PyQt/QtWidgets.py: QAction, QActionGroup, QShortcut); they are looked up there too.
"""

import importlib
import json
import sys

MOVED_TO_QTGUI = {"QAction", "QActionGroup", "QShortcut"}


def resolve(module_name, chain):
    module = importlib.import_module(f"PyQt6.{module_name}")
    first, *rest = chain.split(".")
    if module_name == "QtWidgets" and first in MOVED_TO_QTGUI:
        module = importlib.import_module("PyQt6.QtGui")
    value = getattr(module, first)
    for part in rest:
        value = getattr(value, part)
    return value


failures = []
for module_name, chain in json.load(sys.stdin):
    try:
        resolve(module_name, chain)
    except (AttributeError, ImportError) as exc:
        failures.append([module_name, chain, f"{type(exc).__name__}: {exc}"])
json.dump(failures, sys.stdout)
