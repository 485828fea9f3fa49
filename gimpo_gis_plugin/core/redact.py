"""Passwords never leave the connection: remove them from every text the plugin logs or returns.

A planner gives a PostgreSQL destination as ``postgresql://user:password@host/db``, as a libpq/``PG:``
string with ``password=...``, or as a QGIS layer URI (``postgres://dbname=... password='...'``). The
password is needed to connect, but a log line, an error message or a ``qgis_process --json`` result that
repeats it leaks it to whoever reads the terminal, the log file or the batch report; :func:`redact`
replaces it with ``***`` wherever it appears in a text, whatever the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"
# postgresql://user:secret@host  (also postgres://, and inside longer texts)
_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^\s:/@'\"]*:)([^\s@'\"]*)(@)", re.IGNORECASE)
# password=secret, password='se cr\'et', PASSWORD = "x"  (libpq keywords, PG: strings, layer URIs)
_KEYWORD_PASSWORD = re.compile(r"""(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s'"]+)""", re.IGNORECASE)
# ?password=secret&...  (a query parameter of a URI)
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&\s'\"]*)", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every PostgreSQL password replaced by ``***`` (everything else unchanged)."""
    if not text or ("pass" not in text.lower() and "@" not in text):
        return text
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + (MASK if m.group(2) else "") + m.group(3), text)
    text = _QUERY_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + MASK, text)


def strip_password(text: str) -> str:
    """``text`` without its PostgreSQL password at all (not masked): for connection strings that QGIS
    opens again, which then take the password from QGIS's credential cache, ~/.pgpass or PGPASSWORD."""
    text = _URL_PASSWORD.sub(lambda m: m.group(1)[:-1] + m.group(3), text)
    text = _QUERY_PASSWORD.sub("", text)
    return re.sub(r"\s{2,}", " ", _KEYWORD_PASSWORD.sub("", text)).strip()


def redact_value(value: Any) -> Any:
    """A result value with :func:`redact` applied to every text in it (lists and dicts included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item) for item in value)
    return value
