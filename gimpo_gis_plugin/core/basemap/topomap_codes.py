"""The NGII 수치지형도 v2.0 layer codes (resources/topomap/ngii_layer_codes.csv): Korean name, group and style.

A delivery names each shapefile ``N<scale><shape>_<code>``: ``N1`` 1/1,000 and ``N3`` 1/5,000, ``A`` area,
``L`` line, ``P`` point, ``T`` text (주기), then the 8-character code of the 지형지물 표준코드
(e.g. ``N3A_B0010000`` 건물). The table cites the 표준코드 for every row; ``checked`` says whether the row was
compared with the official text (a transcription was used: not yet).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from ..paths import resource

FILE_NAME = re.compile(r"^N(?P<scale>\d)(?P<shape>[ALPT])_(?P<code>[A-H]\d{7})$", re.IGNORECASE)
SCALES = {"1": "1/1,000", "3": "1/5,000"}
SHAPES = {"A": "면", "L": "선", "P": "점", "T": "주기"}


@dataclass(frozen=True)
class LayerCode:
    code: str
    name: str
    group: str
    kind: str
    fill: str
    stroke: str
    width_mm: float
    source: str
    checked: bool


@lru_cache(maxsize=1)
def layer_codes() -> dict[str, LayerCode]:
    with resource("topomap", "ngii_layer_codes.csv").open(encoding="utf-8") as handle:
        return {
            row["code"]: LayerCode(
                row["code"], row["name_ko"], row["group_ko"], row["kind"], row["fill"], row["stroke"],
                float(row["width_mm"]), row["source"], row["checked"].strip().lower() in ("yes", "true", "1"),
            )
            for row in csv.DictReader(handle)
        }  # fmt: skip


def lookup(code: str) -> LayerCode | None:
    """The code's row; a specific code missing from the table falls back to its layer's 미분류 code
    (B0014112 주택 -> B0010000 건물) so that every file of a delivery gets a Korean name."""
    codes = layer_codes()
    code = code.upper()
    if code in codes:
        return codes[code]
    return codes.get(code[:4] + "0000")
