"""Time incident queries against a one-time camera view index (run by bench_incident in a fresh Python).

Arguments: the cameras GeoPackage, the city GeoPackage (buildings, roads), the number of incidents.
Prints one JSON line: build seconds, per-incident seconds (median, max), and what was found.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pyogrio
import shapely
from scipy.sparse.csgraph import connected_components

from gimpo_gis_plugin.core.cctv.incident import build_view_index
from gimpo_gis_plugin.core.cctv.incident_layers import answer_incident
from gimpo_gis_plugin.core.cctv.route import RoadGraph


def main(cameras_path: str, city_path: str, incidents: int) -> dict:
    cameras = pyogrio.read_dataframe(cameras_path, layer="cctv")
    buildings = pyogrio.read_dataframe(city_path, layer="buildings")
    roads = pyogrio.read_dataframe(city_path, layer="roads")
    began = time.perf_counter()
    index, _ = build_view_index(cameras, buildings)
    graph = RoadGraph(roads)
    build_s = time.perf_counter() - began
    rng = np.random.default_rng(119)
    # Incidents near cameras (where footage matters) and anywhere on the roads, half each.
    picks = rng.choice(len(index), incidents // 2)
    near = shapely.points(
        index.x[picks] + rng.normal(0, 25, picks.size), index.y[picks] + rng.normal(0, 25, picks.size)
    )
    anywhere = shapely.line_interpolate_point(
        roads.geometry.to_numpy()[rng.choice(len(roads), incidents - picks.size)], 0.5, normalized=True
    )
    # The sample city's streets form one grid per area, not joined to each other: the station stands on
    # the spot's own street network (picked before the clock starts).
    _, component = connected_components(graph.graph, directed=False)
    times, seeing, routed = [], 0, 0
    for spot in [*near, *anywhere]:
        same = np.flatnonzero(component == component[graph.nearest_node(spot, "사건 지점")])
        station = shapely.Point(graph.nodes[int(rng.choice(same))])
        began = time.perf_counter()
        route = graph.shortest_route(station, spot)
        answer = answer_incident(index, spot, 10.0, route)
        times.append(time.perf_counter() - began)
        seeing += int(answer.incident["cameras_seeing"].iat[0] > 0)
        routed += int(len(answer.route_cameras) > 0)
    return {
        "cameras": len(index),
        "buildings": len(buildings),
        "road_segments": len(roads),
        "build_s": build_s,
        "median_s": float(np.median(times)),
        "max_s": float(np.max(times)),
        "incidents": len(times),
        "seen": seeing,
        "routes_with_cameras": routed,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
