"""Per-index minimum over unsorted (index, value) pairs, compiled when numba is there.

``np.minimum.at`` is numpy's unbuffered scatter: correct with repeated indices, but on numpy < 1.25
(Debian 12's 1.24) about 0.15 µs per pair, and the ray caster of the candidate poles scatters some 20
million (ray, wall) hits. A compiled loop does the same in a few milliseconds, and the result is the
same numbers (a minimum is exact). numba is imported on the first large scatter, not with this module:
the provider imports every algorithm at QGIS start-up and numba alone costs 0.4 s there. Without numba
(it is a dependency, but the tool should not break without it) numpy's scatter is used.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

# Below this many pairs numpy's scatter costs less than a call into compiled code is worth.
_COMPILED_FROM = 10_000


@cache
def _compiled_minimum() -> Callable[[np.ndarray, np.ndarray, np.ndarray], None] | None:
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is in requirements.txt
        return None

    @numba.njit(cache=True, nogil=True, boundscheck=False)
    def minimum(out, index, values):  # pragma: no cover - compiled
        for k in range(index.size):
            i = index[k]
            if values[k] < out[i]:
                out[i] = values[k]

    return minimum


def minimum_at(out: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """out[index[k]] = min(out[index[k]], values[k]) for every k (repeated indices allowed)."""
    compiled = _compiled_minimum() if index.size >= _COMPILED_FROM and out.dtype == np.float64 else None
    if compiled is None:
        np.minimum.at(out, index, values)
        return
    compiled(out, np.ascontiguousarray(index, dtype=np.int64), np.ascontiguousarray(values, dtype=np.float64))
