"""Qt + asyncio for the window tests: a qasync loop per test, driven from synchronous tests.

Recipe (notes/recipes.md): create the QApplication first (pytest-qt's ``qapp``), then the
``qasync.QEventLoop``; drive coroutines with ``loop.run_until_complete``. Never call
``qtbot.waitUntil``/``waitSignal`` while the loop runs a coroutine: wait with these helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QApplication

from providers import credentials
from tests.keyring_support import SESSION_BUS, delete_service_items

DEFAULT_TIMEOUT = 10.0


class Loop:
    """The test's qasync loop, with waits that never nest a second event loop."""

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def run(self, awaitable: Awaitable[Any] | None, timeout: float = DEFAULT_TIMEOUT) -> Any:
        """Run the loop until ``awaitable`` (a coroutine, task or future) is done."""
        if awaitable is None:
            return None
        return self.loop.run_until_complete(asyncio.wait_for(_as_awaitable(awaitable), timeout))

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


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[Loop]:
    """A qasync loop made current for this test; spawned tasks are cancelled afterwards."""
    from app.ui.application import cancel_tasks

    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    try:
        yield Loop(event_loop)
    finally:
        event_loop.run_until_complete(cancel_tasks())
        event_loop.run_until_complete(event_loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)


@pytest.fixture
def keyring_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A keyring service of this test's own for the default store, swept clean afterwards."""
    service = f"roundtable-test-{uuid.uuid4().hex}"
    monkeypatch.setenv(credentials.SERVICE_ENV, service)
    credentials.set_default_store(None)
    try:
        yield service
    finally:
        credentials.set_default_store(None)
        if SESSION_BUS:
            delete_service_items(service)
