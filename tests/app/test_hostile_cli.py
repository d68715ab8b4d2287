"""``roundtable chat`` against hostile servers (tests/servers/hostile.py), as a real subprocess.

Whatever bytes a server sends after a 200, the text received so far reaches stdout, then exactly
one error line that says what the server did reaches stderr, the exit code is non-zero, and no
traceback is ever shown; an odd but usable answer arrives whole with exit 0. The CLI's peak
memory stays bounded whatever the server sends (figures: tests/bench/hostile_memory.py).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import cli
from tests.app.test_cli import ENTRY_POINT, ERROR_PREFIX, bare_env
from tests.servers import DEFAULT_KEY, MockServer
from tests.servers.hostile import SCENARIOS, Hostile

KEYS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
#: Generous: the CLI alone takes ~35 MB, a bounded hostile answer ~70 MB; unbounded reading of
#: these scenarios takes 200 MB to several GB.
MAX_RSS_MB = 160


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    seconds: float


#: Runs the command given after the report file as its child, then writes the child's peak RSS
#: (KiB) to that file: measured in a fresh process, where no other code can reap the child first.
_MEASURE = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
    "sys.exit(code)"
)


def run_cli(*argv: str, env: dict[str, str], timeout: float = 60) -> Run:
    """One ``roundtable`` subprocess, with its peak RSS."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "rss"
        result = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(report), str(ENTRY_POINT), *argv],
            env=env, capture_output=True, timeout=timeout, check=False,
        )  # fmt: skip
        peak_kib = int(report.read_text())
    return Run(
        result.returncode,
        result.stdout.decode("utf-8"),
        result.stderr.decode("utf-8"),
        peak_kib / 1024,
        time.monotonic() - started,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "empty-home"
    path.mkdir()
    return path


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_cli_survives_a_hostile_server(
    scenario: Hostile, home: Path, request: pytest.FixtureRequest
) -> None:
    server: MockServer = request.getfixturevalue(f"{scenario.vendor}_server")
    server.push(scenario.behaviour)
    extra = {KEYS[scenario.vendor]: DEFAULT_KEY} if scenario.vendor in KEYS else {}
    params = [arg for value in scenario.params for arg in ("--param", value)]
    result = run_cli(
        "chat", "-p", scenario.vendor, "--base-url", server.base_url, *params, "hi",
        env=bare_env(home, **extra),
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    assert result.peak_rss_mb < MAX_RSS_MB
    if scenario.endless:
        assert result.stdout.startswith(scenario.text), result.stdout[:200]
    else:
        assert result.stdout == (scenario.text + "\n" if scenario.text else ""), result.stdout[:200]
    if not scenario.fails:
        assert result.returncode == cli.EXIT_OK, result.stderr
        assert ERROR_PREFIX not in result.stderr
        return
    assert result.returncode == cli.EXIT_FAILURE, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX), result.stderr[:500]
    assert scenario.says.lower() in lines[0].lower()
    assert len(lines[0]) < 600
    assert result.seconds < 30  # generous: a bounded answer ends long before the timeout
