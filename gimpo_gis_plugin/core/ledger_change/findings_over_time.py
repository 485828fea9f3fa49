"""Last year's worklist against this year's: which findings were resolved, which persist, which are new.

Findings are matched by their key (the kind of finding and the object it is about, :mod:`core.survey.keys`),
so a persisting finding keeps what the office and the field survey already found out about it (check
result, notes, photo, surveyor, time) instead of being checked again from scratch.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ..survey.keys import finding_keys
from ..survey.package import SURVEY_FIELDS

RESOLVED, PERSISTING, NEW = "resolved", "persisting", "new"
STATUS_LABELS = {RESOLVED: "해소됨", PERSISTING: "계속됨", NEW: "새 발견사항"}


def findings_over_time(
    last_year: pd.DataFrame, this_year: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """(this year's findings with ``over_time`` and last year's survey columns carried over, last year's
    resolved findings, counts per status)."""
    previous = last_year.copy()
    previous["finding_key"] = (
        previous["finding_key"] if "finding_key" in previous.columns else finding_keys(previous)
    ).to_numpy()
    current = this_year.copy()
    current["finding_key"] = finding_keys(current).to_numpy()
    known = set(previous["finding_key"])
    current["over_time"] = np.where(current["finding_key"].isin(known), PERSISTING, NEW)
    current["over_time_label"] = current["over_time"].map(STATUS_LABELS)
    carried = [c for c in SURVEY_FIELDS if c in previous.columns]
    if carried:
        last = previous.drop_duplicates("finding_key", keep="last").set_index("finding_key")[carried]
        for column in carried:
            values = current["finding_key"].map(last[column])
            current[column] = values.where(values.notna(), None).to_numpy(dtype=object)
    resolved = previous[~previous["finding_key"].isin(set(current["finding_key"]))].copy()
    resolved["over_time"] = RESOLVED
    resolved["over_time_label"] = STATUS_LABELS[RESOLVED]
    counts = pd.DataFrame(
        {
            "status": [RESOLVED, PERSISTING, NEW],
            "label": [STATUS_LABELS[s] for s in (RESOLVED, PERSISTING, NEW)],
            "findings": [
                len(resolved),
                int((current["over_time"] == PERSISTING).sum()),
                int((current["over_time"] == NEW).sum()),
            ],
        }
    )
    if isinstance(resolved, gpd.GeoDataFrame):
        resolved = pd.DataFrame(resolved.drop(columns=resolved.geometry.name))
    return current, resolved, counts
