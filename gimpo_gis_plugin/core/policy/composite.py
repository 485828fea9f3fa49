"""Composite policy score from several indicators of one area layer: direction, weight, normalisation.

Each indicator is normalised (z-score, or min–max to 0..1), turned round when a low value means more
need (direction −), and the weighted mean of them is the score: high score = high priority.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, MissingColumnsError

NORMALISATIONS = ("zscore", "minmax")


@dataclass(frozen=True)
class Indicator:
    field: str
    direction: int = 1  # +1: more is worse (higher priority); −1: more is better
    weight: float = 1.0


def parse_indicators(text: str) -> list[Indicator]:
    """'complaints_rate:+:2; arrears_rate:-:1' (field[:direction[:weight]], ';' or ',' between)."""
    indicators = []
    for part in [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]:
        pieces = [p.strip() for p in part.split(":")]
        field = pieces[0]
        direction = -1 if len(pieces) > 1 and pieces[1] in ("-", "−", "-1") else 1
        if len(pieces) > 1 and pieces[1] not in ("+", "-", "−", "+1", "-1", "1", ""):
            raise InputError(f"Indicator {part!r}: direction must be + or -.", "Write e.g. old_share:+:1.")
        try:
            weight = float(pieces[2]) if len(pieces) > 2 and pieces[2] else 1.0
        except ValueError as exc:
            raise InputError(f"Indicator {part!r}: weight {pieces[2]!r} is not a number.", "Use e.g. 2.") from exc
        if weight < 0:
            raise InputError(f"Indicator {part!r}: weight must not be negative.", "Use 0 to leave it out.")
        indicators.append(Indicator(field, direction, weight))
    if not indicators:
        raise InputError("No indicators given.", "Write e.g. complaints_rate:+:2;arrears_rate:+:1.")
    return indicators


def composite_score(
    frame: pd.DataFrame, indicators: list[Indicator], normalisation: str = "zscore"
) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """(score per row, normalised indicator columns, the indicator table with the statistics used)."""
    if normalisation not in NORMALISATIONS:
        raise InputError(f"Unknown normalisation {normalisation!r}.", f"Use one of: {', '.join(NORMALISATIONS)}.")
    missing = [i.field for i in indicators if i.field not in frame.columns]
    if missing:
        raise MissingColumnsError(
            f"The area layer has no field {', '.join(repr(m) for m in missing)}.",
            f"Available fields: {', '.join(c for c in frame.columns if c != 'geometry')}.",
        )
    total_weight = sum(i.weight for i in indicators)
    if total_weight <= 0:
        raise InputError("Every indicator weight is 0.", "Give at least one indicator a positive weight.")
    normalised = {}
    table = []
    for ind in indicators:
        raw = pd.to_numeric(frame[ind.field], errors="coerce").to_numpy(dtype=float)
        finite = raw[np.isfinite(raw)]
        mean = float(finite.mean()) if finite.size else np.nan
        sd = float(finite.std()) if finite.size else np.nan
        lo = float(finite.min()) if finite.size else np.nan
        hi = float(finite.max()) if finite.size else np.nan
        if normalisation == "zscore":
            norm = (raw - mean) / sd if sd > 0 else np.zeros_like(raw)
        else:
            norm = (raw - lo) / (hi - lo) if hi > lo else np.zeros_like(raw)
            if ind.direction < 0:
                norm = 1.0 - norm
        if normalisation == "zscore" and ind.direction < 0:
            norm = -norm
        norm = np.where(np.isfinite(raw), norm, np.nan)
        normalised[f"n_{ind.field}"] = norm
        table.append(
            {
                "indicator": ind.field,
                "direction": "+" if ind.direction > 0 else "-",
                "weight": ind.weight,
                "weight_share": ind.weight / total_weight,
                "normalisation": normalisation,
                "mean": mean,
                "std": sd,
                "min": lo,
                "max": hi,
                "missing": int((~np.isfinite(raw)).sum()),
                "constant": bool(finite.size and hi == lo),
            }
        )
    norm_frame = pd.DataFrame(normalised, index=frame.index)
    weights = np.array([i.weight for i in indicators]) / total_weight
    score = norm_frame.to_numpy() @ weights  # NaN when any indicator is missing: no silent imputation
    return score, norm_frame, pd.DataFrame(table)
