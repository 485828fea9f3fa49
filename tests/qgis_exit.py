"""A pytest plugin: release what a failed test keeps of QGIS before pytest-qgis calls exitQgis().

pytest keeps the last failure's exception for post-mortem debugging (sys.last_value, sys.last_traceback,
and sys.last_exc from Python 3.12), and with it every frame of the failed test and their locals. A
QgsVectorLayer among them then outlives QgsApplication.exitQgis(), which has already shut GDAL down; it
is destroyed when the interpreter exits, closes its GDAL dataset through a released driver and the
process dies (SIGSEGV 139 / SIGABRT 134, measured on QGIS 3.22, 3.40 and 3.44). The run's exit status is
then the crash instead of pytest's 1, and a failing matrix leg looked like a QGIS crash. So: after the
last test, before pytest-qgis's own teardown (this fixture depends on ``qgis_app``, so it is torn down
first), drop those references, collect them, and empty the project, while QGIS is still whole.

Imported by tests/conftest.py; tests/plugin/test_qgis_exit.py runs a failing test in a separate pytest
(``-p tests.qgis_exit``) to show that the exit status stays 1.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def release_qgis_objects_before_exit(qgis_app) -> Iterator[None]:
    yield
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)
    gc.collect()
    if qgis_app is not None:
        from qgis.core import QgsProject

        QgsProject.instance().removeAllMapLayers()
        gc.collect()
