"""Each year's ledger rows placed on a PNU the way the linkage places them (the same reader, the same
address resolution), so the change compares objects, not spellings.

Rows that cannot be placed (no PNU and an address the resolver cannot read) and rows of kinds not on the
map (선박, 항공기) are kept with their reason: they get a change class of their own (``unplaced``), so every
row of both years still ends in exactly one class.
"""

from __future__ import annotations

import pandas as pd

from ..progress import SILENT, Progress
from ..tax_linkage.address import AddressResolver
from ..tax_linkage.linkage import _ledger_rows as usable_ledger_rows
from ..tax_linkage.placing import resolve_rows


def place_rows(
    ledger: pd.DataFrame, resolver: AddressResolver | None = None, progress: Progress = SILENT
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(placed rows, rows not placed with reason_code/reason, warnings) of one year's ledger rows
    (:func:`core.tax_linkage.read_ledger`'s ``rows``); totals and blank rows are set aside as the linkage does."""
    rows, _excluded = usable_ledger_rows(ledger)
    placed, warnings = resolve_rows(rows, resolver or AddressResolver(), progress)
    ok = (placed["reason_code"].astype(str) == "").to_numpy()
    return placed[ok].copy(), placed[~ok].copy(), warnings
