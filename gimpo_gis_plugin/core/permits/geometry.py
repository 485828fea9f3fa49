"""Small geometric helpers shared by the checks."""

from __future__ import annotations

import shapely


def polygonal(geometry: shapely.Geometry | None) -> shapely.Geometry | None:
    """The polygonal part of ``geometry`` (make_valid may add lines and points), or None if empty."""
    if geometry is None or geometry.is_empty:
        return None
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return None if merged.is_empty else merged
