"""Per-index minimum over unsorted (index, value) pairs, compiled when numba is there.

``np.minimum.at`` is numpy's unbuffered scatter: correct with repeated indices, but
on numpy < 1.25 (Debian 12's 1.24) about 0.15 µs per pair, and the ray caster of the candidate poles
scatters some 20 million (ray, wall) hits. A compiled loop does the same in a few milliseconds. The
result is the same numbers (a minimum is exact). Without
numba (it is a dependency, but the tool should not break without it) numpy's scatter is used.
"""

from __future__ import annotations

import numpy as np

try:
    import numba
except ImportError:  # pragma: no cover - numba is in requirements.txt
    numba = None


def _minimum_at_py(out: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    np.minimum.at(out, index, values)


if numba is not None:

    @numba.njit(cache=True, nogil=True, boundscheck=False)
    def _minimum_at_compiled(out, index, values):  # pragma: no cover - compiled
        for k in range(index.size):
            i = index[k]
            if values[k] < out[i]:
                out[i] = values[k]


def minimum_at(out: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """out[index[k]] = min(out[index[k]], values[k]) for every k (repeated indices allowed)."""
    if numba is None or index.size < 10_000 or out.dtype != np.float64:
        _minimum_at_py(out, index, values)
        return
    index = np.ascontiguousarray(index, dtype=np.int64)
    _minimum_at_compiled(out, index, np.ascontiguousarray(values, dtype=np.float64))
