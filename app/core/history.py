"""Conversation history in SQLite: WAL mode, versioned schema, full-text search.

Qt-free. Streamed answers are saved as they arrive (``AnswerRecorder``: at least once a second),
so a crash loses at most the last second. Nothing secret is ever written here: only the text
of the conversation and non-secret metadata (provider id, model, usage, timing).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from app.core import compare_schema, history_search
from app.core.history_search import SearchHit as SearchHit  # callers import it from here

SCHEMA_VERSION = 3

#: Forward migrations: index i takes the database from version i to i + 1.
_MIGRATIONS: list[str] = [
    """
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        system_prompt TEXT NOT NULL DEFAULT '',
        provider TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL DEFAULT '',
        reasoning TEXT NOT NULL DEFAULT '',
        provider TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'complete'
            CHECK (status IN ('complete', 'streaming', 'stopped', 'error')),
        error TEXT NOT NULL DEFAULT '',
        usage TEXT NOT NULL DEFAULT '{}',
        elapsed REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        UNIQUE (conversation_id, position)
    );
    CREATE INDEX conversations_by_update ON conversations(updated_at DESC);
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, content='messages', content_rowid='id', tokenize='unicode61'
    );
    CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;
    CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content)
            VALUES ('delete', old.id, old.content);
    END;
    CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content)
            VALUES ('delete', old.id, old.content);
        INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
    END;
    """,
    history_search.MIGRATION,  # the search index for every language (schema 2)
    compare_schema.MIGRATION,  # comparisons, their columns and blind votes (schema 3)
]


class HistoryError(Exception):
    """The history database cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    system_prompt: str
    provider: str
    model: str
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    position: int
    role: str
    content: str
    reasoning: str
    provider: str
    model: str
    status: str
    error: str
    usage: dict[str, Any]
    elapsed: float | None


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("roundtable")) / "history.sqlite3"


class History:
    """The conversation store. One connection, used from the thread that opened it."""

    def __init__(self, path: Path | str | None = None, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path is not None else default_path()
        self._clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            history_search.register(self._db)  # the search index's triggers call it
            self._refuse_newer()  # before switching to WAL: a newer version's file is left as is
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            history_search.check_index(self._db)  # rebuilt if another stemmer made it
        except sqlite3.DatabaseError as error:
            raise HistoryError(
                f"The history database {self.path} cannot be opened ({error}). "
                "Move it aside to start a new history."
            ) from None

    def _refuse_newer(self) -> int:
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"The history database {self.path} was written by a newer Roundtable "
                f"(schema {version}); update Roundtable to open it."
            )
        return version

    def _migrate(self) -> None:
        version = self._refuse_newer()
        for target in range(version, SCHEMA_VERSION):
            # One script, one transaction: a failed migration leaves the old version intact.
            self._db.executescript(
                f"BEGIN; {_MIGRATIONS[target]} PRAGMA user_version={target + 1}; COMMIT;"
            )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """For the stores that keep their tables in this database (``compare_store``)."""
        return self._db

    # ----- conversations ---------------------------------------------------------------------
    def create_conversation(
        self, title: str = "", system_prompt: str = "", provider: str = "", model: str = ""
    ) -> int:
        now = self._clock()
        cursor = self._db.execute(
            "INSERT INTO conversations (title, system_prompt, provider, model, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (title, system_prompt, provider, model, now, now),
        )
        return int(cursor.lastrowid or 0)

    def conversation(self, conversation_id: int) -> Conversation:
        row = self._db.execute(
            "SELECT * FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return Conversation(**dict(row))

    def conversations(self, limit: int = 500) -> list[Conversation]:
        """Most recently updated first."""
        rows = self._db.execute(
            "SELECT * FROM conversations ORDER BY updated_at DESC, id DESC LIMIT ?", (limit,)
        )
        return [Conversation(**dict(row)) for row in rows]

    def update_conversation(
        self, conversation_id: int, *, touch: bool = True, **fields: str
    ) -> None:
        """Change title, system prompt, provider or model; ``touch=False`` keeps the
        conversation's place in the newest-first list (a rename is not activity)."""
        allowed = {"title", "system_prompt", "provider", "model"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not conversation fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        values: list[Any] = list(fields.values())
        if touch:
            assignments += ", updated_at = ?"
            values.append(self._clock())
        self._db.execute(
            f"UPDATE conversations SET {assignments} WHERE id = ?",  # noqa: S608
            (*values, conversation_id),
        )

    def delete_conversation(self, conversation_id: int) -> None:
        self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    # ----- messages --------------------------------------------------------------------------
    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str = "",
        *,
        provider: str = "",
        model: str = "",
        status: str = "complete",
    ) -> int:
        now = self._clock()
        with self._transaction():
            position = self._db.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM messages WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()[0]
            cursor = self._db.execute(
                "INSERT INTO messages (conversation_id, position, role, content, provider, model,"
                " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, position, role, content, provider, model, status, now, now),
            )
            self._touch(conversation_id, now)
        return int(cursor.lastrowid or 0)

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        reasoning: str | None = None,
        status: str | None = None,
        error: str | None = None,
        usage: dict[str, Any] | None = None,
        elapsed: float | None = None,
    ) -> None:
        fields: dict[str, Any] = {
            "content": content,
            "reasoning": reasoning,
            "status": status,
            "error": error,
            "usage": json.dumps(usage) if usage is not None else None,
            "elapsed": elapsed,
        }
        fields = {name: value for name, value in fields.items() if value is not None}
        if not fields:
            return
        now = self._clock()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._transaction():
            self._db.execute(
                f"UPDATE messages SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
                (*fields.values(), now, message_id),
            )
            self._db.execute(
                "UPDATE conversations SET updated_at = ? WHERE id ="
                " (SELECT conversation_id FROM messages WHERE id = ?)",
                (now, message_id),
            )

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        rows = self._db.execute(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY position",
            (conversation_id,),
        )
        return [_message(row) for row in rows]

    def truncate(self, conversation_id: int, from_position: int) -> None:
        """Drop the messages at ``from_position`` and after (regenerate, edit and resend)."""
        with self._transaction():
            self._db.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND position >= ?",
                (conversation_id, from_position),
            )
            self._touch(conversation_id, self._clock())

    def truncate_from(self, message_id: int) -> None:
        """Drop this message and those after it in its conversation (by id, so a caller need not
        know the stored positions)."""
        row = self._db.execute(
            "SELECT conversation_id, position FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is not None:
            self.truncate(row[0], row[1])

    def _touch(self, conversation_id: int, now: float) -> None:
        self._db.execute(
            "UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id)
        )

    # ----- search and export -----------------------------------------------------------------
    def search(
        self,
        query: str,
        limit: int = 50,
        offset: int = 0,
        *,
        prefix: bool = False,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Conversations whose messages match every word of ``query``, newest first, one hit
        each (``app.core.history_search.search``: any language, word forms, paged).

        ``prefix``: the last word also matches longer words (search as you type); ``marks``
        surround the matches in the snippet.
        """
        return history_search.search(self._db, query, limit, offset, prefix=prefix, marks=marks)

    def interrupt(self) -> None:
        """Abort the query this connection runs now (safe to call from another thread)."""
        self._db.interrupt()

    def export_markdown(
        self,
        conversation_id: int,
        extra: Callable[[StoredMessage], list[str]] | None = None,
    ) -> str:
        """The conversation as Markdown (text and non-secret metadata only); ``extra`` adds
        lines after a message (its attachments' links, ``attachments.export_markdown``).
        A comparison comes out one column's conversation after the other (the comparison
        window exports it prompt by prompt: ``compare_export``)."""
        conversation = self.conversation(conversation_id)
        lines = [f"# {conversation.title or 'Conversation'}", ""]
        if conversation.system_prompt:
            lines += ["> System: " + conversation.system_prompt.replace("\n", "\n> "), ""]
        for message in self.messages(conversation_id):
            who = "You" if message.role == "user" else (message.model or message.role.title())
            lines += [f"## {who}", "", message.content, ""]
            if extra is not None:
                lines += extra(message)
            if message.error:
                lines += [f"*Error: {message.error}*", ""]
        return "\n".join(lines).rstrip() + "\n"


def _message(row: sqlite3.Row) -> StoredMessage:
    data = dict(row)
    data.pop("created_at")
    data.pop("updated_at")
    data["usage"] = json.loads(data["usage"] or "{}")
    return StoredMessage(**data)


class AnswerRecorder:
    """Saves a streamed answer as it arrives: at most once per ``interval``, and at the end."""

    def __init__(
        self,
        history: History,
        message_id: int,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.history = history
        self.message_id = message_id
        self.interval = interval
        self._clock = clock
        self._parts: list[str] = []
        self._reasoning: list[str] = []
        self._saved_at = clock()
        self._dirty = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add_text(self, text: str) -> None:
        self._parts.append(text)
        self._changed()

    def add_reasoning(self, text: str) -> None:
        self._reasoning.append(text)
        self._changed()

    def _changed(self) -> None:
        self._dirty = True
        if self._clock() - self._saved_at >= self.interval:
            self.flush()

    def flush(self) -> None:
        if not self._dirty:
            return
        # Join once per save, not per chunk: the parts list keeps appends O(1).
        self._parts = ["".join(self._parts)]
        self.history.update_message(
            self.message_id, content=self._parts[0], reasoning="".join(self._reasoning)
        )
        self._saved_at = self._clock()
        self._dirty = False

    def finish(
        self,
        status: str = "complete",
        *,
        error: str = "",
        usage: dict[str, Any] | None = None,
        elapsed: float | None = None,
    ) -> None:
        self._dirty = True
        self.flush()
        self.history.update_message(
            self.message_id, status=status, error=error, usage=usage, elapsed=elapsed
        )


class SearchWorker:
    """Full-text search on a worker thread, with the worker's own connection.

    A page of hits is a few milliseconds (tests/bench/history_search.py), but a deep page or a
    word in thousands of messages of few conversations walks many matches, and the GUI thread
    must never wait on the disk. WAL lets this reader run beside the writer without blocking
    it. A new search interrupts the one still running.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history-search")
        self._store: History | None = None  # opened, used and closed on the worker thread only
        self._used = False  # the worker thread exists (it starts with the first search)

    def search(
        self,
        query: str,
        limit: int = 50,
        offset: int = 0,
        *,
        prefix: bool = True,
        marks: tuple[str, str],
    ) -> Future[list[SearchHit]]:
        """The hits, later; a search that a newer one interrupted ends with ``sqlite3.Error``."""
        self.interrupt()
        self._used = True
        return self._executor.submit(self._search, query, limit, offset, prefix, marks)

    def interrupt(self) -> None:
        store = self._store
        if store is not None:
            with suppress(sqlite3.ProgrammingError):  # closed in the meantime: nothing runs
                store.interrupt()

    def close(self) -> None:
        """Stop the worker (a running search is interrupted) and close its connection."""
        self.interrupt()
        if self._used:
            self._executor.submit(self._close)
        self._executor.shutdown(wait=True)

    def _search(
        self, query: str, limit: int, offset: int, prefix: bool, marks: tuple[str, str]
    ) -> list[SearchHit]:
        if self._store is None:
            self._store = History(self.path)
        return self._store.search(query, limit, offset, prefix=prefix, marks=marks)

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
