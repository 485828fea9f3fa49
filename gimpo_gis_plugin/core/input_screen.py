"""The record-level half of the shared validation layer: every input record is used, repaired or rejected
with its reason, and the counts are said in Korean.

``crs_sanity`` refuses a whole layer (empty, degrees labelled as metres, outside Korea). This module looks
at the records of a layer the adapter base class has read (``GimpoAlgorithm.read_layer``):

- a record without a geometry (NULL or empty) is rejected: it cannot be placed;
- an invalid geometry (self-intersecting ring, bow-tie) is repaired with ``make_valid`` (what QGIS's
  "Fix geometries" does) and counted; one that stays empty is rejected;
- in a numeric field the algorithm reads (a field parameter of numeric type): text that is no number
  ("넓음") is rejected per record, or the whole layer is refused when no value is a number (a wrong field
  chosen); inf, NaN-as-text and magnitudes beyond 1e15 are rejected; negative values are counted;
- in an id field (a field parameter whose name says ID): a NULL id is rejected, duplicates are counted.

Rejected records go to a table (:data:`REJECT_COLUMNS`) that the adapter writes with the outputs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import InputError

REJECT_COLUMNS = ("input", "row", "field", "value", "reason")
REJECTS_LAYER = "rejected_inputs"  # every input record ends in an output or here, with its reason
_RUN = threading.local()


@contextlib.contextmanager
def collecting_rejects() -> Iterator[None]:
    """Within a run: rejected records are kept until the run's first write (``store.write_layers``), which
    adds them as the ``rejected_inputs`` table to the outputs, whichever module writes them."""
    _RUN.pending, _RUN.written = [], False
    try:
        yield
    finally:
        _RUN.pending, _RUN.written = [], False


def add_rejects(rejects: pd.DataFrame) -> None:
    if len(rejects) and hasattr(_RUN, "pending"):
        _RUN.pending.append(rejects)


def pending_rejects() -> pd.DataFrame | None:
    pending = getattr(_RUN, "pending", [])
    return pd.concat(pending, ignore_index=True) if pending else None


def rejects_written() -> bool:
    return bool(getattr(_RUN, "written", False))


def with_rejects(layers: Mapping[str, pd.DataFrame]) -> Mapping[str, pd.DataFrame]:
    """``layers`` plus the run's rejects table, the first time a run writes (later writes: as given)."""
    rejected = pending_rejects()
    if rejected is None or rejects_written() or REJECTS_LAYER in layers:
        return layers
    _RUN.written = True
    return {**layers, REJECTS_LAYER: rejected}


MAX_MAGNITUDE = 1e15  # beyond any area, amount or length of a city (1e308 is a typing slip or a sentinel)


@dataclass
class Screened:
    frame: pd.DataFrame
    rejects: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _rejects(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(REJECT_COLUMNS))


def screen_records(
    frame: pd.DataFrame,
    label: str,
    numeric_fields: Iterable[str] = (),
    id_fields: Iterable[str] = (),
    geometry_required: bool = True,
) -> Screened:
    """The usable records of ``frame`` (an input named ``label``), the rejected ones and what was done.

    ``geometry_required=False``: records without a geometry are kept (the algorithm places them another
    way); invalid geometries are still repaired."""
    rows: list[dict] = []
    notes: list[str] = []
    keep = pd.Series(True, index=frame.index)

    def reject(mask: pd.Series, column: str, reason: str, values: pd.Series | None = None) -> None:
        for index in mask[mask & keep].index:
            value = "" if values is None else str(values.get(index, ""))[:80]
            rows.append({"input": label, "row": int(frame.index.get_loc(index)) + 1, "field": column,
                         "value": value, "reason": reason})  # fmt: skip
        keep[mask] = False

    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame:
        geometry = frame.geometry
        missing = geometry.isna() | geometry.is_empty
        if not geometry_required:
            missing[:] = False
        if len(frame) and missing.all():
            raise InputError(
                f"{label}: 레이어의 객체 {len(frame)}개 모두 도형이 없습니다(NULL 또는 빈 도형). "
                f"No record of {label} has a geometry.",
                "도형이 있는 레이어를 고르거나, 좌표(도형)를 채운 뒤 다시 실행하세요. "
                "Choose a layer with geometries, or fill them in first.",
            )
        if missing.any():
            reject(missing, frame.geometry.name, "도형 없음 (no geometry)")
            notes.append(f"{label}: 도형이 없는 객체 {int(missing.sum())}개를 제외했습니다(제외 목록에 기록). "
                         f"{int(missing.sum())} record(s) without geometry left out.")  # fmt: skip
        invalid = ~missing & ~geometry.is_valid
        if invalid.any():
            frame = frame.copy()
            frame.loc[invalid, frame.geometry.name] = geometry[invalid].make_valid()
            still_empty = invalid & frame.geometry.is_empty
            reject(still_empty, frame.geometry.name, "도형 복구 불가 (geometry cannot be repaired)")
            notes.append(f"{label}: 잘못된 도형을 고쳤습니다: {int(invalid.sum())}개(자기 교차 등, make_valid). "
                         f"{int(invalid.sum())} invalid geometries repaired.")  # fmt: skip
    for column in (c for c in dict.fromkeys(numeric_fields) if c in frame):
        frame = _screen_numeric(frame, column, label, reject, notes)
    for column in (c for c in dict.fromkeys(id_fields) if c in frame):
        values = frame[column]
        blank = values.isna() | (values.astype(str).str.strip() == "")
        if blank.any():
            reject(blank, column, "ID 없음 (NULL id)")
            notes.append(f"{label}: {column}(ID)이 비어 있는 객체 {int(blank.sum())}개를 제외했습니다. "
                         f"{int(blank.sum())} record(s) without {column} left out.")  # fmt: skip
        duplicated = values.duplicated(keep=False) & ~blank
        if duplicated.any():
            notes.append(f"{label}: {column}(ID)이 중복된 객체가 {int(duplicated.sum())}개 있습니다 "
                         f"({values[duplicated].nunique()}개 값). 결과에서 같은 ID가 여러 번 나옵니다. "
                         f"{int(duplicated.sum())} records share an id.")  # fmt: skip
    kept = frame[keep.to_numpy()] if not keep.all() else frame
    return Screened(kept, _rejects(rows), notes)


def _screen_numeric(frame, column, label, reject, notes):
    values = frame[column]
    numbers = pd.to_numeric(values, errors="coerce")
    if not pd.api.types.is_numeric_dtype(values):
        text = values.notna() & numbers.isna()
        if text.any():
            if numbers.notna().sum() == 0:
                sample = values[text].iloc[0]
                raise InputError(
                    f"{label}: 숫자 필드 {column}에 숫자가 하나도 없습니다(예: '{sample}'). "
                    f"Field {column} of {label} holds no numbers.",
                    "숫자 값이 든 필드를 고르거나 값을 숫자로 고치세요. Choose a numeric field, or correct its values.",
                )
            reject(text, column, "숫자가 아닌 값 (not a number)", values)
            notes.append(f"{label}: {column}에 숫자가 아닌 값이 {int(text.sum())}개 있어 그 객체를 제외했습니다. "
                         f"{int(text.sum())} non-numeric value(s) in {column} left out.")  # fmt: skip
        frame = frame.copy()
        frame[column] = numbers
    absurd = numbers.notna() & (~np.isfinite(numbers.astype(float)) | (numbers.abs() > MAX_MAGNITUDE))
    if absurd.any():
        reject(absurd, column, f"무한대 또는 {MAX_MAGNITUDE:.0e} 초과 (infinite or absurd)", values)
        notes.append(f"{label}: {column}에 무한대이거나 터무니없이 큰 값이 {int(absurd.sum())}개 있어 제외했습니다. "
                     f"{int(absurd.sum())} infinite or absurd value(s) in {column} left out.")  # fmt: skip
    negative = numbers.notna() & (numbers < 0) & ~absurd
    if negative.any():
        notes.append(f"{label}: {column}에 음수 값이 {int(negative.sum())}개 있습니다(그대로 사용). 확인하세요. "
                     f"{int(negative.sum())} negative value(s) in {column}.")  # fmt: skip
    return frame


__all__ = [
    "REJECTS_LAYER",
    "REJECT_COLUMNS",
    "Screened",
    "add_rejects",
    "collecting_rejects",
    "pending_rejects",
    "rejects_written",
    "screen_records",
    "with_rejects",
]
