"""Qt + asyncio for the window tests: a qasync loop per test, driven from synchronous tests.

Recipe (notes/recipes.md): create the QApplication first (pytest-qt's ``qapp``), then the
``qasync.QEventLoop``; drive coroutines with ``loop.run_until_complete``. Never call
``qtbot.waitUntil``/``waitSignal`` while the loop runs a coroutine: wait with these helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from app.ui.chat_view import ChatView

if TYPE_CHECKING:
    from providers.local.runtime import LocalRuntime

DEFAULT_TIMEOUT = 10.0


class Loop:
    """The test's qasync loop, with waits that never nest a second event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def run(self, awaitable: Awaitable[Any] | None, timeout: float = DEFAULT_TIMEOUT) -> Any:
        """Run the loop until ``awaitable`` (a coroutine, task or future) is done."""
        from app.ui.tasks import run_until_done

        if awaitable is None:
            return None
        return run_until_done(self.loop, asyncio.wait_for(_as_awaitable(awaitable), timeout))

    def expect(self, signal: SignalInstance) -> asyncio.Future[tuple[Any, ...]]:
        """A future resolved by the next emission of ``signal`` (connect before acting)."""
        future: asyncio.Future[tuple[Any, ...]] = self.loop.create_future()

        def done(*args: Any) -> None:
            if not future.done():
                future.set_result(args)
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(done)

        signal.connect(done)
        return future

    def until(self, predicate: Callable[[], Any], timeout: float = DEFAULT_TIMEOUT) -> None:
        """Run the loop until ``predicate()`` is true (checked every 5 ms of loop time)."""

        async def poll() -> None:
            while not predicate():
                await asyncio.sleep(0.005)

        self.run(poll(), timeout)

    def idle(self, seconds: float = 0.05) -> None:
        """Let the loop (and Qt's events) run for a moment."""
        self.run(asyncio.sleep(seconds), seconds + DEFAULT_TIMEOUT)


async def _as_awaitable(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


@pytest.fixture(scope="session", autouse=True)
def english(qapp: QApplication) -> None:
    """As the app does at start (application.create_window): English, with its plural forms
    ("1 token", "2 tokens") and the English locale's numbers ("1,234")."""
    from app.ui.i18n import install_language
    from providers import i18n as provider_i18n

    install_language("en")
    provider_i18n.set_language(None)


@pytest.fixture(scope="session")
def session_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the whole session, closed (its worker threads joined) at the end.

    Not one per test: a qasync loop owns QObjects (timers, the worker-thread executor), and one
    collected by the garbage collector on a worker thread destroys them there ("Timers cannot be
    stopped from another thread", then a crash).
    """
    from app.ui.tasks import create_event_loop

    # Closing a test's only window (a dialog) must not quit the application under the loop.
    qapp.setQuitOnLastWindowClosed(False)
    event_loop = create_event_loop(qapp)
    try:
        yield event_loop
    finally:
        event_loop.close()


@pytest.fixture
def loop(session_loop: asyncio.AbstractEventLoop) -> Iterator[Loop]:
    """The qasync loop, made current for this test; what the test started is ended afterwards."""
    from app.ui.tasks import drain

    asyncio.set_event_loop(session_loop)
    try:
        yield Loop(session_loop)
    finally:
        drain(session_loop)
        asyncio.set_event_loop(None)


@pytest.fixture
def local_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalRuntime]:
    """A private local runtime (its own worker thread and loaded model), shut down afterwards."""
    from providers.local import runtime

    rt = runtime.LocalRuntime()
    monkeypatch.setattr(runtime, "_default", rt)
    yield rt
    assert rt.shutdown(), "the local model's worker did not end"


OpenWindow = Callable[..., Any]


@pytest.fixture
def open_window(
    qtbot: Any,
    loop: Loop,
    openai_server: Any,
    keyring_service: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[OpenWindow]:
    """Opens the main window on OpenAI pointed at the loopback server; waits for its start-up
    (model list, credential check) unless ``wait=False``."""
    from app.core.settings import Settings
    from app.ui import theme
    from app.ui.main_window import MainWindow
    from providers.vendors.openai import OpenAI
    from tests.servers import DEFAULT_KEY

    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setattr(OpenAI, "models", [])  # the class caches the last live list

    def open_(wait: bool = True, provider_classes: bool = True) -> MainWindow:
        settings = Settings.load()
        settings.provider_id = "openai"
        settings.set_connection_for("openai", base_url=openai_server.base_url, proxy=None)
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.show()
        # as application.start_window does once the loop exists (it puts the provider classes
        # off until after the first paint: ``provider_classes=False``)
        window.start(provider_classes=provider_classes)
        if wait:
            loop.run(window.models_task)
            loop.run(window.credentials_task)
        return window

    yield open_
    theme.apply_theme("system")  # the palette is application-wide


@pytest.fixture
def view(qtbot: Any) -> ChatView:
    """A chat view shown at 700×600 (the chat-view, pages, links and render-worker tests)."""
    widget = ChatView()
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def feed(qtbot: Any, view: ChatView, index: int, text: str, size: int, timeout_ms: int) -> None:
    """``text`` into answer ``index`` in ``size``-character chunks, one per turn of the event
    loop (faster than one thread renders them when large: a backlog builds up)."""
    chunks = [text[i : i + size] for i in range(0, len(text), size)]

    def tick() -> None:
        if chunks:
            view.append_text(index, chunks.pop(0))
        else:
            timer.stop()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(0)
    qtbot.waitUntil(lambda: not timer.isActive(), timeout=timeout_ms)
