"""Read the property-tax ledger (재산세 과세대장) as offices receive it — CSV in UTF-8 (BOM or not), UTF-16
or CP949/EUC-KR, or XLSX — into a frame with the engine's English column names.

Stages, in order: the file's kind and encoding (``ledger_source``); the header row (a title line above
it is skipped) and the columns, named by the vocabulary of 지방세 exports (``vocabulary``) or a column
map; identifiers that went through a number (``identifiers``: refused unless recovered exactly); lots
split over 산구분 / 본번 / 부번 made into a PNU or an address; totals (합계, 소계 ...) and blank rows set
aside as excluded; numbers read, and a row whose number is not one (text, negative, infinite, absurd)
marked with its reason so that the linkage sends it to ledger_unmatched. Every value is kept as text
until then, so a bad value becomes a reject with its row number instead of a failed read.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, MissingColumnsError
from ..pnu import compose_pnus
from . import vocabulary
from .identifiers import RULES as IDENTIFIER_RULES
from .identifiers import check_identifier_column
from .ledger_source import UTF8, cp949_error, decode, decode_file, file_kind

# English name -> header of the city's export (the sample city writes these).
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
COLUMNS = list(DEFAULT_HEADERS)  # the columns of LedgerTable.rows (and of the output tables)
LOT_PARTS = ("legal_dong_code", "legal_dong_name", "mountain", "main_no", "sub_no", "lot")
KEYS = [*COLUMNS, *LOT_PARTS]  # every key a column map may name
REQUIRED = ("object_kind", "taxed_area")
NUMERIC = ("taxed_area", "assessed_value", "tax")
# Largest believable values: 김포시 is 276 km²; no parcel is taxed at more than a trillion won.
NUMBER_LIMITS = {"taxed_area": 1e8, "assessed_value": 1e15, "tax": 1e13}
NUMBER_LABELS = {"taxed_area": "과세면적", "assessed_value": "시가표준액", "tax": "재산세액"}
ENCODINGS = ("UTF-8", "UTF-16", "CP949")
# Columns where a "NULL" written for empty changes nothing the linkage decides (saves a pass each).
NO_NULL_WORDS = frozenset({"row_id", "year", "taxpayer", "taxed_use"})
VALUE_INVALID = "LEDGER_VALUE_INVALID"
EXCLUDED_TOTAL, EXCLUDED_BLANK = "total", "blank"
_HEADER_SEARCH_LINES = 20
_NUMBER_NOISE = re.compile(r"[,\s원㎡]|m²|m2")


@dataclass
class LedgerTable:
    rows: pd.DataFrame  # COLUMNS (text, numbers parsed) + source_row, row_status, read_reason_code, read_reason
    encoding: str  # "UTF-8", "UTF-16", "CP949/EUC-KR" or "XLSX"
    path: str
    column_map: dict[str, str]  # english -> header actually used
    warnings: list[str] = field(default_factory=list)


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
            mapping = json.loads(source.read_text(encoding="utf-8-sig") if source else text)
        except (OSError, ValueError) as exc:
            raise InputError(
                f"열 대응표(COLUMN_MAP) {text}를 읽을 수 없습니다: JSON 객체가 아닙니다. "
                f"(Cannot read the column map {text}: not a JSON object.)",
                '예: {"pnu": "필지번호", "taxed_area": "면적"} (keys: the engine\'s names; values: your headers).',
            ) from exc
    if not isinstance(mapping, dict):
        raise InputError("열 대응표(COLUMN_MAP)는 JSON 객체여야 합니다. (The column map must be a JSON object.)")
    unknown = sorted(set(mapping) - set(KEYS))
    if unknown:
        raise InputError(
            f"열 대응표에 모르는 키가 있습니다: {', '.join(unknown)}. "
            f"(The column map names unknown fields: {', '.join(unknown)}.)",
            f"키는 다음 중 하나여야 합니다 (keys must be among): {', '.join(KEYS)}.",
        )
    return {str(k): str(v) for k, v in mapping.items()}


def decode_text(path: Path) -> tuple[str, str]:
    """The text of a text file and its encoding (for the other readers of the linkage)."""
    return decode_file(path)


def read_ledger(path: str | Path, column_map: str | Path | dict | None = None) -> LedgerTable:
    """Read a ledger CSV or XLSX; raise InputError / EncodingError / MissingColumnsError naming the file,
    the line and the column, in Korean first."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"과세대장 파일 {path}이 없습니다. (Ledger file {path} does not exist.)", "경로를 확인하세요.")
    mapping = load_column_map(column_map)
    data = path.read_bytes()
    if file_kind(path, data) == "xlsx":
        raw, numeric_cells, first_line = _read_workbook(path)
        encoding = "XLSX"
    else:
        raw, first_line, encoding = _read_text(path, data)
        numeric_cells = {}
    headers = [str(c).strip() for c in raw.columns]
    raw.columns = headers
    used = resolve_columns(headers, mapping, path)
    lines = pd.Series(np.arange(first_line + 1, first_line + 1 + len(raw)), index=raw.index)
    wanted = [*COLUMNS, *(name for name in LOT_PARTS if name in used)]  # lot parts only when the file has them
    rows = pd.DataFrame({name: raw[used[name]] if name in used else "" for name in wanted}, index=raw.index, copy=False)
    rows = _clean_text(rows, used, strip=raw.attrs.get("padded", True))
    warnings: list[str] = []
    rows["source_row"] = lines.to_numpy()
    rows["row_status"] = _row_status(rows, used)
    live = ~rows["row_status"].to_numpy().astype(bool)
    everything = bool(live.all())  # nearly always: then no row selection (a copy per column) is made
    for key in IDENTIFIER_RULES:
        if key in used:
            cells = numeric_cells.get(used[key])
            checked = check_identifier_column(
                key,
                rows[key] if everything else rows.loc[live, key],
                None if cells is None else cells[live],
                path.name,
                used[key],
                lines if everything else lines[live],
            )
            if everything:
                rows[key] = checked.to_numpy()
            else:
                rows.loc[live, key] = checked.to_numpy()
    if "share" in used:
        rows["share"] = _undo_share_dates(rows["share"], warnings, path)
    _compose_lots(rows, used, path, warnings)
    rows["read_reason_code"] = ""
    rows["read_reason"] = ""
    for name in NUMERIC:
        rows[name] = _read_numbers(rows, name, used, live, path)
    missing_id = ~rows["row_id"].to_numpy().astype(bool)
    rows.loc[missing_id, "row_id"] = "row " + rows.loc[missing_id, "source_row"].astype(str)
    parts = [c for c in LOT_PARTS if c in rows]
    if parts:
        rows = rows.drop(columns=parts)
    return LedgerTable(rows, encoding, str(path), {k: v for k, v in used.items()}, warnings)


# --- the file -----------------------------------------------------------------------------------------


def _read_text(path: Path, data: bytes) -> tuple[pd.DataFrame, int, str]:
    """The CSV's cells as text (header row found below any title line) and the header's line number."""
    source = decode(path, data)
    if source.text is not None:
        body, codec = source.text.encode("utf-8"), "utf-8"
    else:
        body, codec = source.body, "utf-8" if source.encoding == UTF8 else "cp949"
    head = body[: 1 << 16].decode(codec, errors="replace").splitlines()[:_HEADER_SEARCH_LINES]
    separator = _separator(head)
    header_line = _header_index([line.split(separator) for line in head])
    try:
        raw = pd.read_csv(
            io.BytesIO(body),
            dtype=str,
            keep_default_na=False,
            na_filter=False,  # every value stays text, empty ones ""
            sep=separator,
            encoding=codec,
            skiprows=header_line,
            skip_blank_lines=False,  # blank lines are reported as excluded, and line numbers stay true
        )
    except pd.errors.ParserError as exc:
        line = _parser_line(str(exc))
        raise InputError(
            f"{path.name}: {line}번째 줄의 칸 수가 머리글과 다릅니다 (구분자 '{separator}'). "
            f"({path.name}: line {line} has another number of fields than the header.)",
            "따옴표 없이 쉼표가 들어간 값이 있는지 확인하세요. (Check separators and quoting.)",
        ) from exc
    except UnicodeDecodeError as exc:
        raise cp949_error(path, body) from exc
    except ValueError as exc:
        raise InputError(f"{path.name}: CSV로 읽을 수 없습니다. (Cannot read {path.name} as CSV.)") from exc
    raw.attrs["padded"] = _padded(body, separator) if source.text is None else True
    return raw, header_line + 1, source.encoding


def _read_workbook(path: Path) -> tuple[pd.DataFrame, dict[str, pd.Series], int]:
    """The first sheet's cells as text, the cells stored as numbers per column (to tell identifiers that
    went through a number), and the header's row number."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise InputError(
            f"{path.name}: 엑셀 통합문서를 열 수 없습니다 (손상되었거나 암호가 걸려 있음). "
            f"(Cannot open the workbook {path.name}.)",
            "엑셀에서 열어 다시 저장하거나 CSV로 저장하세요.",
        ) from exc
    try:
        sheet = book.worksheets[0]
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    header_index = _header_index([["" if v is None else str(v) for v in r] for r in cells[:_HEADER_SEARCH_LINES]])
    if not cells:
        raise InputError(f"{path.name}: 첫 시트가 비어 있습니다. (The first sheet of {path.name} is empty.)")
    header = ["" if v is None else str(v).strip() for v in cells[header_index]]
    width = len(header)
    body = [(r + [None] * width)[:width] for r in cells[header_index + 1 :]]
    objects = pd.DataFrame(body, columns=pd.Index(range(width)), dtype=object)
    raw = pd.DataFrame({i: objects[i].map(_cell_text) for i in range(width)})
    raw.columns = header
    numeric = {
        header[i]: objects[i].where(objects[i].map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)))
        for i in range(width)
    }
    return raw, numeric, header_index + 1


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _padded(body: bytes, separator: str) -> bool:
    """Whether any field may start or end with blanks (substring tests on the bytes: blanks, separators
    and line ends are ASCII, never part of a CP949 or UTF-8 character; stripping every column of 400,000
    rows costs seconds, so it is done only when needed)."""
    pads = (f" {separator}", f"{separator} ", f"\t{separator}", f"{separator}\t", " \n", "\n ", " \r", "\t\n")
    return any(pad.encode() in body for pad in pads) or body.startswith((b" ", b"\t"))


def _separator(lines: list[str]) -> str:
    """The separator of the header lines (comma, tab, semicolon or pipe): the C parser needs it given."""
    sample = "\n".join(lines[:_HEADER_SEARCH_LINES])
    return max((",", "\t", ";", "|"), key=sample.count)


def _header_index(rows: list[list[str]]) -> int:
    """The row holding the headers: the first with two or more cells the vocabulary knows (exports often
    put a title such as "2026년 재산세 과세대장" above it); else the first row."""
    known = {h for headers in vocabulary.header_synonyms().values() for h in headers} | {
        vocabulary.normal_header(h) for h in KEYS
    }
    for index, row in enumerate(rows):
        if sum(vocabulary.normal_header(cell) in known for cell in row if cell) >= 2:
            return index
    return 0


def _parser_line(text: str) -> str:
    found = re.search(r"line (\d+)", text)
    return found.group(1) if found else "?"


# --- the columns --------------------------------------------------------------------------------------


def resolve_columns(headers: list[str], mapping: dict[str, str], path: Path) -> dict[str, str]:
    """key -> header of the file, by the column map first, then the vocabulary; refuses naming the
    headers found and the keys expected."""
    present = {h: h for h in headers}
    wrong = {name: header for name, header in mapping.items() if header not in present}
    if wrong:
        raise MissingColumnsError(
            f"{path.name}: 열 대응표(COLUMN_MAP)가 파일에 없는 머리글을 가리킵니다: "
            + ", ".join(f"{k} → {v!r}" for k, v in wrong.items())
            + f". 파일의 머리글: {', '.join(headers)}. "
            f"(The column map names headers that are not in the file.)",
            "열 대응표(COLUMN_MAP)를 고치세요 (correct the column map).",
        )
    normal = {}
    for header in headers:
        normal.setdefault(vocabulary.normal_header(header), header)
    used: dict[str, str] = dict(mapping)
    taken = set(mapping.values())
    synonyms = vocabulary.header_synonyms()
    for name in KEYS:
        if name in used:
            continue
        for candidate in (*synonyms.get(name, ()), vocabulary.normal_header(name)):
            header = normal.get(candidate)
            if header is not None and header not in taken:
                used[name] = header
                taken.add(header)
                break
    has_place = "pnu" in used or "address" in used or {"main_no"} <= set(used)
    missing = [name for name in REQUIRED if name not in used]
    if not has_place:
        missing.append("pnu or address")
    if missing:
        keys = vocabulary.ledger_keys()
        wanted = ", ".join(
            f"{m} ({keys[m].meaning_ko.split(' (')[0]})" if m in keys else f"{m} (고유번호 / 물건소재지 / 본번)"
            for m in missing
        )
        raise MissingColumnsError(
            f"{path.name}: 필요한 열을 찾지 못했습니다: {wanted}. 파일의 머리글: {', '.join(headers)}. "
            f"알아보는 키: {', '.join(KEYS)}. "
            f"(missing column(s) {', '.join(missing)}; the file has: {', '.join(headers)}.)",
            "열 대응표(COLUMN_MAP)로 머리글을 알려 주세요 (give a column map), "
            '예: {"taxed_area": "면적", "pnu": "필지번호"}.',
        )
    return used


def _clean_text(rows: pd.DataFrame, used: dict[str, str], strip: bool) -> pd.DataFrame:
    """Blanks around values stripped (when the file has any) and the words exports write for empty
    (NULL, nan, -) made empty; only on the columns read (a hash lookup per column, no per-row Python)."""
    spellings = _null_spellings()
    for name in used:
        column = rows[name].astype(str)
        if strip:
            column = column.str.strip()
        if name in NO_NULL_WORDS:
            rows[name] = column
            continue
        empty_word = column.isin(spellings).to_numpy()
        if empty_word.any():
            column = column.mask(empty_word, "")
        rows[name] = column
    return rows


def _null_spellings() -> list[str]:
    """The null words as exports write them: lower, upper and title case."""
    words = vocabulary.null_words()
    return sorted({form for w in words for form in (w, w.upper(), w.title(), w.capitalize())} | {"NaN", "(null)"})


def _row_status(rows: pd.DataFrame, used: dict[str, str]) -> np.ndarray:
    """ "total" for 합계 / 소계 / 총계 rows, "blank" for rows with nothing in the columns read, else "".
    A totals row names no kind of taxed object, so only rows whose 과세대상구분 is not a known kind are
    searched for the words (a regex over every row costs seconds at 400,000 rows)."""
    candidates = (vocabulary.object_kind_of(rows["object_kind"]) == "").to_numpy()
    total = np.zeros(len(rows), dtype=bool)
    if candidates.any():
        words = sorted(vocabulary.summary_words(), key=len, reverse=True)
        pattern = r"^\s*(?:" + "|".join(r"\s*".join(map(re.escape, w)) for w in words) + r")\s*[:：]?\s*$"
        for column in (c for c in used if c not in NUMERIC):
            values = rows.loc[candidates, column]
            total[candidates] |= values.str.match(pattern, case=False).to_numpy(dtype=bool)
    blank = candidates.copy()  # a blank row has no kind either: only those rows are tested
    if blank.any():
        for column in used:
            blank[blank] = ~rows.loc[blank, column].to_numpy().astype(bool)  # "" is falsy
    status = np.full(len(rows), "", dtype=object)
    status[total] = EXCLUDED_TOTAL
    status[blank & ~total] = EXCLUDED_BLANK
    return status


def _compose_lots(rows: pd.DataFrame, used: dict[str, str], path: Path, warnings: list[str]) -> None:
    """Lots split over columns: 법정동코드 + 산구분 + 본번 + 부번 give the PNU; 소재지 (or 법정동명) + 산구분 +
    본번 + 부번, or 소재지 + 지번, give the address. Only for rows that have no PNU and no lot in the address."""
    if "main_no" not in used and "lot" not in used:
        return
    if "legal_dong_name" in used and "legal_dong_code" not in used:  # a 법정동 column holding the codes
        names = rows["legal_dong_name"]
        coded = (names.str.len() == 10) & names.str.isdigit()
        if coded.sum() > 0.5 * max(int((names != "").sum()), 1):
            rows["legal_dong_code"] = names.where(coded, "")
            used = {**used, "legal_dong_code": used["legal_dong_name"]}
    no_pnu = rows["pnu"] == ""
    if "main_no" in used:
        mountain = _mountain(rows["mountain"], used.get("mountain", ""), path) if "mountain" in used else None
        mountain = mountain if mountain is not None else pd.Series(False, index=rows.index)
        main, sub = rows["main_no"], _column(rows, "sub_no")
        if "legal_dong_code" in used:
            composed = compose_pnus(rows["legal_dong_code"], mountain, main, sub)
            take = no_pnu & (composed != "")
            rows.loc[take, "pnu"] = composed[take]
            no_pnu = rows["pnu"] == ""
        sub_text = pd.to_numeric(sub, errors="coerce").fillna(0).astype(np.int64).astype(str)
        lot = np.where(mountain, "산 ", "") + main + np.where(sub_text != "0", "-" + sub_text, "")
        lot = pd.Series(lot, index=rows.index).where(main != "", "")
    else:
        lot = rows["lot"]
    place = rows["address"] if "address" in used else _column(rows, "legal_dong_name")
    if "address" in used and "legal_dong_name" in used:
        place = place.where(place != "", rows["legal_dong_name"])
    without_lot = ~place.str.contains(r"\d", regex=True)
    take = no_pnu & without_lot & (lot != "")
    rows.loc[take, "address"] = (place[take] + " " + lot[take]).str.strip()


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``rows``, or empty texts when the file has none."""
    return rows[name] if name in rows else pd.Series("", index=rows.index, dtype=object)


_SHARE_DATE = re.compile(r"^(?:\d{4}-)?0?(\d{1,2})-0?(\d{1,2})(?:T00:00:00)?$|^0?(\d{1,2})월\s*0?(\d{1,2})일$")


def _undo_share_dates(share: pd.Series, warnings: list[str], path: Path) -> pd.Series:
    """지분 that Excel turned into dates (typing 1/2 gives 1월 2일, stored 2026-01-02) back to fractions:
    two co-owners of 1/2 would otherwise read as whole owners, i.e. as duplicates."""
    codes, distinct = pd.factorize(share)  # a ledger has few distinct shares: each is tested once
    found = pd.Series(distinct, dtype=object).str.extract(_SHARE_DATE)
    month, day = found[0].where(found[0].notna(), found[2]), found[1].where(found[1].notna(), found[3])
    fixed = (month.notna() & day.notna()).to_numpy()
    if not fixed.any():
        return share
    repaired = np.array(distinct, dtype=object)
    repaired[fixed] = (month[fixed] + "/" + day[fixed]).to_numpy()
    share = pd.Series(np.append(repaired, "")[codes], index=share.index, dtype=object)
    warnings.append(
        f"{path.name}: 날짜로 바뀐 지분 {int(fixed[codes[codes >= 0]].sum())}행을 분수로 되돌림 (예: 1월 2일 → 1/2) "
        f"(shares Excel turned into dates read back as fractions)"
    )
    return share


def _mountain(values: pd.Series, header: str, path: Path) -> pd.Series | None:
    """산구분 as booleans: words (산, 일반 ...) from the vocabulary, or codes: {1, 2} as in the PNU (2 산),
    {0, 1} as in the 건축물대장 (1 산). Refuses values it cannot read, naming them."""
    flags = vocabulary.mountain_flags()
    text = values.map(vocabulary.normal_word)
    distinct = set(text.unique()) - {""}
    if distinct <= set(flags):
        return text.map(flags).fillna(False).astype(bool)
    if distinct <= {"1", "2"}:
        return text == "2"
    if distinct <= {"0", "1"}:
        return text == "1"
    odd = sorted(distinct - set(flags))[:5]
    raise InputError(
        f"{path.name}: '{header}' 열(산구분)의 값 {', '.join(odd)}을(를) 읽을 수 없습니다. "
        f"(Column {header!r} (mountain flag) holds values that are not 산/일반, 1/2 or 0/1.)",
        "산구분은 '산'/'일반', 1(일반)/2(산) 또는 0(일반)/1(산) 중 한 가지로 적어 주세요.",
    )


# --- the numbers --------------------------------------------------------------------------------------


def _read_numbers(rows: pd.DataFrame, name: str, used: dict[str, str], live: np.ndarray, path: Path) -> pd.Series:
    """Numbers as written in ledgers (``1,234.5``, ``88㎡``, ``12,000원``). A live row whose value is not a
    believable number (text, negative, infinite, beyond ``NUMBER_LIMITS``) gets a read reason naming
    the column and the value; when most rows fail, the column is the wrong one and the run stops."""
    values = rows[name]
    numbers = pd.to_numeric(values, errors="coerce")
    written = values.to_numpy().astype(bool)  # "" is falsy
    odd = numbers.isna().to_numpy() & written
    if odd.any():  # only the few written with separators or units need cleaning
        cleaned = values[odd].str.replace(_NUMBER_NOISE, "", regex=True)
        numbers[odd] = pd.to_numeric(cleaned, errors="coerce")
    numbers = numbers.astype(float)
    array = numbers.to_numpy()
    with np.errstate(invalid="ignore"):
        bad = written & live & ~(np.isfinite(array) & (array >= 0) & (array <= NUMBER_LIMITS[name]))
    if bad.any():
        header = used.get(name, NUMBER_LABELS[name])
        if bad.sum() > 0.5 * max(int((written & live).sum()), 1) and bad.sum() >= 20:
            first = rows.loc[bad, ["source_row", name]].head(5).itertuples(index=False)
            shown = ", ".join(f"{line}행 {value!r}" for line, value in first)
            raise InputError(
                f"{path.name}: '{header}' 열({NUMBER_LABELS[name]})의 값 대부분이 숫자가 아닙니다 ({shown}). "
                f"(Most values of column {header!r} ({name}) are not numbers: is it the right column?)",
                "열 대응표(COLUMN_MAP)로 알맞은 열을 지정하세요.",
            )
        first_reason = rows["read_reason_code"].to_numpy() == ""
        tag = bad & first_reason
        shown_values = values[tag].str.slice(0, 30)
        rows.loc[tag, "read_reason_code"] = VALUE_INVALID
        rows.loc[tag, "read_reason"] = (
            f"'{header}' 열({NUMBER_LABELS[name]})의 값 "
            + shown_values.map(repr)
            + "이(가) 0 이상의 숫자가 아님 (not a believable number)"
        )
        array = array.copy()
        array[bad] = np.nan  # never carried on: no "inf" reaches a finding
    return pd.Series(array, index=rows.index)
