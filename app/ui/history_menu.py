"""What the history panel's context menu opens: the menu itself and the export file dialog.

Widgets, and writing an export (``write_export``): the panel decides what each entry does.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from app.core.attachments import AttachmentStore, export_file
from app.core.history import History

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
    dialog.setNameFilters(
        [
            "JSON (*.json)" if json else "Markdown (*.md)",
            QCoreApplication.translate("HistoryMenu", "All files (*)"),
        ]
    )
    dialog.fileSelected.connect(chosen)
    dialog.finished.connect(lambda _result: dialog.deleteLater())
    dialog.open()


def write_export(
    history: History, files: AttachmentStore | None, conversation_id: int, path: str, title: str
) -> tuple[bool, str]:
    """Write one conversation's export to ``path``: (written, what to tell the user)."""
    try:
        export_file(history, files, conversation_id, path)
    except (sqlite3.Error, KeyError, OSError) as error:
        text = QCoreApplication.translate(
            "HistoryPanel", "The conversation could not be exported: {error}"
        )
        return False, text.format(error=error)
    text = QCoreApplication.translate("HistoryPanel", "Exported “{title}” to {path}.")
    return True, text.format(title=title, path=path)
