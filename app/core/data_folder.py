"""The folder Roundtable keeps its data in (history, attachments), and how much it holds.

Qt-free; the Preferences dialog shows both and offers to open the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from providers.media import size_text

from .history import default_path


def data_folder() -> Path:
    """Where the history database and the attachments live (the user's data folder)."""
    return default_path().parent


def folder_size(path: Path) -> int:
    """Bytes in the files under ``path`` (0 when it does not exist); links are not followed,
    and a file removed while counting is skipped."""
    total = 0
    for root, _folders, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def size_label(size: int) -> str:
    """``size`` bytes for people (``512 B``, ``12 KB``, ``4.5 MB``, ``2.3 GB``)."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return size_text(size)
