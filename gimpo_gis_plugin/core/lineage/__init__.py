"""Parcel lineage between two cadastral snapshots (연속지적도 of two years), by geometry, not by PNU.

A parcel that was split (분할), merged (합병), renumbered (지번변경, 등록전환), re-surveyed (지적재조사,
등록사항정정) or whose boundary moved against a neighbour (경계조정) keeps its history only in its
geometry: the PNU of a split parcel's remainder is the parent's, the others get new 부번; a merged parcel
keeps one parent's PNU; a renumbered one keeps its shape. :func:`parcel_lineage` overlays the two
snapshots and names each link.
"""

from .lineage import LineageOptions, LineageResult, parcel_lineage

__all__ = ["LineageOptions", "LineageResult", "parcel_lineage"]
