"""Gimpo GIS plugin (김포시 GIS 기반 지방세·인허가·시설물 업무 지원).

QGIS calls :func:`classFactory`, both in the desktop and inside ``qgis_process``. It must not touch
``iface`` or import GUI modules: headless runs have neither.
"""

from __future__ import annotations


def classFactory(iface):  # noqa: N802 - the name QGIS looks up
    from .plugin import GimpoGisPlugin

    return GimpoGisPlugin(iface)
