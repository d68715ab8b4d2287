"""The app's asyncio loop lets go of a timer as soon as it is cancelled.

qasync keeps a cancelled callback and its Qt timer until the time it was set for. Every chunk
of an answer is read under the answer's total deadline (``asyncio.timeout_at``, 30 minutes by
default), so a long session held hundreds of live timers and handles per answer.
"""

from __future__ import annotations

import asyncio
import gc

from PySide6.QtCore import QAbstractEventDispatcher

from tests.app.conftest import Loop

READS = 300  # chunk reads of one long answer, each under the total deadline


def handles() -> int:
    gc.collect()
    return sum(1 for item in gc.get_objects() if isinstance(item, asyncio.Handle))


def qt_timers(loop: asyncio.AbstractEventLoop) -> int:
    dispatcher = QAbstractEventDispatcher.instance()
    return len(dispatcher.registeredTimers(loop._timer))  # type: ignore[attr-defined]


def test_a_cancelled_timeout_leaves_no_timer_or_handle_behind(loop: Loop) -> None:
    async def read_under_a_deadline() -> None:
        deadline = asyncio.get_running_loop().time() + 1800
        for _ in range(READS):
            async with asyncio.timeout_at(deadline):
                await asyncio.sleep(0)

    loop.run(asyncio.sleep(0))
    before = handles(), qt_timers(loop.loop)
    loop.run(read_under_a_deadline())
    after = handles(), qt_timers(loop.loop)
    assert after[0] - before[0] < READS // 10, (before, after)
    assert after[1] - before[1] < READS // 10, (before, after)


def test_timers_fire_in_time_order_and_a_cancelled_one_never(loop: Loop) -> None:
    fired: list[str] = []

    async def schedule() -> None:
        running = asyncio.get_running_loop()
        running.call_later(0.04, fired.append, "late")
        running.call_later(0.01, fired.append, "early")
        running.call_later(0.02, fired.append, "cancelled").cancel()
        running.call_soon(fired.append, "soon")
        await asyncio.sleep(0.1)

    loop.run(schedule())
    assert fired == ["soon", "early", "late"]
