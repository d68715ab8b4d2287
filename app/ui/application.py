"""The running application: QApplication, the qasync event loop and the main window.

One asyncio loop, run by qasync inside Qt's event loop (docs/architecture.md, "Streaming into the
UI"): network I/O is async httpx on it, keyring calls go to worker threads, nothing blocks the GUI
thread.

This module creates windows; no window imports it. What the windows share (icons and other
shipped files, the theme and the window style, ``spawn``) lives in ``resources``, ``theme`` and
``tasks``, which import no window.

Start-up order (``start_window``): the main window is built and started (providers listed by
name, history opened and listed) and shown on Qt's own event loop: its first paint is a usable
window (``tests/bench/startup.py`` times exactly that). Then ``WarmUp`` loads the rest a step per
turn of the loop: first asyncio and the qasync loop over Qt's running one (``tasks.ensure_loop``,
which anything needing the loop sooner calls itself), then the network stack and the provider
classes (the model list, the credential marks and the parameter form follow), the Markdown
renderer, the comparison window.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING

from .collector import paused

with paused():  # the window's modules, with the collector held off (``collector``)
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app.core.settings import Settings
    from providers import catalog
    from providers.lazy import lazy_module

    from .history_opener import create_ahead
    from .i18n import install_language
    from .main_window import MainWindow
    from .resources import resource_path
    from .tasks import defer_loop, drain, end_loop, ensure_loop
    from .warm_up import Step, WarmUp

if TYPE_CHECKING:  # loaded by the warm-up after the first paint
    from app.core import compare
    from providers import http

    from . import compare_column, compare_view, credentials_dialog, local_models, markdown
else:
    http = lazy_module("providers.http")
    compare = lazy_module("app.core.compare")
    compare_column = lazy_module("app.ui.compare_column")
    compare_view = lazy_module("app.ui.compare_view")
    credentials_dialog = lazy_module("app.ui.credentials_dialog")
    local_models = lazy_module("app.ui.local_models")
    markdown = lazy_module("app.ui.markdown")

#: What sending needs, deepest first: one module a turn of the loop keeps each step short
#: (measured ~5-25 ms each, where the whole network stack at once held the loop ~100 ms); the
#: last ones are what httpx loads on its first request.
SENDING = (
    "urllib.request", "click", "httpx", "keyring", "jeepney",
    "cryptography.hazmat.primitives.ciphers", "secretstorage", "providers.http", "providers.chat",
    "typing_extensions", "anyio", "anyio._backends._asyncio", "h11", "httpcore",
)  # fmt: skip
#: What showing an answer needs (Markdown, code highlighting, images).
RENDERING = ("markdown_it", "pygments.lexers", "pygments.lexer", "PIL.Image")

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


def start_window(app: QApplication, settings: Settings | None = None) -> MainWindow:
    """Build, start and show the main window; the asyncio loop comes after its first paint
    (``app.exec()`` runs both)."""
    defer_loop(app)
    create_ahead()  # a new history's disk syncs on a worker thread while the window is built
    with paused():  # what is built here lives as long as the window (``collector``)
        window = create_window(settings)
        window.start(provider_classes=False)
    window.show()
    warm_up = WarmUp(window, warm_up_steps(window))
    # Everything built so far lives as long as the app: move it out of the collector's sight, so
    # a full collection (measured 20-56 ms here) never stalls a stream (or the warm-up: frozen
    # before it starts and again after it; the timer in case the window is never painted).
    warm_up.finished.connect(gc.freeze)
    QTimer.singleShot(1000, gc.freeze)
    return window


def warm_up_steps(window: MainWindow) -> Iterator[Step]:
    """The window's warm-up after its first paint, a step a turn of the loop (what the window
    declared lazily and is not loaded here follows): sending first, then rendering (the
    Pygments lexers of common languages too, ~2-30 ms each), then what the menus open."""
    yield gc.freeze  # the window as built: never scanned again by a full collection
    yield lazy_module("asyncio").load  # ~15 ms of CPU with ssl, socket, selectors
    yield ensure_loop  # then qasync: tasks can run
    yield from (lazy_module(name).load for name in SENDING)
    # The CA bundle on a worker thread, ready before the first request (the first-run scan's).
    yield lambda: threading.Thread(target=http.tls_context, name="tls", daemon=True).start()
    yield from (lazy_module(name).load for name in catalog.builtin_modules())  # the vendors
    yield window.target.load_classes  # then: model list, credential marks, the form
    yield from (lazy_module(name).load for name in RENDERING)
    yield markdown.load
    yield from (partial(markdown.lexer, language) for language in markdown.COMMON_LANGUAGES)
    yield from (module.load for module in (compare, compare_column, compare_view))
    yield from (module.load for module in (credentials_dialog, local_models))


def run_app(argv: Sequence[str] | None = None) -> int:
    """Open the window and run until it is closed; returns the exit code."""
    app = create_application(sys.argv if argv is None else argv)
    # Ctrl+C in the terminal ends the app as it does any other program (the Qt loop would
    # otherwise keep Python's handler from running). History is saved as it streams.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    window = start_window(app)
    app.exec()  # Qt's event loop, asyncio's too once it is up (``tasks.ensure_loop``)
    # The window is closed: stop what still runs so responses close and tasks end cleanly.
    loop = end_loop()
    with loop:  # type: ignore[attr-defined]  # qasync's loop is a context manager
        window.shutdown()
        with contextlib.suppress(RuntimeError):
            drain(loop)
    return 0
