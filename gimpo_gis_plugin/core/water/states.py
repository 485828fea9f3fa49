"""Valve state words as the ledgers write them, read into open/closed and operable yes/no/unknown.

A 제수밸브 ledger says 개폐여부 as 열림/닫힘, 개/폐, 상시개/상시폐, open/closed or a code, and whether the
valve can be turned as Y/N, 가능/불가, or an 이상상태 such as 고장 or 매몰 (buried, cannot be found).
A state nobody recorded is read as *open* (how a network valve normally stands): taking an unknown
valve for closed would shrink the area the plan isolates, taking it for open can only widen it. An
unknown operability is read as operable but reported, so the crew knows to check that valve first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OPEN_WORDS = {"open", "o", "opened", "열림", "개", "개방", "상시개", "상시개방", "열", "1"}
CLOSED_WORDS = {"closed", "close", "c", "닫힘", "폐", "폐쇄", "상시폐", "상시폐쇄", "잠김", "닫", "0"}
OPERABLE_WORDS = {"y", "yes", "true", "t", "1", "가능", "정상", "예", "양호", "o", "operable"}
INOPERABLE_WORDS = {
    "n", "no", "false", "f", "0", "불가", "불능", "조작불가", "고장", "파손", "매몰", "망실", "아니오", "x",
    "inoperable", "broken", "buried", "missing",
}  # fmt: skip


def _normal(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value).strip().lower()
    return text[:-2] if text.endswith(".0") else text  # a code 1 read from Excel as 1.0


def _words(values: pd.Series) -> pd.Series:
    """Each value normalised (the few distinct values once each: a ledger repeats them)."""
    values = pd.Series(values).astype(object)
    distinct = pd.unique(values)
    return values.map(dict(zip(distinct, (_normal(v) for v in distinct), strict=True)))


def valve_closed(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(closed, recognised): unknown and unrecognised words count as open; ``recognised`` says which were read."""
    words = _words(values)
    closed = words.isin(CLOSED_WORDS).to_numpy(dtype=bool)
    opened = words.isin(OPEN_WORDS).to_numpy(dtype=bool)
    return closed, closed | opened


def valve_operable(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(operable, known): unknown words count as operable and come back with ``known`` False."""
    words = _words(values)
    broken = words.isin(INOPERABLE_WORDS).to_numpy(dtype=bool)
    fine = words.isin(OPERABLE_WORDS).to_numpy(dtype=bool)
    return ~broken, broken | fine
