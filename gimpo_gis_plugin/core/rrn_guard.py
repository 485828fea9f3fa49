"""The writer-level guard: text shaped like a 주민등록번호 is masked in every text field of every output.

``privacy.mask_frame`` masks the columns known to hold personal data (the ledger's taxpayer and resident
number). Officers also type resident numbers into free-text columns (물건소재지, 과세용도, 비고, a dig's
remarks), which no column list foresees. :func:`mask_resident_numbers` is applied by the one writer every
algorithm uses (``store.write_layers``), so no output of any algorithm carries one unless the caller asks
for personal data explicitly.

The shape: six digits that form a date (YYMMDD), an optional dash, a gender/century digit 1-8 and six
digits, not part of a longer number (a 19-digit PNU, a 13-digit phone-and-extension run stay as they are).
The birth date and gender digit stay, as in the city's own masked exports (``900101-1******``).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator

import pandas as pd

_STATE = threading.local()


@contextlib.contextmanager
def personal_data_allowed(allowed: bool = True) -> Iterator[None]:
    """Within the block the writer leaves resident numbers as they are (the user asked for personal data
    explicitly, e.g. link_tax_ledger's SHOW_PERSONAL_DATA, which the caller audits)."""
    previous = getattr(_STATE, "allowed", False)
    _STATE.allowed = allowed
    try:
        yield
    finally:
        _STATE.allowed = previous


def is_personal_data_allowed() -> bool:
    return bool(getattr(_STATE, "allowed", False))


RESIDENT_NUMBER_IN_TEXT = re.compile(
    r"(?<![0-9])([0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))[ ]?[-‐–][ ]?([1-8])[0-9]{6}(?![0-9])"
    r"|(?<![0-9])([0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))([1-8])[0-9]{6}(?![0-9])"
)
_QUICK = re.compile(r"[0-9]{6}")


def _masked(match: re.Match[str]) -> str:
    birth = match.group(1) or match.group(3)
    gender = match.group(2) or match.group(4)
    return f"{birth}-{gender}******"


def mask_text(text: str) -> str:
    """``"소유자 900101-1234567 확인"`` -> ``"소유자 900101-1****** 확인"``."""
    return RESIDENT_NUMBER_IN_TEXT.sub(_masked, text)


def mask_resident_numbers(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``frame`` with every resident-number-shaped text masked, and how many values were changed.

    Only text columns are looked at; the frame is copied only when something is masked.
    """
    changed_total = 0
    result = frame
    for column in frame.columns:
        series = frame[column]
        if column == getattr(frame, "_geometry_column_name", None):
            continue
        if not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        text = series.where(series.map(lambda v: isinstance(v, str)))
        candidates = text.notna() & text.str.contains(_QUICK, na=False)
        if not candidates.any():
            continue
        replaced = text[candidates].map(mask_text)
        changed = replaced != text[candidates]
        if not changed.any():
            continue
        if result is frame:
            result = frame.copy()
        result.loc[replaced.index[changed], column] = replaced[changed]
        changed_total += int(changed.sum())
    return result, changed_total


__all__ = [
    "RESIDENT_NUMBER_IN_TEXT",
    "is_personal_data_allowed",
    "mask_resident_numbers",
    "mask_text",
    "personal_data_allowed",
]
