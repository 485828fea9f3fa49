"""The exemption list (비과세·감면 parcels): a text or CSV file with one PNU per line (first column), read
with the ledger's reader of encodings (UTF-8, UTF-16, CP949), PNUs checked like the ledger's."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..pnu import PNU_LENGTH
from .ledger_source import decode_file


def read_exempt_pnus(path: str | Path | None) -> frozenset[str]:
    """The PNUs of the list; lines that are not PNUs (a header, blanks) are skipped, a PNU written as a
    number (``4.15703E+18``) stops the run naming its line."""
    if not path:
        return frozenset()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"비과세 필지 목록 {path}이 없습니다. (Exempt-parcel list {path} does not exist.)")
    text, _ = decode_file(path)
    pnus = set()
    for number, line in enumerate(text.splitlines(), start=1):
        first = line.split(",")[0].split("\t")[0].strip().strip('"').replace("-", "")
        if not first[:1].isdigit():
            continue
        if first.isdigit() and len(first) == PNU_LENGTH:
            pnus.add(first)
            continue
        raise InputError(
            f"{path.name}: {number}번째 줄의 {first!r}는 19자리 고유번호가 아닙니다"
            + (" (숫자로 바뀌어 끝자리가 반올림됨)" if "e" in first.lower() or "." in first else "")
            + f". ({path.name}: line {number} is not a 19-digit PNU.)",
            "한 줄에 고유번호 하나씩, 텍스트로 적어 주세요 (one PNU per line, as text).",
        )
    return frozenset(pnus)
