"""정책지도: composite priority score of areas, priority classes, Gi* hot and cold spots, and an output
that explains itself (method table in the GeoPackage, layer description, HTML summary).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import store, styles
from ..choropleth.classify import classify
from ..errors import InputError
from ..geopackage import atomic_path
from ..progress import SILENT, Progress
from .composite import Indicator, composite_score
from .hotspot import gi_star

LAYER_NAME = "policy_map"
HOT_LABELS = {1: "핫스팟 (hot spot)", -1: "콜드스팟 (cold spot)", 0: "유의하지 않음 (not significant)"}


@dataclass
class PolicyMapOptions:
    indicators: list[Indicator]
    normalisation: str = "zscore"
    priority_classes: int = 5
    neighbourhood: str = "knn"  # knn or distance
    k: int = 8
    distance_m: float = 2000.0
    alpha: float = 0.05
    hotspots: bool = True
    permutations: int = 0  # 0: normal p-values; e.g. 999: pseudo p-values by conditional permutation


@dataclass
class PolicyMap:
    areas: gpd.GeoDataFrame
    indicator_table: pd.DataFrame
    method: dict
    notes: list[str] = field(default_factory=list)


def build_policy_map(areas: gpd.GeoDataFrame, options: PolicyMapOptions, progress: Progress = SILENT) -> PolicyMap:
    if len(areas) == 0:
        raise InputError("The area layer has no features.", "Give a polygon layer with the indicator fields.")
    notes: list[str] = []
    score, normalised, table = composite_score(areas, options.indicators, options.normalisation)
    progress.set(0.3)
    out = areas.copy()
    for column in normalised.columns:
        out[column] = normalised[column].to_numpy()
    out["score"] = score
    valid = np.isfinite(score)
    if (~valid).any():
        notes.append(f"{int((~valid).sum())} areas lack an indicator value: no score, priority 0 (자료 없음).")
    classification = classify(score, "quantile", options.priority_classes)
    notes += classification.notes
    cls = classification.classes_of(score)
    top = classification.count
    out["priority"] = np.where(cls > 0, top + 1 - cls, 0)  # 1 = highest need
    out["priority_label"] = [f"{p}순위" if p > 0 else "자료 없음 (no data)" for p in out["priority"]]
    progress.set(0.5)
    method = {
        "normalisation": options.normalisation,
        "score": "weighted mean of normalised indicators (direction applied); high = high priority",
        "priority": f"quantile classes of the score, {top} classes, 1 = highest",
    }
    out["gi_z"] = np.nan
    out["gi_p"] = np.nan
    out["gi_q"] = np.nan
    out["hotspot"] = 0
    if options.hotspots:
        if valid.sum() < 3:
            raise InputError(
                f"Hot-spot analysis needs at least 3 areas with a score; there are {int(valid.sum())}.",
                "Turn hot-spot analysis off, or use more (smaller) areas.",
            )
        xy = shapely.get_coordinates(shapely.point_on_surface(out.geometry.to_numpy()[valid]))
        hs = gi_star(
            xy,
            score[valid],
            distance=options.distance_m if options.neighbourhood == "distance" else None,
            k=options.k if options.neighbourhood == "knn" else None,
            alpha=options.alpha,
            permutations=options.permutations,
        )
        notes += hs.notes
        out.loc[valid, "gi_z"] = hs.z
        out.loc[valid, "gi_p"] = hs.p
        out.loc[valid, "gi_q"] = hs.q
        out.loc[valid, "hotspot"] = np.where(hs.significant, np.sign(hs.z), 0).astype(int)
        method["hotspot"] = (
            "Getis-Ord Gi* on the score, binary weights incl. self, "
            + (
                f"{options.k} nearest neighbours"
                if options.neighbourhood == "knn"
                else f"{options.distance_m:g} m band"
            )
            + (
                f", two-sided pseudo p from {options.permutations} conditional permutations (seeded)"
                if options.permutations
                else ", two-sided normal p"
            )
            + f", Benjamini-Hochberg FDR q <= {options.alpha:g}"
        )
    out["hotspot"] = out["hotspot"].astype(int)
    out["hotspot_label"] = out["hotspot"].map(HOT_LABELS)
    progress.set(0.8)
    return PolicyMap(out, table, method, notes)


def _style(result: PolicyMap, label_field: str | None) -> str:
    count = int(result.areas["priority"].max()) if len(result.areas) else 0
    colors = list(reversed(styles.ramp(styles.YELLOW_ORANGE_RED, max(count, 1))))  # 1순위 darkest
    categories = [
        styles.Category(p, f"{p}순위", styles.Symbol("fill", colors[p - 1], "#555555", 0.2, opacity=0.85))
        for p in range(1, count + 1)
    ]
    categories.append(styles.Category(0, "자료 없음 (no data)", styles.Symbol("fill", "#dddddd", "#555555", 0.2)))
    return styles.categorized("priority", categories, styles.label_field(label_field, 8) if label_field else "")


def _hotspot_style() -> str:
    return styles.categorized(
        "hotspot",
        [
            styles.Category(1, HOT_LABELS[1], styles.Symbol("fill", "#d7301f", "#7f0000", 0.8, opacity=0.6)),
            styles.Category(-1, HOT_LABELS[-1], styles.Symbol("fill", "#2b8cbe", "#08306b", 0.8, opacity=0.6)),
            styles.Category(0, HOT_LABELS[0], styles.Symbol("fill", "#000000", "#bdbdbd", 0.2, outline_only=True)),
        ],
    )


def write_policy_map(result: PolicyMap, path: str | Path, html_path: str | Path | None = None) -> str | Path:
    """Write the layers to ``path`` (a GeoPackage, or a PostgreSQL destination: see core.store) and the
    HTML summary; the method is the policy_map layer's description (its abstract in QGIS) either way."""
    label_field = next((c for c in ("admin_dong_name", "legal_dong_name") if c in result.areas), None)
    description = summary_text(result)
    method_rows = pd.DataFrame({"key": list(result.method), "value": [str(v) for v in result.method.values()]})
    hot = result.areas[["hotspot", "hotspot_label", "gi_z", "gi_p", "gi_q", result.areas.geometry.name]]
    store.write_layers(
        path,
        {
            LAYER_NAME: result.areas,
            "hotspots": gpd.GeoDataFrame(hot, geometry=result.areas.geometry.name, crs=result.areas.crs),
            "policy_indicators": result.indicator_table,
            "policy_method": method_rows,
        },
        {LAYER_NAME: _style(result, label_field), "hotspots": _hotspot_style()},
        {LAYER_NAME: description},
    )
    if html_path:
        with atomic_path(Path(html_path), ".html") as tmp:
            tmp.write_text(summary_html(result), encoding="utf-8")
    return path


def summary_text(result: PolicyMap) -> str:
    parts = [f"{row.indicator} ({row.direction}, weight {row.weight:g})" for row in result.indicator_table.itertuples()]
    return "정책지도 policy map: " + "; ".join(parts) + ". " + json.dumps(result.method, ensure_ascii=False)


def summary_html(result: PolicyMap) -> str:
    areas = result.areas
    name = next((c for c in ("admin_dong_name", "legal_dong_name", "cell_id") if c in areas), None)
    top = areas.sort_values("score", ascending=False).head(10)
    rows = "".join(
        f"<tr><td>{html.escape(str(r[name]) if name else str(i))}</td><td>{r['score']:.3f}</td>"
        f"<td>{int(r['priority'])}</td><td>{r['gi_z']:.2f}</td><td>{r['gi_q']:.3g}</td>"
        f"<td>{html.escape(str(r['hotspot_label']))}</td></tr>"
        for i, r in top.iterrows()
    )
    indicators = result.indicator_table.to_html(index=False, float_format=lambda v: f"{v:.4g}")
    method = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(str(v))}</li>" for k, v in result.method.items())
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes) or "<li>없음 (none)</li>"
    counts = areas["hotspot_label"].value_counts().to_dict()
    hot = ", ".join(f"{html.escape(k)}: {v}" for k, v in counts.items())
    return (
        "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>정책지도 요약</title>"
        "<style>body{font-family:NanumGothic,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:3px 8px}</style></head><body>"
        f"<h1>정책지도 요약 (policy map summary)</h1><p>{len(areas)} areas. {hot}</p>"
        f"<h2>지표 (indicators)</h2>{indicators}<h2>방법 (method)</h2><ul>{method}</ul>"
        "<h2>우선순위 상위 10 (top 10 by score)</h2><table><tr><th>area</th><th>score</th><th>priority</th>"
        f"<th>Gi* z</th><th>FDR q</th><th>hot spot</th></tr>{rows}</table>"
        f"<h2>참고 (notes)</h2><ul>{notes}</ul></body></html>"
    )
