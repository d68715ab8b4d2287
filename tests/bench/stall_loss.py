"""Text lost when the app is killed (SIGKILL) while an answer's stream is stalled.

A real child process (``tests.app.answer_child``: ``ChatSession`` + ``History``) streams an
answer from the loopback OpenAI server: ``--chunks`` chunks ``--gap`` seconds apart, then the
server stalls. The child prints each chunk with the time it arrived; ``--delays`` seconds after
the last chunk arrived, the child is killed with SIGKILL and the database is read as the next
start would. Per kill:

  lost chars   characters received by the child but not on disk
  lost age     how long the oldest lost character had been received when the child died
               (the promise: at most ~1 s, whatever the stream does)

Run:  .venv/bin/python -m tests.bench.stall_loss [--delays 0.1,0.5,...] [--runs 2]
The last line is ``BENCH stall_loss worst_age_s=... worst_chars=...``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.servers import DEFAULT_KEY, OpenAIServer, Stream

ROOT = Path(__file__).parents[2]


def stored(path: Path) -> str:
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT content FROM messages WHERE role = 'assistant'").fetchone()
    finally:
        db.close()
    return "" if row is None else str(row[0])


def one_kill(server: OpenAIServer, chunks: int, gap: float, delay: float) -> tuple[int, float]:
    words = [f"w{n:04d} " for n in range(chunks)]
    server.push(Stream(text="".join(words), chunk_count=chunks, delay=gap, stall_after=chunks + 1))
    folder = Path(tempfile.mkdtemp(prefix="stall-loss-"))
    path = folder / "history.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.app.answer_child", str(path), server.base_url],
        cwd=ROOT, env={**os.environ, "OPENAI_API_KEY": DEFAULT_KEY},
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    arrivals: list[tuple[float, str]] = []
    for line in child.stdout:
        if line.startswith("text "):
            _, stamp, text = line.rstrip("\n").split(" ", 2)
            arrivals.append((float(stamp), text))
            if len(arrivals) == chunks:
                break
    time.sleep(delay)
    killed_at = time.time()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    on_disk = stored(path)
    received = "".join(text for _, text in arrivals)
    assert received.startswith(on_disk), "the disk holds text that never arrived"
    lost = len(received) - len(on_disk)
    age = 0.0
    if lost:
        position = 0
        for stamp, text in arrivals:
            position += len(text)
            if position > len(on_disk):
                age = killed_at - stamp
                break
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()
    return lost, age


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=60)
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between chunks")
    parser.add_argument("--delays", default="0.1,0.3,0.5,0.8,0.95,1.1,1.5,2,4,6")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    worst_age, worst_chars = 0.0, 0
    with OpenAIServer() as server:
        for delay in (float(value) for value in args.delays.split(",")):
            for run in range(args.runs):
                lost, age = one_kill(server, args.chunks, args.gap, delay)
                worst_age, worst_chars = max(worst_age, age), max(worst_chars, lost)
                print(
                    f"kill {delay:.2f} s into the stall (run {run + 1}): lost {lost} chars,"
                    f" oldest lost received {age:.2f} s before the kill"
                )
    print(f"BENCH stall_loss worst_age_s={worst_age:.2f} worst_chars={worst_chars}")


if __name__ == "__main__":
    main()
