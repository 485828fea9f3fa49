"""Progress and cancellation for long computations, without depending on Qt.

Core functions take a :class:`Progress` and call ``step``/``check``; the Processing adapter maps it onto
``QgsProcessingFeedback`` and command-line tools onto a terminal progress bar. A default ``Progress()``
is silent, so core functions stay easy to call from tests and notebooks.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import CancelledError


class Progress:
    """Reports the fraction done (0..1), messages, and raises :class:`CancelledError` on cancel."""

    def __init__(
        self,
        on_fraction: Callable[[float], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
        on_info: Callable[[str], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
        start: float = 0.0,
        end: float = 1.0,
    ) -> None:
        self._on_fraction = on_fraction
        self._is_cancelled = is_cancelled
        self._on_info = on_info
        self._on_warning = on_warning
        self._start = start
        self._end = end

    def set(self, fraction: float) -> None:
        """Report that ``fraction`` (0..1) of this (sub-)task is done, and check for cancel."""
        self.check()
        if self._on_fraction is not None:
            clamped = min(max(fraction, 0.0), 1.0)
            self._on_fraction(self._start + (self._end - self._start) * clamped)

    def check(self) -> None:
        """Raise :class:`CancelledError` if the user asked to stop."""
        if self._is_cancelled is not None and self._is_cancelled():
            raise CancelledError("Cancelled by the user; no output was written.")

    def info(self, message: str) -> None:
        if self._on_info is not None:
            self._on_info(message)

    def warn(self, message: str) -> None:
        if self._on_warning is not None:
            self._on_warning(message)

    def sub(self, start: float, end: float) -> Progress:
        """A child reporter for the part [start, end] of this task (fractions of this task)."""
        span = self._end - self._start
        return Progress(
            self._on_fraction,
            self._is_cancelled,
            self._on_info,
            self._on_warning,
            self._start + span * start,
            self._start + span * end,
        )


SILENT = Progress()
