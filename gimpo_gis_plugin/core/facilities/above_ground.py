"""Above-ground facilities (지상 시설물): streetlights, poles, signs and CCTV, as one schema.

The same field definitions serve the sample city (which writes them), the CCTV coverage engine (which
reads cameras and candidate poles) and a future PostGIS store: each layer is a table of points with an
id, the managing agency (관리기관) and the fields a coverage or maintenance analysis needs. Checking a
frame against a schema reports every problem with the record's row and id, so a loader can put each bad
record into a rejects table instead of dropping it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CRS = "EPSG:5186"


@dataclass(frozen=True)
class FieldSpec:
    """One column: ``kind`` is "str", "float" or "int"; ``minimum``/``maximum`` bound numbers (inclusive
    unless ``exclusive_minimum``), so fov 0 is refused while tilt 0 (horizontal) is allowed."""

    name: str
    kind: str
    label_ko: str
    description: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False


@dataclass(frozen=True)
class FacilitySchema:
    layer: str
    label_ko: str
    geometry_type: str
    id_field: str
    fields: tuple[FieldSpec, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _common(id_field: str, label: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(id_field, "str", f"{label} 관리번호", "Unique id of the facility.", required=True),
        FieldSpec("agency", "str", "관리기관", "Managing agency, notified about the facility.", required=True),
        FieldSpec("install_year", "int", "설치연도", "Year installed.", minimum=1950, maximum=2100),
    )


STREETLIGHT = FacilitySchema(
    "streetlights",
    "가로등",
    "Point",
    "light_id",
    (
        *_common("light_id", "가로등"),
        FieldSpec("road_id", "int", "도로번호", "Road centerline the light stands on."),
        FieldSpec(
            "pole_height_m", "float", "주 높이(m)", "Pole height.", minimum=0, maximum=40, exclusive_minimum=True
        ),
        FieldSpec("lamp_type", "str", "등기구", "LED, 나트륨 (sodium) ..."),
    ),
)
POLE = FacilitySchema(
    "poles",
    "전신주",
    "Point",
    "pole_id",
    (
        *_common("pole_id", "전신주"),
        FieldSpec(
            "pole_height_m", "float", "주 높이(m)", "Pole height.", minimum=0, maximum=40, exclusive_minimum=True
        ),
        FieldSpec("material", "str", "재질", "콘크리트, 철재 ..."),
    ),
)
SIGN = FacilitySchema(
    "signs",
    "교통표지판",
    "Point",
    "sign_id",
    (
        *_common("sign_id", "표지판"),
        FieldSpec("sign_code", "str", "표지코드", "Korean road-sign code, e.g. 301 (주의), 224 (주정차금지)."),
        FieldSpec("facing_deg", "float", "방향(°)", "Compass direction the face looks to.", minimum=0, maximum=360),
    ),
)
CCTV = FacilitySchema(
    "cctv",
    "CCTV",
    "Point",
    "cctv_id",
    (
        *_common("cctv_id", "CCTV"),
        FieldSpec(
            "mount_height_m",
            "float",
            "설치높이(m)",
            "Lens height above the ground.",
            minimum=0,
            maximum=100,
            exclusive_minimum=True,
        ),
        FieldSpec(
            "azimuth_deg",
            "float",
            "촬영방향(°)",
            "Compass bearing of the view axis, clockwise from north; empty when unknown (then the whole "
            "circle is assumed and flagged).",
        ),
        FieldSpec(
            "fov_deg",
            "float",
            "수평화각(°)",
            "Horizontal field of view; 360 for a panoramic camera.",
            minimum=0,
            maximum=360,
            exclusive_minimum=True,
        ),
        FieldSpec(
            "range_m",
            "float",
            "유효거리(m)",
            "Distance up to which a person can be recognised.",
            minimum=0,
            maximum=1000,
            exclusive_minimum=True,
        ),
        FieldSpec(
            "tilt_deg", "float", "틸트(°)", "Downward tilt of the view axis below horizontal.", minimum=0, maximum=90
        ),
        FieldSpec("purpose", "str", "설치목적", "방범, 어린이보호, 교통단속, 시설물관리 ..."),
        FieldSpec("light_id", "str", "가로등 관리번호", "The streetlight pole the camera is mounted on, if any."),
    ),
)

ABOVE_GROUND = {schema.layer: schema for schema in (STREETLIGHT, POLE, SIGN, CCTV)}


def problems_of(frame: pd.DataFrame, schema: FacilitySchema, fields: list[str] | None = None) -> pd.DataFrame:
    """Every value in ``frame`` that breaks ``schema`` (for the listed ``fields``, default all present).

    Returns rows ``row`` (0-based position), ``field``, ``value``, ``reason_code``, ``reason``: missing
    required values, non-numbers in numeric fields and numbers out of range. Missing optional values are
    not problems (the caller decides what unknown means, e.g. the CCTV engine's full circle).
    """
    out: list[dict[str, object]] = []
    for spec in schema.fields:
        if (fields is not None and spec.name not in fields) or spec.name not in frame.columns:
            continue
        raw = frame[spec.name]
        blank = raw.isna().to_numpy() | (raw.astype(str).str.strip() == "").to_numpy()
        if spec.required:
            for row in np.flatnonzero(blank):
                out.append(_problem(row, spec, None, "missing", f"{spec.name} ({spec.label_ko}) is empty"))
        if spec.kind == "str":
            continue
        numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        for row in np.flatnonzero(~blank & np.isnan(numbers)):
            out.append(_problem(row, spec, raw.iloc[row], "not_a_number", f"{spec.name} is not a number"))
        low = np.zeros(len(raw), dtype=bool)
        if spec.minimum is not None:
            low = numbers <= spec.minimum if spec.exclusive_minimum else numbers < spec.minimum
        high = numbers > spec.maximum if spec.maximum is not None else np.zeros(len(raw), dtype=bool)
        for row in np.flatnonzero(low | high):
            bound = f"{'>' if spec.exclusive_minimum else '≥'} {spec.minimum:g}" if spec.minimum is not None else ""
            upper = f"≤ {spec.maximum:g}" if spec.maximum is not None else ""
            allowed = " and ".join(b for b in (bound, upper) if b)
            out.append(
                _problem(row, spec, numbers[row], "out_of_range", f"{spec.name} = {numbers[row]:g} must be {allowed}")
            )
    return pd.DataFrame(out, columns=["row", "field", "value", "reason_code", "reason"])


def _problem(row: int, spec: FieldSpec, value: object, code: str, reason: str) -> dict[str, object]:
    return {
        "row": int(row),
        "field": spec.name,
        "value": None if value is None else str(value),
        "reason_code": f"{spec.name}_{code}",
        "reason": reason,
    }
