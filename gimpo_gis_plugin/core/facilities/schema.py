"""The underground part of the facility store (지하시설물 통합DB): one table per network, plain types.

Table and field names follow the Korean 지하시설물도 standard layers (``WTL_PIPE_LM`` 상수관로,
``SWL_PIPE_LM`` 하수관거) in lower case, so a city's own exports map onto them with little renaming.
Every table also carries ``agency`` (관리기관: who must be told before a dig) and ``acc_grade``
(탐사 정확도 등급). Only TEXT, INTEGER, REAL and 2-D geometries are used, and dates are ISO text
(``YYYY-MM-DD``), so the same tables live in a GeoPackage (the embedded default) or in PostGIS
(:func:`postgis_ddl`) without GeoPackage-only features.

Depths are metres below the ground surface to the *top* of the pipe or cable (토피); the pipe occupies
``[depth, depth + diameter]``. How a table states depth differs by standard, and ``depth_kind`` says
how the analyses read it:

- ``profile``: a start and an end depth (하수 ``beg_dep``/``end_dep``), interpolated along the line;
- ``range``: the shallowest and deepest depth without saying where (상수 ``low_dep``/``hgh_dep``), so
  the analyses take the worst case within the range everywhere;
- ``constant``: one standard depth (``std_dep``) for the whole line;
- ``point``: the depth of a point facility (manhole floor, valve top).
"""

from __future__ import annotations

from dataclasses import dataclass

GEOMETRY_LINE = "LineString"
GEOMETRY_POINT = "Point"

# Survey accuracy grades (탐사 정확도). Our own four-step scale, since the national rules grade
# survey results differently by year and method: A exposed/measured, B detector survey, C drawn from
# as-built drawings, D unknown origin.
ACCURACY_GRADES = ("A", "B", "C", "D")
ACCURACY_LABELS = {"A": "실측(노출)", "B": "탐사장비", "C": "준공도면", "D": "출처미상"}

# Network types: code -> (Korean, English). Codes are the identifiers used in rule tables.
FACILITY_TYPES = {
    "water": ("상수관로", "water main"),
    "sewer": ("하수관거", "sewer"),
    "gas": ("도시가스관", "gas main"),
    "power": ("전력선", "power cable"),
    "telecom": ("통신선", "telecom cable"),
    "heat": ("지역난방관", "district heating pipe"),
    "manhole": ("맨홀", "manhole"),
    "valve": ("밸브", "valve"),
}


@dataclass(frozen=True)
class FieldSpec:
    """One column: ``kind`` is text, integer, real or date (ISO text); numbers may have bounds."""

    name: str
    kind: str
    label_ko: str
    required: bool = False
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class LayerSpec:
    """One table of the store and how its depth is stated."""

    name: str
    facility_type: str
    label_ko: str
    geometry: str
    fields: tuple[FieldSpec, ...]
    depth_kind: str
    depth_fields: tuple[str, ...]
    plausible_depth_m: tuple[float, float]

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [spec.name for spec in self.fields]


def _common(diameter: bool = True) -> tuple[FieldSpec, ...]:
    fields = [
        FieldSpec("ftr_idn", "text", "관리번호", required=True),
        FieldSpec("agency", "text", "관리기관", required=True),
        FieldSpec("acc_grade", "text", "탐사정확도등급", choices=ACCURACY_GRADES),
        FieldSpec("ist_ymd", "date", "설치일자"),
        FieldSpec("mop_cde", "text", "관재질"),
    ]
    if diameter:
        fields.append(FieldSpec("std_dip", "real", "구경", unit="mm", minimum=0.0, maximum=5000.0))
    return tuple(fields)


def _depth(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, "real", label, unit="m")


WATER = LayerSpec(
    "wtl_pipe_lm",
    "water",
    "상수관로",
    GEOMETRY_LINE,
    (
        *_common(),
        FieldSpec("saa_cde", "text", "관용도"),
        _depth("low_dep", "최저깊이"),
        _depth("hgh_dep", "최고깊이"),
    ),
    "range",
    ("low_dep", "hgh_dep"),
    (0.3, 6.0),
)

SEWER = LayerSpec(
    "swl_pipe_lm",
    "sewer",
    "하수관거",
    GEOMETRY_LINE,
    (
        *_common(),
        FieldSpec("sba_cde", "text", "하수관용도"),
        _depth("beg_dep", "시점깊이"),
        _depth("end_dep", "종점깊이"),
        FieldSpec("beg_inv", "real", "시점관저고", unit="m EL"),
        FieldSpec("end_inv", "real", "종점관저고", unit="m EL"),
        FieldSpec("pip_slp", "real", "구배", unit="‰", minimum=-200.0, maximum=200.0),
        FieldSpec("beg_mh", "text", "시점맨홀"),
        FieldSpec("end_mh", "text", "종점맨홀"),
    ),
    "profile",
    ("beg_dep", "end_dep"),
    (0.3, 15.0),
)


def _standard_depth_line(name: str, facility_type: str, label: str, plausible: tuple[float, float]) -> LayerSpec:
    return LayerSpec(
        name,
        facility_type,
        label,
        GEOMETRY_LINE,
        (*_common(), _depth("std_dep", "매설깊이")),
        "constant",
        ("std_dep",),
        plausible,
    )


GAS = _standard_depth_line("gas_pipe_lm", "gas", "도시가스관", (0.3, 5.0))
POWER = _standard_depth_line("pwr_line_lm", "power", "전력선", (0.3, 5.0))
TELECOM = _standard_depth_line("tel_line_lm", "telecom", "통신선", (0.2, 5.0))
HEAT = _standard_depth_line("heat_pipe_lm", "heat", "지역난방관", (0.3, 6.0))

MANHOLE = LayerSpec(
    "manhole_ps",
    "manhole",
    "맨홀",
    GEOMETRY_POINT,
    (
        *_common(diameter=False),
        FieldSpec("net_type", "text", "시설구분", choices=("water", "sewer", "gas", "power", "telecom", "heat")),
        _depth("man_dep", "맨홀깊이"),
    ),
    "point",
    ("man_dep",),
    (0.5, 15.0),
)

VALVE = LayerSpec(
    "valve_ps",
    "valve",
    "밸브",
    GEOMETRY_POINT,
    (
        *_common(),
        FieldSpec("net_type", "text", "시설구분", choices=("water", "gas", "heat")),
        _depth("val_dep", "밸브깊이"),
        # 개폐여부 and 조작 가능 (the standard's off_cde / cst_cde 이상상태, as plain words): read by the
        # water isolation (core.water), which accepts open/closed, 열림/닫힘, 개/폐 and Y/N, 가능/불가, 고장, 매몰.
        FieldSpec("off_cde", "text", "개폐여부"),
        FieldSpec("opr_yn", "text", "조작가능여부"),
    ),
    "point",
    ("val_dep",),
    (0.3, 6.0),
)

# The water service points (상수도 부속 시설), read only by the water-main isolation (core.water): hydrants
# (WTL_FIRE_PS 소방시설), feeding points (WTL_SERV_PS 배수지 and 가압장, inlets) and service connections
# (WTL_META_PS 급수전계량기, with the building served and its 가구수). They are not buried networks the
# excavation and clearance analyses model, so they stay out of UNDERGROUND_LAYERS.
HYDRANT = LayerSpec(
    "wtl_fire_ps",
    "water",
    "소화전",
    GEOMETRY_POINT,
    (*_common(), FieldSpec("fir_kind", "text", "소화전형식")),
    "point",
    (),
    (0.0, 6.0),
)
SOURCE = LayerSpec(
    "wtl_serv_ps",
    "water",
    "배수지·가압장(급수원)",
    GEOMETRY_POINT,
    (
        FieldSpec("ftr_idn", "text", "관리번호", required=True),
        FieldSpec("agency", "text", "관리기관", required=True),
        FieldSpec("acc_grade", "text", "탐사정확도등급", choices=ACCURACY_GRADES),
        FieldSpec("ist_ymd", "date", "설치일자"),
        FieldSpec("srv_nam", "text", "시설명"),
        FieldSpec("src_kind", "text", "급수원구분"),
    ),
    "point",
    (),
    (0.0, 6.0),
)
SERVICE = LayerSpec(
    "wtl_meta_ps",
    "water",
    "급수전(계량기)",
    GEOMETRY_POINT,
    (
        FieldSpec("ftr_idn", "text", "관리번호", required=True),
        FieldSpec("agency", "text", "관리기관", required=True),
        FieldSpec("acc_grade", "text", "탐사정확도등급", choices=ACCURACY_GRADES),
        FieldSpec("ist_ymd", "date", "설치일자"),
        FieldSpec("pip_idn", "text", "관로관리번호"),
        FieldSpec("bld_id", "text", "건물관리번호"),
        FieldSpec("hom_cnt", "integer", "가구수", minimum=0.0, maximum=100000.0),
    ),
    "point",
    (),
    (0.0, 6.0),
)
WATER_SERVICE_LAYERS: dict[str, LayerSpec] = {spec.name: spec for spec in (HYDRANT, SOURCE, SERVICE)}

LINE_LAYERS: tuple[LayerSpec, ...] = (WATER, SEWER, GAS, POWER, TELECOM, HEAT)
POINT_LAYERS: tuple[LayerSpec, ...] = (MANHOLE, VALVE)
UNDERGROUND_LAYERS: dict[str, LayerSpec] = {spec.name: spec for spec in (*LINE_LAYERS, *POINT_LAYERS)}
ALL_LAYERS: dict[str, LayerSpec] = {**UNDERGROUND_LAYERS, **WATER_SERVICE_LAYERS}

_POSTGIS_TYPES = {"text": "TEXT", "integer": "INTEGER", "real": "DOUBLE PRECISION", "date": "DATE"}


def postgis_ddl(schema_name: str = "facilities", srid: int = 5186) -> str:
    """CREATE TABLE statements for the same tables in PostGIS (the GeoPackage columns map one to one).

    Dates are ``DATE`` there; the GeoPackage keeps them as ISO text, which PostgreSQL casts on insert.
    """
    statements = [f"CREATE SCHEMA IF NOT EXISTS {schema_name};"]
    for spec in ALL_LAYERS.values():
        columns = ["fid SERIAL PRIMARY KEY"]
        for field in spec.fields:
            column = f"{field.name} {_POSTGIS_TYPES[field.kind]}"
            if field.name == "ftr_idn":
                column += " NOT NULL"
            columns.append(column)
        columns.append(f"geom geometry({spec.geometry}, {srid})")
        body = ",\n    ".join(columns)
        statements.append(f"CREATE TABLE IF NOT EXISTS {schema_name}.{spec.name} (\n    {body}\n);")
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {spec.name}_geom_idx ON {schema_name}.{spec.name} USING GIST (geom);"
        )
        statements.append(f"COMMENT ON TABLE {schema_name}.{spec.name} IS '{spec.label_ko}';")
    return "\n".join(statements) + "\n"
