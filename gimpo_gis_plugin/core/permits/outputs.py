"""The permit check's GeoPackage: the summary layer styled by verdict and the findings table."""

from __future__ import annotations

from pathlib import Path

from .. import store, styles
from .engine import VERDICTS, PermitResult

VERDICT_COLORS = {
    "permitted": "#1a9850",
    "conditional": "#f39c12",
    "not_permitted": "#d73027",
    "insufficient_data": "#969696",
}


def summary_style() -> str:
    return styles.categorized(
        "verdict",
        [
            styles.Category(
                v, f"{VERDICTS[v]} ({v})", styles.Symbol("fill", VERDICT_COLORS[v], "#303030", 0.4, opacity=0.8)
            )
            for v in VERDICTS
        ],
        styles.label_field("application_id", 7),
    )


def write_permit_outputs(path: str | Path, result: PermitResult) -> str | Path:
    """Write ``summary`` (polygons; applications without a site have no geometry) and ``findings`` to a
    GeoPackage or a PostgreSQL destination (see core.store)."""
    store.write_layers(
        path,
        {"summary": result.summary, "findings": result.findings},
        {"summary": summary_style()},
        {"summary": f"Permit check verdicts (rules {result.rules_version})"},
    )
    return path
