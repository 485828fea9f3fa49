"""The audit trail of unmasked personal data: one line per display or export (when, who, parcel, what, why).

Showing a taxpayer's full name or resident number is allowed for tax work but must be traceable
(개인정보 보호법 제29조, 개인정보의 안전성 확보조치 기준 제8조 접속기록): who saw which record, when, and for
what task. The log is a plain UTF-8 text file an auditor can read or grep; a line is written only when
personal values were actually shown or written, so the log does not cry wolf.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path

from ..errors import OutputError

SHOWN = "개인정보 표시 (unmasked personal data shown)"
EXPORTED = "개인정보 포함 내보내기 (exported with personal data)"
FIELDS = ("시각", "사용자", "PNU", "내용", "사유")


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some service accounts: still log the display
        return "unknown"


def _clean(text: str) -> str:
    """One field of a tab-separated line: no tabs or line breaks inside."""
    return " ".join(str(text or "").split())


class AuditLog:
    """Appends ``<ISO time>\\t<user>\\t<PNU>\\t<what>\\t<reason>`` lines to ``path`` (created with its folder)."""

    def __init__(self, path: str | Path, user: str | None = None, reason: str = "") -> None:
        self.path = Path(path)
        self.user = user or current_user()
        self.reason = reason

    def record(self, pnu: str, what: str = SHOWN, reason: str | None = None) -> str:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        fields = (stamp, self.user, pnu, what, self.reason if reason is None else reason)
        line = "\t".join(_clean(field) for field in fields)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")
        except OSError as error:
            raise OutputError(
                f"개인정보 감사기록 {self.path}에 쓸 수 없습니다: {error}.",
                "감사기록 없이는 개인정보를 표시하지 않습니다: 폴더의 쓰기 권한을 확인하세요.",
            ) from error
        return line

    def lines(self) -> list[str]:
        if not self.path.is_file():
            return []
        return self.path.read_text(encoding="utf-8").splitlines()
