"""What the history panel's context menu opens: the menu itself and the export file dialog.

Widgets only (no history access): the panel decides what each entry does and writes the export.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

#: A menu entry (its text and what it does), or None for a separator.
MenuEntry = tuple[str, Callable[[], Any]] | None


def export_file_name(title: str, suffix: str = "md") -> str:
    """A file name for a conversation's export (Markdown, or ``suffix``)."""
    name = re.sub(r"[^\w\- ]+", " ", title, flags=re.UNICODE)
    name = " ".join(name.split())[:60].strip()
    return f"{name or 'conversation'}.{suffix}"


def context_menu(parent: QWidget, entries: Sequence[MenuEntry]) -> QMenu:
    """A menu (deleted once closed) of ``entries``; not shown yet."""
    menu = QMenu(parent)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for entry in entries:
        if entry is None:
            menu.addSeparator()
            continue
        text, callback = entry
        action = QAction(text, menu)
        action.triggered.connect(callback)
        menu.addAction(action)
    return menu


def export_folder() -> Path:
    """The user's documents folder if it exists, else the home folder (never the app's cwd)."""
    for location in (
        QStandardPaths.StandardLocation.DocumentsLocation,
        QStandardPaths.StandardLocation.HomeLocation,
    ):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.home()


def choose_export_path(parent: QWidget, suggested: str, chosen: Callable[[str], Any]) -> None:
    """Ask where to save a Markdown export (window-modal; ``chosen(path)`` once picked)."""
    json = suggested.endswith(".json")
    title = (
        QCoreApplication.translate("HistoryMenu", "Export as JSON")
        if json
        else QCoreApplication.translate("HistoryMenu", "Export as Markdown")
    )
    dialog = QFileDialog(parent, title, str(export_folder() / suggested))
    dialog.setObjectName("exportDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("json" if json else "md")
    dialog.setNameFilters(["JSON (*.json)" if json else "Markdown (*.md)", "All files (*)"])
    dialog.fileSelected.connect(chosen)
    dialog.finished.connect(lambda _result: dialog.deleteLater())
    dialog.open()
