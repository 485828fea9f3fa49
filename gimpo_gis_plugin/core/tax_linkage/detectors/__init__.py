"""Stage 3: one detector per finding kind, each in its own module with its own rule for when it may
speak. A detector reads the :class:`Evidence` (placed rows, unplaced rows, parcels, buildings, options)
and returns its findings: pnu, bld_id, row_id, detail (Korean first), tax_at_stake (an estimate to rank
the work, never "inf": non-finite values become 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import (
    area_mismatch,
    building_not_taxed,
    duplicate_ledger,
    house_without_building,
    parcel_not_taxed,
    pnu_nonstandard,
    unplaced_rows,
    use_mismatch,
)
from .evidence import FINDING_COLUMNS, Evidence

MAX_STAKE = 1e13  # won: beyond any parcel's tax; larger figures come from broken values, never priced

DETECTORS = (
    building_not_taxed,
    parcel_not_taxed,
    pnu_nonstandard,
    area_mismatch,
    use_mismatch,
    duplicate_ledger,
    house_without_building,
    unplaced_rows,
)


def run_detectors(evidence: Evidence) -> pd.DataFrame:
    """Every detector's findings in one frame: code, pnu, bld_id, row_id, detail, tax_at_stake (won)."""
    frames = [frame for detector in DETECTORS for frame in detector.detect(evidence) if len(frame)]
    return combine(frames)


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    columns = ["code", *FINDING_COLUMNS]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "tax_at_stake" else object) for c in columns})
    frame = pd.concat(frames, ignore_index=True)[columns]
    stake = pd.to_numeric(frame["tax_at_stake"], errors="coerce").to_numpy(dtype=float)
    stake[~np.isfinite(stake) | (stake < 0) | (stake > MAX_STAKE)] = 0.0
    frame["tax_at_stake"] = np.round(stake, -1).astype(np.int64)
    return frame


__all__ = ["DETECTORS", "Evidence", "combine", "run_detectors"]
