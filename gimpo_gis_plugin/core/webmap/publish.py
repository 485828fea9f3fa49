"""Publish layers as one static web map folder: index.html, MapLibre, the data scripts, the legend.

The folder is written beside the target and renamed into place at the end, so a failed run leaves no half
web map; a folder that is not an earlier web map of ours is never overwritten.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputError, OutputError
from ..progress import SILENT, Progress
from ..styles import YELLOW_ORANGE_RED, Range, Symbol, graduated, ramp
from . import vendor
from .aggregation import COUNT_FIELD, aggregate_events
from .disclosure import SUPPRESSED_FIELD, CountLayer, protect
from .geojson import bounds_lonlat, label_points, to_feature_collection, write_data_script
from .maplibre_style import SUPPRESSED_COLOUR, legend_entries, map_layers
from .page import write_page
from .personal_data import personal_fields
from .qml import LayerStyle, LegendClass, Paint, parse_qml
from .raster_image import raster_overlay, surface_overlay
from .smoothing import density_from_counts

MARKER = ".gimpo-webmap"
DEFAULT_COUNT_FIELDS = ("count", "complaints", "incidents", "events", "민원", "민원건수", "건수", "사건")


@dataclass
class VectorInput:
    title: str
    frame: gpd.GeoDataFrame
    qml: str | None = None
    source: str = ""


@dataclass
class RasterInput:
    title: str
    path: Path
    qml: str | None = None


@dataclass
class PublishOptions:
    title: str = "김포시 지도"
    k: int = 5
    cell_size: float = 250.0
    heat_radius: float = 500.0
    events_title: str = "민원 (격자 집계)"
    count_fields: tuple[str, ...] = DEFAULT_COUNT_FIELDS
    popup_fields: tuple[str, ...] = ()  # empty: the style's field and the label field only


@dataclass
class PublishedMap:
    index: Path
    layers: list[str] = field(default_factory=list)
    withheld: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _refuse_personal(frame: pd.DataFrame, title: str) -> None:
    found = personal_fields(frame)
    if found:
        listed = ", ".join(f"'{f.field}' ({f.kind}, {f.evidence})" for f in found)
        raise InputError(
            f"레이어 '{title}'에 개인정보 필드가 있어 게시할 수 없습니다: {listed}.",
            "개인정보 필드를 지운 레이어(또는 집계한 레이어)를 주세요. 대민 지도에는 마스킹한 값도 싣지 않습니다.",
        )


def _geometry_kind(frame: gpd.GeoDataFrame) -> str:
    types = set(frame.geometry.dropna().geom_type)
    if any("Polygon" in t for t in types):
        return "fill"
    if any("Line" in t for t in types):
        return "line"
    return "circle"


def _count_fields(frame: pd.DataFrame, names: tuple[str, ...]) -> list[str]:
    """Fields that count events: the given names, and the plugin's own ``n_<indicator>`` event counts."""
    wanted = {n.lower() for n in names}
    return [
        c
        for c in frame.columns
        if (str(c).lower() in wanted or str(c).lower().startswith("n_")) and pd.api.types.is_numeric_dtype(frame[c])
    ]


def _published_fields(frame: pd.DataFrame, style: LayerStyle, options: PublishOptions) -> list[str]:
    """POPUP_FIELDS present in the layer, plus what drawing needs (the style's field, the label field)."""
    chosen = [f for f in options.popup_fields if f in frame.columns]
    for name in (style.attribute, style.label_field):
        if name and name in frame.columns and name not in chosen:
            chosen.append(name)
    return [c for c in chosen if c != frame.geometry.name]


def _is_class_number(values: pd.Series) -> bool:
    """A class or rank (at most 10 distinct whole numbers, e.g. 우선순위 1..5) says nothing about a count."""
    known = pd.to_numeric(values, errors="coerce").dropna()
    return known.nunique() <= 10 and bool((known == known.round()).all())


def _grid_style(cells: gpd.GeoDataFrame, k: int) -> str:
    """A graduated QML (core/styles) on the published counts: quantile classes from k upwards."""
    values = sorted(cells[COUNT_FIELD].tolist())
    if not values:
        return graduated(COUNT_FIELD, [])
    count = min(5, len(set(values)))
    edges = sorted({float(pd.Series(values).quantile(i / count, interpolation="higher")) for i in range(1, count + 1)})
    colours = ramp(YELLOW_ORANGE_RED, len(edges))
    ranges, lower = [], float(k)
    for upper, colour in zip(edges, colours, strict=True):
        ranges.append(Range(lower, upper, f"{lower:,.0f} - {upper:,.0f}건", Symbol("fill", colour, "#7f7f7f", 0.1)))
        lower = upper
    return graduated(COUNT_FIELD, ranges, "Quantile")


def _heat_style(top: float) -> LayerStyle:
    count = len(YELLOW_ORANGE_RED)
    classes = [
        LegendClass(f"{top * i / (count - 1):,.1f}", Paint(fill=colour), value=top * i / (count - 1))
        for i, colour in enumerate(YELLOW_ORANGE_RED)
    ]
    return LayerStyle("pseudocolor", classes, opacity=0.8)


def publish_web_map(
    folder: str | Path,
    vectors: list[VectorInput],
    rasters: list[RasterInput] | None = None,
    events: gpd.GeoDataFrame | None = None,
    options: PublishOptions | None = None,
    progress: Progress = SILENT,
) -> PublishedMap:
    """Write the web map folder (see the package docstring); refuses personal data before writing anything."""
    options = options or PublishOptions()
    rasters = rasters or []
    target = Path(folder)
    if target.exists() and any(target.iterdir()) and not (target / MARKER).exists():
        raise OutputError(
            f"출력 폴더 {target}에 다른 파일이 있어 덮어쓰지 않습니다.", "빈 폴더나 새 폴더 이름을 주세요."
        )
    for item in vectors:
        _refuse_personal(item.frame, item.title)
        if _geometry_kind(item.frame) == "circle":
            raise InputError(
                f"레이어 '{item.title}'는 점 레이어입니다: 점(민원·사건 위치)은 그대로 게시하지 않습니다.",
                "점 자료는 '집계할 사건 점(EVENTS)'으로 주면 격자로 집계해 k건 이상인 칸만 게시합니다.",
            )
    if events is not None:
        _refuse_personal(events.drop(columns=[c for c in events.columns if c != events.geometry.name]), "EVENTS")
    lib = vendor.maplibre_dir()
    progress.info(f"웹 지도 '{options.title}': 레이어 {len(vectors)}개, 래스터 {len(rasters)}개")

    layers: list[dict] = []  # config entries, bottom to top
    count_layers: list[CountLayer] = []
    styled: list[tuple[str, VectorInput, LayerStyle, CountLayer]] = []
    notes: list[str] = []
    for index, item in enumerate(vectors):
        frame = item.frame.reset_index(drop=True).copy()
        style = parse_qml(item.qml) if item.qml else LayerStyle("single", [LegendClass("", Paint())])
        counts = _count_fields(frame, options.count_fields)
        fields = _published_fields(frame, style, options)
        numeric = [c for c in fields if pd.api.types.is_numeric_dtype(frame[c])]
        # A published count, rate or score of a feature with counts gives the count back (a rate times a
        # known population): such a layer takes part in the differencing check with its true counts.
        derivable = any(c in counts or not _is_class_number(frame[c]) for c in numeric)
        layer = CountLayer(f"v{index}", frame, counts, numeric, derivable=derivable)
        count_layers.append(layer)
        styled.append((f"v{index}", item, style, layer))
    grid = None
    if events is not None:
        grid = aggregate_events(events, options.cell_size, options.k)
        grid_layer = CountLayer("events", grid.cells.copy(), [COUNT_FIELD])
        count_layers.append(grid_layer)
    withheld = protect(count_layers, options.k)

    with tempfile.TemporaryDirectory(prefix=".webmap-", dir=target.parent if target.parent.exists() else None) as tmp:
        work = Path(tmp) / "site"
        (work / "data").mkdir(parents=True)
        (work / "lib").mkdir()
        for name in vendor.FILES:
            shutil.copy2(lib / name, work / "lib" / name)
        scripts = []
        frames_for_bounds = []
        for raster_index, item in enumerate(rasters):
            style = parse_qml(item.qml) if item.qml else LayerStyle("fallback", note="스타일 없음")
            overlay = raster_overlay(item.path, style)
            layer_id = f"r{raster_index}"
            write_data_script(work / "data" / f"{layer_id}.js", layer_id, {"image": overlay.data_uri(),
                                                                           "corners": overlay.corners})  # fmt: skip
            scripts.append(f"data/{layer_id}.js")
            layers.append(_raster_entry(layer_id, item.title, style, overlay.corners))
        if grid is not None and not grid.cells.empty:
            surface = density_from_counts(grid.cells, options.heat_radius, options.cell_size / 5)
            if surface is not None:
                import numpy as np

                top = float(np.nanpercentile(surface.values, 99.5))
                style = _heat_style(top)
                overlay = surface_overlay(surface, style)
                write_data_script(work / "data" / "heat.js", "heat", {"image": overlay.data_uri(),
                                                                      "corners": overlay.corners})  # fmt: skip
                scripts.append("data/heat.js")
                entry = _raster_entry("heat", f"{options.events_title} 히트맵 (건/km²)", style, overlay.corners)
                entry["notes"] = [
                    f"{options.k}건 이상인 격자 칸의 집계값으로만 계산 (반경 {options.heat_radius:,.0f} m)"
                ]
                layers.append(entry)
        for layer_id, item, style, layer in styled:
            frame = layer.frame
            fields = _published_fields(frame, style, options)
            kind = _geometry_kind(frame)
            payload = {"geojson": to_feature_collection(frame, fields)}
            if style.label_field and style.label_field in fields:
                payload["labels"] = label_points(frame, style.label_field)
            write_data_script(work / "data" / f"{layer_id}.js", layer_id, payload)
            scripts.append(f"data/{layer_id}.js")
            entry = {"id": layer_id, "title": item.title, "kind": "vector", "geometry": kind,
                     "layers": map_layers(layer_id, style, kind), "legend": legend_entries(style, kind),
                     "fields": fields, "notes": [style.note] if style.note else []}  # fmt: skip
            if layer.count_fields:
                entry["legend"].append(_suppressed_entry(options.k, kind))
                entry["notes"].append(
                    f"{options.k}건 미만이거나 차분으로 알 수 있는 값은 비공개 ({withheld.get(layer_id, 0)}곳)"
                )
            layers.append(entry)
            frames_for_bounds.append(frame)
        if grid is not None:
            cells = grid.cells
            grid_style = parse_qml(_grid_style(cells, options.k))
            write_data_script(work / "data" / "events.js", "events",
                              {"geojson": to_feature_collection(cells, [COUNT_FIELD])})  # fmt: skip
            scripts.append("data/events.js")
            layers.append({"id": "events", "title": f"{options.events_title} ({options.cell_size:,.0f} m 격자)",
                           "kind": "vector", "geometry": "fill", "layers": map_layers("events", grid_style, "fill"),
                           "legend": legend_entries(grid_style, "fill"), "fields": [COUNT_FIELD], "visible": False,
                           "notes": [f"{options.k}건 미만인 칸 {grid.cells_suppressed}곳은 표시하지 않음 "
                                     "(0건과 구별하지 않음)"]})  # fmt: skip
            frames_for_bounds.append(cells)
            notes.append(
                f"사건 {grid.events_read}건 중 {grid.events_suppressed}건이 {options.k}건 미만 칸에 있어 비공개"
            )
        order = {"raster": 0, "vector": 1, "events": 2, "heat": 3}
        layers.sort(key=lambda entry: order.get(entry["id"], order[entry["kind"]]))  # stable: input order kept
        bounds = bounds_lonlat(frames_for_bounds) or _raster_bounds(layers)
        config = {"title": options.title, "k": options.k, "bounds": bounds, "layers": layers}
        (work / "data" / "config.js").write_text(
            "window.GIMPO_MAP = " + json.dumps(config, ensure_ascii=False, indent=1) + ";\n", encoding="utf-8"
        )
        write_page(work, options.title, scripts)
        (work / MARKER).write_text("gimpo:publishwebmap\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(work), str(target))
    progress.set(1.0)
    return PublishedMap(target / "index.html", [entry["title"] for entry in layers], withheld, notes)


def _raster_entry(layer_id: str, title: str, style: LayerStyle, corners: list) -> dict:
    entries = [{"label": c.label, "colour": c.paint.fill, "kind": "ramp"} for c in style.classes]
    return {"id": layer_id, "title": title, "kind": "raster", "corners": corners, "opacity": style.opacity,
            "legend": entries, "notes": [style.note] if style.note else []}  # fmt: skip


def _suppressed_entry(k: int, kind: str) -> dict:
    return {"label": f"비공개 ({k}건 미만)", "colour": SUPPRESSED_COLOUR, "outline": "#9e9e9e", "kind": kind,
            "outline_only": False, "suppressed": True}  # fmt: skip


def _raster_bounds(layers: list[dict]) -> list[float] | None:
    corners = [c for entry in layers if entry.get("corners") for c in entry["corners"]]
    if not corners:
        return None
    lons, lats = [c[0] for c in corners], [c[1] for c in corners]
    return [min(lons), min(lats), max(lons), max(lats)]


__all__ = ["SUPPRESSED_FIELD", "PublishOptions", "PublishedMap", "RasterInput", "VectorInput", "publish_web_map"]
