"""QGIS layer styles (QML) built as text, so the engine can style its outputs without importing qgis.

Graduated and categorized renderers depend on values only known at run time (class breaks, verdicts),
so they are generated here rather than stored as fixed files. The XML follows what QGIS 3.22 itself
writes when a style is saved; QGIS loads it from the GeoPackage ``layer_styles`` table or a sidecar
``.qml`` next to a raster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

QGIS_VERSION = "3.22.16-Białowieża"

# Colour ramps (ColorBrewer-like), light to dark.
YELLOW_ORANGE_RED = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
BLUES = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
DIVERGING_BLUE_RED = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]


@dataclass(frozen=True)
class Symbol:
    """A simple symbol: ``kind`` is "fill", "line" or "marker"; colours are ``#rrggbb`` or ``r,g,b,a``."""

    kind: str
    color: str = "#a6cee3"
    stroke: str = "#333333"
    width: float = 0.26
    size: float = 2.0
    opacity: float = 1.0
    outline_only: bool = False


@dataclass(frozen=True)
class Category:
    value: object
    label: str
    symbol: Symbol


@dataclass(frozen=True)
class Range:
    lower: float
    upper: float
    label: str
    symbol: Symbol


def geometry_kind(geom_type: str) -> str:
    """Symbol kind for a shapely/OGR geometry type name."""
    lowered = geom_type.lower()
    if "polygon" in lowered:
        return "fill"
    if "line" in lowered:
        return "line"
    return "marker"


def _rgba(color: str, opacity: float = 1.0) -> str:
    if color.startswith("#"):
        red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        return f"{red},{green},{blue},{round(255 * opacity)}"
    return color


def _options(values: dict[str, object]) -> str:
    items = "".join(
        f'<Option type="QString" name={quoteattr(key)} value={quoteattr(str(value))}/>' for key, value in values.items()
    )
    return f'<Option type="Map">{items}</Option>'


def _symbol_layer(symbol: Symbol) -> str:
    if symbol.kind == "fill":
        cls = "SimpleFill"
        props = {
            "color": _rgba(symbol.color, symbol.opacity),
            "style": "no" if symbol.outline_only else "solid",
            "outline_color": _rgba(symbol.stroke),
            "outline_style": "solid",
            "outline_width": symbol.width,
            "outline_width_unit": "MM",
            "joinstyle": "bevel",
        }
    elif symbol.kind == "line":
        cls = "SimpleLine"
        props = {
            "line_color": _rgba(symbol.color, symbol.opacity),
            "line_style": "solid",
            "line_width": symbol.width,
            "line_width_unit": "MM",
            "capstyle": "round",
            "joinstyle": "round",
        }
    else:
        cls = "SimpleMarker"
        props = {
            "color": _rgba(symbol.color, symbol.opacity),
            "name": "circle",
            "outline_color": _rgba(symbol.stroke),
            "outline_style": "solid",
            "outline_width": 0.2,
            "outline_width_unit": "MM",
            "size": symbol.size,
            "size_unit": "MM",
        }
    return f'<layer class="{cls}" enabled="1" pass="0" locked="0">{_options(props)}</layer>'


def _symbol(name: str, symbol: Symbol) -> str:
    return (
        f'<symbol type="{symbol.kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f"{_symbol_layer(symbol)}</symbol>"
    )


def _document(renderer: str, extra: str = "") -> str:
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="{QGIS_VERSION}" styleCategories="Symbology|Labeling|Fields|Forms">\n'
        f"{renderer}\n{extra}\n<blendMode>0</blendMode>\n<featureBlendMode>0</featureBlendMode>\n</qgis>\n"
    )


def single_symbol(symbol: Symbol, labels: str = "") -> str:
    """QML of a single-symbol renderer, optionally with the labeling XML from :func:`label_field`."""
    renderer = (
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{_symbol('0', symbol)}</symbols></renderer-v2>"
    )
    return _document(renderer, labels)


def categorized(field: str, categories: Sequence[Category], labels: str = "") -> str:
    """QML of a categorized renderer on ``field``; one symbol per category."""
    cats = "".join(
        f'<category render="true" symbol="{i}" value={quoteattr(str(c.value))} label={quoteattr(c.label)}/>'
        for i, c in enumerate(categories)
    )
    symbols = "".join(_symbol(str(i), c.symbol) for i, c in enumerate(categories))
    renderer = (
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(field)} symbollevels="0" '
        f'enableorderby="0" forceraster="0"><categories>{cats}</categories>'
        f"<symbols>{symbols}</symbols></renderer-v2>"
    )
    return _document(renderer, labels)


def graduated(field: str, ranges: Sequence[Range], method: str = "Jenks", labels: str = "") -> str:
    """QML of a graduated renderer on ``field`` with the given class ranges (already computed)."""
    items = "".join(
        f'<range render="true" symbol="{i}" lower="{r.lower!r}" upper="{r.upper!r}" label={quoteattr(r.label)}/>'
        for i, r in enumerate(ranges)
    )
    symbols = "".join(_symbol(str(i), r.symbol) for i, r in enumerate(ranges))
    renderer = (
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(field)} graduatedMethod="GraduatedColor" '
        f'symbollevels="0" enableorderby="0" forceraster="0"><ranges>{items}</ranges>'
        f"<symbols>{symbols}</symbols><classificationMethod id={quoteattr(method)}/></renderer-v2>"
    )
    return _document(renderer, labels)


def ramp(colors: Sequence[str], count: int) -> list[str]:
    """``count`` colours spread evenly along ``colors`` (no interpolation: picks the nearest stops)."""
    if count <= 1:
        return [colors[-1]]
    return [colors[round(i * (len(colors) - 1) / (count - 1))] for i in range(count)]


def label_field(field: str, size_pt: float = 8.0, color: str = "#202020") -> str:
    """Labeling XML that draws ``field`` with a white buffer (Korean text renders with the Nanum font)."""
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={quoteattr(field)} fontFamily="NanumGothic" fontSize="{size_pt}" '
        f'fontSizeUnit="Point" textColor="{_rgba(color)}" isExpression="0" textOpacity="1">'
        '<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" '
        'bufferOpacity="0.8"/></text-style>'
        '<placement placement="0" dist="0" priority="5"/>'
        '<rendering scaleVisibility="0" obstacle="1" drawLabels="1" upsidedownLabels="0"/>'
        "</settings></labeling>"
    )


def raster_pseudocolor(
    stops: Sequence[tuple[float, str]],
    band: int = 1,
    transparent_zero: bool = True,
    opacity: float = 0.85,
) -> str:
    """QML of a single-band pseudocolour raster style; values at zero drawn transparent."""
    items = "".join(
        f'<item alpha="255" value="{value!r}" label="{value:.4g}" color="{color}"/>' for value, color in stops
    )
    low, high = stops[0][0], stops[-1][0]
    transparency = (
        '<rasterTransparency><singleValuePixelList><pixelListEntry min="0" max="0" '
        'percentTransparent="100"/></singleValuePixelList></rasterTransparency>'
        if transparent_zero
        else "<rasterTransparency/>"
    )
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="{QGIS_VERSION}" styleCategories="AllStyleCategories"><pipe>'
        f'<rasterrenderer type="singlebandpseudocolor" band="{band}" opacity="{opacity}" alphaBand="-1" '
        f'classificationMin="{low!r}" classificationMax="{high!r}" nodataColor="">'
        f"{transparency}"
        "<minMaxOrigin><limits>None</limits><extent>WholeRaster</extent><statAccuracy>Estimated</statAccuracy>"
        "<cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper>"
        "<stdDevFactor>2</stdDevFactor></minMaxOrigin>"
        f'<rastershader><colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0" '
        f'minimumValue="{low!r}" maximumValue="{high!r}">{items}</colorrampshader></rastershader>'
        "</rasterrenderer>"
        '<brightnesscontrast brightness="0" contrast="0" gamma="1"/>'
        '<huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" '
        'colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>'
        '<rasterresampler maxOversampling="2"/></pipe><blendMode>0</blendMode></qgis>\n'
    )
