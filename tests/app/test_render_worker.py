"""The render worker: a streamed answer's backlog rendered in another process, shown the same."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument

from app.ui.chat_view import ChatView
from app.ui.markdown import CUT_CHARS, MarkdownRenderer, Piece, split_pieces
from app.ui.render_worker import IN_FLIGHT_CHARS, RenderQueue, RenderWorker, _render, shared_worker
from app.ui.theme import DARK, LIGHT
from tests.app.conftest import feed

MOST_RENDERED = 4 * CUT_CHARS  # Markdown characters one flush may render here, at most


def mixed(sections: int) -> str:
    """Headings, paragraphs, lists, code and tables: ~650 characters a section."""
    parts = []
    for i in range(sections):
        parts.append(f"## Part {i}\n\nSome *text* with `code {i}` and a [link](https://e.com/{i}).")
        parts.append(f"- one {i}\n- two **{i}**")
        parts.append(f"```python\ndef f_{i}(x):\n    return x * {i}  # note {i}\n```")
        parts.append(f"| a | b |\n|---|--:|\n| {i} | {i * 2} |")
    return "\n\n".join(parts) + "\n"


@pytest.fixture
def worker(qtbot) -> RenderWorker:
    """The application's worker, up (the first backlog starts it; here, beforehand)."""
    shared = shared_worker()
    shared.start()
    qtbot.waitUntil(lambda: shared.available() or shared.failed, timeout=30_000)
    assert shared.available(), "the render worker did not start"
    return shared


@pytest.fixture
def quiet_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def burst(qtbot, view: ChatView, index: int, text: str, size: int) -> None:
    """``text`` in ``size``-character chunks, one per turn of the event loop: faster than one
    thread renders it, so a backlog builds up."""
    feed(qtbot, view, index, text, size, timeout_ms=30_000)


def shown_words(view: ChatView, index: int) -> list[str]:
    return " ".join(page.toPlainText() for page in view.bubble(index).pages()).split()


def whole_words(view: ChatView, text: str) -> list[str]:
    document = QTextDocument()
    document.setHtml(view.renderer.render(text).html)
    return document.toPlainText().split()


def test_the_worker_renders_a_piece_as_this_thread_would() -> None:
    """The same HTML for every piece of a mixed answer, code numbered when it is inserted."""
    text = mixed(20)
    for palette in (LIGHT, DARK):
        renderer = MarkdownRenderer(palette)
        for number, piece in enumerate(split_pieces(text)):
            here = renderer.render(
                piece.source, first_code_index=number, opens=piece.opens, closes=piece.closes
            )
            there = _render(palette, "Copy", piece).numbered(number)
            assert there == here


def test_a_backlog_goes_to_the_worker_and_shows_like_one_document(
    qtbot, view: ChatView, worker: RenderWorker, quiet_gc
) -> None:
    text = mixed(200)  # ~130 KB
    index = view.begin_answer("t")
    burst(qtbot, view, index, text, 8_000)
    view.finish_answer(index)
    qtbot.waitUntil(lambda: view.is_rendered(index), timeout=60_000)
    bubble = view.bubble(index)
    assert bubble.worker_chars > len(text) // 2, "the backlog was rendered here"
    assert bubble.most_rendered <= MOST_RENDERED  # this thread's Markdown work per flush
    assert view.message_text(index) == text
    assert shown_words(view, index) == whole_words(view, text)
    assert len(bubble.code_blocks) == 200  # one Copy per block, numbered in order
    assert bubble.code_block(123) == "def f_123(x):\n    return x * 123  # note 123\n"
    html = "".join(page.document().toHtml() for page in bubble.pages())
    assert 'href="copy:199"' in html and "\0" not in html


def test_pieces_render_here_when_the_worker_dies(qtbot, view: ChatView, quiet_gc) -> None:
    private = RenderWorker()
    private.start()
    qtbot.waitUntil(lambda: private.available() or private.failed, timeout=30_000)
    assert private.available()
    text = mixed(200)
    index = view.begin_answer("t")
    bubble = view.bubble(index)
    bubble._queue.worker = private
    view.append_text(index, text[:60_000])
    qtbot.waitUntil(lambda: bubble.worker_chars > 0 or bool(bubble._queue.jobs), timeout=10_000)
    for process in list(private._pool._processes.values()):  # type: ignore[union-attr]
        process.kill()  # mid-answer, with pieces handed over
    burst(qtbot, view, index, text[60_000:], 8_000)
    view.finish_answer(index)
    qtbot.waitUntil(lambda: view.is_rendered(index), timeout=60_000)
    assert private.failed
    assert view.message_text(index) == text
    assert shown_words(view, index) == whole_words(view, text)
    assert len(bubble.code_blocks) == 200
    private.stop()


class HeldWorker:
    """A worker whose results the test hands out, in any order."""

    failed = False

    def __init__(self) -> None:
        self.held: list[tuple[Piece, Future]] = []

    def submit(self, palette, copy_label: str, piece: Piece) -> Future:
        future: Future = Future()
        self.held.append((piece, future))
        return future


def test_the_queue_gives_pieces_back_in_order_whatever_finishes_first() -> None:
    text = mixed(400)  # ~75 KB
    worker = HeldWorker()
    queue = RenderQueue(worker)  # type: ignore[arg-type]
    queue.waiting.extend(split_pieces(text))
    queue.hand_over(LIGHT, "Copy")
    held = list(worker.held)
    handed = sum(len(piece.source) for piece, _ in held)
    assert IN_FLIGHT_CHARS <= handed < IN_FLIGHT_CHARS + 4_000 and queue.waiting  # bounded
    for piece, future in reversed(held[1:]):  # all but the first finish, last first
        future.set_result(_render(LIGHT, "Copy", piece))
    assert queue.peek() is None, "a later piece must wait for the first"
    held[0][1].set_exception(RuntimeError("the worker died"))
    assert queue.peek() == (held[0][0], None)  # rendered here instead
    assert worker.failed
    order: list[str] = []
    while (job := queue.peek()) is not None:
        order.append(job[0].source)
        assert (job[1] is not None) == (len(order) <= len(held) and len(order) > 1)
        queue.take()
    assert "".join(order) == text and not queue  # the jobs, then what waited, in order


def test_only_a_backlog_starts_the_worker(qtbot, view: ChatView, quiet_gc) -> None:
    """A worker process costs ~80 MB: an answer this thread keeps up with never starts one."""
    private = RenderWorker()
    index = view.begin_answer("t")
    bubble = view.bubble(index)
    bubble._queue.worker = private
    text = mixed(20)
    for start in range(0, len(text), 40):  # a stream at a realistic pace: a chunk a frame
        view.append_text(index, text[start : start + 40])
        qtbot.wait(2)
    view.finish_answer(index)
    qtbot.waitUntil(lambda: view.is_rendered(index), timeout=30_000)
    assert private._pool is None and bubble.worker_chars == 0, "the worker started for nothing"
    second = view.begin_answer("t")
    busy = view.bubble(second)
    busy._queue.worker = private
    burst(qtbot, view, second, mixed(200), 8_000)  # faster than this thread renders
    view.finish_answer(second)
    qtbot.waitUntil(lambda: view.is_rendered(second), timeout=60_000)
    assert private._pool is not None, "a backlog did not start the worker"
    private.stop()


_STARTS_A_WORKER = """
import sys, time
from app.ui.render_worker import RenderWorker
worker = RenderWorker()
worker.start()
while not worker.available():
    time.sleep(0.05)
print(*worker._pool._processes, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, waiting for a parent that never reaps it, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def test_the_worker_ends_when_the_app_is_killed() -> None:
    """``kill -9`` of the app leaves no worker behind (it waited for work forever, ~80 MB)."""
    app = subprocess.Popen(
        [sys.executable, "-c", _STARTS_A_WORKER],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert app.stdout is not None
        worker_pid = int(app.stdout.readline())
        assert _alive(worker_pid)
    finally:
        app.kill()
        app.wait()
    deadline = time.monotonic() + 20
    while _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _alive(worker_pid)
    if alive:
        os.kill(worker_pid, signal.SIGKILL)
    assert not alive, "the render worker outlived the app"
