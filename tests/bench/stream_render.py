"""Streaming render: a 1 MB Markdown answer into ChatView, beside plain text into a QPlainTextEdit.

A loopback server (a subprocess, so it never competes for the GIL) streams an OpenAI-format
answer at an exact pace (default 2,000 chunks/s, ~1 MB of Markdown with code blocks, tables,
lists and links). The window process runs qasync + httpx through the real OpenAI provider and
feeds every text chunk either to ``ChatView.append_text`` (ours, then ``finish_answer``) or to
``QPlainTextEdit.insertPlainText`` (baseline), in the same run, alternating, in a shown window.

Measured per run:
  longest stall   the longest gap between ticks of a 5 ms QTimer heartbeat, from the request
                  until the answer is rendered: how long the event loop could not react
  total           request sent -> the WHOLE text rendered: ours polls ``is_rendered`` after
                  ``finish_answer`` (the view renders a backlog in slices), the baseline's
                  text is on screen as soon as it is inserted
  render lag      sampled on every heartbeat tick: characters received but not shown yet
                  (``shown_chars``), converted to ms of stream time (characters / the
                  stream's characters per ms); max and p95 until the text is rendered. The
                  baseline shows each chunk when it inserts it: its lag is 0 by definition
  chunk cost      GUI-thread CPU time (time.thread_time) per chunk over the first and the last
                  10 % of the chunks; late/early near 1 means no growth with answer length

The window process warms up first (imports, one short request and render, Pygments' lexers)
and then calls ``gc.freeze()``, as the application should once its window is up: otherwise
CPython's full collections walk every start-up object (~50k here: Qt wrappers, httpx, Pygments'
lexer tables) and pause the event loop for 20-50 ms now and then, whatever the widgets do
(``--no-gc-freeze`` shows it; collector pauses over 5 ms are printed per run).

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.stream_render
      [--size 1000000] [--chunks 20000] [--rate 2000] [--runs 1] [--profile] [--no-gc-freeze]
      [--rates 100,200,300,400]  (KB/s: ours alone at each, the highest rate kept within the
      lag target as an info line)
      [--shape mixed|paragraph|list|code|table|all, or several joined by commas]
``--shape`` picks what the answer is made of: ``mixed`` (the default) has headings, paragraphs,
lists, code and tables between blank lines; the other shapes are ONE block without any blank
line (a huge paragraph, a list of bullets, a code block, a table), where no block finishes
until the end: the view must cut the open block itself to keep each frame's work bounded.
Several shapes run one after the other, each in a window process of its own (as if run alone).
Per run, ours also prints the view's own figures: its longest flush and the most Markdown
characters it rendered in one flush (both bounded by a constant, whatever the shape).
The last lines are ``BENCH <name> ours=<v> baseline=<v> ratio=<r> target=<t> ok|miss``, one
set per shape (``stream_render.<shape>.<figure>``; plain ``stream_render.<figure>`` for mixed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import ctypes
import gc
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-key-123"
STALL_TARGET_MS = 50.0
TOTAL_TARGET = 1.5  # ours / baseline, both until the whole text is on screen
LAG_TARGET_MS = 50.0  # received but not shown, in ms of stream time: ~1 frame (30 ms) + one flush
GROWTH_TARGET = 1.5  # late / early chunk cost
HEARTBEAT_MS = 5
WARM_UP = "warm-up request"


# ----- the answer --------------------------------------------------------------------------------
SHAPES = ("mixed", "paragraph", "list", "code", "table")
WORDS = [
    "model", "token", "stream", "render", "widget", "layout", "python", "async", "event",
    "loop", "frame", "paint", "block", "parser", "buffer", "chunk", "answer", "latency",
]  # fmt: skip


def answer_text(size: int, seed: int = 7, shape: str = "mixed") -> str:
    """Deterministic Markdown of about ``size`` characters in one of ``SHAPES``.

    ``mixed`` is a third code, with blank lines between blocks; the others are one block with
    no blank line at all (what a model streams as one huge paragraph, list, code block or
    table), so that no block ever finishes before the end of the answer.
    """
    rnd = random.Random(seed)

    def sentence(n: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize() + "."

    if shape == "mixed":
        return mixed_text(size, rnd, sentence)
    lines: list[str] = []
    length = 0
    i = 0
    if shape == "code":
        lines.append("```python")
    elif shape == "table":
        lines += ["| name | value | note |", "|---|---:|---|"]
    while length < size:
        i += 1
        if shape == "paragraph":  # long lines, a soft break now and then
            line = " ".join(
                f"{sentence(rnd.randint(6, 20))} See `call_{i}({j})` and **bold {j}**."
                for j in range(rnd.randint(1, 8))
            )
        elif shape == "list":
            line = f"- {sentence(rnd.randint(6, 14))} Uses `item_{i}` and **{rnd.choice(WORDS)}**."
        elif shape == "code":
            word, comment = rnd.choice(WORDS), sentence(3)
            line = (
                f"def step_{i}(value: int) -> int:\n"
                f"    result_{i} = compute(value, {i}) + len({word!r})  # {comment}\n"
                f"    return result_{i}"
            )
        else:
            line = f"| {rnd.choice(WORDS)} | {i} | {sentence(rnd.randint(3, 8))} |"
        lines.append(line)
        length += len(line) + 1
    if shape == "code":
        lines.append("```")
    return "\n".join(lines) + "\n"


def mixed_text(size: int, rnd: random.Random, sentence: Callable[[int], str]) -> str:
    """Headings, paragraphs, lists, code blocks and tables, separated by blank lines."""
    words = WORDS
    parts: list[str] = []
    length = 0
    i = 0
    while length < size:
        i += 1
        kind = i % 7
        if kind == 0:
            part = f"## Section {i // 7}: {sentence(4)}"
        elif kind in (1, 5):
            part = (
                f"{sentence(25)} It uses `inline_code({i})`, **bold words** and a "
                f"[reference link](https://example.com/docs/{i}). {sentence(20)}"
            )
        elif kind == 2:
            part = "\n".join(f"- {sentence(8)}" for _ in range(4))
        elif kind == 3:
            body = "\n".join(
                f"def step_{i}_{j}(value: int) -> int:\n"
                f'    """{sentence(6)}"""\n'
                f"    result = value * {j} + len({rnd.choice(words)!r})\n"
                f"    return result  # {sentence(3)}\n"
                for j in range(4)
            )
            part = f"```python\n{body}```"
        elif kind == 4:
            rows = "\n".join(f"| {rnd.choice(words)} | {j} | {sentence(3)} |" for j in range(4))
            part = f"| name | value | note |\n|---|---:|---|\n{rows}"
        else:
            body = "\n".join(
                f"const item{j} = await fetch('/api/{rnd.choice(words)}/{j}');" for j in range(6)
            )
            part = f"1. {sentence(6)}\n2. {sentence(6)}\n\n```javascript\n{body}\n```"
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts) + "\n"


def split_chunks(text: str, count: int) -> list[str]:
    """``count`` near-equal slices: chunk edges fall anywhere, mid-word and mid-fence."""
    size = len(text)
    return [text[i * size // count : (i + 1) * size // count] for i in range(count)]


# ----- the paced server (subprocess) -------------------------------------------------------------
def serve(size: int, chunks: int, rate: float, shape: str = "mixed") -> None:
    """OpenAI chat-completions SSE at an exact pace; prints ``PORT <n>``; runs until killed."""
    pieces = split_chunks(answer_text(size, shape=shape), chunks)
    head = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1_700_000_000}
    head["model"] = "gpt-4o-mini"

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        payload = {**head, "choices": [choice], **extra}
        return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"

    events = [event({"content": piece}) for piece in pieces]
    tokens = {"prompt_tokens": 12, "completion_tokens": (size + 3) // 4}
    usage = json.dumps({**head, "choices": [], "usage": tokens}).encode()
    tail = event({}, "stop") + b"data: " + usage + b"\n\ndata: [DONE]\n\n"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # the model list a window asks for when it starts
            body = json.dumps({"object": "list", "data": [{"id": head["model"]}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if WARM_UP.encode() in body:  # first request of the window: imports, connection
                self._chunk(event({"content": "# Warm\n\n```python\nx = 1\n```\n"}) + tail)
                self.wfile.write(b"0\r\n\r\n")
                return
            start = time.perf_counter()
            sent = 0
            while sent < len(events):
                due = min(len(events), int((time.perf_counter() - start) * rate) + 1)
                if due > sent:  # everything that is due, in one write
                    self._chunk(b"".join(events[sent:due]))
                    sent = due
                else:
                    time.sleep(max(0.0, sent / rate - (time.perf_counter() - start)))
            self._chunk(tail)
            self.wfile.write(b"0\r\n\r\n")

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that went away
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


def start_server(args: argparse.Namespace, shape: str) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "tests.bench.stream_render", "--serve",
        "--size", str(args.size), "--chunks", str(args.chunks), "--rate", str(args.rate),
        "--shape", shape,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"the bench server did not start: {line!r}")
    return process, f"http://127.0.0.1:{int(line.split()[1])}/v1"


# ----- the window process ------------------------------------------------------------------------
@dataclass
class Run:
    name: str
    total: float = 0.0
    longest_stall_ms: float = 0.0
    lag_max_ms: float = 0.0
    lag_p95_ms: float = 0.0
    early_us: float = 0.0  # GUI-thread CPU per chunk, first 10 %
    late_us: float = 0.0  # ... last 10 %
    chunks: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def growth(self) -> float:
        return self.late_us / self.early_us if self.early_us else float("nan")


class Heartbeat:
    """A 5 ms timer; the longest gap between its ticks is the longest event-loop stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.longest = 0.0
        self.long_gaps: list[tuple[float, float]] = []  # (seconds since start, gap ms) > 50 ms
        self._last = self._started = 0.0
        self.on_tick: Callable[[], None] | None = None

    def start(self) -> None:
        self._last = self._started = time.perf_counter()
        self.longest = 0.0
        self.long_gaps = []
        self.timer.start(HEARTBEAT_MS)

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest * 1000

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last
        self.longest = max(self.longest, gap)
        if gap > STALL_TARGET_MS / 1000:
            self.long_gaps.append((round(self._last - self._started, 3), round(gap * 1000, 1)))
        self._last = now
        if self.on_tick is not None:
            self.on_tick()


class LagMeter:
    """Characters received but not yet shown, sampled on each heartbeat tick."""

    def __init__(self, shown: Callable[[], int]) -> None:
        self.shown = shown
        self.received = 0
        self.samples: list[int] = []
        self.first = self.last = 0.0  # when the first and the last chunk arrived

    def sink(self, feed: Callable[[str], None]) -> Callable[[str], None]:
        def counted(chunk: str) -> None:
            now = time.perf_counter()
            if not self.received:
                self.first = now
            self.last = now
            self.received += len(chunk)
            feed(chunk)

        return counted

    def sample(self) -> None:
        if self.received:
            self.samples.append(self.received - self.shown())

    def in_ms(self) -> tuple[float, float]:
        """(max, p95) of the lag in ms of stream time."""
        if not self.samples or self.last <= self.first:
            return 0.0, 0.0
        per_ms = self.received / ((self.last - self.first) * 1000)
        ordered = sorted(self.samples)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return ordered[-1] / per_ms, p95 / per_ms


async def stream_into(
    base_url: str, sink: Callable[[str], None], expected_chunks: int, prompt: str = "Go."
) -> tuple[int, list[float], dict[str, Any], str | None]:
    """Stream the answer through the OpenAI provider; GUI-thread CPU stamps every 10 %."""
    from providers.response import FinishReason, Usage
    from providers.vendors.openai import OpenAI

    marks = {expected_chunks * k // 10 for k in range(11)}
    stamps: list[float] = []
    count = 0
    usage: dict[str, Any] = {}
    finish: str | None = None
    messages = [{"role": "user", "content": prompt}]
    async for chunk in OpenAI.create_async_generator(
        "gpt-4o-mini", messages, api_key=KEY, base_url=base_url
    ):
        if isinstance(chunk, str):
            if count in marks:
                stamps.append(time.thread_time())
            sink(chunk)
            count += 1
        elif isinstance(chunk, Usage):
            usage = chunk.get_dict()
        elif isinstance(chunk, FinishReason):
            finish = chunk.reason
    stamps.append(time.thread_time())
    return count, stamps, usage, finish


def per_chunk_us(stamps: list[float], chunks: int) -> tuple[float, float]:
    window = chunks / 10
    return (stamps[1] - stamps[0]) / window * 1e6, (stamps[-1] - stamps[-2]) / window * 1e6


def worker_cpu_s() -> float:
    """CPU seconds the render worker process has used so far (0 without one): ours uses a
    second core there, which the GUI-thread figures leave out."""
    from app.ui.render_worker import shared_worker

    pool = shared_worker()._pool
    total = 0.0
    for pid in list(pool._processes) if pool is not None else []:  # type: ignore[attr-defined]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime+stime
    return total


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux: /proc/self/status), once freed heap
    has gone back to the system (``malloc_trim``): what is held, not what an earlier run (the
    baseline's 4 MB QPlainTextEdit) freed and the allocator kept."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: freed heap counts too
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return float("nan")


async def run_ours(window: Any, base_url: str, text: str, args: argparse.Namespace) -> Run:
    from app.ui.chat_view import ChatView

    view = ChatView()
    window.set_content(view)
    view.add_user_message("Write a long answer.")
    index = view.begin_answer("OpenAI · gpt-4o-mini")
    bubble = view.bubble(index)
    await asyncio.sleep(0.2)  # settle (and let the lexer warm-up thread finish its work)
    rss_before = rss_mb()
    lag = LagMeter(bubble.shown_chars)
    beat = Heartbeat()
    beat.on_tick = lag.sample
    beat.start()
    worker_cpu = worker_cpu_s()
    started = time.perf_counter()
    count, stamps, usage, finish = await stream_into(
        base_url, lag.sink(lambda chunk: view.append_text(index, chunk)), args.chunks
    )
    view.finish_answer(index, usage=usage, finish_reason=finish)
    while not view.is_rendered(index):  # the clock stops when the whole text is rendered
        await asyncio.sleep(0.002)
    await asyncio.sleep(0)  # one more turn of the loop: the final render gets painted
    total = time.perf_counter() - started
    lag.sample()
    stall = beat.stop()
    if bubble.shown_chars() != len(text):
        raise SystemExit(f"ours: {len(text) - bubble.shown_chars():,} characters not shown")
    if view.message_text(index) != text:
        raise SystemExit("ours: the answer differs from what the server sent")
    await asyncio.sleep(0.1)  # the refresh after the last render (far pages released) runs
    rss_after = rss_mb()
    early, late = per_chunk_us(stamps, args.chunks)
    live_pages, pages = bubble.page_counts()
    extra = {
        "rss_before_mb": round(rss_before),
        "rss_after_mb": round(rss_after),
        "flushes": bubble.flush_count,
        "longest_flush_ms": round(bubble.longest_flush * 1000, 1),
        "longest_flush_cpu_ms": round(bubble.longest_flush_cpu * 1000, 1),
        "most_rendered": bubble.most_rendered,
        "worker_chars": bubble.worker_chars,
        "worker_cpu_s": round(worker_cpu_s() - worker_cpu, 2),
        "pages": pages,
        "live_pages": live_pages,
        "gaps": beat.long_gaps,
    }
    run = Run("ours", total, stall, early_us=early, late_us=late, chunks=count, extra=extra)
    run.lag_max_ms, run.lag_p95_ms = lag.in_ms()
    return run


async def run_baseline(window: Any, base_url: str, text: str, args: argparse.Namespace) -> Run:
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QPlainTextEdit

    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.setUndoRedoEnabled(False)
    window.set_content(edit)
    await asyncio.sleep(0.2)
    cursor = QTextCursor(edit.document())

    def sink(chunk: str) -> None:
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(chunk)
        edit.ensureCursorVisible()

    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    count, stamps, _, _ = await stream_into(base_url, sink, args.chunks)
    await asyncio.sleep(0)
    total = time.perf_counter() - started
    stall = beat.stop()
    if edit.toPlainText() != text.replace("\r\n", "\n"):
        raise SystemExit("baseline: the text differs from what the server sent")
    early, late = per_chunk_us(stamps, args.chunks)
    extra = {"gaps": beat.long_gaps}
    return Run("baseline", total, stall, early_us=early, late_us=late, chunks=count, extra=extra)


async def warm_up(window: Any, base_url: str) -> None:
    """What any session does once before its first long answer: imports, the first request,
    the first Markdown render, Pygments' lexers. The render worker process is NOT started here:
    the app starts it at the first backlog, so the first measured long answer pays its start
    (later runs find it up, as a session's later long answers do)."""
    from app.ui.chat_view import ChatView
    from app.ui.markdown import load_common_lexers
    from app.ui.render_worker import shared_worker

    load_common_lexers()  # the app's warm-up loads them after its first paint
    view = ChatView()
    window.set_content(view)
    index = view.begin_answer("warm-up")
    await stream_into(base_url, lambda chunk: view.append_text(index, chunk), 1, WARM_UP)
    view.finish_answer(index)
    await asyncio.sleep(0.5)
    worker = shared_worker()
    state = "up" if worker.available() else "not started" if worker._pool is None else "starting"
    print(f"render worker after the warm-up: {state}", flush=True)


class GcPauses:
    """Collections of the cyclic garbage collector slower than 5 ms: (generation, ms)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif (elapsed := time.perf_counter() - self._started) > 0.005:
            self.pauses.append((info["generation"], round(elapsed * 1000, 1)))


class Window:
    """One shown top-level window whose content is swapped between runs."""

    def __init__(self) -> None:
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        self.widget = QWidget()
        self.widget.resize(900, 700)
        self.layout = QVBoxLayout(self.widget)
        self.content: Any = None
        self.widget.show()

    def set_content(self, content: Any) -> None:
        if self.content is not None:
            self.layout.removeWidget(self.content)
            self.content.deleteLater()
        self.content = content
        self.layout.addWidget(content)


def line(name: str, ours: float, baseline: float, ratio: float, target: str, ok: bool) -> str:
    figures = f"ours={ours:.4g} baseline={baseline:.4g} ratio={ratio:.3f}"
    return f"BENCH {name} {figures} target={target} {'ok' if ok else 'miss'}"


async def bench(args: argparse.Namespace) -> list[str]:
    shape = args.shape
    text = answer_text(args.size, shape=shape)
    process, base_url = start_server(args, shape)
    window = Window()
    ours: list[Run] = []
    baselines: list[Run] = []
    try:
        await warm_up(window, base_url)
        if not args.no_gc_freeze:
            # What the application should do once started (see the module docstring).
            gc.freeze()
        for round_ in range(args.runs):
            for runner, results in ((run_baseline, baselines), (run_ours, ours)):
                gc.collect()  # what earlier runs and shapes left is no one's pause
                profile = cProfile.Profile() if args.profile and runner is run_ours else None
                if profile:
                    profile.enable()
                with GcPauses() as pauses:
                    result = await runner(window, base_url, text, args)
                result.extra["gc>5ms"] = pauses.pauses
                if profile:
                    profile.disable()
                    pstats.Stats(profile).sort_stats("tottime").print_stats(25)
                results.append(result)
                print(
                    f"{shape} run {round_ + 1} {result.name:8} total={result.total:6.2f}s "
                    f"stall={result.longest_stall_ms:6.1f}ms lag max={result.lag_max_ms:6.1f}ms "
                    f"p95={result.lag_p95_ms:6.1f}ms chunk early={result.early_us:6.1f}us "
                    f"late={result.late_us:6.1f}us {result.extra or ''}",
                    flush=True,
                )
    finally:
        process.kill()
        process.wait(5)

    def median(runs: list[Run], attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in runs)

    stall = median(ours, "longest_stall_ms"), median(baselines, "longest_stall_ms")
    lag_max = median(ours, "lag_max_ms"), median(baselines, "lag_max_ms")
    lag_p95 = median(ours, "lag_p95_ms"), median(baselines, "lag_p95_ms")
    total = median(ours, "total"), median(baselines, "total")
    growth = median(ours, "growth"), median(baselines, "growth")
    early = median(ours, "early_us"), median(baselines, "early_us")
    late = median(ours, "late_us"), median(baselines, "late_us")
    name = "stream_render" if shape == "mixed" else f"stream_render.{shape}"
    print(
        f"{shape} answer {len(text):,} characters in {args.chunks:,} chunks at {args.rate:g}/s; "
        f"GUI-thread CPU per chunk: ours {early[0]:.0f} -> {late[0]:.0f} us, "
        f"baseline {early[1]:.0f} -> {late[1]:.0f} us (first -> last 10 %)"
    )
    held = statistics.median(run.extra["rss_after_mb"] - run.extra["rss_before_mb"] for run in ours)
    return [
        f"BENCH {name}.rss_held_by_answer_mb ours={held:.0f} baseline=- ratio=- target=none "
        f"info (window process RSS after the answer is rendered minus before it began, freed heap "
        f"trimmed; after {statistics.median(run.extra['rss_after_mb'] for run in ours):.0f} MB)",
        line(
            f"{name}.longest_stall_ms", *stall, stall[0] / stall[1],
            f"<={STALL_TARGET_MS:g}ms", stall[0] <= STALL_TARGET_MS,
        ),
        line(
            f"{name}.render_lag_max_ms", *lag_max, lag_max[0] / LAG_TARGET_MS,
            f"<={LAG_TARGET_MS:g}ms(ratio=of_target)", lag_max[0] <= LAG_TARGET_MS,
        ),
        line(
            f"{name}.render_lag_p95_ms", *lag_p95, lag_p95[0] / LAG_TARGET_MS,
            f"<={LAG_TARGET_MS:g}ms(ratio=of_target)", lag_p95[0] <= LAG_TARGET_MS,
        ),
        line(
            f"{name}.total_s", *total, total[0] / total[1],
            f"<={TOTAL_TARGET:g}x", total[0] / total[1] <= TOTAL_TARGET,
        ),
        line(
            f"{name}.chunk_cost_growth", *growth, growth[0] / growth[1],
            f"late/early<={GROWTH_TARGET:g}", growth[0] <= GROWTH_TARGET,
        ),
    ]  # fmt: skip


async def rate_sweep(args: argparse.Namespace) -> list[str]:
    """Ours alone at each of ``--rates`` (KB/s, same answer and chunk size): its render lag,
    and the highest rate up to which every rate's lag p95 stays within the target."""
    shape = args.shape
    text = answer_text(args.size, shape=shape)
    chunk_chars = len(text) / args.chunks
    window = Window()
    kept: list[float] = []
    results: list[Run] = []
    for kbps in sorted(float(rate) for rate in args.rates.split(",")):
        sweep = argparse.Namespace(**{**vars(args), "rate": kbps * 1000 / chunk_chars})
        process, base_url = start_server(sweep, shape)
        try:
            await warm_up(window, base_url)
            gc.freeze()
            gc.collect()
            run = await run_ours(window, base_url, text, sweep)
        finally:
            process.kill()
            process.wait(5)
        print(
            f"{shape} {kbps:g} KB/s total={run.total:6.2f}s stall={run.longest_stall_ms:6.1f}ms "
            f"lag max={run.lag_max_ms:7.1f}ms p95={run.lag_p95_ms:7.1f}ms "
            f"flushes={run.extra['flushes']} worker={run.extra['worker_chars']:,} characters, "
            f"{run.extra['worker_cpu_s']}s CPU",
            flush=True,
        )
        if run.lag_p95_ms <= LAG_TARGET_MS and len(kept) == len(results):
            kept.append(kbps)  # this rate and every lower one within the target
        results.append(run)
    name = "stream_render" if shape == "mixed" else f"stream_render.{shape}"
    best = f"{max(kept):g}KB/s" if kept else "none"
    return [
        f"BENCH {name}.lag_p95_within_{LAG_TARGET_MS:g}ms_up_to ours={best} baseline=- "
        f"ratio=- target=none info (of {args.rates} KB/s, {len(text):,} characters, "
        f"{chunk_chars:.0f}-character chunks)"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="answer characters")
    parser.add_argument("--chunks", type=int, default=20_000, help="content events")
    parser.add_argument("--rate", type=float, default=2000.0, help="events per second")
    parser.add_argument("--runs", type=int, default=1, help="rounds (median is reported)")
    parser.add_argument(
        "--shape",
        default="mixed",
        help=f"what the answer is made of: {'|'.join(SHAPES)}, or several joined by commas, or all",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile ours, top 25")
    parser.add_argument(
        "--rates",
        help="KB/s, e.g. 100,200,300,400: ours alone at each rate (chunk size from --size and "
        "--chunks), and the highest rate up to which the render lag p95 stays within the target",
    )
    parser.add_argument(
        "--no-gc-freeze", action="store_true", help="leave start-up objects to the collector"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shape == "all":
        args.shape = ",".join(SHAPES)
    unknown = set(args.shape.split(",")) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shape {', '.join(sorted(unknown))}; choose from {', '.join(SHAPES)}")
    if args.serve:
        serve(args.size, args.chunks, args.rate, args.shape)
        return
    if "," in args.shape:
        each_shape(args.shape.split(","))
        return

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ui.tasks import create_event_loop, drain, run_until_done

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = create_event_loop(app)  # the window's own loop: qasync plus async-generator hooks
    asyncio.set_event_loop(loop)
    try:
        lines = run_until_done(loop, rate_sweep(args) if args.rates else bench(args))
    finally:
        drain(loop)
        loop.close()
    for text in lines:
        print(text)


def each_shape(shapes: list[str]) -> None:
    """One window process per shape, as if run one by one: a process that streamed the shapes
    before carries their leftovers (e.g. tens of thousands of httpx read-timeout handles that
    qasync keeps until they expire) into every full collection of the garbage collector."""
    argv: list[str] = []
    skip = False
    for argument in sys.argv[1:]:  # all but --shape
        if not skip and not argument.startswith("--shape"):
            argv.append(argument)
        skip = argument == "--shape"
    summary: list[str] = []
    for shape in shapes:
        command = [sys.executable, "-m", "tests.bench.stream_render", *argv, "--shape", shape]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        for output in process.stdout:
            print(output, end="", flush=True)
            if output.startswith("BENCH "):
                summary.append(output.rstrip("\n"))
        if process.wait():
            raise SystemExit(f"the {shape} run failed")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
