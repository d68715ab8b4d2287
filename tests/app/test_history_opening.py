"""The window opens a history that needs an upgrade (schema 1 → 2: the search index is built)
without freezing: the work runs on a worker thread while the event loop keeps turning."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer

from app.core import history as store
from app.core import history_file
from app.core.history import _MIGRATIONS, SCHEMA_VERSION, History
from app.ui import history_opener
from tests.app.conftest import Loop, OpenWindow

MESSAGES = 6000


def schema_1_history(messages: int = MESSAGES) -> None:
    """A schema-1 file at the default path, as an older Roundtable left it."""
    path = store.default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, isolation_level=None) as old:
        old.executescript(f"BEGIN; {_MIGRATIONS[0]} PRAGMA user_version=1; COMMIT;")
        old.execute("BEGIN")
        old.executemany(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(c, f"Talk {c}", c, c) for c in range(1, 101)],
        )
        old.executemany(
            "INSERT INTO messages (conversation_id, position, role, content, created_at,"
            " updated_at) VALUES (?, ?, 'user', ?, 1, 1)",
            [
                (1 + i % 100, i // 100, f"Message {i}: платипусы откладывают яйца, the wombats")
                for i in range(messages)
            ],
        )
        old.execute("COMMIT")
    old.close()


def test_needs_upgrade_reads_the_version_and_the_index() -> None:
    path = store.default_path()
    assert not store.needs_upgrade(path)  # no file yet: creating one is quick
    schema_1_history(10)
    assert store.needs_upgrade(path)
    store.upgrade(path)
    assert not store.needs_upgrade(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute("UPDATE search_meta SET value = 'another stemmer' WHERE key = 'terms'")
    assert store.needs_upgrade(path)  # the index is rebuilt once


def test_the_window_stays_responsive_while_the_search_index_is_built(
    open_window: OpenWindow, loop: Loop, qtbot: Any
) -> None:
    schema_1_history()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        started = time.monotonic()
        window = open_window(wait=False)
        panel = window.history_panel
        assert window.history is None and window.history_opener.pending()
        assert "Updating the search index" in panel.empty.text() and panel.empty.isVisible()
        assert not panel.search.isEnabled()
        ticks.clear()  # only those while the index is built count
        loop.until(lambda: window.history is not None, timeout=120)
        took = time.monotonic() - started
    finally:
        timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    print(
        f"[history upgrade] {MESSAGES} messages: {took:.2f} s;"
        f" timer ticks meanwhile: {len(ticks)}; longest gap: {max(gaps, default=0) * 1000:.0f} ms"
    )
    assert len(ticks) >= 5  # the loop kept turning (before: start() blocked until the end)
    assert isinstance(window.history, History) and window.session.history is window.history
    assert len(panel.ids()) == 100 and panel.search.isEnabled()
    loop.run(window.models_task)
    searched = loop.expect(panel.searchFinished)
    panel.search.setText("яйцо")
    panel.run_search()
    loop.run(searched)
    assert len(panel.ids()) == 50 and panel.more.isVisible()
    assert not store.needs_upgrade()


def _quick_checks_on(monkeypatch: Any) -> list[str]:
    """Where each ``quick_check`` of the history file runs: "gui" or "worker"."""
    where: list[str] = []
    real = history_file._verify

    def spy(*args: Any, integrity: bool, **kwargs: Any) -> None:
        if integrity:
            main = threading.current_thread() is threading.main_thread()
            where.append("gui" if main else "worker")
        real(*args, integrity=integrity, **kwargs)

    monkeypatch.setattr(history_file, "_verify", spy)
    return where


def test_a_large_history_is_checked_on_a_worker_while_the_window_shows(
    open_window: OpenWindow, loop: Loop, monkeypatch: Any
) -> None:
    existing = History()
    existing.create_conversation("Kept")
    existing.close()
    monkeypatch.setattr(store, "CHECK_APART_BYTES", 0)  # every file counts as large
    where = _quick_checks_on(monkeypatch)
    window = open_window(wait=False)
    panel = window.history_panel
    assert window.history is None and window.history_opener.pending()
    assert "Checking the history" in panel.empty.text() and panel.empty.isVisible()
    loop.until(lambda: window.history is not None)
    assert where == ["worker"], "read once, off the GUI thread"
    assert [c.title for c in window.history.conversations()] == ["Kept"]
    assert panel.search.isEnabled() and not window.history_error
    loop.run(window.models_task)  # not cancelled in the middle of a connection at the end
    loop.run(window.credentials_task)


def test_a_large_damaged_history_is_refused_by_the_worker_and_left_byte_identical(
    open_window: OpenWindow, loop: Loop, monkeypatch: Any
) -> None:
    path = store.default_path()
    existing = History()
    conversation = existing.create_conversation("Several pages")
    for number in range(300):
        existing.add_message(conversation, "user", f"message {number} " + "text " * 40)
    existing.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    page_size, pages = (
        db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_size", "page_count")
    )
    db.close()
    with path.open("r+b") as file:  # the header stays valid; pages in the middle are garbage
        file.seek(page_size * (pages // 2))
        file.write(b"\xa5\x5a" * page_size)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setattr(store, "CHECK_APART_BYTES", 0)
    where = _quick_checks_on(monkeypatch)
    window = open_window(wait=False)
    loop.run(window.history_opener.task)
    assert window.history is None
    assert window.history_error is not None and "is damaged" in window.history_error
    assert where == ["worker"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["history.sqlite3"]
    loop.run(window.models_task)
    loop.run(window.credentials_task)


# ----- a new history, created ahead (the first start) ---------------------------------------------


def _schemas_created_on(monkeypatch: Any) -> list[str]:
    """The thread that wrote each new history's schema."""
    where: list[str] = []
    real = history_file._create_schema

    def spy(*args: Any) -> None:
        where.append(threading.current_thread().name)
        real(*args)

    monkeypatch.setattr(history_file, "_create_schema", spy)
    return where


def test_a_new_history_is_created_ahead_on_a_worker_and_opened_once_written(
    open_window: OpenWindow, loop: Loop, monkeypatch: Any
) -> None:
    """``application.start_window`` starts the creation before it builds the window; ``open``
    waits for it (here it is slowed down: the window would otherwise make the file itself)."""
    where = _schemas_created_on(monkeypatch)
    real = history_opener._create
    monkeypatch.setattr(history_opener, "_create", lambda path: (time.sleep(0.3), real(path)))
    history_opener.create_ahead()
    window = open_window(wait=False)
    assert where == ["history-create"], "written once, by the worker"
    assert isinstance(window.history, History) and not window.history_error
    assert window.history_panel.ids() == [] and window.history_panel.search.isEnabled()
    conversation = window.history.create_conversation("First")
    window.history_panel.refresh()
    assert window.history_panel.ids() == [conversation]
    history_opener.create_ahead()  # the file exists now: nothing to do
    assert not history_opener._creating
    loop.run(window.models_task)
    loop.run(window.credentials_task)


def test_a_history_that_cannot_be_created_ahead_is_reported_by_the_window(
    open_window: OpenWindow, loop: Loop, monkeypatch: Any
) -> None:
    """The worker meets the error first and says nothing; the window meets it again and says
    it as it always did."""
    failures: list[Any] = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    folder = store.default_path().parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the history's folder goes")
    history_opener.create_ahead()
    window = open_window(wait=False)
    assert window.history is None
    assert "cannot be created" in (window.history_error or ""), window.history_error
    assert window.banner.isVisible() and not failures
    loop.run(window.models_task)
    loop.run(window.credentials_task)


def test_a_history_folder_that_cannot_be_searched_is_reported_by_the_window(
    open_window: OpenWindow, loop: Loop, monkeypatch: Any
) -> None:
    """A folder the user may not search (made by an earlier ``sudo roundtable``): asking
    whether the file exists raises (EACCES), and the app stopped with a traceback before any
    window. As root no folder refuses a search, so the refusal is simulated at ``exists``."""
    path = store.default_path()
    real_exists = Path.exists

    def refused(self: Path, *args: Any, **kwargs: Any) -> bool:
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_exists(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", refused)
    history_opener.create_ahead()  # raised PermissionError
    assert not history_opener._creating
    monkeypatch.undo()
    window = open_window(wait=False)
    assert isinstance(window.history, History)
    loop.run(window.models_task)
    loop.run(window.credentials_task)
