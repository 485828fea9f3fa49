"""One year-over-year run: two ledgers (and optionally the two cadastral snapshots, the 행정동 boundaries
and the two worklists) in; the layers a tax officer opens out.

Stages, in order: place each year's rows (:mod:`.placement`) → parcel lineage between the snapshots
(:mod:`core.lineage`) → objects and their change class (:mod:`.change`) → per 법정동 / 행정동
(:mod:`.areas`) → findings over time (:mod:`.findings_over_time`). Every ledger row of both years is in
``change_rows`` exactly once: with its object's class, or as ``unplaced`` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..lineage import parcel_lineage
from ..privacy import mask_name
from ..progress import SILENT, Progress
from ..tax_linkage.address import AddressResolver
from .areas import change_by_admin_dong, change_by_area, change_style, headline
from .change import CLASS_LABELS, ledger_change
from .findings_over_time import findings_over_time
from .placement import place_rows

UNPLACED = "unplaced"


@dataclass
class YearOverYear:
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]
    styles: dict[str, str]
    headline: list[str]
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def compare_years(
    before: pd.DataFrame,
    after: pd.DataFrame,
    parcels_before: gpd.GeoDataFrame | None = None,
    parcels_after: gpd.GeoDataFrame | None = None,
    admin_dongs: gpd.GeoDataFrame | None = None,
    worklist_before: pd.DataFrame | None = None,
    worklist_after: gpd.GeoDataFrame | None = None,
    show_personal_data: bool = False,
    progress: Progress = SILENT,
) -> YearOverYear:
    """``before`` / ``after``: the rows of :func:`core.tax_linkage.read_ledger` for each year."""
    if (parcels_before is None) != (parcels_after is None):
        raise InputError(
            "필지 계보에는 두 해의 연속지적도가 모두 필요합니다: 이전 연도와 올해 필지 레이어를 함께 지정하세요."
        )
    resolver = AddressResolver()
    placed_before, unplaced_before, warn_before = place_rows(before, resolver, progress)
    placed_after, unplaced_after, warn_after = place_rows(after, resolver, progress)
    progress.set(0.3)
    lineage = None
    if parcels_before is not None:
        lineage = parcel_lineage(parcels_before, parcels_after, progress=progress.sub(0.3, 0.6)).links
    if not show_personal_data:
        for rows in (placed_before, placed_after):
            rows["taxpayer"] = rows["taxpayer"].map(mask_name)
    change = ledger_change(placed_before, placed_after, lineage)
    progress.set(0.75)
    rows = pd.concat(
        [
            change.rows,
            _unplaced(unplaced_before, "before"),
            _unplaced(unplaced_after, "after"),
        ],
        ignore_index=True,
    )
    expected = len(placed_before) + len(unplaced_before) + len(placed_after) + len(unplaced_after)
    if len(rows) != expected:  # pragma: no cover - an engine bug
        raise AssertionError(f"ledger rows lost: {len(rows)} of {expected}")
    rows["class_label"] = rows["class"].map({**CLASS_LABELS, UNPLACED: "위치 미확인"})
    objects = change.objects
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
    styles: dict[str, str] = {}
    by_dong = change_by_area(objects, parcels_after)
    if isinstance(by_dong, gpd.GeoDataFrame):
        layers["change_by_legal_dong"] = by_dong
        styles["change_by_legal_dong"] = change_style(by_dong, label_field="legal_dong_name")
    else:
        layers["change_by_legal_dong_table"] = by_dong
    if admin_dongs is not None and parcels_after is not None:
        by_admin = change_by_admin_dong(objects, parcels_after, admin_dongs, _name_field(admin_dongs))
        layers["change_by_admin_dong"] = by_admin
        styles["change_by_admin_dong"] = change_style(by_admin, label_field=_name_field(admin_dongs))
    layers["change_objects"] = _with_parcel_geometry(objects, parcels_after, parcels_before)
    layers["change_rows"] = rows
    if lineage is not None:
        layers["parcel_lineage"] = lineage
    counts = {
        "rows_before": len(before),
        "rows_after": len(after),
        "objects": len(objects),
        **{f"objects_{c}": int((objects["class"] == c).sum()) for c in CLASS_LABELS},
        "unplaced_rows": len(unplaced_before) + len(unplaced_after),
    }
    if worklist_before is not None and worklist_after is not None:
        current, resolved, over_time = findings_over_time(worklist_before, worklist_after)
        layers["findings"] = current
        layers["findings_resolved"] = resolved
        layers["findings_over_time"] = over_time
        counts.update(
            {f"findings_{s}": int(n) for s, n in zip(over_time["status"], over_time["findings"], strict=True)}
        )
    progress.set(1.0)
    return YearOverYear(layers, styles, headline(by_dong), counts, [*warn_before, *warn_after])


def _unplaced(rows: pd.DataFrame, year: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": year,
            "source_row": rows["source_row"].to_numpy() if "source_row" in rows else np.arange(len(rows)),
            "row_id": rows["row_id"].to_numpy() if "row_id" in rows else None,
            "object_key": None,
            "class": UNPLACED,
            "reason_code": rows["reason_code"].to_numpy(),
            "reason": rows["reason"].to_numpy(),
        }
    )


def _with_parcel_geometry(
    objects: pd.DataFrame, after: gpd.GeoDataFrame | None, before: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Objects on the map at their parcel's inner point (this year's parcel, else last year's)."""
    if after is None:
        return objects
    where = pd.concat(
        [
            gpd.GeoSeries(after.geometry.representative_point().to_numpy(), index=after["PNU"].astype(str)),
            gpd.GeoSeries(before.geometry.representative_point().to_numpy(), index=before["PNU"].astype(str)),
        ]
    )
    where = where[~where.index.duplicated()]
    geometry = objects["pnu"].astype(str).map(where)
    return gpd.GeoDataFrame(objects, geometry=gpd.GeoSeries(geometry.to_numpy(), crs=after.crs), crs=after.crs)


def _name_field(admin_dongs: gpd.GeoDataFrame) -> str:
    for candidate in ("adm_nm", "admin_dong_name", "ADM_NM", "name"):
        if candidate in admin_dongs.columns:
            return candidate
    raise InputError("행정동 레이어에 이름 필드(adm_nm, admin_dong_name)가 없습니다: 행정동 경계 레이어를 지정하세요.")
