"""The 19-digit PNU (필지고유번호) of the Korean cadastre.

Layout: 법정동 code (10) + land-register digit (1) + main lot (4) + sub lot (4). The land-register digit
is 1 for 일반 (토지대장) and 2 for 산 (임야대장), but real data carries others (e.g. 6 on 가지번 lots with
main lot 0000), so parsing keeps any digit and only flags the unusual ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError

PNU_LENGTH = 19
REGISTER_GENERAL = "1"
REGISTER_MOUNTAIN = "2"  # 산
STANDARD_REGISTER_DIGITS = frozenset({REGISTER_GENERAL, REGISTER_MOUNTAIN})


@dataclass(frozen=True)
class Pnu:
    legal_dong_code: str
    register: str
    main_lot: int
    sub_lot: int

    @property
    def code(self) -> str:
        return f"{self.legal_dong_code}{self.register}{self.main_lot:04d}{self.sub_lot:04d}"

    @property
    def is_mountain(self) -> bool:
        return self.register == REGISTER_MOUNTAIN

    @property
    def is_standard_register(self) -> bool:
        return self.register in STANDARD_REGISTER_DIGITS

    @property
    def sigungu_code(self) -> str:
        return self.legal_dong_code[:5]

    def lot_text(self) -> str:
        """The lot as written in addresses: ``산 12-3``, ``123``."""
        lot = f"{self.main_lot}-{self.sub_lot}" if self.sub_lot else f"{self.main_lot}"
        return f"산 {lot}" if self.is_mountain else lot

    def formatted(self) -> str:
        """Grouped for reading aloud on the phone: ``41570-10100-1-0123-0004``."""
        code = self.code
        return f"{code[:5]}-{code[5:10]}-{code[10]}-{code[11:15]}-{code[15:]}"

    def __str__(self) -> str:
        return self.code


def compose_pnu(legal_dong_code: str, register: str, main_lot: int, sub_lot: int) -> str:
    return Pnu(legal_dong_code, register, main_lot, sub_lot).code


def parse_pnu(text: object) -> Pnu:
    """Parse one PNU given as text; raise InputError saying what is wrong. A number read from a
    spreadsheet (``4.15703E+18``, ``…0.0``) is refused: its last digits may have been rounded away."""
    raw = "" if text is None else str(text).strip()
    raw = raw.replace("-", "").replace(" ", "")
    if len(raw) != PNU_LENGTH or not raw.isdigit():
        raise InputError(
            f"고유번호(PNU) {raw!r}가 19자리 숫자가 아닙니다 (법정동 10 + 대장구분 1 + 본번 4 + 부번 4). "
            f"(PNU {raw!r} is not 19 digits.)"
        )
    return Pnu(raw[:10], raw[10], int(raw[11:15]), int(raw[15:19]))


# --- vectorised rules (whole columns; the linkage reads hundreds of thousands of PNUs) ------------------


def clean_pnu(values: pd.Series) -> pd.Series:
    """PNUs as text with the separators people type (spaces, dashes) dropped. Nothing else is repaired:
    a PNU that went through a number (``…0.0``, ``4.15703E+18``) is not made to look valid here, since
    its last digits may be rounded (core.identifiers detects such columns before this runs)."""
    text = values.fillna("").astype(str)
    codes = text.to_numpy(dtype=f"U{PNU_LENGTH + 1}").view(np.uint32).reshape(len(text), PNU_LENGTH + 1)
    ascii_digits = ((codes[:, :PNU_LENGTH] >= ord("0")) & (codes[:, :PNU_LENGTH] <= ord("9"))).all(axis=1)
    dirty = ~(ascii_digits & (codes[:, PNU_LENGTH] == 0))  # numpy on the code points: most PNUs are clean
    if dirty.any():
        text = text.copy()
        # NFKC: full-width digits and dashes (４１５７０－…) as typed in Korean input methods.
        text[dirty] = text[dirty].str.normalize("NFKC").str.strip().str.replace(r"[\s-]", "", regex=True)
    return text


def pnu_valid(pnu: pd.Series) -> np.ndarray:
    """Whether each PNU text is 19 decimal digits: what ``\\d{19}`` accepts (``str.isdecimal`` is the
    Unicode category Nd, as ``\\d``), without running a regex per row."""
    return ((pnu.str.len() == PNU_LENGTH) & pnu.str.isdecimal()).to_numpy(dtype=bool)


def legal_dong_of(pnu: pd.Series) -> pd.Series:
    """The 법정동 code (first 10 digits) of valid PNUs, "" for the others."""
    return pnu.str[:10].where(pnu_valid(pnu), "")


def pnu_parts(pnu: pd.Series) -> pd.DataFrame:
    """valid (19 digits), legal_dong_code (first 10, "" unless valid), register (11th character, ""),
    main and sub lot numbers (0 when unreadable) of PNU texts. 19 ASCII digits, i.e. nearly all, are
    read from their code points with numpy; the rest by the string rules."""
    n = len(pnu)
    text = pnu.to_numpy(dtype="U19")  # longer texts are cut, their length tells them apart
    lengths = pnu.str.len().to_numpy()
    digits = text.view(np.uint32).reshape(n, 19) - np.uint32(ord("0"))  # below "0" wraps round: > 9
    fast = (lengths == PNU_LENGTH) & (digits <= 9).all(axis=1)
    valid = fast.copy()
    other = ~fast
    maybe = other & (lengths == PNU_LENGTH)  # 19 characters that are digits of another script, or not digits
    if maybe.any():
        valid[maybe] = pnu[maybe].str.fullmatch(r"\d{19}").to_numpy(dtype=bool)
    place = np.array([1000, 100, 10, 1], dtype=np.int64)
    main = np.where(fast, digits[:, 11:15].astype(np.int64) @ place, 0)
    sub = np.where(fast, digits[:, 15:19].astype(np.int64) @ place, 0)
    if other.any():
        rest = pnu[other]
        main[other] = pd.to_numeric(rest.str[11:15], errors="coerce").fillna(0).astype(int).to_numpy()
        sub[other] = pd.to_numeric(rest.str[15:19], errors="coerce").fillna(0).astype(int).to_numpy()
    register = text.view("U1").reshape(n, 19)[:, 10].astype(object) if n else np.array([], dtype=object)
    return pd.DataFrame(
        {
            "valid": valid,
            "legal_dong_code": _legal_dong_codes(text, digits, fast, valid),
            "register": register,
            "main": pd.Series(main, dtype=np.int64, index=pnu.index),
            "sub": pd.Series(sub, dtype=np.int64, index=pnu.index),
        },
        index=pnu.index,
    )


def compose_pnus(legal_dong_code: pd.Series, mountain: pd.Series, main: pd.Series, sub: pd.Series) -> pd.Series:
    """PNUs from columns (법정동 code, 산 or not, 본번, 부번); "" where a part is missing or out of range."""
    main_n = pd.to_numeric(main, errors="coerce")
    sub_n = pd.to_numeric(sub.replace("", "0"), errors="coerce")
    ok = (
        (legal_dong_code.str.len() == 10)
        & main_n.between(0, 9999)
        & sub_n.between(0, 9999)
        & (main_n % 1 == 0)
        & (sub_n % 1 == 0)
    )
    register = np.where(mountain.to_numpy(dtype=bool), REGISTER_MOUNTAIN, REGISTER_GENERAL)
    text = (
        legal_dong_code
        + register
        + main_n.fillna(0).astype(np.int64).astype(str).str.zfill(4)
        + sub_n.fillna(0).astype(np.int64).astype(str).str.zfill(4)
    )
    return text.where(ok, "")


def _legal_dong_codes(text: np.ndarray, digits: np.ndarray, fast: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The first ten characters of valid PNUs ("" otherwise), one text object per distinct code (a few
    hundred 법정동: not one new string per parcel)."""
    codes = np.full(len(text), "", dtype=object)
    if fast.any():
        number = digits[fast, :10].astype(np.int64) @ (10 ** np.arange(9, -1, -1, dtype=np.int64))
        positions, distinct = pd.factorize(number)
        codes[fast] = np.array([f"{code:010d}" for code in distinct], dtype=object)[positions]
    other = valid & ~fast
    if other.any():
        codes[other] = text[other].astype("U10").astype(object)
    return codes
