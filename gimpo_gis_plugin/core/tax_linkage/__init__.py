"""Tax-ledger linkage (재산세 과세대장 ↔ 연속지적도 · 건물): joins, findings, worklist, report.

``read_ledger`` reads the office's file; ``link_tax_ledger`` does the joins and findings;
``write_linkage`` writes the styled GeoPackage and the HTML report.
"""

from .address import AddressResolver, Resolution
from .findings import CATALOGUE, FindingKind
from .ledger_table import LedgerTable, read_ledger
from .linkage import LinkageResult, link_tax_ledger
from .options import LinkageOptions

__all__ = [
    "CATALOGUE",
    "AddressResolver",
    "FindingKind",
    "LedgerTable",
    "LinkageOptions",
    "LinkageResult",
    "Resolution",
    "link_tax_ledger",
    "read_ledger",
]
