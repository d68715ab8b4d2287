"""Side-by-side comparison: do N columns (8 by default, the window's most) cost the time of the
slowest one, or of all in a row, and does each keep the pace it has alone?

Starts vendor servers of tests/servers as subprocesses (their work never competes with the
measured client for the GIL), each answering ``--events`` content events ``--delay`` seconds apart,
as a model generating at a steady pace does. Then, with ``app.core.compare.CompareRun``:

  alone     each column's provider/model asked by itself (the baseline per column)
  together  all columns asked at once, as the comparison window does

and prints, per column, time to first token and throughput (characters per second from the
first token to the end) alone vs together, and for the whole run the wall time together vs the
slowest column alone (perfect concurrency: ratio 1.0; columns run one after another: ratio ~N).
``--window`` runs "together" once more inside a real ``CompareWindow`` (offscreen, qasync loop,
Markdown rendering in every column, all N columns in it: it refuses to run if the window holds
fewer) and reports each column's throughput there against its throughput alone (target >= 0.8)
and the longest gap between two ticks of a 5 ms timer: how long the window stopped answering
while N columns streamed (target <= 50 ms).

The last lines are ``BENCH <name> ours=... baseline=... ratio=... target=... ok|miss``
(``stream_overhead.Figure``).

    .venv/bin/python -m tests.bench.compare_columns
    .venv/bin/python -m tests.bench.compare_columns --window          # 8 columns in the window
    .venv/bin/python -m tests.bench.compare_columns --columns openai,anthropic,ollama --window
    .venv/bin/python -m tests.bench.compare_columns --delay 0 --events 20000 --size 2000000 --window
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.stream_overhead import KEY, ROOT, Figure, answer_text, free_port

MODULES = {"openai": "openai_server", "anthropic": "anthropic_server", "ollama": "ollama_server"}
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "ollama": "llama3.2"}
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
WALL_TARGET = 1.10  # together / slowest alone
GAP_TARGET_MS = 50.0  # longest stall of the window's event loop while columns stream
THROUGHPUT_TARGET = 0.8  # each column's pace together / its pace alone
DEFAULT_COLUMNS = "openai,anthropic,ollama,openai,anthropic,ollama,openai,anthropic"
PROMPT = "Write a long answer."


def paragraphs(size: int) -> str:
    """``size`` characters of prose in paragraphs of ~600, as a model writes.

    Not one endless paragraph: the chat view renders a finished paragraph once, as a whole, and a
    100 KB paragraph takes seconds to lay out (measured; real answers do not look like that).
    """
    text = answer_text(size)
    return "\n\n".join(text[i : i + 600].strip() for i in range(0, size, 600))[:size]


@contextlib.contextmanager
def serve(vendor: str, answer_file: Path, events: int, delay: float) -> Iterator[str]:
    """A vendor server subprocess answering at a steady pace; yields its client base URL
    (as the server prints it: ``/v1`` included for OpenAI)."""
    command = [
        sys.executable, "-m", f"tests.servers.{MODULES[vendor]}", "--port", str(free_port()),
        "--answer-file", str(answer_file), "--chunk-count", str(events), "--delay", str(delay),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "base_url=" not in line:
            raise RuntimeError(f"{vendor} server did not start: {line!r}")
        yield line.split("base_url=")[1].split()[0]
    finally:
        process.terminate()
        process.wait(10)


@dataclass
class Outcome:
    ttft: list[float]  # per column, seconds
    total: list[float]  # per column, seconds
    wall: float  # first start to last end
    throughput: list[float]  # per column, characters per second from the first token to the end


def specs(columns: list[str], urls: dict[str, str]) -> list[Any]:
    from app.core.compare import RequestConfig
    from providers.registry import get_provider

    return [
        RequestConfig(
            provider=get_provider(vendor),
            provider_id=vendor,
            model=MODELS[vendor],
            base_url=urls[vendor],
        )  # fmt: skip
        for vendor in columns
    ]


def outcome(run: Any, expected: int) -> Outcome:
    for column in run.columns:
        if column.state != "finished" or len(column.text) != expected:
            raise RuntimeError(f"{column.spec.title}: {column.state} {column.error or ''}")
    starts = [column.started_at for column in run.columns]
    ends = [column.ended_at for column in run.columns]
    return Outcome(
        [column.time_to_first_token for column in run.columns],
        [column.elapsed for column in run.columns],
        max(ends) - min(starts),
        [len(column.text) / (column.ended_at - column.first_token_at) for column in run.columns],
    )


async def ask(configs: list[Any], expected: int) -> Outcome:
    from app.core.compare import CompareRun

    run = CompareRun(configs)
    run.start(PROMPT)
    await run.wait()
    return outcome(run, expected)


def in_window(configs: list[Any], expected: int) -> tuple[Outcome, float]:
    """All columns at once in a real window on the qasync loop; also the longest loop stall."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.settings import Settings
    from app.ui.compare_view import COLUMNS_KEY, CompareWindow
    from app.ui.tasks import create_event_loop, drain, run_until_done

    app = QApplication.instance() or QApplication([])
    loop = create_event_loop(app)  # type: ignore[arg-type]
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(Path(folder) / "settings.json")
        for config in configs:
            settings.set_connection_for(config.provider_id, base_url=config.base_url, proxy=None)
        columns = [{"provider": c.provider_id, "model": c.model} for c in configs]
        settings.set(COLUMNS_KEY, columns)
        window = CompareWindow(settings)
        if len(window.columns()) != len(configs):
            held = len(window.columns())
            raise RuntimeError(f"the window holds {held} of {len(configs)} columns")
        window.show()
        window.resize(1920, 1080)  # after show: it fits itself to the (800 px) offscreen screen
        run_until_done(loop, window.credentials_task)  # credential marks, the price table
        run_until_done(loop, asyncio.sleep(0.5))  # model lists, first paint
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        window.composer.setPlainText(PROMPT)
        timer.start()
        window.send()
        run_until_done(loop, window.run.wait())
        timer.stop()
        result = outcome(window.run, expected)
        window.close()
        drain(loop)
    loop.close()
    return result, max(gaps, default=0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", default=DEFAULT_COLUMNS, help="vendors, in order")
    parser.add_argument("--runs", type=int, default=3, help="median of N (default 3)")
    parser.add_argument("--events", type=int, default=200, help="content events per answer")
    parser.add_argument("--delay", type=float, default=0.005, help="seconds between events")
    parser.add_argument("--size", type=int, default=4000, help="answer length in characters")
    parser.add_argument("--window", action="store_true", help="also run inside CompareWindow")
    args = parser.parse_args(argv)
    columns = [name.strip() for name in args.columns.split(",") if name.strip()]
    unknown = set(columns) - set(MODULES)
    if unknown:
        parser.error(f"unknown vendors: {', '.join(sorted(unknown))} (known: {', '.join(MODULES)})")
    for variable in KEY_VARIABLES.values():
        os.environ[variable] = KEY

    text = paragraphs(args.size)
    with contextlib.ExitStack() as stack:
        answer = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "answer.txt"
        answer.write_text(text, encoding="utf-8")
        urls = {
            vendor: stack.enter_context(serve(vendor, answer, args.events, args.delay))
            for vendor in dict.fromkeys(columns)
        }
        configs = specs(columns, urls)

        alone: list[list[Outcome]] = [[] for _ in configs]
        together: list[Outcome] = []
        asyncio.run(ask(configs, len(text)))  # warm-up: imports, first connections
        for _ in range(args.runs):  # interleaved, so that drift hits both
            for index, config in enumerate(configs):
                alone[index].append(asyncio.run(ask([config], len(text))))
            together.append(asyncio.run(ask(configs, len(text))))

        def median(values: list[float]) -> float:
            return statistics.median(values)

        alone_ttft = [median([o.ttft[0] for o in runs]) for runs in alone]
        alone_total = [median([o.total[0] for o in runs]) for runs in alone]
        together_ttft = [median([o.ttft[i] for o in together]) for i in range(len(configs))]
        together_wall = median([o.wall for o in together])
        alone_pace = [median([o.throughput[0] for o in runs]) for runs in alone]
        together_pace = [median([o.throughput[i] for o in together]) for i in range(len(configs))]
        print(f"{len(configs)} columns, {args.events} events of {args.size // args.events} chars "
              f"every {args.delay * 1000:.0f} ms, median of {args.runs}")  # fmt: skip
        for index, config in enumerate(configs):
            print(
                f"  {index + 1}. {config.title:<32} alone: ttft {alone_ttft[index] * 1000:6.1f} ms,"
                f" total {alone_total[index]:.3f} s, {alone_pace[index]:7.0f} chars/s   together: "
                f"ttft {together_ttft[index] * 1000:6.1f} ms, {together_pace[index]:7.0f} chars/s"
            )
        print(f"  one after another would take {sum(alone_total):.3f} s")
        figures = [
            Figure("compare-wall", together_wall, max(alone_total), f"<={WALL_TARGET}",
                   together_wall <= WALL_TARGET * max(alone_total)),
            Figure("compare-vs-sequential", together_wall, sum(alone_total), "none", None),
        ]  # fmt: skip
        for index, config in enumerate(configs):
            # Info only: the columns share one thread, so each request's set-up (~3 ms of CPU
            # here) delays the others' first token a little; no target makes that go away.
            name = f"compare-ttft-{index + 1}-{config.provider_id}"
            figures.append(
                Figure(name, together_ttft[index], alone_ttft[index], "none", None, "ms")
            )
            ratio = together_pace[index] / alone_pace[index]
            figures.append(
                Figure(f"compare-throughput-{index + 1}-{config.provider_id}",
                       together_pace[index], alone_pace[index], f">={THROUGHPUT_TARGET}",
                       ratio >= THROUGHPUT_TARGET, "chars/s"),
            )  # fmt: skip
        if args.window:
            shown, gap = in_window(configs, len(text))
            print(
                f"  in the window: wall {shown.wall:.3f} s, longest loop stall {gap * 1000:.1f} ms"
            )
            figures.append(
                Figure("compare-window-wall", shown.wall, max(alone_total),
                       f"<={WALL_TARGET}", shown.wall <= WALL_TARGET * max(alone_total)),
            )  # fmt: skip
            figures.append(
                Figure("compare-window-max-gap", gap, GAP_TARGET_MS / 1000,
                       f"<={GAP_TARGET_MS:.0f}ms", gap * 1000 <= GAP_TARGET_MS, "ms"),
            )  # fmt: skip
            for index, config in enumerate(configs):
                pace = shown.throughput[index]
                figures.append(
                    Figure(f"compare-window-throughput-{index + 1}-{config.provider_id}",
                           pace, alone_pace[index], f">={THROUGHPUT_TARGET}",
                           pace / alone_pace[index] >= THROUGHPUT_TARGET, "chars/s"),
                )  # fmt: skip
        for figure in figures:
            print(figure.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
