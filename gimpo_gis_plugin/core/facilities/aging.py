"""Facility aging (노후도): age against service life per segment, replacement priority, area indicators.

Service life comes from ``service_life.csv`` by type and material (a material row wins over the
type's ``*`` row). ``life_used`` = age / service life; the replacement priority score multiplies it
by the type's criticality, so an over-age gas main ranks above an equally over-age telecom duct.
Segments without an install date get class 0 (설치연도 미상) and are counted per area, not guessed.

Area indicators split each line by the area boundaries (lengths, not counts), so an area's
``share_over_life`` is the share of its network length past its service life: a ratio the policy
map can classify directly.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError

PRIORITY_LABELS = {
    1: "1 즉시 교체 검토 (past service life)",
    2: "2 5년 내 도래 (within 5 years)",
    3: "3 관찰 (over half of service life)",
    4: "4 양호 (good)",
    0: "0 설치연도 미상 (install year unknown)",
}


def _service_life(types: np.ndarray, materials: np.ndarray, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    by_material = {(r.facility_type, r.material): r for r in table.itertuples() if r.material != "*"}
    by_type = {r.facility_type: r for r in table.itertuples() if r.material == "*"}
    missing = sorted(set(types) - set(by_type))
    if missing:
        raise InputError(
            f"The service-life table has no '*' row for {', '.join(missing)}.",
            "Add one row per facility type with material '*' (any material).",
        )
    rows = [by_material.get((t, m), by_type[t]) for t, m in zip(types, materials, strict=True)]
    return (
        np.array([r.service_life_years for r in rows], dtype=float),
        np.array([r.criticality for r in rows], dtype=float),
    )


def segment_aging(network: gpd.GeoDataFrame, table: pd.DataFrame, reference_year: int) -> gpd.GeoDataFrame:
    """Per line: age, service life, life used, years left, priority score, class and rank."""
    lines = network[np.isin(shapely.get_type_id(network.geometry.values), [1, 5])].reset_index(drop=True)
    types = lines["facility_type"].to_numpy()
    materials = lines["material"].fillna("").astype(str).to_numpy()
    life, criticality = _service_life(types, materials, table)
    year = pd.to_numeric(lines["ist_ymd"].astype("string").str[:4], errors="coerce").to_numpy(dtype=float)
    age = reference_year - year
    used = age / life
    left = life - age
    score = used * criticality
    known = np.isfinite(age)
    klass = np.select([~known, used >= 1.0, left <= 5, used >= 0.5], [0, 1, 2, 3], default=4)
    rank = pd.Series(np.where(known, score, np.nan)).rank(ascending=False, method="first").to_numpy()
    return gpd.GeoDataFrame(
        {
            "record_id": lines["record_id"].to_numpy(),
            "layer": lines["layer"].to_numpy(),
            "facility_type": types,
            "type_ko": lines["type_ko"].to_numpy(),
            "agency": lines["agency"].to_numpy(),
            "material": lines["material"].to_numpy(),
            "ist_ymd": lines["ist_ymd"].to_numpy(),
            "install_year": year,
            "age_years": age,
            "service_life_years": life,
            "life_used": np.round(used, 3),
            "years_left": left,
            "criticality": criticality,
            "priority_score": np.round(score, 3),
            "priority_class": klass.astype(int),
            "priority_label": [PRIORITY_LABELS[int(k)] for k in klass],
            "priority_rank": rank,
            "length_m": np.round(shapely.length(lines.geometry.values), 2),
        },
        geometry=lines.geometry.values,
        crs=network.crs,
    )


def area_indicators(
    segments: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, id_field: str, name_field: str | None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Per area (lengths split at boundaries): network length, share past service life, mean age; and
    the same by facility type as a table."""
    if id_field not in areas.columns:
        raise InputError(f"The area layer has no field {id_field!r}.", "Choose the field that identifies each area.")
    area_geoms = np.asarray(areas.geometry.values, dtype=object)
    tree = shapely.STRtree(area_geoms)
    seg_idx, area_idx = tree.query(np.asarray(segments.geometry.values, dtype=object), predicate="intersects")
    pieces = shapely.length(shapely.intersection(segments.geometry.values[seg_idx], area_geoms[area_idx]))
    parts = pd.DataFrame(
        {
            "area_row": area_idx,
            "facility_type": segments["facility_type"].to_numpy()[seg_idx],
            "length_m": pieces,
            "age": segments["age_years"].to_numpy()[seg_idx],
            "over": segments["priority_class"].to_numpy()[seg_idx] == 1,
            "soon": segments["priority_class"].to_numpy()[seg_idx] == 2,
            "unknown": segments["priority_class"].to_numpy()[seg_idx] == 0,
        }
    )
    parts["over_m"] = parts["length_m"] * parts["over"]
    parts["soon_m"] = parts["length_m"] * parts["soon"]
    parts["unknown_m"] = parts["length_m"] * parts["unknown"]
    known_length = parts["length_m"].where(~parts["unknown"], 0.0)
    parts["age_m"] = parts["age"].fillna(0.0) * known_length
    parts["known_m"] = known_length

    def summarise(keys: list[str]) -> pd.DataFrame:
        grouped = parts.groupby(keys)[["length_m", "over_m", "soon_m", "unknown_m", "age_m", "known_m"]].sum()
        grouped["share_over_life"] = np.round(grouped["over_m"] / grouped["known_m"].where(grouped["known_m"] > 0), 4)
        grouped["mean_age_years"] = np.round(grouped["age_m"] / grouped["known_m"].where(grouped["known_m"] > 0), 1)
        return grouped.drop(columns=["age_m", "known_m"]).round(1).reset_index()

    totals = summarise(["area_row"]).set_index("area_row")
    by_type = summarise(["area_row", "facility_type"])
    result = pd.DataFrame({"area_id": areas[id_field].astype(str).to_numpy()})
    if name_field:
        result["area_name"] = areas[name_field].astype(str).to_numpy()
    for column in ["length_m", "over_m", "soon_m", "unknown_m", "share_over_life", "mean_age_years"]:
        result[column] = totals[column].reindex(range(len(areas))).to_numpy()
    result[["length_m", "over_m", "soon_m", "unknown_m"]] = result[
        ["length_m", "over_m", "soon_m", "unknown_m"]
    ].fillna(0.0)
    for facility_type, group in by_type.groupby("facility_type"):
        share = group.set_index("area_row")["share_over_life"].reindex(range(len(areas)))
        result[f"share_over_life_{facility_type}"] = share.to_numpy()
    by_type.insert(0, "area_id", areas[id_field].astype(str).to_numpy()[by_type["area_row"].to_numpy()])
    by_type = by_type.drop(columns="area_row")
    return gpd.GeoDataFrame(result, geometry=areas.geometry.values, crs=areas.crs), by_type
