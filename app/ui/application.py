"""The running application: QApplication, the qasync event loop, the theme and the main window.

One asyncio loop, run by qasync inside Qt's event loop (DESIGN.md "Streaming into the UI"): network
I/O is async httpx on it, keyring calls go to worker threads, nothing blocks the GUI thread.

Start-up order (``start_window``): the window's shell is shown and painted first; asyncio, qasync,
the chat view and the provider registry are imported only after that paint, so the window
appears about as fast as an empty one (``tests/bench/startup.py``). asyncio is therefore
imported inside the functions here, not at the top.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    import asyncio

    from app.core.settings import Settings

    from .main_window import MainWindow

log = logging.getLogger(__name__)
_T = TypeVar("_T")

APP_NAME = "Roundtable"
#: Icons (SVG) and style sheets, beside the packages in the source tree.
# Inside the package so that a wheel carries the icons and styles.
RESOURCES = Path(__file__).resolve().parents[1] / "resources"
DESKTOP_ID = "io.github.roundtable.Roundtable"
FIRST_PAINT_WAIT_MS = 2000  # a window that is never painted (minimised, ...) starts anyway

# ----- background tasks -----------------------------------------------------------------------

_tasks: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
    """Run ``coro`` on the app's loop from a Qt slot, keeping it alive until it ends.

    A failure the coroutine did not handle is a bug: it is logged rather than lost.
    """
    import asyncio

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
    import asyncio

    pending = [task for task in _tasks if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=5)


def run_until_done(loop: asyncio.AbstractEventLoop, awaitable: Awaitable[_T]) -> _T:
    """Run the (stopped) loop until ``awaitable`` is done and return its result.

    Unlike qasync's ``run_until_complete`` it does not process Qt's events once more after
    stopping: that happens with no running asyncio loop, and a task stepped then fails.
    """
    import asyncio

    future = asyncio.ensure_future(awaitable, loop=loop)
    future.add_done_callback(lambda _future: loop.stop())
    loop.run_forever()
    if not future.done():
        future.cancel()
        raise RuntimeError("the event loop stopped before the awaited work was done")
    return future.result()


def drain(loop: asyncio.AbstractEventLoop, timeout: float = 2.0) -> None:
    """Before the loop goes away: stop our tasks, let the rest (e.g. httpx closing a response
    in an async generator's finaliser) end, then finalise async generators."""
    import asyncio

    run_until_done(loop, cancel_tasks())
    others = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if others:
        run_until_done(loop, asyncio.wait(others, timeout=timeout))
        for task in others:
            task.cancel()
        run_until_done(loop, asyncio.wait(others, timeout=timeout))
    run_until_done(loop, loop.shutdown_asyncgens())


def create_event_loop(app: QApplication) -> asyncio.AbstractEventLoop:
    """The qasync loop, plus what ``asyncio.run`` gives every loop and qasync leaves out:
    async-generator hooks, so a stream abandoned half-read (httpx's body iterator) is closed
    by a task on this loop instead of half-way inside the garbage collector."""
    import qasync  # Qt's event loop as asyncio's: one loop for widgets and network I/O

    class EventLoop(qasync.QEventLoop):  # type: ignore[misc,name-defined]
        _saved_hooks: Any = None

        def _before_run_forever(self) -> None:
            super()._before_run_forever()
            self._saved_hooks = sys.get_asyncgen_hooks()
            sys.set_asyncgen_hooks(
                firstiter=self._asyncgen_firstiter_hook,
                finalizer=self._asyncgen_finalizer_hook,
            )

        def _after_run_forever(self) -> None:
            if self._saved_hooks is not None:
                sys.set_asyncgen_hooks(*self._saved_hooks)
                self._saved_hooks = None
            super()._after_run_forever()

    loop: asyncio.AbstractEventLoop = EventLoop(app)
    return loop


# ----- theme ------------------------------------------------------------------------------------


def icon(name: str, color: str) -> QIcon:
    """An SVG icon from ``resources/icons`` drawn in ``color`` (they use ``currentColor``)."""
    path = RESOURCES / "icons" / f"{name}.svg"
    try:
        svg = path.read_text(encoding="utf-8").replace("currentColor", color)
    except OSError:
        return QIcon()
    pixmap = QPixmap()
    pixmap.loadFromData(svg.encode(), "SVG")
    if pixmap.isNull():
        return QIcon()
    scaled = QPixmap(48, 48)
    scaled.fill(Qt.GlobalColor.transparent)
    painter = QPainter(scaled)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawPixmap(scaled.rect(), pixmap)
    painter.end()
    scaled.setDevicePixelRatio(2.0)
    return QIcon(scaled)


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
    # The installed theme icon when there is one (packaging/), else the one we ship.
    app.setWindowIcon(
        QIcon.fromTheme(DESKTOP_ID, QIcon(str(RESOURCES / "icons" / "roundtable.svg")))
    )
    return app


def create_window(settings: Settings | None = None) -> MainWindow:
    from app.core.settings import Settings

    from .main_window import MainWindow

    return MainWindow(settings or Settings.load())


def wait_for_first_paint(window: MainWindow) -> None:
    """Process Qt events (no asyncio yet) until the window has been painted once."""
    if window.painted:
        return
    waiting = QEventLoop()
    # Quit on the next turn of the loop: the paint pass that began is then on screen.
    window.firstPainted.connect(lambda: QTimer.singleShot(0, waiting.quit))
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, waiting.quit)
    waiting.exec()


def start_window(
    app: QApplication, settings: Settings | None = None
) -> tuple[MainWindow, asyncio.AbstractEventLoop]:
    """Show the main window, then bring up the asyncio loop and what the window runs on it."""
    window = create_window(settings)
    window.show()
    wait_for_first_paint(window)
    import asyncio

    loop = create_event_loop(app)
    asyncio.set_event_loop(loop)
    window.start()
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
