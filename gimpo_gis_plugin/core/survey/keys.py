"""A finding's identity across linkage runs: what kind of finding, about which object.

Row numbers (``finding_id``) change with every run; the kind (code) and the object (PNU, building id,
ledger row id) do not while the discrepancy stands. The key is a short hash of those, so it can be a
text field in a GeoPackage that a field tablet edits, and equal keys in two years' worklists mean the
same open question.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

KEY_PARTS = ("code", "pnu", "bld_id", "row_id")


def finding_keys(findings: pd.DataFrame) -> pd.Series:
    """One 16-character key per finding row (missing parts count as empty)."""
    parts = [
        findings[column].astype("string").fillna("").str.strip()
        if column in findings.columns
        else pd.Series("", index=findings.index, dtype="string")
        for column in KEY_PARTS
    ]
    joined = parts[0].str.cat(parts[1:], sep="|")
    keys = pd.Series(
        [hashlib.sha1(text.encode("utf-8")).hexdigest()[:16] for text in joined.tolist()],
        index=findings.index,
        dtype=object,
    )
    # The same kind of finding twice on one object (rare: no row id): the second is "...#2", in file order.
    repeat = keys.groupby(keys).cumcount().to_numpy()
    if (repeat > 0).any():
        keys = keys.where(repeat == 0, keys + "#" + pd.Series(repeat + 1, index=keys.index).astype(str))
    return pd.Series(np.asarray(keys, dtype=object), index=findings.index, name="finding_key")
