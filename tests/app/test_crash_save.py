"""kill -9 during a stalled stream loses at most about a second of text (a real subprocess)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.core.history import History
from tests.servers import DEFAULT_KEY, OpenAIServer, Stream

ROOT = Path(__file__).parents[2]


def saved_answer(path: Path) -> str | None:
    if not path.exists():
        return None
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT content FROM messages WHERE role = 'assistant'").fetchone()
    except sqlite3.Error:
        return None  # not created yet
    finally:
        db.close()
    return None if row is None else str(row[0])


def test_kill_9_during_a_stall_keeps_the_text_received_before_it(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    # All the text comes at once, then nothing: the chunks' own saves are at most one second
    # apart, so without a timed save the text after the last one would live only in memory.
    text = "alpha beta gamma delta epsilon"
    openai_server.push(Stream(text=text, chunk_count=5, stall_after=6))  # role + 5, then stall
    path = tmp_path / "data" / "history.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.app.answer_child", str(path), openai_server.base_url],
        cwd=ROOT, env={**os.environ, "OPENAI_API_KEY": DEFAULT_KEY},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60  # generous: a busy machine; the save is due in ~1 s
        while time.monotonic() < deadline and saved_answer(path) != text:
            assert child.poll() is None, child.communicate()
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert (
        "".join(line.split(" ", 2)[2] for line in out.splitlines() if line.startswith("text"))
        == text
    ), err
    store = History(path)  # opens and verifies the file as the next start would
    try:
        [conversation] = store.conversations()
        answer = store.messages(conversation.id)[1]
        assert (answer.content, answer.status) == (text, "streaming")
    finally:
        store.close()
