"""Write a facility store as a styled GeoPackage: the schema tables, the rejects and the data issues.

Colours follow the usual Korean utility colour code (상수 blue, 하수 brown, 가스 yellow, 전력 red,
통신 green, 난방 orange) so a map reader recognises the networks at a glance.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import styles
from ..geopackage import write_geopackage
from .loader import FacilityStore
from .schema import UNDERGROUND_LAYERS

TYPE_COLORS = {
    "water": "#1f78b4",
    "sewer": "#8c510a",
    "gas": "#e6ab02",
    "power": "#e31a1c",
    "telecom": "#33a02c",
    "heat": "#ff7f00",
    "manhole": "#6a3d9a",
    "valve": "#1f78b4",
}


def layer_styles() -> dict[str, str]:
    """QML per schema table."""
    result = {}
    for name, spec in UNDERGROUND_LAYERS.items():
        color = TYPE_COLORS[spec.facility_type]
        if spec.geometry == "Point":
            symbol = styles.Symbol("marker", color, "#222222", size=1.6 if spec.facility_type == "valve" else 2.0)
        else:
            symbol = styles.Symbol("line", color, width=0.5 if spec.facility_type in ("sewer", "heat") else 0.35)
        result[name] = styles.single_symbol(symbol)
    return result


def write_store(path: str | Path, store: FacilityStore) -> Path:
    """The validated tables plus ``rejects`` and ``data_issues`` (tables), atomically."""
    layers: dict[str, object] = dict(store.layers)
    layers["rejects"] = pd.DataFrame(store.rejects)
    layers["data_issues"] = pd.DataFrame(store.issues)
    all_styles = {name: qml for name, qml in layer_styles().items() if name in layers}
    return write_geopackage(path, layers, all_styles)
