"""주민등록번호-shaped text inside free text (물건소재지, 과세용도, reasons quoting a value): masked like the
named column (``900101-1******``), wherever it is typed. A PNU (19 digits) or 건물관리번호 (25) is not
touched: the 13 digits must stand alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

_RRN_IN_TEXT = r"(?<![0-9])([0-9]{2}[01][0-9][0-3][0-9])\s*-?\s*([1-8])[0-9]{6}(?![0-9])"
_RRN_TEST = r"(?<![0-9])[0-9]{2}[01][0-9][0-3][0-9]\s*-?\s*[1-8][0-9]{6}(?![0-9])"


def mask_resident_numbers_in_text(values: pd.Series) -> pd.Series:
    """``values`` with every resident-number-shaped run masked; only the rows that hold one are rewritten
    (a cheap length test and one regex search per column first)."""
    text = values.astype(object).where(values.notna(), "").astype(str)
    maybe = (text.str.len() >= 13).to_numpy()
    if not maybe.any():
        return text
    hit = np.zeros(len(text), dtype=bool)
    hit[maybe] = text[maybe].str.contains(_RRN_TEST, regex=True).to_numpy(dtype=bool)
    if not hit.any():
        return text
    text = text.copy()
    text[hit] = text[hit].str.replace(_RRN_IN_TEXT, r"\1-\2******", regex=True)
    return text
