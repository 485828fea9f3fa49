"""The 19-digit PNU (필지고유번호) of the Korean cadastre.

Layout: 법정동 code (10) + land-register digit (1) + main lot (4) + sub lot (4). The land-register digit
is 1 for 일반 (토지대장) and 2 for 산 (임야대장), but real data carries others (e.g. 6 on 가지번 lots with
main lot 0000), so parsing keeps any digit and only flags the unusual ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError

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
    """Parse a PNU given as text or number; raise InputError saying what is wrong."""
    raw = "" if text is None else str(text).strip()
    if raw.endswith(".0"):  # read from a spreadsheet as a float
        raw = raw[:-2]
    if len(raw) != 19 or not raw.isdigit():
        raise InputError(f"PNU {raw!r} is not 19 digits (법정동 10 + 대장 1 + 본번 4 + 부번 4).")
    return Pnu(raw[:10], raw[10], int(raw[11:15]), int(raw[15:19]))
