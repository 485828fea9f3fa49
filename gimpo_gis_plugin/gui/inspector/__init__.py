"""The parcel inspector (필지 조회) in the desktop: map tool, highlight, dock panel, export."""

from .inspector import ParcelInspector

__all__ = ["ParcelInspector"]
