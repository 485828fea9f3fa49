"""Parcel inspector engine (필지 조회): what the panel shows for one parcel, without Qt or QGIS.

``InspectorIndex`` holds the linkage output with a spatial index for clicks and PNU indexes for the
ledger, buildings and findings; ``build_statement`` turns one PNU into a ``ParcelStatement``;
``statement_html`` renders it for export. The GUI (``gui/inspector``) only draws what these return.
"""

from .audit import AuditLog
from .export import statement_html, statement_svg_map
from .index import InspectorIndex
from .search import SearchResult, search_parcel
from .statement import ParcelStatement, build_statement

__all__ = [
    "AuditLog",
    "InspectorIndex",
    "ParcelStatement",
    "SearchResult",
    "build_statement",
    "search_parcel",
    "statement_html",
    "statement_svg_map",
]
