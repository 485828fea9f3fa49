"""The fire engine's way: the shortest road route from the station to the scene, and the cameras along it.

The road layer becomes a graph (lines split where they cross, vertices joined where lines share an
end or a vertex, to the centimetre; each segment an edge weighted by its length) and scipy's Dijkstra
finds the path, so the route follows the network and not a straight line. The cameras along the route
are those whose view covers a stretch of it, in the order the vehicle passes them (position of the
stretch along the route).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from ..errors import InputError
from .incident import CameraViewIndex

SNAP_DECIMALS = 2  # vertices within a centimetre are one node
MAX_SNAP_M = 200.0  # a station or scene farther than this from every road is an input error


class RoadGraph:
    """Road segments as an undirected weighted graph, built once and queried per incident."""

    def __init__(self, roads: gpd.GeoDataFrame) -> None:
        if roads is None or len(roads) == 0:
            raise InputError("도로 레이어가 비어 있습니다: 도로 중심선(선) 레이어를 지정하세요. (no roads)")
        lines = shapely.get_parts(roads.geometry.dropna().to_numpy())
        lines = lines[shapely.get_type_id(lines) == 1]
        if len(lines) == 0:
            raise InputError("도로 레이어에 선 도형이 없습니다: 도로 중심선 레이어를 지정하세요. (roads are not lines)")
        # Split at every crossing: many road layers draw a street as one line across its junctions.
        lines = shapely.get_parts(shapely.node(shapely.multilinestrings(lines)))
        coords, owner = shapely.get_coordinates(lines, return_index=True)
        same = owner[1:] == owner[:-1]
        start = np.flatnonzero(same)
        keys = np.round(coords, SNAP_DECIMALS)
        nodes, node_of = np.unique(keys, axis=0, return_inverse=True)
        node_of = node_of.ravel()
        a, b = node_of[start], node_of[start + 1]
        length = np.hypot(*(coords[start + 1] - coords[start]).T)
        keep = a != b
        # Undirected, and of two parallel segments between the same nodes the shorter one counts.
        edges = pd.DataFrame(
            {
                "i": np.concatenate([a[keep], b[keep]]),
                "j": np.concatenate([b[keep], a[keep]]),
                "w": np.concatenate([length[keep], length[keep]]),
            }
        )
        shortest = edges.groupby(["i", "j"], sort=False)["w"].min().reset_index()
        n = len(nodes)
        self.graph = coo_matrix(
            (shortest["w"].to_numpy(), (shortest["i"].to_numpy(), shortest["j"].to_numpy())), shape=(n, n)
        ).tocsr()
        self.nodes = nodes
        self.tree = shapely.STRtree(shapely.points(nodes))

    def nearest_node(self, point: shapely.Point, what: str) -> int:
        node = int(self.tree.nearest(point))
        gap = float(np.hypot(*(self.nodes[node] - (point.x, point.y))))
        if gap > MAX_SNAP_M:
            raise InputError(
                f"{what}이(가) 가장 가까운 도로에서 {gap:,.0f} m 떨어져 있습니다 (허용 {MAX_SNAP_M:.0f} m): "
                "위치와 좌표계를 확인하세요."
            )
        return node

    def shortest_route(self, origin: shapely.Point, destination: shapely.Point) -> shapely.LineString:
        """The shortest path along the roads from ``origin`` (the station) to ``destination`` (the scene)."""
        source = self.nearest_node(origin, "출동 지점(소방서)")
        target = self.nearest_node(destination, "사건 지점")
        if source == target:
            return shapely.LineString([(origin.x, origin.y), (destination.x, destination.y)])
        distances, predecessors = dijkstra(self.graph, directed=False, indices=source, return_predecessors=True)
        if not np.isfinite(distances[target]):
            raise InputError(
                "출동 지점과 사건 지점이 도로망에서 이어져 있지 않습니다: 도로 레이어의 끊긴 곳을 확인하세요."
            )
        path = [target]
        while path[-1] != source:
            path.append(int(predecessors[path[-1]]))
        xy = np.vstack([[origin.x, origin.y], self.nodes[np.array(path[::-1])], [destination.x, destination.y]])
        repeated = np.r_[False, (np.abs(np.diff(xy, axis=0)) < 10**-SNAP_DECIMALS).all(axis=1)]
        return shapely.LineString(xy[~repeated])


def cameras_along_route(index: CameraViewIndex, route: shapely.LineString, min_stretch_m: float = 1.0) -> pd.DataFrame:
    """Cameras whose view covers at least ``min_stretch_m`` of the route, in the order the vehicle meets them."""
    columns = ["order", "cctv_id", "control_no", "agency", "from_m", "to_m", "seen_m", "x", "y"]
    if route is None or route.is_empty or route.length == 0:
        return pd.DataFrame(columns=columns)
    rows = []
    for i in index.tree.query(route, predicate="intersects").tolist():
        seen = shapely.intersection(index.views[i], route)
        length = shapely.length(seen)
        if length < min_stretch_m:
            continue
        parts = shapely.get_parts(seen)
        parts = parts[shapely.get_type_id(parts) == 1]
        ends = shapely.get_coordinates(parts)
        positions = route.project(shapely.points(ends))
        record = index.records.iloc[i]
        rows.append(
            {
                "cctv_id": record["cctv_id"],
                "control_no": record["control_no"],
                "agency": record["agency"],
                "from_m": round(float(positions.min()), 1),
                "to_m": round(float(positions.max()), 1),
                "seen_m": round(float(length), 1),
                "x": float(index.x[i]),
                "y": float(index.y[i]),
            }
        )
    table = pd.DataFrame(rows, columns=columns[1:])
    table = table.sort_values(["from_m", "to_m"], kind="stable").reset_index(drop=True)
    table.insert(0, "order", np.arange(1, len(table) + 1))
    return table
