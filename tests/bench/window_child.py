"""What the window benchmarks share: a child process with a real ``MainWindow`` on the app's
qasync loop, in empty user directories, talking to a loopback server; RSS and waiting helpers.

The child runs ``python -m tests.bench.<bench> --child ...`` with ``child_env`` (from
``startup.py``: offscreen Qt, fresh XDG folders, no D-Bus) plus the bench server's key.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from tests.bench.startup import ROOT, child_env
from tests.bench.stream_render import KEY


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_child(module: str, home: Path, *args: str, timeout: float = 900) -> dict[str, Any]:
    """Run ``module --child ARGS`` in ``home``; its last ``RESULT {json}`` line is returned."""
    env = {**child_env(home), "OPENAI_API_KEY": KEY}
    command = [sys.executable, "-m", module, "--child", *args]
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("RESULT "):
            return dict(json.loads(line.removeprefix("RESULT ")))
    raise RuntimeError(f"{module} child failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def report(result: dict[str, Any]) -> None:
    print("RESULT " + json.dumps(result), flush=True)


Body = Callable[[Any], Coroutine[Any, Any, dict[str, Any]]]


def in_window(base_url: str | None, body: Body) -> None:
    """Build the window as ``roundtable`` does (OpenAI at ``base_url``), wait until it is
    usable, run ``body(window)`` on its loop and print its result. The loop is made before the
    window (the app makes it after the first paint): these benches measure the steady state,
    not the start (``startup.py`` does)."""
    from app.core.settings import Settings
    from app.ui.application import create_application
    from app.ui.main_window import MainWindow
    from app.ui.tasks import create_event_loop, drain, run_until_done

    app = create_application(sys.argv[:1])
    loop = create_event_loop(app)
    asyncio.set_event_loop(loop)
    settings = Settings.load()
    settings.provider_id = "openai"
    if base_url:
        settings.set_connection_for("openai", base_url=base_url, proxy=None)
    window = MainWindow(settings)
    window.resize(1180, 780)
    window.start()
    window.show()

    async def main() -> dict[str, Any]:
        await until(lambda: window.provider_picker.count() > 0 and window.history_panel.history)
        for task in (window.models_task, window.credentials_task):
            if task is not None:
                await task
        await asyncio.sleep(1.2)
        gc.freeze()  # what start_window does after a second
        return await body(window)

    try:
        result = run_until_done(loop, main())
    finally:
        window.shutdown()
        drain(loop)
        loop.close()
    report(result)


async def until(condition: Callable[[], Any], timeout: float = 60, step: float = 0.002) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(step)


def bench_line(
    name: str, ours: float, baseline: float, target: str, ok: bool, ratio: float | None = None
) -> str:
    if ratio is None:
        ratio = ours / baseline if baseline else float("nan")
    figures = f"ours={ours:.4g} baseline={baseline:.4g} ratio={ratio:.3f}"
    return f"BENCH {name} {figures} target={target} {'ok' if ok else 'miss'}"
