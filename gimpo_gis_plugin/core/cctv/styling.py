"""QGIS styles of the coverage GeoPackage: views faint, coverage green, blind spots graded red."""

from __future__ import annotations

import numpy as np

from .. import styles
from .coverage import CoverageResult


def coverage_styles(result: CoverageResult) -> dict[str, str]:
    out = {
        "camera_views": styles.categorized(
            "direction",
            [
                styles.Category(
                    "known", "방향 있음 (azimuth known)", styles.Symbol("fill", "#74c476", "#238b45", 0.2, opacity=0.3)
                ),
                styles.Category(
                    "360_assumed",
                    "방향 미상: 360° 가정 (flagged)",
                    styles.Symbol("fill", "#fdae6b", "#e6550d", 0.3, opacity=0.3),
                ),
            ],
        ),
        "coverage": styles.single_symbol(styles.Symbol("fill", "#31a354", "#006d2c", 0.3, opacity=0.35)),
        "target_areas": styles.single_symbol(
            styles.Symbol("fill", "#000000", "#6a51a3", 0.6, outline_only=True), styles.label_field("target_id", 8)
        ),
        "proposed_sites": styles.single_symbol(
            styles.Symbol("marker", "#2171b5", "#ffffff", size=3.2), styles.label_field("rank", 9, "#08306b")
        ),
        "proposed_views": styles.single_symbol(styles.Symbol("fill", "#6baed6", "#2171b5", 0.4, opacity=0.35)),
    }
    weighted = result.blind_spots["weighted_area"].to_numpy(dtype=float) if len(result.blind_spots) else np.array([])
    if weighted.size:
        edges = np.unique(np.quantile(weighted, np.linspace(0, 1, 6)))
        if edges.size < 2:
            edges = np.array([weighted.min(), weighted.max() + 1])
        colors = styles.ramp(styles.YELLOW_ORANGE_RED, edges.size - 1)
        ranges = [
            styles.Range(
                float(lo), float(hi), f"{lo:,.0f} – {hi:,.0f}", styles.Symbol("fill", c, "#7f0000", 0.2, opacity=0.6)
            )
            for lo, hi, c in zip(edges[:-1], edges[1:], colors, strict=True)
        ]
        out["blind_spots"] = styles.graduated("weighted_area", ranges, "Quantile")
    else:
        out["blind_spots"] = styles.single_symbol(styles.Symbol("fill", "#f03b20", "#7f0000", 0.2, opacity=0.6))
    return out
