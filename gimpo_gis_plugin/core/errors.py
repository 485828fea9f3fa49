"""The engine's own exception types.

The core never raises QgsProcessingException (it does not import qgis): each algorithm adapter turns these
into one. Every message names the file, field or row at fault and says what to do about it.
"""

from __future__ import annotations


class GimpoError(Exception):
    """Base of every error the engine raises on purpose.

    ``hint`` carries the "what to do" part separately so that adapters can format it on its own line.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class InputError(GimpoError):
    """An input file, layer, field or value cannot be used as given."""


class EncodingError(InputError):
    """A text file is in none of the encodings we tried (UTF-8, CP949/EUC-KR...)."""


class MissingColumnsError(InputError):
    """A table lacks columns the computation needs."""


class CrsError(InputError):
    """A layer has no CRS, or one we cannot use, and none was given."""


class OutputError(GimpoError):
    """An output cannot be written (folder missing, no permission, disk full)."""


class CancelledError(GimpoError):
    """The user cancelled the run; nothing was written."""


class MissingDependencyError(GimpoError):
    """A Python package the plugin needs is not installed."""
