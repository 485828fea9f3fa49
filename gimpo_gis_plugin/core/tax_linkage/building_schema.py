"""Recognise which national schema a buildings layer is in, and read it into the engine's columns.

Buildings reach a tax office in several shapes: GIS건물통합정보 with Korean column names, the same
release as a shapefile (fields ``A0``..``A28``, or abbreviations such as ``BD_MGT_SN`` / ``TOTALAREA``,
upper or lower case, cut to ten bytes, CP949 without .cpg), 도로명주소 건물 (TL_SPBD_BULD), 건축물대장
API or bulk fields, and this project's own layout. Read with the wrong schema, every building gets a
placeholder id, no floor area and no use, and every area and use check goes silent. So the schema is
detected from the field names, the mapping used is logged in Korean, and a layer without an id or
floor-area field stops, naming the fields each schema expects.

The synonyms are data: ``resources/vocabulary/building_schemas.csv`` (one row per schema) and
``building_schema_fields.csv`` (one row per field name, long format like the ledger-header vocabulary).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ..errors import MissingColumnsError
from ..paths import resource

SCHEMA_FILE = resource("vocabulary", "building_schemas.csv")
FIELD_FILE = resource("vocabulary", "building_schema_fields.csv")
# Which id a ledger row most likely carries when nothing in the ledger says so: the 건물관리번호 (the
# key of 도로명주소 and of most 지방세 building rows), then the 건축물대장 PK, then the map's own ids.
ID_PREFERENCE = ("bld_mgt_sn", "register_pk", "bld_id", "ufid", "gis_bld_id")
ID_LABELS_KO = {
    "bld_mgt_sn": "건물관리번호",
    "register_pk": "건축물대장 PK",
    "bld_id": "건물ID",
    "ufid": "UFID",
    "gis_bld_id": "GIS건물통합식별번호",
}
FIELD_LABELS_KO = {
    **ID_LABELS_KO,
    "pnu": "PNU",
    "total_floor_area": "연면적",
    "building_area": "건축면적",
    "use_code": "용도코드",
    "use_name": "용도명",
    "floors_above": "지상층수",
    "floors_below": "지하층수",
    "approval_date": "사용승인일",
    "road_code": "도로명코드",
    "road_name": "도로명",
    "building_main_no": "건물본번",
    "building_sub_no": "건물부번",
}
# A0..A28 are only read as GIS건물통합정보 when most of them are there: "A1" alone means nothing.
POSITIONAL_MINIMUM = 15
SHAPEFILE_NAME_BYTES = 10


@dataclass(frozen=True)
class BuildingSchema:
    key: str
    label_ko: str
    use_code_table: str  # "current" (건축물대장 주용도코드) or "juso" (도로명주소 BDTYP_CD numbering)
    names: dict[str, tuple[str, ...]]  # engine field -> names in this schema, preferred first
    roles: dict[str, str]  # engine field -> "id" | "area" | "use" | ""

    def fields_with_role(self, role: str) -> list[str]:
        return [name for name, r in self.roles.items() if r == role]

    @property
    def needs_floor_area(self) -> bool:
        """TL_SPBD_BULD has no floor area at all: its layers are read, the area check is then off."""
        return bool(self.fields_with_role("area"))

    def expected_text(self) -> str:
        """What this schema needs, in Korean (``GIS건물통합정보(한글 필드명): GIS건물통합식별번호 또는 …, 연면적``)."""
        ids = " 또는 ".join(self.names[f][0] for f in self.fields_with_role("id"))
        areas = " 또는 ".join(self.names[f][0] for f in self.fields_with_role("area"))
        return f"{self.label_ko}: {ids}{', ' + areas if areas else ''}"


@dataclass
class SchemaMatch:
    schema: BuildingSchema
    columns: dict[str, str]  # engine field -> the layer's column
    missing: list[str] = field(default_factory=list)  # required engine fields not found

    def mapping_text(self) -> str:
        """``BD_MGT_SN→건물관리번호, TOTALAREA→연면적 …`` for the log."""
        shown = [f for f in FIELD_LABELS_KO if f in self.columns]
        return ", ".join(f"{self.columns[f]}→{FIELD_LABELS_KO[f]}" for f in shown)


@lru_cache(maxsize=1)
def building_schemas() -> tuple[BuildingSchema, ...]:
    """The schemas of resources/vocabulary, in file order (the order breaks ties in detection)."""
    table = pd.read_csv(SCHEMA_FILE, dtype=str, keep_default_na=False)
    fields = pd.read_csv(FIELD_FILE, dtype=str, keep_default_na=False)
    schemas = []
    for row in table.itertuples(index=False):
        rows = fields[fields["schema"] == row.schema]
        names: dict[str, list[str]] = {}
        roles: dict[str, str] = {}
        for item in rows.itertuples(index=False):
            names.setdefault(item.field, []).append(item.name)
            roles[item.field] = roles.get(item.field) or item.role
        frozen = {key: tuple(value) for key, value in names.items()}
        schemas.append(BuildingSchema(row.schema, row.label_ko, row.use_code_table, frozen, roles))
    return tuple(schemas)


def name_key(name: object) -> str:
    """Field names compared as users see them: NFKC (full-width letters), case and outer spaces ignored."""
    return unicodedata.normalize("NFKC", str(name)).strip().casefold()


def _cut_forms(name: str) -> set[str]:
    """The forms a shapefile leaves of a long field name: ten characters, or ten bytes in CP949 or UTF-8
    (GDAL cuts bytes; a Korean name keeps five syllables in CP949, three in UTF-8)."""
    forms = {name[:SHAPEFILE_NAME_BYTES]}
    for encoding in ("cp949", "utf-8"):
        try:
            raw = name.encode(encoding)
        except UnicodeEncodeError:
            continue
        if len(raw) > SHAPEFILE_NAME_BYTES:
            forms.add(raw[:SHAPEFILE_NAME_BYTES].decode(encoding, errors="ignore"))
    return {name_key(form) for form in forms if form}


def match_schema(schema: BuildingSchema, columns: Iterable[str]) -> SchemaMatch:
    """Which of the layer's columns carry which engine field under ``schema`` (exact names first, then
    names cut by the shapefile format; a column is used once)."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(name_key(column), column)
    used: set[str] = set()
    found: dict[str, str] = {}
    for exact in (True, False):
        for engine_field, names in schema.names.items():
            if engine_field in found:
                continue
            for candidate in names:
                keys = {name_key(candidate)} if exact else _cut_forms(candidate)
                hit = next((by_key[k] for k in keys if k in by_key and by_key[k] not in used), None)
                if hit is not None:
                    found[engine_field] = hit
                    used.add(hit)
                    break
    missing = []
    if not any(f in found for f in schema.fields_with_role("id")):
        missing.append("id")
    if schema.needs_floor_area and not any(f in found for f in schema.fields_with_role("area")):
        missing.append("area")
    return SchemaMatch(schema, found, missing)


def detect_building_schema(columns: Iterable[str]) -> SchemaMatch | None:
    """The schema whose names cover most of the layer's columns; None when no schema knows two of them
    (or, for A0..A28, fewer than POSITIONAL_MINIMUM)."""
    columns = [c for c in columns if isinstance(c, str)]
    best: SchemaMatch | None = None
    for schema in building_schemas():
        match = match_schema(schema, columns)
        score = len(match.columns)
        if schema.key == "gis_building_a" and score < POSITIONAL_MINIMUM:
            continue
        if score < 2:
            continue
        if (
            best is None
            or score > len(best.columns)
            or (score == len(best.columns) and len(match.missing) < len(best.missing))
        ):
            best = match
    return best


def fields_to_read(names: list[str]) -> list[str] | None:
    """The layer fields the linkage reads (those of the detected schema); None (all) when no schema is
    recognised, so that the refusal can list every field of the layer."""
    match = detect_building_schema(names)
    return None if match is None else list(dict.fromkeys(match.columns.values()))


def require_schema(columns: list[str], layer_label: str) -> SchemaMatch:
    """The detected schema, or MissingColumnsError naming the layer, its fields and what each schema
    expects."""
    match = detect_building_schema(columns)
    shown = ", ".join(str(c) for c in columns if c != "geometry") or "(필드 없음)"
    expected = "; ".join(s.expected_text() for s in building_schemas())
    if match is None:
        raise MissingColumnsError(
            f"{layer_label}: 건물 레이어의 형식을 알아볼 수 없습니다. 레이어의 필드: {shown}. "
            f"(The building layer is in no known schema.)",
            f"형식별로 필요한 필드 — {expected}. 건물 ID와 연면적 필드가 있는 레이어를 주십시오.",
        )
    if match.missing:
        schema = match.schema
        wanted = []
        if "id" in match.missing:
            wanted.append(" 또는 ".join(schema.names[f][0] for f in schema.fields_with_role("id")))
        if "area" in match.missing:
            wanted.append(" 또는 ".join(schema.names[f][0] for f in schema.fields_with_role("area")))
        raise MissingColumnsError(
            f"{layer_label}: {schema.label_ko} 형식으로 보이나 필요한 필드가 없습니다: {', '.join(wanted)}. "
            f"레이어의 필드: {shown}. (Required building fields are missing.)",
            "건물 ID가 없으면 과세대장의 건물과 맞출 수 없고, 연면적이 없으면 면적 점검을 할 수 없습니다. "
            f"형식별로 필요한 필드 — {expected}.",
        )
    return match
