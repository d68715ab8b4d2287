"""The running application: QApplication, the qasync event loop, the theme and the main window.

One asyncio loop, run by qasync inside Qt's event loop (DESIGN.md "Streaming into the UI"): network
I/O is async httpx on it, keyring calls go to worker threads, nothing blocks the GUI thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from app.core.settings import Settings

    from .main_window import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "Roundtable"
DESKTOP_ID = "io.github.roundtable.Roundtable"

# ----- background tasks -----------------------------------------------------------------------

_tasks: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
    """Run ``coro`` on the app's loop from a Qt slot, keeping it alive until it ends.

    A failure the coroutine did not handle is a bug: it is logged rather than lost.
    """
    task = asyncio.get_event_loop().create_task(coro, name=name)
    _tasks.add(task)
    task.add_done_callback(_task_done)
    return task


def _task_done(task: asyncio.Task[Any]) -> None:
    _tasks.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s failed", task.get_name(), exc_info=task.exception())


async def cancel_tasks() -> None:
    """Cancel every task started with ``spawn`` and wait for them (quitting, tests)."""
    pending = [task for task in _tasks if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=5)


# ----- theme ------------------------------------------------------------------------------------


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def _dark_palette() -> QPalette:
    """A dark palette for platforms that cannot switch the scheme themselves (Fusion-based)."""
    from .theme import palette_for

    colors = palette_for(True)
    window, base, text = QColor("#2b2d31"), QColor(colors.background), QColor(colors.text)
    muted, link = QColor(colors.muted), QColor(colors.link)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: window,
        QPalette.ColorRole.ToolTipBase: window,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: muted,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#35373c"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ffffff"),
        QPalette.ColorRole.Light: QColor("#4a4d54"),
        QPalette.ColorRole.Midlight: QColor("#3d4046"),
        QPalette.ColorRole.Mid: QColor("#2a2c30"),
        QPalette.ColorRole.Dark: QColor("#1a1b1e"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: QColor("#3574f0"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: link,
        QPalette.ColorRole.LinkVisited: link,
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    disabled = QColor("#6f737a")
    for role in (
        QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
    ):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(choice: str) -> bool:
    """Apply "system", "light" or "dark"; returns whether the window is now dark.

    "system" follows the desktop (``colorSchemeChanged`` re-applies it). An explicit choice is
    asked of the platform first and, where it cannot switch (offscreen, older desktops), made
    with our own palette.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    hints = QGuiApplication.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(choice)
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(wanted or Qt.ColorScheme.Unknown)
    dark = system_is_dark() if wanted is None else wanted == Qt.ColorScheme.Dark
    platform_did_it = wanted is None or hints.colorScheme() == wanted
    if platform_did_it:
        app.setPalette(QPalette())  # the platform's own palette
    elif dark:
        app.setPalette(_dark_palette())
    else:
        app.setPalette(app.style().standardPalette())
    return dark


# ----- startup ----------------------------------------------------------------------------------


def create_application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("roundtable")
    app.setDesktopFileName(DESKTOP_ID)
    return app


def create_window(settings: Settings | None = None) -> MainWindow:
    from app.core.settings import Settings

    from .main_window import MainWindow

    return MainWindow(settings or Settings.load())


def run_app(argv: Sequence[str] | None = None) -> int:
    """Open the window and run until it is closed; returns the exit code."""
    import qasync  # Qt's event loop as asyncio's: one loop for widgets and network I/O

    app = create_application(sys.argv if argv is None else argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = create_window()
    window.show()
    with loop:
        loop.run_forever()
        # The window is closed: stop what still runs so responses close and tasks end cleanly.
        window.shutdown()
        with contextlib.suppress(RuntimeError):
            loop.run_until_complete(cancel_tasks())
            loop.run_until_complete(loop.shutdown_asyncgens())
    return 0
