"""Reopening a 500-message conversation in the real window, from the click until every message
is reachable by scrolling; and the memory it leaves.

Each run is a fresh child process (``window_child``: the app's ``MainWindow`` on its qasync loop,
empty user directories) whose history holds a 500-message conversation (user questions and
~2.5 KB Markdown answers with code, tables and lists) and a short one. The window first opens
the short one (a warm-up: fonts, lexers), then the clock starts at a mouse click on the long
one in the history list and stops once the view holds all 500 messages, the newest is rendered,
and a paint pass has run. RSS is read in the idle window before and right after.

Then it scrolls from the newest message to the first, a screen every 16 ms (as a held Page Up
would), and reports the longest scroll step (the synchronous work of one step: building what
comes on screen) and the longest gap of a 5 ms heartbeat meanwhile (target <= 50 ms).

Baseline for the time: the same view made to build every bubble (what showing the whole
conversation cost before the view built only what is near the screen, ~4 s in issue 11).
Targets: time <= 300 ms; RSS after <= 1.5x the idle window.

Run:  .venv/bin/python -m tests.bench.reopen [--runs 5] [--messages 500]
The last lines are ``BENCH reopen.<figure> ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.stream_render import answer_text
from tests.bench.window_child import bench_line, in_window, rss_mib, run_child, until

TIME_TARGET_MS = 300.0
RSS_TARGET = 1.5
STALL_TARGET_MS = 50.0


def fill_history(messages: int) -> tuple[int, int]:
    """The long conversation and a short one, written where the window will look."""
    from app.core.history import History, default_path

    history = History(default_path())
    long = history.create_conversation("Long", "", "openai", "gpt-4o-mini")
    for number in range(messages):
        if number % 2 == 0:
            history.add_message(long, "user", f"Question {number}: and how does that work?")
        else:
            text = answer_text(2_500, seed=number)
            history.add_message(long, "assistant", text, provider="openai", model="gpt-4o-mini")
    short = history.create_conversation("Short", "", "openai", "gpt-4o-mini")
    history.add_message(short, "user", "Hello")
    history.add_message(short, "assistant", answer_text(1_500), model="gpt-4o-mini")
    history.close()
    return long, short


async def scroll_to_top(view: Any) -> tuple[float, float]:
    """Page up through the whole conversation; (longest step, longest heartbeat gap) in s."""
    from PySide6.QtCore import Qt, QTimer

    bar = view._scroll.verticalScrollBar()
    gaps = [0.0, time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps[0], gaps[1] = max(gaps[0], now - gaps[1]), now

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(beat)
    heartbeat.start(5)
    longest = 0.0
    while bar.value() > 0:
        started = time.perf_counter()
        bar.setValue(bar.value() - bar.pageStep())
        longest = max(longest, time.perf_counter() - started)
        await asyncio.sleep(0.016)
    heartbeat.stop()
    if 0 not in view.built():
        raise SystemExit("scrolling to the top did not build the first message")
    return longest, gaps[0]


def child(messages: int, eager: bool) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    long, short = fill_history(messages)

    async def body(window: Any) -> dict[str, Any]:
        view, panel = window.chat_view, window.history_panel
        opened: list[int] = []
        window.conversationOpened.connect(opened.append)

        async def click(conversation: int) -> None:
            await until(lambda: panel.item_for(conversation) is not None)
            item = panel.item_for(conversation)
            where = panel.list.visualItemRect(item).center()
            QTest.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
            await until(lambda: conversation in opened)

        await click(short)
        await until(lambda: view.is_rendered(1))
        await asyncio.sleep(0.3)
        gc.collect()
        idle = rss_mib()
        started = time.perf_counter()
        await click(long)
        last = view.message_count() - 1
        if eager:
            for index in range(view.message_count()):
                view.bubble(index)  # every bubble built, as before
            await until(lambda: all(view.is_rendered(i) for i in range(messages)))
        await until(lambda: view.message_count() == messages and view.is_rendered(last))
        await asyncio.sleep(0)  # a paint pass
        elapsed = time.perf_counter() - started
        after = rss_mib()
        built = len(view.built())
        step, stall = await scroll_to_top(view) if not eager else (0.0, 0.0)
        return {
            "ms": elapsed * 1000, "idle": idle, "after": after, "built": built,
            "step_ms": step * 1000, "stall_ms": stall * 1000,
        }  # fmt: skip

    in_window(None, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--child", action="store_true", help="(internal)")
    parser.add_argument("--eager", action="store_true", help="(internal)")
    args = parser.parse_args()
    if args.child:
        child(args.messages, args.eager)
        return
    results: dict[str, list[dict[str, Any]]] = {"ours": [], "eager": []}
    for run in range(args.runs):
        for name in ("eager", "ours"):
            flags = ["--messages", str(args.messages)] + (["--eager"] if name == "eager" else [])
            with tempfile.TemporaryDirectory(prefix="roundtable-reopen-") as tmp:
                result = run_child("tests.bench.reopen", Path(tmp), *flags)
            results[name].append(result)
            print(
                f"run {run + 1} {name:5}: {result['ms']:7.1f} ms; RSS idle {result['idle']:.1f} "
                f"MiB, after {result['after']:.1f} MiB; bubbles built {result['built']}; "
                f"scroll to the top: longest step {result['step_ms']:.1f} ms, longest "
                f"heartbeat gap {result['stall_ms']:.1f} ms",
                flush=True,
            )

    def median(name: str, key: str) -> float:
        return statistics.median(result[key] for result in results[name])

    ours_ms, eager_ms = median("ours", "ms"), median("eager", "ms")
    after, idle = median("ours", "after"), median("ours", "idle")
    print(
        bench_line(
            "reopen.time_ms", ours_ms, eager_ms,
            f"<={TIME_TARGET_MS:g}ms(baseline=every_bubble_built)", ours_ms <= TIME_TARGET_MS,
        )
    )  # fmt: skip
    print(
        bench_line(
            "reopen.rss_mib", after, idle, f"<={RSS_TARGET}x(baseline=idle_window)",
            after / idle <= RSS_TARGET,
        )
    )  # fmt: skip
    step, stall = median("ours", "step_ms"), median("ours", "stall_ms")
    print(
        bench_line(
            "reopen.scroll_longest_step_ms", step, STALL_TARGET_MS, f"<={STALL_TARGET_MS:g}ms",
            step <= STALL_TARGET_MS,
        )
    )  # fmt: skip
    print(
        bench_line(
            "reopen.scroll_longest_stall_ms", stall, STALL_TARGET_MS, f"<={STALL_TARGET_MS:g}ms",
            stall <= STALL_TARGET_MS,
        )
    )  # fmt: skip
    print(
        bench_line(
            "reopen.rss_every_bubble_built_mib", median("eager", "after"),
            median("eager", "idle"), "none", True,
        ).replace(" ok", " info")
    )  # fmt: skip


if __name__ == "__main__":
    main()
