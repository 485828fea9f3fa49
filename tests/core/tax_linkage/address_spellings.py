"""Write real PNUs as 소재지 addresses the many ways real exports write them, and measure the resolver.

Each spelling is drawn from independent choices (how much of 시도/시군구/읍면 is written and in which
era's names, glued or spaced, 산 variants, full-width digits and dashes, 번지 / 번지-호 / 의, what follows
the lot), so the measure is of the rules, not of a few strings. Run on the real 월곶면 parcels:

    GIMPO_SHARED_DATA=/work/shared/data python -m tests.core.tax_linkage.address_spellings

prints the share resolved to the right PNU and the count of wrong PNUs (which must be 0).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# 법정동 code -> the names different eras and exports give it (읍면 + 리); the current name first.
WOLGOT_NAMES = {
    "4157035026": ["월곶면 성동리", "월곳면 성동리"],
    "4157035027": ["월곶면 보구곶리", "월곳면 보구곳리"],
    "4157035028": ["월곶면 용강리", "월곳면 용강리"],
}
HEADS = ["경기도 김포시 ", "경기 김포시 ", "김포시 ", "", "경기도 김포군 ", "김포군 ", "경기도김포시", "김포시  "]
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
TAILS = ["", "", "", " 외 2필지", " 외1필지", " 행복빌라", " (성동리)", " 101동 202호", " 답", "임", ", 주택"]


@dataclass(frozen=True)
class Spelling:
    address: str
    pnu: str  # the truth


def spell(pnu: str, rng: np.random.Generator) -> str:
    """One way of writing the lot address of a standard-register PNU (register digit 1 or 2)."""
    names = WOLGOT_NAMES[pnu[:10]]
    name = names[int(rng.integers(len(names)))] if rng.random() < 0.3 else names[0]
    if rng.random() < 0.25:
        name = name.split(" ")[-1]  # the 리 alone (unique in 김포시)
    main, sub = int(pnu[11:15]), int(pnu[15:19])
    dash = str(rng.choice(["-", "-", " - ", "‐", "–", "의 "]))
    number = f"{main}{dash}{sub}" if sub else f"{main}"
    form = rng.random()
    if sub and form < 0.1:
        number = f"{main}번지 {sub}호"
    elif form < 0.35:
        number += str(rng.choice(["번지", " 번지"]))
    if rng.random() < 0.2:
        number = number.translate(FULL_WIDTH)
    if pnu[10] == "2":
        number = str(rng.choice(["산", "산 ", "山", "산"])) + number
    head = str(rng.choice(HEADS))
    joint = "" if rng.random() < 0.1 else " "
    if rng.random() < 0.1 and " " not in name:
        name += ","
    return f"{head}{name}{joint}{number}{rng.choice(TAILS)}"


def spellings(pnus: pd.Series, per_pnu: int = 3, seed: int = 41570) -> list[Spelling]:
    rng = np.random.default_rng(seed)
    standard = pnus[pnus.str[10].isin(["1", "2"]) & (pnus.str[11:15] != "0000")].drop_duplicates()
    return [Spelling(spell(p, rng), p) for p in standard for _ in range(per_pnu)]


def ambiguous(pnu: str, rng: np.random.Generator) -> str:
    """A spelling whose lot cannot be told (a unit or a second lot where the 부번 should be): it must be
    refused, never placed on a parcel."""
    name = WOLGOT_NAMES[pnu[:10]][0]
    main, sub = int(pnu[11:15]), int(pnu[15:19]) or 1
    forms = [f"{name} {main} {sub}호", f"{name} {main} {sub}", f"{name} {main}-{sub}-1", f"{name} {main}번지 {sub}"]
    return forms[int(rng.integers(len(forms)))]


def ambiguous_spellings(pnus: pd.Series, seed: int = 5) -> list[Spelling]:
    rng = np.random.default_rng(seed)
    standard = pnus[pnus.str[10] == "1"].drop_duplicates()
    return [Spelling(ambiguous(p, rng), p) for p in standard]


def measure(spelled: list[Spelling]) -> dict[str, object]:
    from gimpo_gis_plugin.core.tax_linkage.address import AddressResolver

    resolver = AddressResolver("41570")
    results = [resolver.resolve(s.address) for s in spelled]
    right = sum(r.pnu == s.pnu for r, s in zip(results, spelled, strict=True))
    wrong = [(s.address, s.pnu, r.pnu) for r, s in zip(results, spelled, strict=True) if r.pnu and r.pnu != s.pnu]
    unresolved = [(s.address, r.reason, r.message) for r, s in zip(results, spelled, strict=True) if not r.pnu]
    return {"n": len(spelled), "right": right, "share": right / len(spelled), "wrong": wrong, "unresolved": unresolved}


def real_pnus(shared: Path) -> pd.Series:
    import pyogrio

    frame = pyogrio.read_dataframe(shared / "gimpo_wolgot_parcels_epsg5186.geojson", read_geometry=False)
    return frame["PNU"].astype(str)


if __name__ == "__main__":
    shared = Path(os.environ.get("GIMPO_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data"))
    pnus = real_pnus(shared)
    figures = measure(spellings(pnus))
    print(f"addresses: {figures['n']:,}; right PNU: {figures['right']:,} ({figures['share']:.2%}); "
          f"wrong PNU: {len(figures['wrong'])}; unresolved: {len(figures['unresolved'])}")  # fmt: skip
    refused = measure(ambiguous_spellings(pnus))
    print(f"ambiguous spellings: {refused['n']:,}; refused: {len(refused['unresolved']):,}; "
          f"wrong PNU: {len(refused['wrong'])}")  # fmt: skip
    for item in figures["wrong"][:10] + figures["unresolved"][:10] + refused["wrong"][:10]:
        print("  ", item)
    sys.exit(1 if figures["wrong"] or refused["wrong"] else 0)
