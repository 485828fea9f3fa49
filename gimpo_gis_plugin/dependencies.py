"""Check that the plugin's third-party Python packages are importable, and say how to install them.

QGIS does not install plugin dependencies itself; a missing one must give a message that names it and
the command to fix it, not a traceback at plugin load.
"""

from __future__ import annotations

import importlib.util

# import name -> pip requirement (see requirements.txt for the versions that work with QGIS 3.22)
REQUIRED = {
    "geopandas": "geopandas>=1.0,<1.2",
    "shapely": "shapely>=2.1,<2.2",
    "pyogrio": "pyogrio>=0.10,<0.12",
    "rasterio": "rasterio>=1.4,<1.5",
    "pyproj": "pyproj",
    "numpy": "numpy<2",
    "pandas": "pandas>=2,<3",
}


def missing_dependencies() -> list[str]:
    return [name for name in REQUIRED if importlib.util.find_spec(name) is None]


def missing_dependencies_message(missing: list[str]) -> str:
    requirements = " ".join(f"'{REQUIRED[name]}'" for name in missing)
    return (
        f"Gimpo GIS: missing Python package(s): {', '.join(missing)}. Install them into the Python that "
        f"QGIS uses, e.g.: python3 -m pip install --no-binary shapely,pyogrio {requirements} "
        "(on Debian also: apt install python3-pyproj python3-scipy libgeos-dev libgdal-dev). "
        "The plugin's algorithms stay unavailable until then."
    )
