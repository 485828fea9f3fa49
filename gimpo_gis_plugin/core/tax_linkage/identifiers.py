"""Identifiers that went through a number: a PNU (19 digits), 건물관리번호 (25) or 주민등록번호 (13) read as a
number by Excel keeps only 15 significant digits (4157035026101120004 becomes 4157035026101120000, the
neighbouring lot 112), is shown as ``4.15703E+18`` in a CSV saved from Excel, or loses its leading zeros.

The rule: a column is damaged when any value is written as a float (``…e+18``, ``…0.0``), or when a
workbook stored it as numbers and none of them has more than 15 significant digits (so all may be
rounded), or when a text column of at least ``MIN_ROWS_FOR_PATTERN`` identifiers has every one ending in
the zeros rounding leaves. A damaged column stops the run (never join on a rounded PNU) with the column,
the first rows and how to export it as text. Recovery is made only where it is exact: integers a workbook
stored with all their digits, and resident numbers whose leading zero was dropped (12 digits -> 13).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..pnu import PNU_LENGTH

EXCEL_DIGITS = 15
MIN_ROWS_FOR_PATTERN = 8  # 24 % of the real 월곶면 lots have 부번 0: eight in a row by chance is 1 in 90,000


@dataclass(frozen=True)
class IdentifierRule:
    key: str
    label: str  # as the user knows the field
    length: int  # digits


RULES = {
    "pnu": IdentifierRule("pnu", "고유번호(PNU)", PNU_LENGTH),
    "bld_id": IdentifierRule("bld_id", "건물관리번호", 25),
    "resident_no": IdentifierRule("resident_no", "주민(법인)등록번호", 13),
}
_FLOAT_TEXT = re.compile(r"^\s*[+-]?\d+(?:\.\d*)?[eE][+-]?\d+\s*$|^\s*\d+\.0+\s*$")
HOW_TO_EXPORT = (
    "엑셀에서 그 열을 선택해 [셀 서식] → [텍스트]로 바꾼 뒤 원래 시스템에서 다시 내려받거나, "
    "내려받을 때 '텍스트' 형식으로 저장하세요 (숫자로 바뀐 번호는 끝자리가 이미 지워져 복원할 수 없습니다). "
    "(Export the column as text: a number keeps only 15 digits.)"
)


def check_identifier_column(
    key: str, values: pd.Series, numeric_cells: pd.Series | None, source: str, header: str, lines: pd.Series
) -> pd.Series:
    """``values`` (text) of the identifier column ``key``, with exact recoveries made; InputError when the
    column shows rounding. ``numeric_cells`` (workbooks only): the cells stored as numbers, as Python
    ints or floats (NaN elsewhere). ``lines``: the line of each row in the file, for the message."""
    rule = RULES[key]
    text = values
    floats = np.zeros(len(text), dtype=bool)
    zeros = rule.length - EXCEL_DIGITS
    whole, empty, numberish, rounded = _shapes(text, rule.length, zeros)
    maybe = numberish & ~whole & ~empty
    if maybe.any():  # only texts with "." or "e" can be floats: a regex over every row costs time
        floats[maybe] = text[maybe].str.match(_FLOAT_TEXT).to_numpy(dtype=bool)
    if numeric_cells is not None:
        is_float_cell = numeric_cells.map(lambda v: isinstance(v, float) and not np.isnan(v)).to_numpy(dtype=bool)
        floats |= is_float_cell
        ints = numeric_cells.map(lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool)).to_numpy(
            dtype=bool
        )
        if ints.any():
            digits = numeric_cells[ints].map(lambda v: str(int(v)))
            significant = digits.str.rstrip("0").str.len()
            if key != "resident_no" and (significant <= EXCEL_DIGITS).all() and not floats.any():
                _refuse(rule, source, header, lines[ints], values[ints], "숫자 셀(15자리까지만 보관)")
            text = text.copy()
            text[ints] = digits.to_numpy()
    if floats.any():
        _refuse(rule, source, header, lines[floats], values[floats], "숫자(지수 표기·소수점)")
    if key == "resident_no":
        short = (text.str.len() == rule.length - 1) & text.str.isdigit()
        if short.any():  # born 2000-2009: 0 first, lost as a number
            text = text.copy()
            text[short] = "0" + text[short]
        return text
    if numeric_cells is not None:  # recovered integers are whole identifiers too
        whole, _, _, rounded = _shapes(text, rule.length, zeros)
    if int(whole.sum()) >= MIN_ROWS_FOR_PATTERN and rounded[whole].all():
        _refuse(rule, source, header, lines[whole], values[whole], f"끝 {zeros}자리가 모두 0 (반올림된 숫자)")
    return text


def _shapes(text: pd.Series, length: int, zeros: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which texts are exactly ``length`` ASCII digits, which are empty, which hold ".", "e" or "E" (a
    float's marks), and which end in ``zeros`` zeros (what rounding to 15 digits leaves), read from the
    code points with numpy: fixed width ``length + 3``, so a longer text shows too many characters and
    a float's ".0" tail is still seen."""
    width = length + 3
    codes = text.to_numpy(dtype=f"U{width}").view(np.uint32).reshape(len(text), width)
    n = (codes != 0).sum(axis=1)
    digits = ((codes >= ord("0")) & (codes <= ord("9"))).sum(axis=1)
    marks = ((codes == ord(".")) | (codes == ord("e")) | (codes == ord("E"))).any(axis=1)
    rounded = (codes[:, length - zeros : length] == ord("0")).all(axis=1) if zeros > 0 else np.zeros(len(text), bool)
    return (n == length) & (digits == length), n == 0, marks, rounded


def _refuse(rule: IdentifierRule, source: str, header: str, lines: pd.Series, values: pd.Series, how: str) -> None:
    shown = ", ".join(f"{line}행 {value!s}" for line, value in list(zip(lines, values, strict=True))[:5])
    raise InputError(
        f"{source}: '{header}' 열({rule.label})이 숫자로 저장되어 있습니다 — {how}. "
        f"{rule.length}자리 번호를 숫자로 읽으면 엑셀은 15자리만 남기므로 다른 필지·건물과 잘못 연결됩니다. "
        f"처음 행: {shown}. "
        f"({source}: column {header!r} ({rule.key}) holds numbers, not the {rule.length}-digit text; "
        f"rounded identifiers would join to the wrong objects, so the run stops. First rows: {shown}.)",
        HOW_TO_EXPORT,
    )
