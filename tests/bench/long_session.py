"""A long session: 100+ answers of 20 KB through the real window; memory and time per answer.

The window is the app's own (``MainWindow`` on its qasync loop, fresh user directories, history
saved to SQLite as it streams); each answer comes through the real OpenAI provider from the
``stream_render`` loopback server (a subprocess: ~20 KB of Markdown with code, tables and lists,
in 200 chunks at 2,000 chunks/s). Per answer: the composer sends a question, the clock stops
when the answer has ended and every character of it is rendered (``ChatView.is_rendered``),
then the resident set size is read. The whole conversation is in each request, as in the app.

Figures: RSS growth per answer (least-squares slope over the answers after the first 10, whose
growth is the one-time cost of the first renders, fonts and lexers), target <= 0.3 MiB; time per
answer, median of the last 10 over the median of the first 10 (per run; the median of the
runs' ratios is reported), target <= 1.2x. The baseline columns are the window before the
first answer (RSS) and the first 10 answers (time).

Run:  .venv/bin/python -m tests.bench.long_session [--answers 120] [--size 20000] [--runs 1]
The last lines are ``BENCH long_session.<figure> ...``. ``--tracemalloc`` (slower: its figures
are not the bench's) prints where the memory went between answer 20 and the last one: Python
(tracemalloc, by call site and by type), the C heap (in use / free but kept) and SQLite;
``--heap`` prints the same without tracemalloc's call sites (and its cost).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from tests.bench.stream_render import ROOT
from tests.bench.window_child import bench_line, in_window, rss_mib, run_child, until
from tests.heap_report import Heap

RSS_TARGET_MIB = 0.3  # per answer
TIME_TARGET = 1.2  # last 10 / first 10
WARM = 10  # answers before the growth is measured
HEAP_FROM = 20  # --tracemalloc: the answer after which growth is attributed


def slope(values: list[float]) -> float:
    """Least-squares growth per step."""
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, statistics.fmean(values)
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    return numerator / sum((x - mean_x) ** 2 for x in range(n))


def child(base_url: str, answers: int, frames: int, heap: bool) -> None:
    heaps: list[Heap] = []
    if frames:
        tracemalloc.start(frames)

    async def body(window: Any) -> dict[str, Any]:
        view = window.chat_view
        ended: list[int] = []
        window.answerEnded.connect(ended.append)
        idle = rss_mib()
        times: list[float] = []
        rss: list[float] = []
        for number in range(answers):
            before = len(ended)
            started = time.perf_counter()
            window.composer.setPlainText(f"Question {number}: tell me more.")
            window.conversation.send()
            await until(lambda: len(ended) > before)  # noqa: B023 - awaited here
            index = view.message_count() - 1
            await until(lambda: view.is_rendered(index))  # noqa: B023
            await asyncio.sleep(0)  # painted
            times.append(time.perf_counter() - started)
            rss.append(rss_mib())
            if (heap or frames) and number + 1 in (min(HEAP_FROM, answers // 2), answers):
                heaps.append(Heap.take(f"answer {number + 1}"))
        built = len(view.built()) if hasattr(view, "built") else view.message_count()
        result = {"idle": idle, "times": times, "rss": rss, "built": built}
        if len(heaps) == 2:
            steps = int(heaps[1].label.split()[1]) - int(heaps[0].label.split()[1])
            result["heap"] = heaps[1].growth_lines(heaps[0], steps)
        return result

    in_window(base_url, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=120)
    parser.add_argument("--size", type=int, default=20_000, help="characters per answer")
    parser.add_argument("--chunks", type=int, default=200, help="chunks per answer")
    parser.add_argument("--rate", type=float, default=2000.0, help="chunks per second")
    parser.add_argument("--runs", type=int, default=1, help="fresh windows (median reported)")
    parser.add_argument(
        "--tracemalloc", type=int, nargs="?", const=8, default=0, metavar="FRAMES",
        help="print where memory grew from answer 20 to the last (frames per site, default 8)",
    )  # fmt: skip
    parser.add_argument(
        "--heap", action="store_true",
        help="without tracemalloc's cost: only the C heap, SQLite and object counts",
    )  # fmt: skip
    parser.add_argument("--child", action="store_true", help="(internal)")
    parser.add_argument("--base-url", help="(internal)")
    args = parser.parse_args()
    if args.child:
        child(args.base_url, args.answers, args.tracemalloc, args.heap)
        return

    import subprocess
    import sys

    command = [
        sys.executable, "-m", "tests.bench.stream_render", "--serve", "--size", str(args.size),
        "--chunks", str(args.chunks), "--rate", str(args.rate),
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    port = int(server.stdout.readline().split()[1])
    growths, ratios, firsts, lasts, idles, ends = [], [], [], [], [], []
    try:
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="roundtable-long-") as tmp:
                result = run_child(
                    "tests.bench.long_session", Path(tmp), "--base-url",
                    f"http://127.0.0.1:{port}/v1", "--answers", str(args.answers),
                    "--tracemalloc", str(args.tracemalloc), *(["--heap"] if args.heap else []),
                )  # fmt: skip
            for line in result.get("heap", []):
                print(line, flush=True)
            if args.heap or args.tracemalloc:
                series = enumerate(result["rss"], 1)
                every = " ".join(f"{i}:{value:.1f}" for i, value in series if i % 10 == 0)
                print(f"RSS MiB after answer {every}", flush=True)
            times, rss = result["times"], result["rss"]
            growth = slope(rss[WARM:])
            first, last = statistics.median(times[:10]), statistics.median(times[-10:])
            growths.append(growth)
            ratios.append(last / first)
            firsts.append(first)
            lasts.append(last)
            idles.append(result["idle"])
            ends.append(rss[-1])
            print(
                f"run {run + 1}: {len(times)} answers; RSS idle {result['idle']:.1f} MiB, after "
                f"answer 1 {rss[0]:.1f}, {WARM} {rss[WARM - 1]:.1f}, last {rss[-1]:.1f} MiB "
                f"(slope {growth:.3f} MiB/answer); per answer first 10 {first * 1000:.0f} ms, "
                f"last 10 {last * 1000:.0f} ms; bubbles with widgets at the end {result['built']}",
                flush=True,
            )
    finally:
        server.kill()
        server.wait(5)
    growth, ratio = statistics.median(growths), statistics.median(ratios)
    print(
        bench_line(
            "long_session.rss_growth_mib_per_answer", growth, statistics.median(idles),
            f"<={RSS_TARGET_MIB}MiB/answer(baseline=idle_rss)", growth <= RSS_TARGET_MIB,
        )
    )  # fmt: skip
    print(
        bench_line(
            "long_session.rss_end_mib", statistics.median(ends), statistics.median(idles),
            "none(baseline=idle_rss)", True,
        ).replace(" ok", " info")
    )  # fmt: skip
    print(
        bench_line(
            "long_session.answer_time_last_vs_first", statistics.median(lasts),
            statistics.median(firsts), f"<={TIME_TARGET}x(ratio=median_of_runs)",
            ratio <= TIME_TARGET, ratio,
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
