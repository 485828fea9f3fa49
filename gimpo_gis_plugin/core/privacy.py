"""Masking of personal data (taxpayer names, resident registration numbers) for every output and display.

The city's own exports are already masked, but ledgers pulled from the tax system by an officer may not
be. Everything the plugin writes, shows or logs goes through these functions unless a user explicitly
asks for personal data (and that display is audited by the caller).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# 6 digits, a dash (or not), the gender/century digit, the rest: 900101-1234567
_RESIDENT = re.compile(r"^\s*(\d{6})-?([0-9*])[0-9*]{6}\s*$")
# Corporate registration numbers (법인등록번호 13 digits, 사업자등록번호 3-2-5) are not personal, but mask the tail.
_BUSINESS = re.compile(r"^\s*(\d{3})-?(\d{2})-?[0-9*]{5}\s*$")
_CORPORATE_PREFIXES = ("(주)", "(유)", "(사)", "(재)", "주식회사", "유한회사")


def mask_name(name: object) -> str:
    """``김민수`` -> ``김*수``, ``김수`` -> ``김*``; corporations keep their form prefix (``(주)김*개발``)."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    text = str(name).strip()
    prefix = next((p for p in _CORPORATE_PREFIXES if text.startswith(p)), "")
    body = text[len(prefix) :]
    if len(body) <= 1:
        return prefix + body
    if len(body) == 2:
        return prefix + body[0] + "*"
    return prefix + body[0] + "*" * (len(body) - 2) + body[-1]


def mask_resident_number(number: object) -> str:
    """``900101-1234567`` -> ``900101-1******`` (birth date and gender digit stay, as the city's export)."""
    if number is None or (isinstance(number, float) and pd.isna(number)):
        return ""
    text = str(number).strip()
    match = _RESIDENT.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}******"
    match = _BUSINESS.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}-*****"
    return "*" * len(text) if text else ""


def mask_frame(frame: pd.DataFrame, name_columns=("taxpayer",), number_columns=("resident_no",)) -> pd.DataFrame:
    """A copy of ``frame`` with the personal columns that it has masked."""
    masked = frame.copy()
    for columns, mask in ((name_columns, mask_name), (number_columns, mask_resident_number)):
        for column in (c for c in columns if c in masked):
            # Names repeat (and masked exports repeat a lot): mask each distinct value once; missing -> "".
            codes, distinct = pd.factorize(masked[column])
            lookup = np.array([*(mask(v) for v in distinct), ""], dtype=object)
            masked[column] = lookup[codes]  # code -1 (missing) takes the last entry
    return masked
