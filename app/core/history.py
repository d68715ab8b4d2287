"""Conversation history in SQLite: WAL mode, versioned schema, full-text search.

Each conversation is a tree of messages (schema 4): regenerated answers and edited messages are
siblings, each message names the child shown after it, and ``messages()`` is the path shown
(``all_messages()``: every version). Qt-free. Streamed answers are saved as they arrive
(``AnswerRecorder``: at least once a second), so a crash loses at most the last second. Nothing
secret is ever written here: only the text of the conversation and non-secret metadata
(provider id, model, usage, timing).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from app.core import compare_schema, history_search
from app.core.history_search import SearchHit as SearchHit  # callers import it from here
from app.core.markdown_outline import nest_headings
from app.core.message_tree import MessageTree
from providers.lazy import lazy_module

from .history_file import HistoryError, open_database, storable
from .history_file import verify as verify_file

if TYPE_CHECKING:
    from concurrent import futures
    from concurrent.futures import Future
else:  # the search's worker thread, made by the first search (not while the window starts)
    futures = lazy_module("concurrent.futures")

__all__ = ["AnswerRecorder", "History", "HistoryError", "SearchHit", "SearchWorker", "default_path"]

SCHEMA_VERSION = 5

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
    # Attachments (schema 3): each file once by sha256 (the bytes live in files beside the
    # database, ``app.core.attachments``), and which message uses it at which position.
    """
    CREATE TABLE IF NOT EXISTS attachments (
        sha256 TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('image', 'text')),
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        tokens INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS message_attachments (
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (message_id, position)
    );
    CREATE INDEX IF NOT EXISTS message_attachments_by_file ON message_attachments(sha256);
    """,
    # Schema 4: answer versions and edit branches. Each message has a parent (NULL: first of its
    # conversation) and the child shown after it; the conversation names its shown first message.
    # Existing conversations become a single path, each message the parent of the next.
    """
    ALTER TABLE messages ADD COLUMN parent_id INTEGER
        REFERENCES messages(id) ON DELETE CASCADE;
    ALTER TABLE messages ADD COLUMN active_child_id INTEGER
        REFERENCES messages(id) ON DELETE SET NULL;
    ALTER TABLE conversations ADD COLUMN active_root_id INTEGER
        REFERENCES messages(id) ON DELETE SET NULL;
    UPDATE messages SET parent_id = (
        SELECT previous.id FROM messages AS previous
        WHERE previous.conversation_id = messages.conversation_id
            AND previous.position < messages.position
        ORDER BY previous.position DESC LIMIT 1
    );
    CREATE INDEX messages_by_parent ON messages(parent_id);
    UPDATE messages SET active_child_id = (
        SELECT child.id FROM messages AS child WHERE child.parent_id = messages.id
    );
    UPDATE conversations SET active_root_id = (
        SELECT id FROM messages WHERE conversation_id = conversations.id AND parent_id IS NULL
        ORDER BY position LIMIT 1
    );
    """,
    compare_schema.MIGRATION,  # comparisons, their columns and blind votes (schema 5)
]


#: ``add_message``'s default parent: the last message of the shown path.
ACTIVE_LEAF = -1


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    system_prompt: str
    provider: str
    model: str
    created_at: float
    updated_at: float
    active_root_id: int | None = None  # the version of the first message that is shown


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
    parent_id: int | None = None  # the message before it (None: first of its conversation)
    active_child_id: int | None = None  # the version shown after it


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("roundtable")) / "history.sqlite3"


def needs_upgrade(path: Path | str | None = None) -> bool:
    """Whether opening the file will migrate it or rebuild its search index: seconds for a large
    history (about 15 s at 100k messages), so the window runs ``upgrade`` off the GUI thread
    first. A quick read; anything odd is left for ``History()`` to report."""
    path = Path(path) if path is not None else default_path()
    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(path)) as db:
            version: int = db.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                return 0 < version < SCHEMA_VERSION
            return not history_search.index_is_current(db)
    except sqlite3.Error:
        return False


#: Above this size the window checks an existing file's integrity (``PRAGMA quick_check``
#: reads all of it: ~1 ms a MB) on a worker thread before opening it, not on the GUI thread.
CHECK_APART_BYTES = 16 * 1024 * 1024


def needs_check(path: Path | str | None = None) -> bool:
    """Whether the file is large enough for the window to ``check`` it off the GUI thread."""
    path = Path(path) if path is not None else default_path()
    try:
        return path.stat().st_size > CHECK_APART_BYTES
    except OSError:
        return False  # no file (a new one is made), or History() says what is wrong


def check(path: Path | str | None = None) -> None:
    """Every check ``History()`` makes of an existing file, read-only, on the calling thread (a
    worker's); ``HistoryError`` says why the file cannot be used. ``History(path,
    integrity_checked=True)`` then opens it without reading it all again."""
    path = Path(path) if path is not None else default_path()
    verify_file(path, _MIGRATIONS, history_search.register)


def upgrade(path: Path | str | None = None) -> None:
    """Migrate the file and rebuild its index now, with a connection of the calling thread
    (a worker's); ``History()`` then opens it at once. Raises what ``History()`` raises."""
    History(path).close()


class History:
    """The conversation store. One connection, used from the thread that opened it.

    Any ``str`` can be stored: text that UTF-8 cannot hold (a lone surrogate) is cleaned on write.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        clock: Callable[[], float] = time.time,
        *,
        verify: bool = True,
        integrity_checked: bool = False,
    ):
        """Open (or create) the history; ``HistoryError`` says why a file cannot be used, and
        such a file is left as it was (``history_file``). ``verify=False``: a second
        connection to a file already verified (the search worker). ``integrity_checked``:
        ``check(path)`` has just passed, ``quick_check`` is not run again."""
        self.path = Path(path) if path is not None else default_path()
        self._clock = clock
        # The search index's triggers call ``search_terms``: every connection registers it first.
        self._db = open_database(
            self.path,
            _MIGRATIONS,
            verify=verify,
            integrity_checked=integrity_checked,
            prepare=history_search.register,
        )
        self._db.row_factory = sqlite3.Row
        history_search.check_index(self._db)  # rebuilt if another stemmer made it

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk does): rolling back again would
            # replace the real error with "cannot rollback - no transaction is active".
            if self._db.in_transaction:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

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
            (*map(storable, (title, system_prompt, provider, model)), now, now),
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
        values: list[Any] = [storable(value) for value in fields.values()]
        if touch:
            assignments += ", updated_at = ?"
            values.append(self._clock())
        self._db.execute(
            f"UPDATE conversations SET {assignments} WHERE id = ?",  # noqa: S608
            (*values, conversation_id),
        )

    def delete_conversation(self, conversation_id: int) -> None:
        self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def delete_all(self) -> None:
        """Delete every conversation, then give the space back to the disk (Clear history)."""
        with self._transaction():
            self._db.execute("DELETE FROM conversations")
        self._db.execute("VACUUM")

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
        parent_id: int | None = ACTIVE_LEAF,
    ) -> int:
        """Store a message as the child of ``parent_id`` (None: a first message; by default
        the end of the shown path) and show it: a second child is a new version."""
        now = self._clock()
        with self._transaction():
            position = self._db.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM messages WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()[0]
            if parent_id == ACTIVE_LEAF:
                path = self.messages(conversation_id)
                parent_id = path[-1].id if path else None
            cursor = self._db.execute(
                "INSERT INTO messages (conversation_id, position, role, content, provider, model,"
                " status, parent_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    position,
                    role,
                    *map(storable, (content, provider, model)),
                    status,
                    parent_id,
                    now,
                    now,
                ),
            )
            message_id = int(cursor.lastrowid or 0)
            self._show(conversation_id, parent_id, message_id)
            self._touch(conversation_id, now)
        return message_id

    def select_message(self, message_id: int) -> None:
        """Show this version of a message instead of its siblings (not activity: the
        conversation keeps its place in the list)."""
        row = self._db.execute(
            "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is not None:
            self._show(row[0], row[1], message_id)

    def _show(self, conversation_id: int, parent_id: int | None, message_id: int) -> None:
        if parent_id is None:
            self._db.execute(
                "UPDATE conversations SET active_root_id = ? WHERE id = ?",
                (message_id, conversation_id),
            )
        else:
            self._db.execute(
                "UPDATE messages SET active_child_id = ? WHERE id = ?", (message_id, parent_id)
            )

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
        fields = {
            name: storable(value) if isinstance(value, str) else value
            for name, value in fields.items()
            if value is not None
        }
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

    def all_messages(self, conversation_id: int) -> list[StoredMessage]:
        """Every stored message, every version, in the order they were written."""
        rows = self._db.execute(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY position",
            (conversation_id,),
        )
        return [_message(row) for row in rows]

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        """The conversation as shown: from its first message, each message's shown version
        (a comparison's messages are flat, each owned by its column: all of them)."""
        stored = self.all_messages(conversation_id)
        if compare_schema.is_comparison(self._db, conversation_id):
            return stored
        return self.shown_path(conversation_id, stored)

    def shown_path(self, conversation_id: int, stored: list[StoredMessage]) -> list[StoredMessage]:
        """The shown path through ``stored`` (all of a conversation's messages)."""
        row = self._db.execute(
            "SELECT active_root_id FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        tree, _ = MessageTree.build(
            ((m.id, m.parent_id, m) for m in stored),
            {None: row[0] if row else None} | {m.id: m.active_child_id for m in stored},
        )
        return [node.item for node in tree.path() if node.item is not None]

    def truncate(self, conversation_id: int, from_position: int) -> None:
        """Drop the messages at ``from_position`` and after."""
        with self._transaction():
            self._db.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND position >= ?",
                (conversation_id, from_position),
            )
            self._touch(conversation_id, self._clock())

    def truncate_from(self, message_id: int) -> None:
        """Drop this message and every message after it on any branch (a retried answer);
        its siblings, the other versions, stay."""
        with self._transaction():
            row = self._db.execute(
                "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                return
            self._db.execute("DELETE FROM messages WHERE id = ?", (message_id,))  # cascades
            self._touch(row[0], self._clock())

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
            lines += [f"## {who}", "", nest_headings(message.content), ""]
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
    """Saves a streamed answer as it arrives: at most once per ``interval``, and at the end.

    Saves happen when text arrives; the session also saves on a timer (``due_in``), so text
    received before a stall is on disk ``interval`` later whatever the stream does.
    """

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

    @property
    def dirty(self) -> bool:
        """Something arrived since the last save."""
        return self._dirty

    def due_in(self) -> float:
        """Seconds until unsaved text is ``interval`` old: when a timer must save it, so that
        the promise holds while nothing arrives (a stalled stream)."""
        return max(0.0, self.interval - (self._clock() - self._saved_at))

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
        self._executor: futures.ThreadPoolExecutor | None = None  # from the first search
        self._store: History | None = None  # opened, used and closed on the worker thread only

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
        if self._executor is None:
            self._executor = futures.ThreadPoolExecutor(1, thread_name_prefix="history-search")
        return self._executor.submit(self._search, query, limit, offset, prefix, marks)

    def interrupt(self) -> None:
        store = self._store
        if store is not None:
            with suppress(sqlite3.ProgrammingError):  # closed in the meantime: nothing runs
                store.interrupt()

    def close(self) -> None:
        """Stop the worker (a running search is interrupted) and close its connection."""
        self.interrupt()
        if self._executor is not None:
            self._executor.submit(self._close)
            self._executor.shutdown(wait=True)

    def _search(
        self, query: str, limit: int, offset: int, prefix: bool, marks: tuple[str, str]
    ) -> list[SearchHit]:
        if self._store is None:
            self._store = History(self.path, verify=False)
        return self._store.search(query, limit, offset, prefix=prefix, marks=marks)

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
