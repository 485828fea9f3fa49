"""Underground utilities under the sample city's roads, in the facility-store schema, with planted faults.

Each road carries the networks a road of its width would (4 m lanes: water, sewer, telecom; 8 m and
wider: also gas and power; 20 m main roads: also district heating) at fixed lateral offsets that keep
the legal separations, at plausible depths (gas 1.2 m under roads of 8 m and more, as KGS FS551 asks).
Lines stop short of intersections and any that come near another road's lines are dropped, so the
designed network itself is clean. Then faults are planted and recorded in ``utilities_ground_truth``:
service laterals crossing mains with too small a vertical gap, lines laid alongside others too close,
a crossing with an unknown depth, a compliant crossing as a control, and bad records (negative,
inverted, missing and implausible depths, a line without agency, a sewer with an adverse slope).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from ... import styles
from ...facilities.schema import UNDERGROUND_LAYERS, WATER_SERVICE_LAYERS
from ...facilities.store_io import layer_styles
from .. import water_service

SETBACK_M = 7.5  # lines stop this far from road ends: past the widest perpendicular road's lines
LATERAL_HALF_M = 0.8

MIN_LINE_M = 10.0  # road pieces too short to carry a line once cut back are left without utilities

# type -> (table, id prefix, {road class: lateral offset from the centreline in metres})
LAYOUT = {
    "water": ("wtl_pipe_lm", "WTL", {"narrow": 1.2, "medium": 1.5, "main": 1.5}),
    "sewer": ("swl_pipe_lm", "SWL", {"narrow": 0.0, "medium": 0.0, "main": 0.0}),
    "telecom": ("tel_line_lm", "TEL", {"narrow": -1.2, "medium": 3.0, "main": 3.0}),
    "gas": ("gas_pipe_lm", "GAS", {"medium": -1.5, "main": -1.5}),
    "power": ("pwr_line_lm", "PWR", {"medium": -3.0, "main": -3.0}),
    "heat": ("heat_pipe_lm", "HTP", {"main": 6.0}),
}


def road_class(width_m: np.ndarray) -> np.ndarray:
    """narrow (< 6 m), medium (< 15 m) or main: which networks a road carries and where."""
    return np.where(width_m < 6.0, "narrow", np.where(width_m < 15.0, "medium", "main"))


AGENCIES = {
    "water": ["김포시 수도과"],
    "sewer": ["김포시 하수과"],
    "gas": ["도시가스사(김포)"],
    "power": ["한국전력공사 김포지사"],
    "telecom": ["KT 김포지사", "SK브로드밴드", "LG유플러스"],
    "heat": ["한국지역난방공사"],
}
MATERIALS = {
    "water": ["DCIP", "PVC", "PE", "CIP", "STS"],
    "sewer": ["HP", "PVC", "PE", "CP"],
    "gas": ["PE", "SP"],
    "power": ["CNCV"],
    "telecom": ["PE관", "광케이블"],
    "heat": ["이중보온관"],
}
TRUTH_COLUMNS = ["truth_id", "kind", "code", "layer_a", "record_a", "layer_b", "record_b", "required_m", "planted_m"]


def _offset_lines(roads: gpd.GeoDataFrame, offsets: np.ndarray) -> np.ndarray:
    """Lines parallel to 2-point road centrelines at ``offsets`` (left positive), cut back at both ends."""
    start = shapely.get_coordinates(shapely.get_point(roads.geometry.values, 0))
    end = shapely.get_coordinates(shapely.get_point(roads.geometry.values, -1))
    direction = end - start
    length = np.linalg.norm(direction, axis=1)
    unit = direction / length[:, None]
    normal = np.column_stack([-unit[:, 1], unit[:, 0]])
    shift = normal * offsets[:, None]
    new_start = start + unit * SETBACK_M + shift
    new_end = end - unit * SETBACK_M + shift
    return shapely.linestrings(np.stack([new_start, new_end], axis=1))


def _dates(rng: np.random.Generator, base_years: np.ndarray, shift: int = 0) -> list[str]:
    years = np.clip(np.round(base_years + shift + rng.normal(0, 4, len(base_years))), 1975, 2025).astype(int)
    months = rng.integers(1, 13, len(years))
    days = rng.integers(1, 29, len(years))
    return [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in zip(years, months, days, strict=True)]


def _grades(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.choice(["A", "B", "C", "D"], count, p=[0.1, 0.6, 0.25, 0.05])


def _design_lines(city, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    # Roads clipped by area boundaries can be multi-part; each straight piece carries its own lines.
    roads = city.roads.explode(index_parts=False).reset_index(drop=True)
    roads = roads[shapely.length(roads.geometry.values) >= 2 * SETBACK_M + MIN_LINE_M].reset_index(drop=True)
    roads["layout"] = road_class(roads["width_m"].to_numpy())
    area_year = rng.integers(1985, 2018, int(roads["area_id"].max()) + 1)
    result = {}
    for facility_type, (_, prefix, offsets) in LAYOUT.items():
        on = roads[roads["layout"].isin(list(offsets))].reset_index(drop=True)
        count = len(on)
        widths = on["width_m"].to_numpy()
        lines = _offset_lines(on, np.array([offsets[c] for c in on["layout"]], dtype=float))
        shift = {"gas": 3, "heat": 12, "power": 2}.get(facility_type, 0)
        frame = {
            "ftr_idn": [f"{prefix}-{i:06d}" for i in range(1, count + 1)],
            "agency": rng.choice(AGENCIES[facility_type], count),
            "acc_grade": _grades(rng, count),
            "ist_ymd": _dates(rng, area_year[on["area_id"].to_numpy()], shift),
            "mop_cde": rng.choice(MATERIALS[facility_type], count),
            "road_id": on["road_id"].to_numpy(),
            "width_m": widths,
        }
        frame.update(_depths(facility_type, widths, shapely.length(lines), rng))
        result[facility_type] = gpd.GeoDataFrame(frame, geometry=lines, crs=city.crs)
    return _drop_accidental_neighbours(result)


def _depths(facility_type: str, widths: np.ndarray, lengths: np.ndarray, rng: np.random.Generator) -> dict:
    count = len(widths)
    if facility_type == "water":
        diameter = np.where(
            widths < 6, rng.choice([100, 150], count), np.where(widths >= 15, rng.choice([300, 400, 500], count), 200)
        )
        low = np.round(rng.uniform(1.0, 1.3, count), 2)
        return {
            "std_dip": diameter.astype(float),
            "saa_cde": "배수",
            "low_dep": low,
            "hgh_dep": np.round(low + rng.uniform(0.1, 0.4, count), 2),
        }
    if facility_type == "sewer":
        diameter = np.where(widths < 6, 300.0, np.where(widths >= 15, rng.choice([600.0, 800.0], count), 450.0))
        begin = np.round(rng.uniform(1.5, 2.0, count), 2)
        slope = np.round(rng.uniform(3.0, 8.0, count), 1)
        end = np.round(begin + slope * lengths / 1000.0, 2)
        ground = rng.uniform(6.0, 12.0, count)
        beg_inv = np.round(ground - begin - diameter / 1000.0, 3)
        end_inv = np.round(ground - end - diameter / 1000.0, 3)
        return {
            "std_dip": diameter,
            "sba_cde": rng.choice(["오수", "우수", "합류"], count),
            "beg_dep": begin,
            "end_dep": end,
            "beg_inv": beg_inv,
            "end_inv": end_inv,
            "pip_slp": np.round((beg_inv - end_inv) / lengths * 1000.0, 2),
        }
    ranges = {
        "gas": (1.2, 1.4, [100.0, 150.0, 200.0]),
        "power": (1.2, 1.5, [150.0]),
        "telecom": (0.8, 1.0, [100.0]),
        "heat": (1.2, 1.6, [400.0, 500.0, 600.0]),
    }
    low, high, diameters = ranges[facility_type]
    return {"std_dip": rng.choice(diameters, count), "std_dep": np.round(rng.uniform(low, high, count), 2)}


def _drop_accidental_neighbours(lines: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Drop lines within 2 m of a line under another road (roads of neighbouring grids may cross)."""
    frames = list(lines.items())
    geoms = np.concatenate([frame.geometry.values for _, frame in frames])
    roads = np.concatenate([frame["road_id"].to_numpy() for _, frame in frames])
    owner = np.concatenate([np.full(len(frame), k) for k, (_, frame) in enumerate(frames)])
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=2.0)
    clash = (roads[left] != roads[right]) & (left < right)
    drop = np.zeros(len(geoms), dtype=bool)
    drop[right[clash]] = True
    return {name: frame[~drop[owner == k]].reset_index(drop=True) for k, (name, frame) in enumerate(frames)}


def _point_along(line, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """(point, unit normal) at ``fraction`` along a 2-point line."""
    (x0, y0), (x1, y1) = shapely.get_coordinates(line)[[0, -1]]
    unit = np.array([x1 - x0, y1 - y0]) / np.hypot(x1 - x0, y1 - y0)
    return np.array([x0, y0]) + fraction * np.array([x1 - x0, y1 - y0]), np.array([-unit[1], unit[0]])


class _Planter:
    """Adds planted faults to the designed lines and records them."""

    def __init__(self, lines: dict[str, gpd.GeoDataFrame], rng: np.random.Generator) -> None:
        self.lines = lines
        self.rng = rng
        self.truth: list[dict] = []
        self.extra: dict[str, list[dict]] = {t: [] for t in lines}
        self.used_roads: set[int] = set()

    def pick(self, facility_type: str, min_width: float = 6.0) -> int | None:
        """A line on a road not used by another plant (None in a city too small to have one)."""
        frame = self.lines[facility_type]
        candidates = np.flatnonzero(
            (frame["width_m"].to_numpy() >= min_width) & ~frame["road_id"].isin(self.used_roads)
        )
        if len(candidates) == 0:
            return None
        row = int(self.rng.choice(candidates))
        self.used_roads.add(int(frame["road_id"].iat[row]))
        return row

    def _record(self, kind: str, code: str, a: tuple[str, str], b: tuple[str, str] | None, required, planted) -> None:
        self.truth.append(
            {
                "truth_id": len(self.truth) + 1,
                "kind": kind,
                "code": code,
                "layer_a": LAYOUT[a[0]][0],
                "record_a": a[1],
                "layer_b": LAYOUT[b[0]][0] if b else None,
                "record_b": b[1] if b else None,
                "required_m": required,
                "planted_m": planted,
            }
        )

    def _add(self, facility_type: str, geometry, depth: float | None, diameter_mm: float, road_id: int) -> str:
        prefix = LAYOUT[facility_type][1]
        number = len(self.lines[facility_type]) + len(self.extra[facility_type]) + 1
        record_id = f"{prefix}-P{number:05d}"
        self.extra[facility_type].append(
            {
                "ftr_idn": record_id,
                "agency": AGENCIES[facility_type][0],
                "acc_grade": "B",
                "ist_ymd": "2021-06-15",
                "mop_cde": MATERIALS[facility_type][0],
                "road_id": road_id,
                "width_m": np.nan,
                "std_dip": diameter_mm,
                "std_dep": depth if depth is not None else np.nan,
                "geometry": geometry,
            }
        )
        return record_id

    def crossing(self, main_type: str, lateral_type: str, gap_m: float | None, required: float, code: str) -> None:
        """A lateral of ``lateral_type`` across a main, its top ``gap_m`` above the main's shallowest top."""
        frame = self.lines[main_type]
        row = self.pick(main_type)
        if row is None:
            return
        main = frame.iloc[row]
        point, normal = _point_along(main.geometry, 0.3)
        lateral = shapely.LineString([point - normal * LATERAL_HALF_M, point + normal * LATERAL_HALF_M])
        main_top = main["low_dep"] if main_type == "water" else main["std_dep"]
        depth = None if gap_m is None else round(float(main_top) - gap_m - 0.1, 3)
        lateral_id = self._add(lateral_type, lateral, depth, 100.0, int(main["road_id"]))
        kind = "control" if code == "CROSSING_OK" else "crossing"
        self._record(kind, code, (main_type, main["ftr_idn"]), (lateral_type, lateral_id), required, gap_m)

    def parallel(self, main_type: str, other_type: str, edge_gap_m: float, required: float, toward: float) -> None:
        """A 20 m run of ``other_type`` alongside a main at ``edge_gap_m`` (toward -1 right / +1 left)."""
        frame = self.lines[main_type]
        row = self.pick(main_type)
        if row is None:
            return
        main = frame.iloc[row]
        radius_main = main["std_dip"] / 2000.0
        offset = toward * (radius_main + 0.05 + edge_gap_m)
        start, normal = _point_along(main.geometry, 0.2)
        unit = np.array([normal[1], -normal[0]])
        run = shapely.LineString([start + normal * offset, start + normal * offset + unit * 20.0])
        depth = float(main["low_dep"] if main_type == "water" else main["std_dep"])
        other_id = self._add(other_type, run, depth, 100.0, int(main["road_id"]))
        self._record(
            "parallel", "PARALLEL_TOO_CLOSE", (main_type, main["ftr_idn"]), (other_type, other_id), required, edge_gap_m
        )

    def bad_record(self, facility_type: str, column: str, value, code: str) -> None:
        frame = self.lines[facility_type]
        row = self.pick(facility_type, min_width=4.0)
        if row is None:
            return
        frame.loc[row, column] = value
        self._record("data", code, (facility_type, frame["ftr_idn"].iat[row]), None, None, None)

    def adverse_sewer(self) -> None:
        frame = self.lines["sewer"]
        row = self.pick("sewer", min_width=4.0)
        if row is None:
            return
        frame.loc[row, ["beg_inv", "end_inv"]] = frame.loc[row, ["end_inv", "beg_inv"]].to_numpy()
        self._record("data", "SEWER_ADVERSE_SLOPE", ("sewer", frame["ftr_idn"].iat[row]), None, None, None)

    def merged(self) -> dict[str, gpd.GeoDataFrame]:
        result = {}
        for facility_type, frame in self.lines.items():
            if self.extra[facility_type]:
                extra = gpd.GeoDataFrame(self.extra[facility_type], geometry="geometry", crs=frame.crs)
                frame = pd.concat([frame, extra[[c for c in extra.columns if c in frame.columns]]], ignore_index=True)
            result[facility_type] = gpd.GeoDataFrame(frame, geometry="geometry", crs=self.lines[facility_type].crs)
        return result


def _plant(lines: dict[str, gpd.GeoDataFrame], rng: np.random.Generator) -> tuple[dict, pd.DataFrame]:
    planter = _Planter(lines, rng)
    planter.crossing("water", "telecom", 0.10, 0.3, "CROSSING_TOO_CLOSE")
    planter.crossing("water", "telecom", 0.05, 0.3, "CROSSING_TOO_CLOSE")
    planter.crossing("power", "gas", 0.20, 0.5, "CROSSING_TOO_CLOSE")
    planter.crossing("water", "telecom", None, 0.3, "CROSSING_DEPTH_UNKNOWN")
    planter.crossing("water", "telecom", 0.60, 0.3, "CROSSING_OK")
    planter.parallel("water", "gas", 0.15, 0.3, -1.0)
    planter.parallel("power", "telecom", 0.30, 0.6, 1.0)
    planter.bad_record("sewer", "beg_dep", -0.5, "DEPTH_NEGATIVE")
    planter.bad_record("water", "low_dep", 2.4, "DEPTH_INVERTED")
    planter.bad_record("gas", "std_dep", np.nan, "DEPTH_MISSING")
    planter.bad_record("telecom", "std_dep", 45.0, "DEPTH_IMPLAUSIBLE")
    planter.bad_record("power", "agency", None, "AGENCY_MISSING")
    planter.adverse_sewer()
    return planter.merged(), pd.DataFrame(planter.truth, columns=TRUTH_COLUMNS)


def _manholes_and_valves(lines: dict[str, gpd.GeoDataFrame], rng: np.random.Generator, crs) -> dict:
    sewer = lines["sewer"]
    ends = shapely.get_coordinates(sewer.geometry.values)
    # one manhole at each end of each sewer (lines stop short of intersections, so none are shared)
    begin_ids = [f"MH-{i:06d}" for i in range(1, len(sewer) + 1)]
    end_ids = [f"MH-{i:06d}" for i in range(len(sewer) + 1, 2 * len(sewer) + 1)]
    sewer["beg_mh"], sewer["end_mh"] = begin_ids, end_ids
    floor = np.concatenate([sewer["beg_dep"], sewer["end_dep"]]).astype(float) + np.tile(sewer["std_dip"] / 1000.0, 2)
    manholes = gpd.GeoDataFrame(
        {
            "ftr_idn": begin_ids + end_ids,
            "agency": "김포시 하수과",
            "acc_grade": _grades(rng, 2 * len(sewer)),
            "ist_ymd": np.tile(sewer["ist_ymd"].to_numpy(), 2),
            "mop_cde": "콘크리트",
            "net_type": "sewer",
            "man_dep": np.round(np.abs(floor) + 0.2, 2),
        },
        geometry=shapely.points(np.concatenate([ends[0::2], ends[1::2]])),
        crs=crs,
    )
    water = lines["water"].iloc[::3]
    middles = shapely.line_interpolate_point(water.geometry.values, 0.5, normalized=True)
    valves = gpd.GeoDataFrame(
        {
            "ftr_idn": [f"VLV-{i:06d}" for i in range(1, len(water) + 1)],
            "agency": "김포시 수도과",
            "acc_grade": _grades(rng, len(water)),
            "ist_ymd": water["ist_ymd"].to_numpy(),
            "mop_cde": "DCIP",
            "std_dip": water["std_dip"].to_numpy(),
            "net_type": "water",
            "val_dep": np.round(np.maximum(0.6, water["low_dep"].to_numpy(dtype=float) - 0.2), 2),
        },
        geometry=middles,
        crs=crs,
    )
    return {"manhole_ps": manholes, "valve_ps": valves}


def add_layers(city, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    lines, truth = _plant(_design_lines(city, rng), rng)
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
    points = _manholes_and_valves(lines, rng, city.crs)
    lines, points, service = _water_service(city, lines, points)
    for facility_type, frame in lines.items():
        table = LAYOUT[facility_type][0]
        columns = UNDERGROUND_LAYERS[table].field_names
        layers[table] = gpd.GeoDataFrame(frame[columns], geometry=frame.geometry.values, crs=city.crs)
    for table, frame in points.items():
        layers[table] = frame[[*UNDERGROUND_LAYERS[table].field_names, "geometry"]]
    for table, frame in service.items():
        if table in WATER_SERVICE_LAYERS:
            frame = frame[[*WATER_SERVICE_LAYERS[table].field_names, "geometry"]]
        layers[table] = frame
    layers["utilities_ground_truth"] = truth
    layers["planned_digs"] = _planned_digs(city, rng)
    return layers


def _water_service(city, lines: dict, points: dict) -> tuple[dict, dict, dict]:
    """Junction connectors and valves, valve states, feeding points, hydrants and service connections
    (see :mod:`..water_service`), drawn from their own random stream so nothing above changes."""
    rng = water_service.water_rng(city.seed)
    water = lines["water"]
    offsets = np.array([LAYOUT["water"][2][c] for c in road_class(water["width_m"].to_numpy(dtype=float))])
    others = [frame.geometry.values for name, frame in lines.items() if name != "water"]
    connectors, _ = water_service.connectors(water, others, offsets, SETBACK_M, rng)
    mains = gpd.GeoDataFrame(pd.concat([water, connectors], ignore_index=True), geometry="geometry", crs=city.crs)
    valves = water_service.existing_valve_states(points["valve_ps"], rng)
    junction = water_service.junction_valves(connectors, rng, city.crs)
    points = {
        **points,
        "valve_ps": gpd.GeoDataFrame(
            pd.concat([valves, junction], ignore_index=True), geometry="geometry", crs=city.crs
        ),
    }
    meters = water_service.service_connections(city.buildings, mains, rng, city.crs)
    service = {
        "wtl_serv_ps": water_service.sources(mains, rng, city.crs),
        "wtl_fire_ps": water_service.hydrants(water, rng, city.crs),
        "wtl_meta_ps": meters,
        "water_breaks": water_service.reported_break(water, meters, rng, city.crs),
    }
    return {**lines, "water": mains}, points, service


def _planned_digs(city, rng: np.random.Generator, count: int = 6) -> gpd.GeoDataFrame:
    """A few planned road excavations (도로굴착 계획): pits across main roads and trenches along others,
    so the excavation-impact demo has something to check."""
    roads = city.roads.explode(index_parts=False).reset_index(drop=True)
    roads = roads[shapely.length(roads.geometry.values) >= 40].reset_index(drop=True)
    if roads.empty:
        return gpd.GeoDataFrame({"dig_id": [], "purpose": [], "depth_m": []}, geometry=[], crs=city.crs)
    main = np.flatnonzero(roads["width_m"].to_numpy() >= 15)
    other = np.flatnonzero(roads["width_m"].to_numpy() < 15)
    pick = list(rng.choice(main, min(len(main), count // 2), replace=False)) if len(main) else []
    pick += list(rng.choice(other, min(len(other), count - len(pick)), replace=False)) if len(other) else []
    geoms, purposes, depths = [], [], []
    for row in pick:
        road = roads.iloc[int(row)]
        middle = road.geometry.interpolate(rng.uniform(0.3, 0.7), normalized=True)
        if road["width_m"] >= 15:
            geoms.append(middle.buffer(road["width_m"] / 2 + 2, cap_style="square"))
            purposes.append("상수도 관로 교체 (pit)")
        else:
            trench = shapely.ops.substring(road.geometry, 0.2, 0.8, normalized=True)
            geoms.append(trench.buffer(0.6, cap_style="flat"))
            purposes.append("통신관로 신설 (trench)")
        depths.append(round(float(rng.uniform(1.2, 2.8)), 1))
    return gpd.GeoDataFrame(
        {"dig_id": [f"DIG-{i:03d}" for i in range(1, len(geoms) + 1)], "purpose": purposes, "depth_m": depths},
        geometry=geoms,
        crs=city.crs,
    )


STYLES = {
    **layer_styles(),
    "wtl_fire_ps": styles.single_symbol(styles.Symbol("marker", "#e31a1c", "#ffffff", size=2.2)),
    "wtl_serv_ps": styles.single_symbol(
        styles.Symbol("marker", "#08519c", "#ffffff", size=4.0), styles.label_field("srv_nam", 9, "#08306b")
    ),
    "wtl_meta_ps": styles.single_symbol(styles.Symbol("marker", "#6baed6", "#08519c", size=1.0)),
    "water_breaks": styles.single_symbol(
        styles.Symbol("marker", "#000000", "#ffffff", size=4.0), styles.label_field("break_id", 9)
    ),
    "planned_digs": styles.single_symbol(styles.Symbol("fill", "#d7191c", "#d7191c", 0.6, opacity=0.25)),
}
