"""The audit trail of unmasked personal data: one line per display (who, when, which parcel).

Showing a taxpayer's full name or resident number is allowed for tax work but must be traceable
(개인정보 보호법 접근기록). The log is a plain UTF-8 text file an auditor can read or grep.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path

from ..errors import OutputError


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some service accounts: still log the display
        return "unknown"


class AuditLog:
    """Appends ``<ISO time>\\t<user>\\t<PNU>\\t<what>`` lines to ``path`` (created with its folder)."""

    def __init__(self, path: str | Path, user: str | None = None) -> None:
        self.path = Path(path)
        self.user = user or current_user()

    def record(self, pnu: str, what: str = "unmasked personal data shown") -> str:
        line = f"{datetime.now().astimezone().isoformat(timespec='seconds')}\t{self.user}\t{pnu}\t{what}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")
        except OSError as error:
            raise OutputError(
                f"Cannot write the personal-data audit log {self.path}: {error}.",
                "Personal data is not shown without an audit line: fix the folder's permissions.",
            ) from error
        return line

    def lines(self) -> list[str]:
        if not self.path.is_file():
            return []
        return self.path.read_text(encoding="utf-8").splitlines()
