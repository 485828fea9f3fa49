"""Recognise where layers go: a GeoPackage path, or a PostGIS database written in any of the ways users do.

Planners paste what their tool shows them, so all of these name the same place:

- ``postgresql://user:pw@host:5432/gimpo?schema=tax`` (also ``postgres://``; ``schema`` and ``table``
  are our own query parameters, the rest go to libpq, e.g. ``sslmode``),
- ``PG:dbname=gimpo host=db.gimpo.go.kr user=tax schemas=tax`` (GDAL/ogr2ogr; ``active_schema`` and
  ``schemas`` give the schema, ``tables`` one table),
- ``dbname='gimpo' host=db port=5432 user='tax' table="tax"."parcels" (geom)`` (a QGIS layer source;
  only the connection, schema and table are used), also prefixed ``postgres://`` as QGIS Processing
  writes a PostGIS layer (``qgis_process`` opens an input layer only in that form).

Values are parsed, never pasted into SQL: the connection settings go to libpq as keywords and the
schema/table names are quoted as identifiers by the writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import InputError

# libpq connection keywords that users put in connection strings (others are refused with a clear message,
# so a typo such as "hots=" does not silently connect somewhere else).
LIBPQ_KEYWORDS = frozenset(
    {
        "host",
        "hostaddr",
        "port",
        "dbname",
        "user",
        "password",
        "passfile",
        "service",
        "sslmode",
        "sslcert",
        "sslkey",
        "sslrootcert",
        "sslcrl",
        "application_name",
        "options",
        "connect_timeout",
        "target_session_attrs",
        "gssencmode",
        "keepalives",
    }
)
# Keys of QGIS layer URIs and GDAL connection strings that describe the layer, not the connection.
_LAYER_KEYS = frozenset(
    {
        "key",
        "srid",
        "type",
        "sql",
        "estimatedmetadata",
        "checkprimarykeyunicity",
        "selectatid",
        "mode",
        "tables",
        "list_all_tables",
        "coordinatetransform",
    }
)
_KEYWORD_START = re.compile(r"^\s*(dbname|service|host|hostaddr|port|user|authcfg)\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class PostgresTarget:
    """A PostgreSQL database (libpq keywords), and optionally the schema and table within it."""

    conninfo: dict[str, str] = field(default_factory=dict)
    schema: str | None = None
    table: str | None = None

    @property
    def database(self) -> str:
        return self.conninfo.get("dbname") or self.conninfo.get("user") or ""

    def describe(self) -> str:
        """Where this is, for messages: never includes the password."""
        if "service" in self.conninfo and "host" not in self.conninfo:
            place = f"service {self.conninfo['service']}"
        else:
            place = f"{self.conninfo.get('host', 'localhost')}:{self.conninfo.get('port', '5432')}"
        user = self.conninfo.get("user")
        return f"PostgreSQL {place}, database {self.database or '(default)'}" + (f", user {user}" if user else "")

    def with_schema(self, schema: str | None) -> PostgresTarget:
        return PostgresTarget(dict(self.conninfo), schema or self.schema, self.table)


def strip_provider_prefix(text: str) -> str:
    """``postgres://dbname=... table=...`` (QGIS Processing's provider-prefixed layer) -> the layer URI."""
    for prefix in ("postgres://", "postgresql://"):
        if text.lower().startswith(prefix) and _KEYWORD_START.match(text[len(prefix) :]):
            return text[len(prefix) :]
    return text


def is_postgres(destination: str | Path) -> bool:
    """True when ``destination`` names a PostgreSQL database rather than a file."""
    if isinstance(destination, Path):
        return False
    text = destination.strip()
    return text.lower().startswith(("postgres://", "postgresql://", "pg:")) or bool(_KEYWORD_START.match(text))


def parse_postgres(destination: str) -> PostgresTarget:
    """Parse any of the accepted forms into a :class:`PostgresTarget`; raise InputError naming the problem."""
    text = strip_provider_prefix(destination.strip())
    if text.lower().startswith(("postgres://", "postgresql://")):
        return _parse_url(text)
    if text.lower().startswith("pg:"):
        return _from_pairs(_split_keywords(text[3:]), destination)
    if _KEYWORD_START.match(text):
        return _from_pairs(_split_keywords(text), destination)
    raise InputError(
        f"{_masked(destination)} is not a PostgreSQL connection.",
        "Write it as postgresql://user@host:5432/database?schema=name, PG:dbname=... host=..., "
        "or give the name of a QGIS PostgreSQL connection.",
    )


def _parse_url(text: str) -> PostgresTarget:
    parts = urlsplit(text)
    conninfo: dict[str, str] = {}
    try:
        port = parts.port
    except ValueError as exc:
        raise InputError(f"{_masked(text)}: the port is not a number.", "Write e.g. host:5432.") from exc
    if parts.hostname:
        conninfo["host"] = unquote(parts.hostname)
    if port:
        conninfo["port"] = str(port)
    if parts.username:
        conninfo["user"] = unquote(parts.username)
    if parts.password is not None:
        conninfo["password"] = unquote(parts.password)
    if parts.path.strip("/"):
        conninfo["dbname"] = unquote(parts.path.strip("/"))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return _from_pairs(pairs, text, conninfo)


def _from_pairs(pairs: list[tuple[str, str]], original: str, conninfo: dict[str, str] | None = None) -> PostgresTarget:
    conninfo = dict(conninfo or {})
    schema = table = None
    for raw_key, value in pairs:
        key = raw_key.strip().lower()
        if key in ("schema", "active_schema"):
            schema = value
        elif key == "schemas":
            schema = value.split(",")[0].strip() or None
        elif key == "table":
            table_schema, table = _split_table(value, original)
            schema = table_schema or schema
        elif key == "authcfg":
            raise InputError(
                f"{_masked(original)} uses a QGIS authentication configuration ({value}).",
                "Give the name of the QGIS connection instead (the plugin resolves it inside QGIS), "
                "or a URI with the user and password.",
            )
        elif key in LIBPQ_KEYWORDS:
            conninfo[key] = value
        elif key in _LAYER_KEYS:
            continue
        else:
            raise InputError(
                f"{_masked(original)}: unknown connection setting '{raw_key}'.",
                f"Use only {', '.join(sorted(LIBPQ_KEYWORDS))}, schema and table.",
            )
    if not conninfo:
        raise InputError(f"{_masked(original)} names no database.", "Give at least dbname=... or a service.")
    return PostgresTarget(conninfo, schema or None, table or None)


def _split_keywords(text: str) -> list[tuple[str, str]]:
    """Split ``key=value key='quoted \\' value' table="s"."t" (geom) sql=...`` into pairs (libpq rules)."""
    pairs: list[tuple[str, str]] = []
    position = 0
    length = len(text)
    while position < length:
        while position < length and text[position].isspace():
            position += 1
        if position >= length:
            break
        equals = text.find("=", position)
        if equals < 0:
            raise InputError(f"Cannot read the connection string near '{text[position:][:30]}'.", "Write key=value.")
        key = text[position:equals].strip()
        position = equals + 1
        while position < length and text[position] == " ":
            position += 1
        if key.lower() == "sql":
            pairs.append((key, text[position:].strip()))
            break
        if key.lower() == "table":
            value, position = _read_table_value(text, position)
        elif position < length and text[position] == "'":
            value, position = _read_quoted(text, position)
        else:
            end = position
            while end < length and not text[end].isspace():
                end += 1
            value, position = text[position:end], end
        pairs.append((key, value))
    return pairs


def _read_quoted(text: str, position: int) -> tuple[str, int]:
    chars: list[str] = []
    position += 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            chars.append(text[position + 1])
            position += 2
            continue
        if char == "'":
            return "".join(chars), position + 1
        chars.append(char)
        position += 1
    raise InputError("A quoted value in the connection string is not closed.", "Close it with '.")


def _read_table_value(text: str, position: int) -> tuple[str, int]:
    """QGIS writes ``table="schema"."name" (geom)``; keep the identifiers and drop the geometry column."""
    end = position
    in_quotes = False
    while end < len(text):
        char = text[end]
        if char == '"':
            in_quotes = not in_quotes
        elif char.isspace() and not in_quotes:
            break
        end += 1
    value = text[position:end]
    rest = end
    while rest < len(text) and text[rest].isspace():
        rest += 1
    if rest < len(text) and text[rest] == "(":
        close = text.find(")", rest)
        end = close + 1 if close >= 0 else len(text)
    return value, end


def _split_table(value: str, original: str) -> tuple[str | None, str]:
    """``"s"."t"`` / ``s.t`` / ``t`` into (schema, table), honouring doubled quotes inside names."""
    names: list[str] = []
    position = 0
    while position < len(value):
        if value[position] == '"':
            chars: list[str] = []
            position += 1
            while position < len(value):
                if value[position] == '"':
                    if position + 1 < len(value) and value[position + 1] == '"':
                        chars.append('"')
                        position += 2
                        continue
                    break
                chars.append(value[position])
                position += 1
            names.append("".join(chars))
            position += 1
        else:
            dot = value.find(".", position)
            end = dot if dot >= 0 else len(value)
            names.append(value[position:end])
            position = end
        if position < len(value) and value[position] == ".":
            position += 1
    if not names or len(names) > 2 or not names[-1]:
        raise InputError(f"{_masked(original)}: cannot read the table name '{value}'.", 'Write "schema"."table".')
    return (names[0] if len(names) == 2 else None), names[-1]


def _masked(text: str) -> str:
    """The destination for a message, with any password replaced by ***."""
    text = re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", text, flags=re.IGNORECASE)
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", text)
