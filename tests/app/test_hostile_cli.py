"""``roundtable chat`` against hostile servers (tests/servers/hostile.py), as a real subprocess.

Whatever bytes a server sends after a 200, the text received so far reaches stdout, then exactly
one error line reaches stderr, the exit code is non-zero, and no traceback is ever shown; an odd
but usable answer arrives whole with exit 0. Memory stays bounded (figures: tests/bench/
hostile_memory.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app import cli
from tests.app.test_cli import ERROR_PREFIX, bare_env, roundtable
from tests.servers import DEFAULT_KEY, MockServer
from tests.servers.hostile import SCENARIOS, Hostile

KEYS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


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
    started = time.monotonic()
    result = roundtable(
        "chat", "-p", scenario.vendor, "--base-url", server.base_url, *params, "hi",
        env=bare_env(home, **extra), timeout=60,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.stderr, result.stderr
    shown = scenario.text + "\n" if scenario.text else ""
    if scenario.endless:
        assert result.stdout.startswith(scenario.text), result.stdout[:200]
    else:
        assert result.stdout == shown, result.stdout[:200]
    if not scenario.fails:
        assert result.returncode == cli.EXIT_OK, result.stderr
        assert ERROR_PREFIX not in result.stderr
        return
    assert result.returncode == cli.EXIT_FAILURE, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX), result.stderr[:500]
    assert len(lines[0]) < 600
    assert elapsed < 30  # generous: a bounded answer ends long before the subprocess timeout
