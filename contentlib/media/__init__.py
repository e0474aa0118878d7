"""Media files: checking them by content, storing them by sha256, deriving renditions.

Nothing here knows about the web: sizes, paths and limits are arguments.
"""

from .check import FORMATS, FileInfo, inspect, sniff
from .images import open_image, sanitize_image
from .limits import GiB, Limits, MiB
from .renditions import has_raqm, make_renditions, render_cover_card
from .store import MediaStore, StoredFile
from .subtitles import convert_srt_file, srt_to_vtt

__all__ = [
    "FORMATS", "FileInfo", "GiB", "Limits", "MediaStore", "MiB",
    "StoredFile", "convert_srt_file", "has_raqm",
    "inspect", "make_renditions", "open_image", "render_cover_card",
    "sanitize_image", "sniff", "srt_to_vtt",
]
