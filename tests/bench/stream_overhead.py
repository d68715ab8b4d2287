"""How much the provider path costs on top of a bare streaming loop (not a pass/fail test).

Starts the loopback vendor servers of tests/servers as subprocesses (so their work never
competes with the measured client for the GIL), each streaming a ~2 MB answer in ~20,000 events,
and measures per vendor, as the median of N runs:

  baseline  a bare httpx (+ httpx-sse) loop that only extracts the delta text
  ours      the same stream through the provider's ``create_async_generator``
  cli       ``roundtable chat`` to /dev/null as a subprocess, against the same loop run as a
            ``python -c`` subprocess (both include interpreter start-up; reported apart)

Run:  .venv/bin/python -m tests.bench.stream_overhead [--runs 5] [--vendors openai,anthropic,ollama]
      [--profile openai]   (cProfile of the provider path, top functions by own time)
The last lines are ``BENCH <name> ours=<v> baseline=<v> ratio=<r> target=<t> ok|miss``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import inspect
import json
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import aconnect_sse

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-key-123"
PROMPT = [{"role": "user", "content": "Write a long answer."}]
TOTAL_TARGET = 1.15  # ours / baseline, total time
FIRST_CHUNK_TARGET_MS = 2.0  # ours - baseline, time to first chunk
SHORT_ANSWER = "Hello! A short answer, for the time to the first chunk."


def answer_text(size: int) -> str:
    """Deterministic prose with some multi-byte characters, ``size`` characters long."""
    sentence = "The quick brown fox — naïve café, 東京 🦊 — jumps over the lazy dog. "
    return (sentence * (size // len(sentence) + 1))[:size]


# ----- servers -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(module: str, answer_file: Path, events: int) -> Iterator[str]:
    """A vendor server subprocess; yields its base URL (host root, as printed by the server)."""
    command = [
        sys.executable, "-m", f"tests.servers.{module}", "--port", str(free_port()),
        "--answer-file", str(answer_file), "--chunk-count", str(events),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "base_url=" not in line:
            raise RuntimeError(f"{module} did not start: {line!r}")
        yield line.split("base_url=")[1].split()[0]
    finally:
        process.terminate()
        process.wait(10)


# ----- the measured loops ------------------------------------------------------------------------
@dataclass
class Run:
    first_chunk: float  # seconds from the start of the request to the first text
    total: float  # seconds from the start of the request to the end of the stream
    chars: int
    cpu: float = 0.0  # CPU seconds of the client thread: steady even on a busy machine


async def timed(chunks: Callable[[], AsyncIterator[Any]]) -> Run:
    """Time one stream; only ``str`` chunks count as text (a provider also yields typed ones)."""
    cpu = time.thread_time()
    started = time.perf_counter()
    first = 0.0
    chars = 0
    async for chunk in chunks():
        if type(chunk) is str and chunk:
            if not first:
                first = time.perf_counter() - started
            chars += len(chunk)
    return Run(first, time.perf_counter() - started, chars, time.thread_time() - cpu)


@dataclass
class Vendor:
    """One wire format: its server, a bare baseline loop and our provider."""

    name: str
    module: str
    provider: str  # "module:Class" under providers.vendors
    model: str
    url: str = ""

    def baseline(self, client: httpx.AsyncClient) -> AsyncIterator[str]:
        return getattr(self, f"bare_{self.name}")(client)

    async def bare_openai(self, client: httpx.AsyncClient) -> AsyncIterator[str]:
        body = {
            "model": self.model, "messages": PROMPT, "stream": True,
            "stream_options": {"include_usage": True},  # the same request as ours
        }  # fmt: skip
        headers = {"Authorization": f"Bearer {KEY}"}
        url = f"{self.url}/v1/chat/completions"
        async with aconnect_sse(client, "POST", url, json=body, headers=headers) as source:
            async for event in source.aiter_sse():
                if event.data == "[DONE]":
                    return
                for choice in json.loads(event.data).get("choices") or ():
                    text = choice["delta"].get("content")
                    if text:
                        yield text

    async def bare_anthropic(self, client: httpx.AsyncClient) -> AsyncIterator[str]:
        body = {"model": self.model, "messages": PROMPT, "stream": True, "max_tokens": 1024}
        headers = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
        url = f"{self.url}/v1/messages"
        async with aconnect_sse(client, "POST", url, json=body, headers=headers) as source:
            async for event in source.aiter_sse():
                data = json.loads(event.data)
                if data["type"] == "content_block_delta" and data["delta"]["type"] == "text_delta":
                    yield data["delta"]["text"]
                elif data["type"] == "message_stop":
                    return

    async def bare_ollama(self, client: httpx.AsyncClient) -> AsyncIterator[str]:
        body = {"model": self.model, "messages": PROMPT, "stream": True}
        async with client.stream("POST", f"{self.url}/api/chat", json=body) as response:
            async for line in response.aiter_lines():
                data = json.loads(line)
                text = data["message"].get("content")
                if text:
                    yield text
                if data.get("done"):
                    return

    def provider_class(self) -> Any:
        module, name = self.provider.split(":")
        return getattr(__import__(f"providers.vendors.{module}", fromlist=[name]), name)

    def ours(self) -> AsyncIterator[Any]:
        """The provider's own generator, consumed directly as an application would."""
        provider = self.provider_class()
        return provider.create_async_generator(  # type: ignore[no-any-return]
            self.model, PROMPT, api_key=KEY, base_url=self.cli_base_url
        )

    @property
    def cli_base_url(self) -> str:
        return f"{self.url}/v1" if self.name == "openai" else self.url

    def cli_command(self) -> list[str]:
        pid = self.provider.split(":")[1].lower()
        return [
            str(ROOT / ".venv" / "bin" / "roundtable"), "chat", "-p", pid,
            "--base-url", self.cli_base_url, "-m", self.model, PROMPT[0]["content"],
        ]  # fmt: skip

    def bare_script(self) -> str:
        """The baseline loop as a self-contained ``python -c`` program writing to stdout."""
        loop = textwrap.dedent(inspect.getsource(getattr(Vendor, f"bare_{self.name}")))
        return (
            "from __future__ import annotations\n"
            "import asyncio, json, sys\n"
            "import httpx\n"
            "from httpx_sse import aconnect_sse\n"
            f"KEY, PROMPT = {KEY!r}, {PROMPT!r}\n"
            "class Vendor:\n"
            f"    model, url = {self.model!r}, {self.url!r}\n"
            f"{textwrap.indent(loop, '    ')}\n"
            "async def main():\n"
            "    async with httpx.AsyncClient(timeout=300) as client:\n"
            f"        async for text in Vendor().bare_{self.name}(client):\n"
            "            sys.stdout.write(text)\n"
            "            sys.stdout.flush()\n"
            "asyncio.run(main())\n"
        )


VENDORS = {
    "openai": Vendor("openai", "openai_server", "openai:OpenAI", "gpt-4o-mini"),
    "anthropic": Vendor(
        "anthropic", "anthropic_server", "anthropic:Anthropic", "claude-sonnet-4-5"
    ),
    "ollama": Vendor("ollama", "ollama_server", "ollama:Ollama", "llama3.2"),
}


def available(vendor: Vendor) -> bool:
    server = ROOT / "tests" / "servers" / f"{vendor.module}.py"
    module = vendor.provider.split(":")[0]
    return server.exists() and (ROOT / "providers" / "vendors" / f"{module}.py").exists()


# ----- measuring ---------------------------------------------------------------------------------
def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.first_chunk for r in runs),
        statistics.median(r.total for r in runs),
        runs[0].chars,
        statistics.median(r.cpu for r in runs),
    )


async def measure_in_process(vendor: Vendor, count: int, expected: int) -> tuple[Run, Run]:
    """Baseline and ours, interleaved so that drift hits both alike; one warm-up of each."""
    baseline: list[Run] = []
    ours: list[Run] = []
    async with httpx.AsyncClient(timeout=300) as client:
        for index in range(count + 1):
            bare = await timed(lambda: vendor.baseline(client))
            mine = await timed(vendor.ours)
            for run in (bare, mine):
                if run.chars != expected:
                    raise RuntimeError(f"{vendor.name}: got {run.chars} chars, not {expected}")
            if index:  # the first round warms caches, imports and connections
                baseline.append(bare)
                ours.append(mine)
    return median_run(baseline), median_run(ours)


async def measure_first_chunk(vendor: Vendor, count: int) -> tuple[float, float]:
    """Median time to the first text of a short answer: the per-request cost alone.

    On the 2 MB answer the server spends tens of milliseconds rendering its events before the
    first byte, which drowns a millisecond of client overhead in noise.
    """
    baseline: list[float] = []
    ours: list[float] = []
    async with httpx.AsyncClient(timeout=300) as client:
        for index in range(count + 1):
            bare = await timed(lambda: vendor.baseline(client))
            mine = await timed(vendor.ours)
            if index:
                baseline.append(bare.first_chunk)
                ours.append(mine.first_chunk)
    return statistics.median(baseline), statistics.median(ours)


def measure_subprocess(command: list[str], count: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        with open(os.devnull, "w") as sink:
            subprocess.run(command, stdout=sink, stderr=sink, env=env, cwd=ROOT, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def profile(vendor: Vendor, top: int = 25) -> None:
    async def once() -> None:
        await timed(vendor.ours)

    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(once())
    profiler.disable()
    print(f"\n--- cProfile of the {vendor.name} provider path (own time) ---")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


@dataclass
class Figure:
    name: str
    ours: float
    baseline: float
    target: str
    ok: bool | None
    unit: str = "s"

    def line(self) -> str:
        ratio = self.ours / self.baseline if self.baseline else float("inf")
        verdict = "info" if self.ok is None else "ok" if self.ok else "miss"
        fmt = {
            "ms": lambda v: f"{v * 1000:.2f}ms",
            "chars/s": lambda v: f"{v:.0f}chars/s",
        }.get(self.unit, lambda v: f"{v:.3f}s")
        return (
            f"BENCH {self.name} ours={fmt(self.ours)} baseline={fmt(self.baseline)} "
            f"ratio={ratio:.3f} target={self.target} {verdict}"
        )


def bench(vendor: Vendor, args: argparse.Namespace) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        answer = answer_text(args.size)
        answer_file = Path(tmp) / "answer.txt"
        answer_file.write_text(answer, "utf-8")
        short_file = Path(tmp) / "short.txt"
        short_file.write_text(SHORT_ANSWER, "utf-8")
        with (
            serve(vendor.module, answer_file, args.events) as url,
            serve(vendor.module, short_file, 4) as short_url,
        ):
            vendor.url = url.removesuffix("/v1")
            bare, mine = asyncio.run(measure_in_process(vendor, args.runs, len(answer)))
            short = dataclasses.replace(vendor, url=short_url.removesuffix("/v1"))
            first_bare, first_ours = asyncio.run(measure_first_chunk(short, args.first_runs))
            print(
                f"{vendor.name:>9}: {len(answer.encode()) / 1e6:.2f} MB in {args.events} events"
                f" | first chunk: baseline {bare.first_chunk * 1000:.2f} ms,"
                f" ours {mine.first_chunk * 1000:.2f} ms | total: baseline {bare.total:.3f} s,"
                f" ours {mine.total:.3f} s | client CPU: baseline {bare.cpu:.3f} s,"
                f" ours {mine.cpu:.3f} s\n"
                f"{'':>9}  short answer, first chunk (median of {args.first_runs}):"
                f" baseline {first_bare * 1000:.2f} ms, ours {first_ours * 1000:.2f} ms"
            )
            overhead_ms = (first_ours - first_bare) * 1000
            figures = [
                Figure(f"{vendor.name}-total", mine.total, bare.total, f"<={TOTAL_TARGET}",
                       mine.total / bare.total <= TOTAL_TARGET),
                Figure(f"{vendor.name}-first-chunk", first_ours, first_bare,
                       f"+{FIRST_CHUNK_TARGET_MS:g}ms", overhead_ms <= FIRST_CHUNK_TARGET_MS,
                       unit="ms"),
            ]  # fmt: skip
            if not args.no_cli:
                env = {
                    "PATH": os.environ.get("PATH", ""), "HOME": tmp, "LANG": "C.UTF-8",
                    "PYTHONPATH": str(ROOT), f"{vendor.name.upper()}_API_KEY": KEY,
                }  # fmt: skip
                cli = measure_subprocess(vendor.cli_command(), args.runs, env)
                script = [sys.executable, "-c", vendor.bare_script()]
                bare_cli = measure_subprocess(script, args.runs, env)
                print(
                    f"{'':>9}  subprocess to /dev/null: bare script {bare_cli:.3f} s,"
                    f" roundtable chat {cli:.3f} s (both include interpreter start-up)"
                )
                figures.append(Figure(f"{vendor.name}-cli-total", cli, bare_cli, "none", None))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per figure (median)")
    parser.add_argument("--size", type=int, default=2_000_000, help="answer size in characters")
    parser.add_argument("--events", type=int, default=20_000, help="content events per answer")
    parser.add_argument(
        "--first-runs", type=int, default=50, help="runs of the short first-chunk figure"
    )
    parser.add_argument("--vendors", default=",".join(VENDORS), help="comma-separated")
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess figures")
    parser.add_argument("--profile", metavar="VENDOR", help="cProfile the provider path")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    figures: list[Figure] = []
    for name in args.vendors.split(","):
        vendor = VENDORS[name.strip()]
        if not available(vendor):
            print(f"{vendor.name:>9}: skipped (no server or no provider module yet)")
            continue
        figures += bench(vendor, args)
    if args.profile:
        vendor = VENDORS[args.profile]
        with tempfile.TemporaryDirectory() as tmp:
            answer_file = Path(tmp) / "answer.txt"
            answer_file.write_text(answer_text(args.size), "utf-8")
            with serve(vendor.module, answer_file, args.events) as url:
                vendor.url = url.removesuffix("/v1")
                profile(vendor)
    print()
    for figure in figures:
        print(figure.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
