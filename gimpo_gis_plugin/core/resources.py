"""What a run will cost, said before it starts: memory from the container's limit, work from the inputs.

A container's memory limit is not in /proc/meminfo (that shows the host): cgroup v2 puts it in
``/sys/fs/cgroup/memory.max`` (``max`` when unlimited) with the current use in ``memory.current``; cgroup v1
in ``memory/memory.limit_in_bytes``. A run that needs more than the smaller of "MemAvailable" and "the
cgroup limit minus what is in use" is OOM-killed part-way (measured in the issue: a 1M-point heat map in a
3 GiB container died after 19 s), so it is refused up front with the figure it needs instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

MEMINFO = Path("/proc/meminfo")
CGROUP_V2 = Path("/sys/fs/cgroup")
CGROUP_V1_LIMIT = Path("/sys/fs/cgroup/memory/memory.limit_in_bytes")
CGROUP_V1_USAGE = Path("/sys/fs/cgroup/memory/memory.usage_in_bytes")
_UNLIMITED_V1 = 1 << 60  # cgroup v1 writes a huge number (9223372036854771712) for "no limit"


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def mem_available(meminfo: Path = MEMINFO) -> int | None:
    """MemAvailable of /proc/meminfo in bytes (the host's, or the container's under lxcfs)."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def cgroup_free(cgroup: Path = CGROUP_V2) -> int | None:
    """Bytes the cgroup may still allocate (limit minus usage), None without a limit."""
    limit = _read_int(cgroup / "memory.max")
    if limit is not None:
        used = _read_int(cgroup / "memory.current") or 0
        return max(limit - used, 0)
    limit = _read_int(CGROUP_V1_LIMIT) if cgroup == CGROUP_V2 else None
    if limit is not None and limit < _UNLIMITED_V1:
        return max(limit - (_read_int(CGROUP_V1_USAGE) or 0), 0)
    return None


def available_memory_bytes(meminfo: Path = MEMINFO, cgroup: Path = CGROUP_V2) -> int | None:
    """What this process can still get: the smaller of MemAvailable and the cgroup's free memory."""
    known = [v for v in (mem_available(meminfo), cgroup_free(cgroup)) if v is not None]
    if known:
        return min(known)
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


# Per point while a heat map is computed: the GeoDataFrame read (shapely point ~ 100 B, attribute columns,
# index), its float64 x/y/weight/radius copies and the cell placement (measured order of magnitude on
# 3.22 / geopandas 0.14: ~0.35 KiB a point at peak).
HEATMAP_BYTES_PER_POINT = 360
# Per cell and band: the float64 band, and for the FFT path two complex128 spectra and a float64 work array.
HEATMAP_BYTES_PER_CELL = 8 + 2 * 16 + 8


def heatmap_bytes(cells: int, bands: int, points: int) -> int:
    """Peak memory a heat map of ``cells`` × ``bands`` from ``points`` points needs (an upper estimate)."""
    return int(cells) * HEATMAP_BYTES_PER_CELL * max(int(bands), 1) + int(points) * HEATMAP_BYTES_PER_POINT


def gib(value: float) -> str:
    return f"{value / 2**30:.2f} GiB"


def check_memory(needed: int, what: str, advice: str, available: int | None = None) -> None:
    """Refuse in Korean (with the figures) a run that needs more memory than the process can get."""
    free = available_memory_bytes() if available is None else available
    if free is not None and needed > free:
        raise InputError(
            f"{what}에 메모리가 약 {gib(needed)} 필요하지만 "
            f"이 컴퓨터(컨테이너)에서 쓸 수 있는 메모리는 {gib(free)}입니다. "
            f"작업을 시작하지 않았습니다. {what} needs about {gib(needed)} of memory; only {gib(free)} is available.",
            advice,
        )


__all__ = [
    "available_memory_bytes",
    "cgroup_free",
    "check_memory",
    "heatmap_bytes",
    "mem_available",
]
