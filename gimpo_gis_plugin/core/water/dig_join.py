"""The shut-off plan a planned dig needs when it reaches a water main, for the excavation notice.

``gimpo:excavationimpact`` finds the facilities a dig reaches; when one is a water main, the main must
be shut before the dig (or a break there would flood it), so the notice to the water agency carries the
plan: each dig on its own (digs are separate works on separate days), its reach on each main as the
break, through the same engine as ``gimpo:valveisolation``. A store that cannot give a plan (no valves,
say) does not stop the excavation result: the notice says why there is no plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from ..facilities.schema import WATER
from .graph import build_network
from .inputs import load_water
from .isolation import Break, isolate
from .layers import hydrant_layer
from .notice import shutoff_section
from .served import buildings_without_water


@dataclass
class DigShutoff:
    sections: dict[str, str] = field(default_factory=dict)  # agency -> HTML for its notice
    valves: gpd.GeoDataFrame | None = None  # every dig's valves to close, with dig_id


def shutoff_for_digs(store: str | Path | Mapping[str, gpd.GeoDataFrame], stretches: gpd.GeoDataFrame) -> DigShutoff:
    """Plans for the digs whose reach (``affected_stretches``) includes a water main."""
    water = stretches[stretches["layer"] == WATER.name] if len(stretches) else stretches
    if water.empty:
        return DigShutoff()
    agencies = sorted(set(water["agency"].astype(str)))
    try:
        network = build_network(load_water(store))
    except InputError as exc:
        note = f"<h2>단수 계획 (shut-off plan)</h2><p>단수 계획을 세울 수 없습니다: {exc.message}</p>"
        return DigShutoff({agency: note for agency in agencies})
    parts, tables = [], []
    for dig_id, rows in water.groupby("dig_id", sort=True):
        breaks = [
            Break(str(dig_id), geom, str(pipe)) for geom, pipe in zip(rows.geometry, rows["record_id"], strict=True)
        ]
        plan = isolate(network, breaks, break_snap_m=0.5)
        dry = buildings_without_water(plan, None)
        parts.append(
            f"<h2>굴착 {dig_id}: 상수관로 {', '.join(sorted(set(rows['record_id'].astype(str))))} 단수 계획</h2>"
            f"<p>굴착 전 아래 밸브를 잠그면 단수되는 건물 {len(dry)}동, "
            f"{dry['households'].sum():,.0f}세대 (급수전 기준).</p>{shutoff_section(plan, dry, hydrant_layer(plan))}"
        )
        tables.append(plan.to_close.assign(dig_id=str(dig_id)))
    section = "".join(parts)
    valves = gpd.GeoDataFrame(pd.concat(tables, ignore_index=True), geometry="geometry", crs=network.inputs.pipes.crs)
    return DigShutoff({agency: section for agency in agencies}, valves)
