"""Peak memory of ``roundtable chat`` against hostile servers (not a pass/fail test).

The CLI runs as a subprocess against the loopback OpenAI server (tests/servers) answering with:

  normal     a short answer: the CLI's own footprint (the baseline)
  huge-line  200 MB without a line break after a little text
  gzip-bomb  gzip (Content-Encoding) that inflates to 1 GB of zeros without a line break

Each figure is the child's peak resident set size (``ru_maxrss`` from ``os.wait4``). The bound
it must stay within is the baseline plus ``ALLOWANCE_MB``: the stream bound
(``providers.http.MAX_EVENT_CHARS``, 16 M characters) held once as text and once in transit.

Run:  .venv/bin/python -m tests.bench.hostile_memory
The last lines are ``BENCH hostile-<name>-rss ours=<MB> target=<=<MB> ok|miss``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.servers import DEFAULT_KEY, OpenAIServer, Pour, Stream
from tests.servers.hostile import HEAD

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINT = ROOT / ".venv" / "bin" / "roundtable"
MB = 1024 * 1024
ALLOWANCE_MB = 80


def peak_rss_mb(server: OpenAIServer, home: str) -> tuple[float, int, str]:
    """Peak RSS (MB), exit code and last stderr line of one CLI run."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "LANG": "C.UTF-8",
           "OPENAI_API_KEY": DEFAULT_KEY}  # fmt: skip
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [str(ENTRY_POINT), "chat", "-p", "openai", "--base-url", server.base_url, "hi"],
            env=env, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return usage.ru_maxrss / 1024, process.returncode, (lines[-1] if lines else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--line-mb", type=int, default=200)
    parser.add_argument("--bomb-mb", type=int, default=1024)
    args = parser.parse_args(argv)
    scenarios = {
        "normal": Stream(text="A short, normal answer."),
        "huge-line": Pour(head=HEAD + b"data: ", body=b"x" * MB, times=args.line_mb),
        "gzip-bomb": Pour(head=HEAD + b"data: ", body=bytes(MB), times=args.bomb_mb, gzip=True),
    }
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as home, OpenAIServer() as server:
        for name, behaviour in scenarios.items():
            server.push(behaviour)
            rss, code, line = peak_rss_mb(server, home)
            results[name] = rss
            print(f"{name:10} peak RSS {rss:7.1f} MB  exit {code}  {line[:110]}")
    target = results["normal"] + ALLOWANCE_MB
    print(f"BENCH hostile-normal-rss ours={results['normal']:.1f}MB target=none info")
    for name in ("huge-line", "gzip-bomb"):
        verdict = "ok" if results[name] <= target else "miss"
        print(
            f"BENCH hostile-{name}-rss ours={results[name]:.1f}MB target=<={target:.1f}MB {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
