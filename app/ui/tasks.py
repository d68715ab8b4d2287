"""Background work on the app's one asyncio loop (qasync inside Qt's event loop).

Every window starts its network work with ``spawn`` (the task is kept alive and a failure it did
not handle is logged); the application and the tests use ``create_event_loop``, ``run_until_done``
and ``drain`` to bring the loop up and down. Imports no window.

The app's loop comes up after the window's first paint (``defer_loop``, then ``ensure_loop`` as
the warm-up's first step): asyncio, ssl, socket and qasync cost ~25 ms of CPU the window does not
need to show itself. Qt's own event loop runs the window meanwhile (keys typed are Qt events);
whatever needs asyncio earlier (a ``spawn``, a message sent) calls ``ensure_loop``, which brings
it up at once over the Qt loop already running (qasync's ``already_running``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QApplication

from providers.lazy import lazy_module

if TYPE_CHECKING:  # loaded when the loop comes up (after the first paint in the app)
    import asyncio

    import qasync  # Qt's event loop as asyncio's: one loop for widgets and network I/O

    from app.ui import loop_timers
else:
    asyncio = lazy_module("asyncio")
    qasync = lazy_module("qasync")
    loop_timers = lazy_module("app.ui.loop_timers")

log = logging.getLogger(__name__)
_T = TypeVar("_T")

_tasks: set[asyncio.Task[Any]] = set()
#: The app whose loop ``ensure_loop`` is to bring up (``defer_loop``), and that loop once up.
_deferred: list[QApplication] = []
_app_loop: list[asyncio.AbstractEventLoop] = []


def defer_loop(app: QApplication) -> None:
    """The app starts on Qt's own event loop; its asyncio loop comes with ``ensure_loop``."""
    _deferred[:] = [app]


def ensure_loop(*, running: bool = True) -> asyncio.AbstractEventLoop:
    """The loop tasks run on: the app's, brought up now over Qt's running (or about to run)
    event loop if ``defer_loop`` put it off, else the one set (the tests'). A loop that fails to
    come up fails every call (the app stays deferred): never a loop that nothing runs."""
    if _deferred:
        loop = create_event_loop(_deferred[0], already_running=running)
        _deferred.clear()
        asyncio.set_event_loop(loop)
        _app_loop[:] = [loop]
    return asyncio.get_event_loop()


def end_loop() -> asyncio.AbstractEventLoop:
    """Qt's event loop has returned: the app's asyncio loop, marked stopped so that ``drain``
    can run it again (or brought up now, not running, if the window closed before it was)."""
    if _deferred:
        return ensure_loop(running=False)
    loop = ensure_loop()
    if loop in _app_loop:
        loop.stop()  # qasync: no longer running (Qt's loop has already returned)
        asyncio.events._set_running_loop(None)
    return loop


def spawn(coro: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
    """Run ``coro`` on the app's loop from a Qt slot, keeping it alive until it ends.

    A failure the coroutine did not handle is a bug: it is logged rather than lost.
    """
    task = ensure_loop().create_task(coro, name=name)
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


def run_until_done(loop: asyncio.AbstractEventLoop, awaitable: Awaitable[_T]) -> _T:
    """Run the (stopped) loop until ``awaitable`` is done and return its result.

    Unlike qasync's ``run_until_complete`` it does not process Qt's events once more after
    stopping: that happens with no running asyncio loop, and a task stepped then fails.
    """
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
    run_until_done(loop, cancel_tasks())
    others = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if others:
        run_until_done(loop, asyncio.wait(others, timeout=timeout))
        for task in others:
            task.cancel()
        run_until_done(loop, asyncio.wait(others, timeout=timeout))
    run_until_done(loop, loop.shutdown_asyncgens())


def create_event_loop(
    app: QApplication, *, already_running: bool = False
) -> asyncio.AbstractEventLoop:
    """The qasync loop, plus what ``asyncio.run`` gives every loop and qasync leaves out:
    async-generator hooks, so a stream abandoned half-read (httpx's body iterator) is closed
    by a task on this loop instead of half-way inside the garbage collector; and timers that
    are let go of when cancelled (``loop_timers``). ``already_running``: Qt's event loop runs
    it (``app.exec()``), not ``run_forever``."""

    class EventLoop(qasync.QEventLoop):  # type: ignore[misc]
        _saved_hooks: Any = None

        def __init__(self, app: QApplication) -> None:
            super().__init__(app, already_running=already_running)
            self._timer = loop_timers.QtTimers()  # in place of qasync's: it keeps cancelled timers

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
