"""The window opens a history that needs an upgrade (schema 1 → 2: the search index is built)
without freezing: the work runs on a worker thread while the event loop keeps turning."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from PySide6.QtCore import QTimer

from app.core import history as store
from app.core.history import _MIGRATIONS, SCHEMA_VERSION, History
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
