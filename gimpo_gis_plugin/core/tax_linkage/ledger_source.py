"""The bytes of a ledger file as text: which kind of file it really is (a workbook or text, whatever its
name says) and which encoding its text is in (UTF-8 with or without BOM, UTF-16 LE/BE with BOM,
CP949/EUC-KR), refusing in plain words a file that mixes encodings, naming its first line in the other
one. Shared by every text input of the linkage (the ledger and the exemption list).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ..errors import EncodingError, InputError

UTF8, UTF16, CP949 = "UTF-8", "UTF-16", "CP949/EUC-KR"
TRIED = "UTF-8, UTF-8 BOM, UTF-16 LE/BE (BOM), CP949/EUC-KR"
_ZIP = b"PK\x03\x04"  # .xlsx, .xlsm are zip files
_OLE = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
# Two Hangul syllables in UTF-8 (U+AC00..U+D7A3: EA-ED, then two continuation bytes): in CP949 text such
# a run would need Hanja followed by extended Hangul, which ledgers do not contain.
# Found by mapping each byte to its class (lead L, continuation c, other .) and searching "LccLcc": a regex
# over a 60 MB file takes seconds, translate and find take milliseconds.
_BYTE_CLASS = bytes(ord("L") if 0xEA <= b <= 0xED else ord("c") if 0x80 <= b <= 0xBF else ord(".") for b in range(256))
_UTF8_HANGUL_RUN = b"LccLcc"
_SAVE_AS = "엑셀에서 '다른 이름으로 저장' → 'CSV UTF-8(쉼표로 분리)' 또는 'CSV(쉼표로 분리)'로 다시 저장하세요"


@dataclass(frozen=True)
class SourceText:
    """A text file decoded: its text (BOM removed), its encoding as told to the user."""

    text: str | None  # None when the bytes can be parsed as they are (``body``)
    body: bytes  # the bytes after any BOM (UTF-8 or CP949)
    encoding: str


def file_kind(path: Path, data: bytes) -> str:
    """ "xlsx", "xls" or "text" by the file's first bytes; a name that says otherwise is refused in plain
    words (a CSV renamed .xlsx, a workbook renamed .csv)."""
    named_workbook = path.suffix.lower() in WORKBOOK_SUFFIXES
    if data.startswith(_ZIP):
        kind = "xlsx"
    elif data.startswith(_OLE):
        kind = "xls"
    else:
        kind = "text"
    if named_workbook and kind == "text":
        raise InputError(
            f"{path.name}: 이름은 엑셀 파일({path.suffix})이지만 내용은 텍스트(CSV)입니다. "
            f"파일 이름을 .csv로 바꾸거나 엑셀에서 열어 .xlsx로 저장하세요. "
            f"({path.name} is named {path.suffix} but is a text/CSV file: rename it .csv.)"
        )
    if not named_workbook and kind != "text":
        raise InputError(
            f"{path.name}: 이름은 텍스트 파일({path.suffix or '확장자 없음'})이지만 내용은 엑셀 통합문서입니다. "
            f"파일 이름을 .xlsx로 바꾸거나 엑셀에서 CSV로 저장하세요. "
            f"({path.name} is an Excel workbook named {path.suffix or 'without extension'}: rename it .xlsx.)"
        )
    if kind == "xls":
        raise InputError(
            f"{path.name}: 엑셀 97-2003 형식(.xls)은 읽지 않습니다. 엑셀에서 .xlsx 또는 CSV로 저장하세요. "
            f"(The old .xls format is not read: save as .xlsx or CSV.)"
        )
    return kind


def decode(path: Path, data: bytes) -> SourceText:
    """The text of ``data``; EncodingError naming the file, the encodings tried and the first bad line."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        try:
            text = data[2:].decode(codec)
        except UnicodeDecodeError as exc:
            line = data[2 : 2 + exc.start].decode(codec, errors="replace").count("\n") + 1
            raise _error(path, f"UTF-16 파일의 {line}번째 줄에 UTF-16이 아닌 바이트가 있습니다", line) from exc
        return SourceText(text, b"", UTF16)
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    bad = _first_non_utf8(body)
    if bad is None:
        return SourceText(None, body, UTF8)
    line = body.count(b"\n", 0, bad) + 1
    if _has_non_ascii(body[: body.rfind(b"\n", 0, bad) + 1]):  # Korean read as UTF-8 before that line
        raise _error(path, f"UTF-8로 시작하지만 {line}번째 줄부터 다른 인코딩(CP949 등)입니다", line)
    utf8_run = body.translate(_BYTE_CLASS).find(_UTF8_HANGUL_RUN)
    if utf8_run >= 0:
        line = body.count(b"\n", 0, utf8_run) + 1
        raise _error(path, f"CP949/EUC-KR로 시작하지만 {line}번째 줄에 UTF-8로 쓴 글자가 섞여 있습니다", line)
    return SourceText(None, body, CP949)


def decode_file(path: Path) -> tuple[str, str]:
    """The whole text of a text file and its encoding, in any of the encodings above."""
    source = decode(path, path.read_bytes())
    if source.text is not None:
        return source.text, source.encoding
    if source.encoding == UTF8:
        return source.body.decode("utf-8"), UTF8
    try:
        return source.body.decode("cp949"), CP949
    except UnicodeDecodeError as exc:
        raise cp949_error(path, source.body) from exc


def cp949_error(path: Path, body: bytes) -> EncodingError:
    """The error for bytes that are neither UTF-8 nor CP949, naming the first bad line. Only called
    when decoding failed: the CSV parser decodes CP949 itself (one pass over the file, not two)."""
    try:
        body.decode("cp949")
        line = 0
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
    return _error(path, f"{line}번째 줄을 UTF-8로도 CP949/EUC-KR로도 읽을 수 없습니다", line)


def _first_non_utf8(data: bytes, chunk: int = 1 << 22) -> int | None:
    """Offset of the first byte that is not UTF-8, or None. Tested in slices: ``data.decode`` builds the
    whole text (twice the file for Korean), and its error copies the whole input."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    start = 0
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(view[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return start + max(exc.start, 0)
    return None


def _has_non_ascii(data: bytes) -> bool:
    return not data.isascii()


def _error(path: Path, what: str, line: int) -> EncodingError:
    return EncodingError(
        f"{path.name}: {what} (시도한 인코딩: {TRIED}). "
        f"({path}: the text cannot be read from line {line}; encodings tried: {TRIED}.)",
        f"{_SAVE_AS}. (Save the file again in one encoding: UTF-8 or CP949.)",
    )
