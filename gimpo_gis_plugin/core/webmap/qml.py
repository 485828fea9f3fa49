"""Read a QGIS style (QML) into legend classes, so the web map draws what QGIS draws.

The plugin's algorithms write their styles with core/styles.py into the GeoPackage ``layer_styles`` table
or a ``.qml`` beside a GeoTIFF; styles saved by QGIS itself have the same shape. Read here: single-symbol,
categorized and graduated vector renderers (simple fill / line / marker colours, outline, opacity, the
label field) and single-band pseudocolour rasters (colour ramp items, interpolated, discrete or exact).
Anything else falls back to one grey class, said in the legend's note.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class Paint:
    """A class's look: colours as ``#rrggbb``, opacities 0..1, widths in CSS pixels."""

    fill: str = "#a6cee3"
    fill_opacity: float = 1.0
    stroke: str = "#333333"
    stroke_opacity: float = 1.0
    stroke_width: float = 1.0
    outline_only: bool = False
    radius: float = 4.0


@dataclass(frozen=True)
class LegendClass:
    label: str
    paint: Paint
    value: object = None  # categorized
    lower: float | None = None  # graduated: lower < x <= upper (the first class includes its lower bound)
    upper: float | None = None


@dataclass
class LayerStyle:
    """``renderer``: single, categorized, graduated, pseudocolor (raster) or fallback."""

    renderer: str
    classes: list[LegendClass] = field(default_factory=list)
    attribute: str | None = None
    label_field: str | None = None
    ramp_type: str = "INTERPOLATED"  # rasters: INTERPOLATED, DISCRETE, EXACT
    opacity: float = 1.0
    note: str = ""


_MM_TO_PX = 96 / 25.4


def _colour(text: str | None) -> tuple[str, float]:
    """QGIS ``r,g,b,a`` (or ``#rrggbb``) as ``#rrggbb`` and an opacity."""
    if not text:
        return "#808080", 1.0
    if text.startswith("#"):
        return text[:7].lower(), 1.0
    parts = [p for p in text.split(",") if p.strip() != ""]
    try:
        red, green, blue = (int(float(p)) for p in parts[:3])
        alpha = int(float(parts[3])) if len(parts) > 3 else 255
    except ValueError:
        return "#808080", 1.0
    return f"#{red:02x}{green:02x}{blue:02x}", round(alpha / 255, 3)


def _symbol_props(symbol: ElementTree.Element) -> tuple[str, dict[str, str]]:
    layer = symbol.find("layer")
    props: dict[str, str] = {}
    if layer is None:
        return "", props
    for option in layer.iter("Option"):
        name, value = option.get("name"), option.get("value")
        if name and value is not None:
            props[name] = value
    for prop in layer.iter("prop"):  # QGIS < 3.26 also writes <prop k= v=>
        props.setdefault(prop.get("k", ""), prop.get("v", ""))
    return layer.get("class", ""), props


def _paint(symbol: ElementTree.Element | None) -> Paint:
    if symbol is None:
        return Paint()
    kind, props = _symbol_props(symbol)
    alpha = float(symbol.get("alpha", "1") or 1)
    width_mm = props.get("outline_width") or props.get("line_width") or "0.26"
    try:
        width = max(0.5, float(width_mm) * _MM_TO_PX)
    except ValueError:
        width = 1.0
    if kind == "SimpleLine":
        colour, opacity = _colour(props.get("line_color"))
        return Paint(fill=colour, fill_opacity=opacity * alpha, stroke=colour, stroke_opacity=opacity * alpha,
                     stroke_width=width)  # fmt: skip
    fill, fill_opacity = _colour(props.get("color"))
    stroke, stroke_opacity = _colour(props.get("outline_color"))
    outline_only = props.get("style") == "no"
    if props.get("outline_style") == "no":
        stroke_opacity = 0.0
    size = props.get("size", "2")
    try:
        radius = max(2.0, float(size) * _MM_TO_PX / 2)
    except ValueError:
        radius = 4.0
    return Paint(fill=fill, fill_opacity=0.0 if outline_only else fill_opacity * alpha, stroke=stroke,
                 stroke_opacity=stroke_opacity * alpha, stroke_width=width, outline_only=outline_only,
                 radius=radius)  # fmt: skip


def _symbols(renderer: ElementTree.Element) -> dict[str, ElementTree.Element]:
    holder = renderer.find("symbols")
    return {s.get("name", ""): s for s in (holder if holder is not None else [])}


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _label_field(root: ElementTree.Element) -> str | None:
    style = root.find("labeling/settings/text-style")
    if style is None or style.get("isExpression") == "1":
        return None
    return style.get("fieldName") or None


def parse_qml(text: str) -> LayerStyle:
    """The legend classes of a QML document (see the module docstring for what is read)."""
    try:
        root = ElementTree.fromstring(text.split("\n", 1)[1] if text.startswith("<!DOCTYPE") else text)
    except (ElementTree.ParseError, IndexError) as exc:
        raise InputError(f"스타일(QML)을 읽을 수 없습니다: {exc}", "QGIS에서 스타일을 다시 저장하세요.") from exc
    raster = root.find("pipe/rasterrenderer")
    if raster is None:
        raster = root.find(".//rasterrenderer")
    if raster is not None:
        return _raster_style(raster)
    renderer = root.find("renderer-v2")
    if renderer is None:
        return LayerStyle("fallback", [LegendClass("", Paint(fill="#9e9e9e"))], note="스타일 없음")
    kind = renderer.get("type", "")
    symbols = _symbols(renderer)
    style = LayerStyle("fallback", label_field=_label_field(root), attribute=renderer.get("attr"))
    if kind == "singleSymbol":
        style.renderer = "single"
        style.classes = [LegendClass("", _paint(symbols.get("0")))]
    elif kind == "categorizedSymbol":
        style.renderer = "categorized"
        for category in renderer.iter("category"):
            if category.get("render", "true") == "false":
                continue
            style.classes.append(
                LegendClass(category.get("label", ""), _paint(symbols.get(category.get("symbol", ""))),
                            value=category.get("value"))
            )  # fmt: skip
    elif kind == "graduatedSymbol":
        style.renderer = "graduated"
        for item in renderer.iter("range"):
            if item.get("render", "true") == "false":
                continue
            style.classes.append(
                LegendClass(item.get("label", ""), _paint(symbols.get(item.get("symbol", ""))),
                            lower=_number(item.get("lower")), upper=_number(item.get("upper")))
            )  # fmt: skip
    else:
        first = next(iter(symbols.values()), None)
        style.classes = [LegendClass("", _paint(first))]
        style.note = f"QGIS 렌더러 '{kind}'는 단일 기호로 그렸습니다"
        style.renderer = "single"
    return style


def _raster_style(raster: ElementTree.Element) -> LayerStyle:
    opacity = _number(raster.get("opacity")) or 1.0
    shader = raster.find(".//colorrampshader")
    if raster.get("type") != "singlebandpseudocolor" or shader is None:
        return LayerStyle("fallback", [LegendClass("", Paint(fill="#9e9e9e"))], opacity=opacity,
                          note=f"래스터 렌더러 '{raster.get('type')}'는 회색 단계로 그렸습니다")  # fmt: skip
    classes = []
    for item in shader.iter("item"):
        colour, alpha = _colour(item.get("color"))
        alpha *= (_number(item.get("alpha")) or 255) / 255 if item.get("alpha") else 1.0
        value = _number(item.get("value"))
        classes.append(LegendClass(item.get("label") or f"{value:g}", Paint(fill=colour, fill_opacity=alpha),
                                   value=value))  # fmt: skip
    return LayerStyle("pseudocolor", classes, ramp_type=shader.get("colorRampType", "INTERPOLATED"), opacity=opacity)


def stored_qml(gpkg: str | Path, layer: str) -> str | None:
    """The default style of ``layer`` in a GeoPackage's ``layer_styles`` table (None: none stored)."""
    try:
        connection = sqlite3.connect(f"file:{Path(gpkg)}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute(
            "SELECT styleQML FROM layer_styles WHERE f_table_name = ? ORDER BY useAsDefault DESC, id DESC LIMIT 1",
            (layer,),
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return row[0] if row and row[0] else None


def sidecar_qml(raster: str | Path) -> str | None:
    """The ``.qml`` beside a raster (QGIS's default style file), None when there is none."""
    path = Path(raster).with_suffix(".qml")
    return path.read_text(encoding="utf-8") if path.is_file() else None
