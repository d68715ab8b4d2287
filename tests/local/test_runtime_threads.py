"""The local model's worker thread against Stop, switching models, unload, shutdown and exit.

Each race runs in a process of its own (tests/local/runtime_races.py): before the fix some of
them killed the interpreter with a segfault inside llama_decode, which must fail one test (with
both threads' stacks) rather than end the whole run.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from providers.local.models import ModelStore
from providers.local.runtime import LocalRuntime
from tests.local.tiny_gguf import write_tiny_gguf

ROOT = Path(__file__).resolve().parents[2]


def run_scenario(scenario: str, model: Path, other: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-m", "tests.local.runtime_races", scenario,
         str(model), str(other)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env={**os.environ},
    )  # fmt: skip
    crashed = result.returncode < 0 and f"killed by signal {-result.returncode}"
    assert result.returncode == 0 and "ok" in result.stdout.split(), (
        f"{scenario}: {crashed or f'exit code {result.returncode}'}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    return result


@pytest.mark.parametrize(
    "scenario",
    ["shutdown-then-ask", "stop-switch-unload-shutdown", "no-llama-object-left-for-the-collector"],
)
def test_races_with_the_worker(scenario: str, starter_path: Path, tmp_path: Path) -> None:
    run_scenario(scenario, starter_path, write_tiny_gguf(tmp_path / "tiny.gguf"))


def test_leaving_the_process_mid_answer_stops_the_worker_first(
    starter_path: Path, tmp_path: Path
) -> None:
    result = run_scenario(
        "exit-while-generating", starter_path, write_tiny_gguf(tmp_path / "tiny.gguf")
    )
    assert "worker ended before exit" in result.stdout


def test_wait_idle_counts_a_request_not_yet_started(tmp_path: Path) -> None:
    rt = LocalRuntime()
    model = ModelStore().find(str(write_tiny_gguf(tmp_path / "tiny.gguf")))

    async def run() -> tuple[bool, bool]:
        stream = rt.stream(model, [{"role": "user", "content": "hi"}], {"max_tokens": 4})
        first = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0)  # the request is queued; the worker may not have taken it yet
        busy = rt.wait_idle(0)
        await first
        await stream.aclose()
        return busy, await asyncio.to_thread(rt.wait_idle, 30)

    try:
        assert asyncio.run(run()) == (False, True)
    finally:
        assert rt.shutdown()
