"""The Help menu's windows: keyboard shortcuts, the documentation, About.

The shortcuts are read from the window's own actions and shortcuts (menus walked, toolbar and
window-wide ones included), so the list can never disagree with what the keys do. About reads
the version and the libraries' licences from the installed metadata (``app.core.about``); the
documentation is the README installed with the package, shown as Markdown (a link opens only
on the user's click, and only http(s)).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core import about


def action_shortcuts(window: QWidget, extra: Iterable[QAction] = ()) -> list[tuple[str, str]]:
    """(what, keys) for every action and shortcut the window has, in menu order: each menu's
    actions, then ``extra`` (e.g. toolbar-only actions), then window-wide ``QShortcut``s (their
    ``whatsThis`` says what they do)."""
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()

    def add(action: QAction) -> None:
        if id(action) in seen or action.isSeparator():
            return
        seen.add(id(action))
        keys = [key for key in action.shortcuts() if not key.isEmpty()]
        if keys:
            text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            shown = ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in keys)
            rows.append((text.rstrip("…").strip(), shown))

    def walk(actions: Iterable[QAction]) -> None:
        for action in actions:
            menu = action.menu()
            if isinstance(menu, QMenu):
                walk(menu.actions())
            else:
                add(action)

    menu_bar = getattr(window, "menuBar", None)
    if callable(menu_bar):
        walk(menu_bar().actions())
    for action in extra:
        add(action)
    for shortcut in window.findChildren(QShortcut):
        if shortcut.whatsThis() and not shortcut.key().isEmpty():
            keys = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append((shortcut.whatsThis(), keys))
    return rows


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: a two-column table built from the window's actions."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = _table([self.tr("Command"), self.tr("Keys")], rows)
        self.table.setObjectName("shortcutsTable")
        column = QVBoxLayout(self)
        column.addWidget(self.table)
        column.addWidget(_close_buttons(self))
        self.resize(460, 420)


class AboutDialog(QDialog):
    """Help → About: the version and every bundled library with its licence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Roundtable"))
        title = QLabel(self.tr("Roundtable {0}").format(about.app_version()))
        title.setObjectName("aboutTitle")
        title.setProperty("role", "heading")
        text = QLabel(
            self.tr(
                "A desktop chat for large language models: many providers, side by side. "
                "Roundtable is MIT-licensed; it runs on these libraries:"
            )
        )
        text.setWordWrap(True)
        libraries = about.bundled_libraries()
        self.table = _table(
            [self.tr("Library"), self.tr("Version"), self.tr("Licence")],
            [
                (library.name, library.version, library.licence or self.tr("not stated"))
                for library in libraries
            ],
        )
        self.table.setObjectName("licenceTable")
        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(text)
        column.addWidget(self.table, 1)
        column.addWidget(_close_buttons(self))
        self.resize(620, 520)


class DocsDialog(QDialog):
    """Help → Documentation: the README installed with the package."""

    def __init__(self, open_link: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("docsDialog")
        self.setWindowTitle(self.tr("Roundtable documentation"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("docsBrowser")
        self.browser.setOpenLinks(False)  # http(s) only, through the window's own check
        self.browser.anchorClicked.connect(lambda url: open_link(url.toString()))
        text = about.readme()
        if text:
            self.browser.setMarkdown(text)
        else:
            self.browser.setPlainText(self.tr("The README is not installed with this copy."))
        column = QVBoxLayout(self)
        column.addWidget(self.browser)
        column.addWidget(_close_buttons(self))
        self.resize(760, 640)


def open_local_folder(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def _table(headers: list[str], rows: Iterable[tuple[str, ...]]) -> QTableWidget:
    rows = list(rows)
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(row, column, item)
    table.setCurrentCell(-1, -1)  # nothing looks chosen until the user moves in the table
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _close_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    return buttons
