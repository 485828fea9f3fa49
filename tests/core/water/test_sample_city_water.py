"""The sample city's water network carries a usable shut-off plan (junctions, states, sources, meters)."""

from __future__ import annotations

from gimpo_gis_plugin.core.facilities.loader import load_store
from gimpo_gis_plugin.core.facilities.schema import WATER_SERVICE_LAYERS
from gimpo_gis_plugin.core.water.graph import build_network
from gimpo_gis_plugin.core.water.inputs import load_water
from gimpo_gis_plugin.core.water.response import breaks_from_frame, respond


def test_sample_city_water_network_is_connected_fed_and_answers_its_reported_break(sample_city):
    layers = sample_city.layers
    extra = load_store(layers, tables=WATER_SERVICE_LAYERS)
    assert set(WATER_SERVICE_LAYERS) <= set(extra.layers) and len(extra.rejects) == 0
    network = build_network(load_water(layers))
    assert len(network.unplaced) == 0 and not network.sources_assumed
    assert network.baseline[network.piece_component].all()  # every main is fed before the break
    assert network.component_count < network.piece_count / 2  # junction valves cut the mains into segments
    breaks = breaks_from_frame(layers["water_breaks"], "break_id", network.inputs.pipes.crs)
    response = respond(network, breaks, sample_city.buildings)
    plan = response.plan
    hint = layers["water_breaks"]["pipe_hint"].iat[0]
    assert hint in set(response.layers["isolated_pipes"]["pipe_id"])
    assert len(plan.to_close) >= 2 and plan.to_close["depth_m"].notna().all()
    dry = response.layers["buildings_without_water"]
    assert len(dry) >= 1 and dry["households"].sum() > 0
    assert "단수 안내" in response.notice
