"""A QGIS style (qml.LayerStyle) as MapLibre style layers and a legend, class for class.

Graduated classes follow QGIS's rule lower < x <= upper (the first class includes its lower bound);
categories compare as text (QGIS stores category values as text in the QML). A feature whose value was
withheld (fewer than k events) is drawn in a neutral grey that the legend explains.
"""

from __future__ import annotations

from .qml import LayerStyle, Paint

SUPPRESSED_COLOUR = "#c9c3dc"  # a muted lavender: not the grey QGIS styles use for "no data"
FALLBACK_COLOUR = "#9e9e9e"


def _colour_expression(style: LayerStyle, attribute: str | None, take) -> object:
    classes = style.classes
    if style.renderer == "categorized" and attribute:
        expression: list[object] = ["match", ["to-string", ["get", attribute]]]
        for item in classes:
            expression += [str(item.value), take(item.paint)]
        return [*expression, SUPPRESSED_COLOUR] if classes else SUPPRESSED_COLOUR
    if style.renderer == "graduated" and attribute and classes:
        value = ["to-number", ["get", attribute]]
        expression = ["case", ["!=", ["typeof", ["get", attribute]], "number"], SUPPRESSED_COLOUR]
        ordered = sorted(classes, key=lambda c: c.upper if c.upper is not None else float("inf"))
        for item in ordered[:-1]:
            expression += [["<=", value, item.upper], take(item.paint)]
        return [*expression, take(ordered[-1].paint)]
    return take(classes[0].paint) if classes else FALLBACK_COLOUR


def map_layers(layer_id: str, style: LayerStyle, geometry: str) -> list[dict]:
    """MapLibre layers (fill + outline, line or circle) for one published vector layer."""
    attribute = style.attribute
    first = style.classes[0].paint if style.classes else Paint()
    if geometry == "fill":
        fill = {
            "id": f"{layer_id}-fill", "type": "fill", "source": layer_id,
            "paint": {"fill-color": _colour_expression(style, attribute, lambda p: p.fill),
                      "fill-opacity": 0.0 if first.outline_only else max(first.fill_opacity, 0.05) * 0.85},
        }  # fmt: skip
        outline = {
            "id": f"{layer_id}-line", "type": "line", "source": layer_id,
            "paint": {"line-color": _colour_expression(style, attribute, lambda p: p.stroke),
                      "line-width": first.stroke_width, "line-opacity": first.stroke_opacity},
        }  # fmt: skip
        return [fill, outline]
    if geometry == "line":
        return [{
            "id": f"{layer_id}-line", "type": "line", "source": layer_id,
            "paint": {"line-color": _colour_expression(style, attribute, lambda p: p.stroke),
                      "line-width": first.stroke_width, "line-opacity": first.stroke_opacity},
        }]  # fmt: skip
    return [{
        "id": f"{layer_id}-circle", "type": "circle", "source": layer_id,
        "paint": {"circle-color": _colour_expression(style, attribute, lambda p: p.fill),
                  "circle-radius": first.radius, "circle-stroke-color": first.stroke, "circle-stroke-width": 0.5},
    }]  # fmt: skip


def legend_entries(style: LayerStyle, geometry: str) -> list[dict]:
    """One entry per QGIS class: its label and the colour drawn (fill, or stroke for lines)."""
    entries = []
    for item in style.classes:
        paint = item.paint
        colour = paint.stroke if geometry == "line" or paint.outline_only else paint.fill
        entries.append({"label": item.label, "colour": colour, "outline": paint.stroke, "kind": geometry,
                        "outline_only": paint.outline_only})  # fmt: skip
    return entries
