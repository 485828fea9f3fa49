"""Read the property-tax ledger (재산세 과세대장) as offices receive it: CSV in UTF-8 or CP949/EUC-KR, or
XLSX, with Korean headers, into a frame with the engine's English column names.

The tax system's export (and the sample city) uses the headers of ``DEFAULT_HEADERS``; other layouts
are read through a column map (a dict or a JSON file: ``{"pnu": "필지번호", "taxed_area": "면적", ...}``).
Every value is kept as text until the engine parses it, so a bad number or PNU becomes a reject with
its row number instead of a failed read.
"""

from __future__ import annotations

import codecs
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EncodingError, InputError, MissingColumnsError

# English name -> header of the city's export.
DEFAULT_HEADERS = {
    "row_id": "과세번호",
    "year": "과세년도",
    "object_kind": "과세대상구분",
    "address": "물건소재지",
    "pnu": "고유번호",
    "bld_id": "건물관리번호",
    "share": "지분",
    "taxed_area": "과세면적",
    "taxed_use": "과세용도",
    "assessed_value": "시가표준액",
    "tax": "재산세액",
    "taxpayer": "납세자명",
    "resident_no": "주민등록번호",
}
# Other headers seen in offices' files, recognised without a column map.
ALIASES = {
    "pnu": ("PNU", "필지고유번호", "토지고유번호"),
    "address": ("소재지", "물건지", "주소", "지번주소"),
    "bld_id": ("건물번호", "BLD_ID"),
    "taxed_area": ("면적", "과세면적(㎡)"),
    "tax": ("세액", "산출세액"),
    "taxpayer": ("납세자", "성명"),
    "resident_no": ("주민번호", "납세자번호"),
    "object_kind": ("과세대상", "물건구분"),
}
COLUMNS = list(DEFAULT_HEADERS)
REQUIRED = ("object_kind", "taxed_area")
ENCODINGS = ("UTF-8", "CP949")  # CP949 is a superset of EUC-KR: one attempt covers both
NUMERIC = ("taxed_area", "assessed_value", "tax")


@dataclass
class LedgerTable:
    rows: pd.DataFrame  # COLUMNS (text, numbers parsed) + source_row (line in the file, header = 1)
    encoding: str  # "UTF-8", "CP949/EUC-KR" or "XLSX"
    path: str
    column_map: dict[str, str]  # english -> header actually used


def load_column_map(spec: str | Path | dict | None) -> dict[str, str]:
    """A column map from a dict, a JSON file path or a JSON text; empty when ``spec`` is empty."""
    if not spec:
        return {}
    if isinstance(spec, dict):
        mapping = spec
    else:
        text = str(spec).strip()
        source = Path(text) if not text.startswith("{") else None
        try:
            mapping = json.loads(source.read_text(encoding="utf-8") if source else text)
        except (OSError, ValueError) as exc:
            raise InputError(
                f"Cannot read the column map {text}: {exc}.",
                'Give a JSON object such as {"pnu": "필지번호", "taxed_area": "면적"}.',
            ) from exc
    unknown = sorted(set(mapping) - set(COLUMNS))
    if unknown:
        raise InputError(
            f"The column map names unknown fields: {', '.join(unknown)}.",
            f"Its keys must be among: {', '.join(COLUMNS)}; its values the headers in your file.",
        )
    return {str(k): str(v) for k, v in mapping.items()}


def decode_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was in; EncodingError naming what was tried."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), "CP949/EUC-KR" if encoding == "CP949" else encoding
        except UnicodeDecodeError:
            continue
    raise EncodingError(
        f"{path}: the text is in none of the encodings tried ({', '.join(ENCODINGS)} / EUC-KR).",
        "Save the ledger as UTF-8 or CP949 (Excel: 'CSV UTF-8' or 'CSV (쉼표로 분리)').",
    )


def read_ledger(path: str | Path, column_map: str | Path | dict | None = None) -> LedgerTable:
    """Read a ledger CSV or XLSX; raise InputError/EncodingError/MissingColumnsError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Ledger file {path} does not exist.", "Check the path.")
    mapping = load_column_map(column_map)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            raw = pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise InputError(f"Cannot read the workbook {path}: {exc}") from exc
        encoding, text = "XLSX", ""
    else:
        data = path.read_bytes()
        body, encoding = _body_and_encoding(data)
        text = body  # the separator and blank tests below work on the bytes (all ASCII in both encodings)
        try:
            # The C parser decodes while it parses; it raises on bytes that are not CP949 either.
            raw = pd.read_csv(
                io.BytesIO(body),
                dtype=str,
                keep_default_na=False,
                na_filter=False,  # every value stays text, empty ones ""
                sep=_separator(body),
                encoding="cp949" if encoding.startswith("CP949") else "utf-8",
            )
        except UnicodeDecodeError as exc:
            raise _encoding_error(path) from exc
        except (pd.errors.ParserError, ValueError) as exc:
            raise InputError(f"Cannot read {path} as CSV: {exc}", "Check the separator and quoting.") from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    used = _resolve_columns(raw.columns, mapping, path)
    # The reader's columns as they are, in COLUMNS order (selecting or stacking them would copy them all:
    # seconds for 3,000,000 rows); absent optional columns empty.
    rows = pd.DataFrame(
        {name: raw[used[name]] if name in used else "" for name in COLUMNS}, index=raw.index, copy=False
    )
    if encoding == "XLSX":  # CSV values are all text already
        rows = rows.astype(str)
    if encoding == "XLSX" or _padded(text):  # stripping 400,000 rows costs seconds: only when needed
        rows = rows.apply(lambda column: column.str.strip())
    for name in NUMERIC:
        rows[name] = _to_number(rows[name])
    rows["source_row"] = np.arange(2, len(rows) + 2)
    missing_id = rows["row_id"] == ""
    rows.loc[missing_id, "row_id"] = "row " + rows.loc[missing_id, "source_row"].astype(str)
    return LedgerTable(rows, encoding, str(path), used)  # the reader's RangeIndex


def _body_and_encoding(data: bytes) -> tuple[bytes, str]:
    """The bytes after a UTF-8 BOM and the encoding: UTF-8 when they decode as such, else CP949 (which
    the parser then checks while it decodes). A CP949 file fails the UTF-8 test at its first Korean byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "UTF-8"
    return data, "UTF-8" if _is_utf8(data) else "CP949/EUC-KR"


def _is_utf8(data: bytes, chunk: int = 1 << 22) -> bool:
    """Whether ``data`` decodes as UTF-8, tested in slices: ``data.decode`` builds the whole text (twice
    the file for Korean), and its error copies the whole input (half a second per 400 MB)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(view[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding_error(path: Path) -> EncodingError:
    return EncodingError(
        f"{path}: the text is in none of the encodings tried ({', '.join(ENCODINGS)} / EUC-KR).",
        "Save the ledger as UTF-8 or CP949 (Excel: 'CSV UTF-8' or 'CSV (쉼표로 분리)').",
    )


def _padded(text: str | bytes) -> bool:
    """Whether any field may start or end with blanks (substring tests: a regex over 60 MB takes seconds).
    Works on the raw bytes too: blanks, separators and line ends are ASCII, never part of a CP949 or
    UTF-8 multi-byte character."""
    separator = _separator(text)
    pads = (f" {separator}", f"{separator} ", f"\t{separator}", f"{separator}\t", " \n", "\n ", " \r", "\t\n")
    if isinstance(text, bytes):
        return any(pad.encode() in text for pad in pads) or text.startswith((b" ", b"\t"))
    return any(pad in text for pad in pads) or text.startswith((" ", "\t"))


def _separator(text: str | bytes) -> str:
    """The separator of the header line (comma, tab, semicolon or pipe): the C parser needs it given."""
    if isinstance(text, bytes):
        end = text.find(b"\n")
        header = (text if end < 0 else text[:end]).decode("latin-1")  # only ASCII separators are counted
    else:
        header = text.split("\n", 1)[0]
    return max((",", "\t", ";", "|"), key=header.count)


def _resolve_columns(headers: pd.Index, mapping: dict[str, str], path: Path) -> dict[str, str]:
    present = set(headers)
    used: dict[str, str] = {}
    wrong = {name: header for name, header in mapping.items() if header not in present}
    if wrong:
        raise MissingColumnsError(
            f"{path}: the column map names headers that are not in the file: "
            + ", ".join(f"{k} -> {v!r}" for k, v in wrong.items())
            + f". The file has: {', '.join(headers)}.",
            "Correct the column map (COLUMN_MAP).",
        )
    for name in COLUMNS:
        candidates = [mapping[name]] if name in mapping else [DEFAULT_HEADERS[name], name, *ALIASES.get(name, ())]
        header = next((c for c in candidates if c in present), None)
        if header is not None:
            used[name] = header
    missing = [name for name in REQUIRED if name not in used]
    if "pnu" not in used and "address" not in used:
        missing.append("pnu or address")
    if missing:
        wanted = ", ".join(f"{m} ({DEFAULT_HEADERS.get(m, '고유번호 / 물건소재지')})" for m in missing)
        raise MissingColumnsError(
            f"{path}: missing column(s) {wanted}. The file has: {', '.join(headers)}.",
            'Give a column map (COLUMN_MAP), e.g. {"taxed_area": "면적", "pnu": "필지번호"}, naming your headers.',
        )
    return used


def _to_number(values: pd.Series) -> pd.Series:
    """Numbers as written in ledgers (``1,234.5``, ``88㎡``); text that is no number becomes NaN."""
    numbers = pd.to_numeric(values, errors="coerce")
    missing = numbers.isna().to_numpy()
    odd = missing.copy()
    odd[missing] = (values[missing].str.strip() != "").to_numpy(dtype=bool)  # only the few that are no number
    if odd.any():  # only the few written with separators or units need cleaning
        cleaned = values[odd].str.replace(",", "", regex=False).str.replace("㎡", "", regex=False).str.strip()
        numbers[odd] = pd.to_numeric(cleaned, errors="coerce")
    return numbers
