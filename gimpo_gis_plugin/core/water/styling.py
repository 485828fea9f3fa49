"""QGIS styles of the shut-off plan: valves to close numbered in red, isolated pipes red, cut-off orange."""

from __future__ import annotations

from .. import styles

STYLES = {
    "valves_to_close": styles.single_symbol(
        styles.Symbol("marker", "#d7191c", "#ffffff", size=3.6), styles.label_field("seq", 10, "#67000d")
    ),
    "valves_not_needed": styles.single_symbol(styles.Symbol("marker", "#bdbdbd", "#636363", size=2.4)),
    "valves_failed": styles.single_symbol(
        styles.Symbol("marker", "#000000", "#d7191c", size=3.2), styles.label_field("valve_id", 8, "#000000")
    ),
    "valves_already_closed": styles.single_symbol(
        styles.Symbol("marker", "#ffffff", "#d7191c", size=3.0), styles.label_field("valve_id", 8, "#67000d")
    ),
    "isolated_pipes": styles.single_symbol(styles.Symbol("line", "#d7191c", width=1.6)),
    "cut_off_pipes": styles.single_symbol(styles.Symbol("line", "#fd8d3c", width=1.2)),
    "buildings_without_water": styles.categorized(
        "cause",
        [
            styles.Category("isolated", "단수 구간", styles.Symbol("fill", "#fb6a4a", "#a50f15", 0.3, opacity=0.7)),
            styles.Category("cut_off", "하류 단수", styles.Symbol("fill", "#fdd0a2", "#d94801", 0.3, opacity=0.7)),
        ],
    ),
    "hydrants_out_of_service": styles.single_symbol(styles.Symbol("marker", "#ffff33", "#d7191c", size=2.8)),
    "breaks": styles.single_symbol(
        styles.Symbol("marker", "#000000", "#ffffff", size=4.2), styles.label_field("break_id", 9)
    ),
}


def plan_styles(layers: dict) -> dict[str, str]:
    """The style of each written spatial layer (buildings drawn as points when no building layer was given)."""
    out = {name: qml for name, qml in STYLES.items() if name in layers}
    buildings = layers.get("buildings_without_water")
    if buildings is not None and len(buildings) and buildings.geom_type.iloc[0] == "Point":
        out["buildings_without_water"] = styles.single_symbol(styles.Symbol("marker", "#fb6a4a", "#a50f15", size=2))
    breaks = layers.get("breaks")
    if breaks is not None and len(breaks) and "Polygon" in breaks.geom_type.iloc[0]:
        out["breaks"] = styles.single_symbol(styles.Symbol("fill", "#000000", "#000000", 0.8, outline_only=True))
    return out
