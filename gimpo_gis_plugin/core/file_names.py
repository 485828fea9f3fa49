"""File names made from data (application ids, agency names): safe on every file system, never shared.

Ids such as ``2026/001``, ``2026_001`` and ``2026:001`` all become ``2026_001`` once the characters a file
system refuses are replaced, and three report pages would overwrite each other; a 100-character id or
agency name exceeds the 255-byte limit of ext4/NTFS names once encoded (a Hangul syllable is 3 bytes in
UTF-8). :class:`UniqueFileNames` gives each distinct value its own short, readable name.
"""

from __future__ import annotations

import hashlib
import re

# Letters, digits, Hangul, '_', '.', '-' stay; everything else (/, :, \\, spaces, control chars) becomes '_'.
_UNSAFE = re.compile(r"[^0-9A-Za-z가-힣_.-]+")
MAX_NAME_BYTES = 120  # leaves room for a prefix, a suffix and the temporary-name mark under 255 bytes


def safe_stem(text: object, fallback: str = "item") -> str:
    """``text`` as a file-name stem: unsafe characters replaced, no leading dot, at most MAX_NAME_BYTES."""
    stem = _UNSAFE.sub("_", str(text if text is not None else "")).strip("._") or fallback
    if len(stem.encode("utf-8")) <= MAX_NAME_BYTES:
        return stem
    digest = hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:8]
    cut = stem.encode("utf-8")[: MAX_NAME_BYTES - 9].decode("utf-8", errors="ignore")
    return f"{cut}-{digest}"


class UniqueFileNames:
    """Safe stems, one per distinct value: a value whose safe form is taken gets a short hash suffix."""

    def __init__(self) -> None:
        self._by_value: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, value: object, fallback: str = "item") -> str:
        key = str(value)
        if key in self._by_value:
            return self._by_value[key]
        stem = safe_stem(value, fallback)
        if stem.lower() in self._taken:  # case-insensitive file systems (NTFS) would merge them too
            stem = f"{stem}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
        self._taken.add(stem.lower())
        self._by_value[key] = stem
        return stem


__all__ = ["MAX_NAME_BYTES", "UniqueFileNames", "safe_stem"]
