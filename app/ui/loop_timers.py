"""The asyncio loop's timers as Qt timers that are let go of when cancelled.

qasync (0.28) keeps a cancelled callback, and its running Qt timer, until the time it was set
for: every ``asyncio.timeout`` left early stays registered for its whole span. The providers
put each chunk read under the answer's total deadline (30 minutes by default), so a long
session piled up hundreds of live Qt timers and handles per answer, for half an hour each.
``QtTimers`` takes the place of qasync's ``_SimpleTimer`` (``create_event_loop``): the same
Qt timers, but ``cancel()`` kills the timer and drops the callback at once.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, QTimerEvent


class TimerHandle(asyncio.Handle):
    """A callback waiting on one Qt timer; cancelling it stops that timer."""

    __slots__ = ("_timer_id", "_timers")

    def __init__(self, handle: asyncio.Handle, timers: QtTimers, timer_id: int) -> None:
        super().__init__(
            handle._callback,  # type: ignore[attr-defined]
            handle._args,  # type: ignore[attr-defined]
            handle._loop,  # type: ignore[attr-defined]
            context=handle._context,  # type: ignore[attr-defined]
        )
        self._timers = timers
        self._timer_id = timer_id

    def cancel(self) -> None:
        if not self.cancelled():
            self._timers.forget(self._timer_id)
        super().cancel()


class QtTimers(QObject):
    """What qasync's loop schedules with ``_timer.add_callback``: one Qt timer per callback."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting: dict[int, TimerHandle] = {}
        self._stopped = False

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> TimerHandle:
        timer_id = self.startTimer(int(max(0.0, delay) * 1000))
        timed = TimerHandle(handle, self, timer_id)
        self._waiting[timer_id] = timed
        return timed

    def forget(self, timer_id: int) -> None:
        """A cancelled callback: its timer stops and nothing refers to it any more."""
        if self._waiting.pop(timer_id, None) is not None:
            self.killTimer(timer_id)

    def waiting(self) -> int:
        """Callbacks not yet run nor cancelled."""
        return len(self._waiting)

    def timerEvent(self, event: QTimerEvent) -> None:  # noqa: N802 - Qt's name
        timer_id = event.timerId()
        self.killTimer(timer_id)
        handle = self._waiting.pop(timer_id, None)
        if handle is not None and not self._stopped and not handle.cancelled():
            handle._run()  # type: ignore[attr-defined]  # reports its own failure to the loop

    def stop(self) -> None:
        """The loop is closing: nothing more runs."""
        self._stopped = True

    def set_debug(self, enabled: bool) -> None:
        """qasync's slow-callback report is not kept: the debug flag changes nothing here."""
