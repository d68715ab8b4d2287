"""The running application: QApplication, the qasync event loop and the main window.

One asyncio loop, run by qasync inside Qt's event loop (docs/architecture.md, "Streaming into the
UI"): network I/O is async httpx on it, keyring calls go to worker threads, nothing blocks the GUI
thread.

This module creates windows; no window imports it. What the windows share (icons and other
shipped files, the theme and the window style, ``spawn``) lives in ``resources``, ``theme`` and
``tasks``, which import no window.

Start-up order (``start_window``): the loop exists first, then the main window is built and
started (providers listed, history opened and listed) and shown: its first paint is a usable
window (``tests/bench/startup.py`` times exactly that).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sys
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.core.settings import Settings

from .i18n import install_language
from .main_window import MainWindow
from .resources import resource_path
from .tasks import create_event_loop, drain

APP_NAME = "Roundtable"
DESKTOP_ID = "io.github.roundtable.Roundtable"


def create_application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("roundtable")
    app.setDesktopFileName(DESKTOP_ID)
    # The installed theme icon when there is one (packaging/), else the one we ship.
    app.setWindowIcon(
        QIcon.fromTheme(DESKTOP_ID, QIcon(str(resource_path("icons", "roundtable.svg"))))
    )
    return app


def create_window(settings: Settings | None = None) -> MainWindow:
    settings = settings or Settings.load()
    # The language before any widget exists: every text is then built translated.
    install_language(settings.language)
    return MainWindow(settings)


def start_window(
    app: QApplication, settings: Settings | None = None
) -> tuple[MainWindow, asyncio.AbstractEventLoop]:
    """Bring up the asyncio loop, then build, start and show the main window."""
    loop = create_event_loop(app)
    asyncio.set_event_loop(loop)
    window = create_window(settings)
    window.start()
    window.show()
    # Everything built so far lives as long as the app: move it out of the collector's sight, so
    # a full collection (measured 20-56 ms here) never stalls a stream.
    QTimer.singleShot(1000, gc.freeze)
    return window, loop


def run_app(argv: Sequence[str] | None = None) -> int:
    """Open the window and run until it is closed; returns the exit code."""
    app = create_application(sys.argv if argv is None else argv)
    # Ctrl+C in the terminal ends the app as it does any other program (the Qt loop would
    # otherwise keep Python's handler from running). History is saved as it streams.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    window, loop = start_window(app)
    with loop:  # type: ignore[attr-defined]  # qasync's loop is a context manager
        loop.run_forever()
        # The window is closed: stop what still runs so responses close and tasks end cleanly.
        window.shutdown()
        with contextlib.suppress(RuntimeError):
            drain(loop)
    return 0
