"""Resources said before a run starts: the container's memory limit, the heat map's need, CCTV siting."""

from __future__ import annotations

import numpy as np
import pytest

from gimpo_gis_plugin.core import resources
from gimpo_gis_plugin.core.cctv.siting import MAX_SITING_PAIRS, NewCamera, check_siting_work, siting_pairs
from gimpo_gis_plugin.core.errors import InputError
from gimpo_gis_plugin.core.heatmap import HeatmapOptions, kernel_density
from gimpo_gis_plugin.core.heatmap import grid as grid_module
from gimpo_gis_plugin.core.heatmap.points import points_from_arrays


def test_the_cgroup_limit_counts_not_only_meminfo(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 64000000 kB\nMemAvailable: 60000000 kB\n")
    cgroup = tmp_path / "cg"
    cgroup.mkdir()
    (cgroup / "memory.max").write_text(f"{3 * 2**30}\n")
    (cgroup / "memory.current").write_text(f"{2**30}\n")
    assert resources.available_memory_bytes(meminfo, cgroup) == 2 * 2**30
    (cgroup / "memory.max").write_text("max\n")
    assert resources.available_memory_bytes(meminfo, cgroup) == 60000000 * 1024


def test_a_million_point_heat_map_in_a_small_container_is_refused_with_what_it_needs(monkeypatch):
    monkeypatch.setattr(grid_module, "available_memory_bytes", lambda: 3 * 2**30)
    rng = np.random.default_rng(1)
    x = 170_000 + rng.random(1_000_000) * 20_000
    y = 550_000 + rng.random(1_000_000) * 20_000
    points = points_from_arrays(x, y, "EPSG:5186")
    with pytest.raises(InputError) as caught:
        kernel_density(points, HeatmapOptions(2.0, 100.0))
    message = str(caught.value)
    assert "메모리가 약" in message and "GiB 필요" in message and "3.00 GiB" in message and "1,000,000" in message
    assert "PIXEL_SIZE" in message


def test_cctv_siting_at_its_largest_inputs_is_bounded_before_it_starts():
    largest = NewCamera(range_m=1000.0)
    views = 5_000 * 8  # every pole of a district in the 8 orientations tried
    assert siting_pairs(views, 50_000, largest) > MAX_SITING_PAIRS
    infos = []
    from gimpo_gis_plugin.core.progress import Progress

    with pytest.raises(InputError, match=r"(?s)신규 카메라 배치 작업이 너무 큽니다.*교차 계산이 최대.*NEW_RANGE"):
        check_siting_work(views, 50_000, largest, 500, Progress(on_info=infos.append))
    assert infos and "예상 작업량" in infos[0] and "GiB" in infos[0]
    check_siting_work(200 * 8, 5_000, NewCamera(range_m=50.0), 10)  # the usual run goes ahead
