"""Comparisons and blind votes in the history database (schema 3).

A comparison is one conversation row (so the history lists it once, and search finds it through
its messages like any other) plus a ``comparisons`` row saying it is one. Its columns are
``comparison_columns`` (provider, model, parameters, own system prompt or NULL for the shared
one); every column's turns are ordinary ``messages`` of that conversation, each tied to its
column by ``comparison_messages``. A comparison is saved as a whole snapshot (``save``): the
window saves when a prompt is sent and when a column ends, so a crash loses at most the answers
still streaming.

Votes outlive the comparison they came from (``ON DELETE SET NULL``): the leaderboard is built
from every vote ever cast. Nothing secret is stored: parameters come from the generated form,
which never holds a key. Qt-free; uses the ``History``'s connection on its thread.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .compare_schema import MIGRATION, is_comparison
from .leaderboard import Vote
from .session import Turn, _turn_from, title_from_prompt

if TYPE_CHECKING:
    from .history import History

__all__ = [
    "MIGRATION",
    "CompareStore",
    "SavedColumn",
    "SavedComparison",
    "column_letter",
    "contender_name",
    "is_comparison",
    "votes_for",
]


@dataclass
class SavedColumn:
    """One column as stored: what it asks with and its turns."""

    provider: str
    model: str
    params: dict[str, Any] = field(default_factory=dict)
    system_prompt: str | None = None  # None: the comparison's shared one
    turns: list[Turn] = field(default_factory=list)


@dataclass
class SavedComparison:
    """A whole comparison; ``id`` is its conversation id once saved."""

    columns: list[SavedColumn]
    system_prompt: str = ""
    title: str = ""
    blind: bool = False
    revealed: bool = False
    id: int | None = None


def column_letter(position: int) -> str:
    """``A``, ``B``, … : a column's name in blind mode."""
    return chr(ord("A") + position)


def contender_name(provider_id: str, model: str, params: Mapping[str, Any] | None = None) -> str:
    """What the leaderboard ranks: ``openai:gpt-4o``, with its parameters when any were set
    (``openai:gpt-4o (temperature=0.2)``), so the same model at two settings is two entries."""
    name = f"{provider_id}:{model}"
    if params:
        settings = ", ".join(f"{key}={params[key]}" for key in sorted(params))
        name += f" ({settings})"
    return name


def votes_for(contenders: Sequence[str], choice: int | str) -> list[Vote]:
    """One vote as pairwise results: ``choice`` is the better column's position (it beat every
    other column), ``"tie"`` or ``"both_bad"`` (every pair)."""
    if isinstance(choice, int):
        if not 0 <= choice < len(contenders):
            raise ValueError(f"no column {choice}")
        winner = contenders[choice]
        return [Vote(winner, other, "a") for i, other in enumerate(contenders) if i != choice]
    if choice not in ("tie", "both_bad"):
        raise ValueError(f"Unknown vote {choice!r}: a column, 'tie' or 'both_bad'.")
    return [
        Vote(contenders[i], contenders[j], choice)  # type: ignore[arg-type]  # checked above
        for i in range(len(contenders))
        for j in range(i + 1, len(contenders))
    ]


def _row(turn: Turn, column: SavedColumn) -> tuple[Any, ...]:
    """A turn's stored fields, in the order ``CompareStore`` writes them."""
    answer = turn.role == "assistant"
    return (
        turn.role, turn.content, turn.reasoning, column.provider if answer else "",
        (turn.model or column.model) if answer else "", _status(turn), turn.error or "",
        json.dumps(turn.usage or {}), turn.elapsed,
    )  # fmt: skip


def _status(turn: Turn) -> str:
    if turn.streaming:
        return "streaming"
    if turn.error:
        return "error"
    return "stopped" if turn.stopped else "complete"


class CompareStore:
    """Comparisons and votes in ``history``'s database (used on the history's thread)."""

    def __init__(self, history: History) -> None:
        self.history = history
        self._db = history.connection
        #: What each message held when this store last wrote or read it: unchanged turns are
        #: not written again.
        self._written: dict[int, tuple[Any, ...]] = {}

    # ----- comparisons ----------------------------------------------------------------------------
    def is_comparison(self, conversation_id: int) -> bool:
        return is_comparison(self._db, conversation_id)

    def save(self, comparison: SavedComparison) -> int:
        """Write the whole comparison (created on its first save); its conversation id.

        The title is set once, from the first prompt: a rename in the history is kept.
        """
        db, now = self._db, time.time()
        first = next(
            (t.content for c in comparison.columns for t in c.turns if t.role == "user"), ""
        )
        db.execute("BEGIN")
        try:
            conversation_id = comparison.id
            if conversation_id is None or not self.is_comparison(conversation_id):
                cursor = db.execute(
                    "INSERT INTO conversations (title, system_prompt, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?)",
                    (comparison.title or title_from_prompt(first), comparison.system_prompt,
                     now, now),
                )  # fmt: skip
                conversation_id = int(cursor.lastrowid or 0)
                db.execute(
                    "INSERT INTO comparisons (conversation_id) VALUES (?)", (conversation_id,)
                )
            else:
                db.execute(
                    "UPDATE conversations SET system_prompt = ?, updated_at = ? WHERE id = ?",
                    (comparison.system_prompt, now, conversation_id),
                )
            db.execute(
                "UPDATE comparisons SET blind = ?, revealed = ? WHERE conversation_id = ?",
                (int(comparison.blind), int(comparison.revealed), conversation_id),
            )
            written = self._write_columns(conversation_id, comparison.columns, now)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        self._written.update(written)
        comparison.id = conversation_id
        return conversation_id

    def _write_columns(
        self, conversation_id: int, columns: list[SavedColumn], now: float
    ) -> dict[int, tuple[Any, ...]]:
        """The columns again, and only the messages that changed since the last save (a
        message's search index is rebuilt when it is written: rewriting every turn of a long
        comparison at each column's end would stall the window). New turns go after every
        stored one, so each column's turns stay in order. What was written, by message id."""
        db = self._db
        stored = {
            row[0]
            for row in db.execute(
                "SELECT id FROM messages WHERE conversation_id = ?", (conversation_id,)
            )
        }
        kept = {t.message_id for c in columns for t in c.turns if t.message_id in stored}
        for message_id in stored - kept:  # turns retried or edited away, columns removed
            db.execute("DELETE FROM messages WHERE id = ?", (message_id,))
        db.execute("DELETE FROM comparison_columns WHERE conversation_id = ?", (conversation_id,))
        position = db.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM messages WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()[0]
        written: dict[int, tuple[Any, ...]] = {}
        for index, column in enumerate(columns):
            cursor = db.execute(
                "INSERT INTO comparison_columns (conversation_id, position, provider, model,"
                " params, system_prompt) VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, index, column.provider, column.model,
                 json.dumps(column.params), column.system_prompt),
            )  # fmt: skip
            column_id = cursor.lastrowid
            for turn in column.turns:
                values = _row(turn, column)
                message_id = turn.message_id
                if message_id is not None and message_id in kept:
                    if self._written.get(message_id) != values:
                        db.execute(
                            "UPDATE messages SET role = ?, content = ?, reasoning = ?,"
                            " provider = ?, model = ?, status = ?, error = ?, usage = ?,"
                            " elapsed = ?, updated_at = ? WHERE id = ?",
                            (*values, now, message_id),
                        )
                else:
                    cursor = db.execute(
                        "INSERT INTO messages (role, content, reasoning, provider, model, status,"
                        " error, usage, elapsed, created_at, updated_at, conversation_id,"
                        " position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, now, now, conversation_id, position),
                    )
                    turn.message_id = cursor.lastrowid
                    position += 1
                assert turn.message_id is not None
                written[turn.message_id] = values
                db.execute(
                    "INSERT INTO comparison_messages (message_id, column_id) VALUES (?, ?)",
                    (turn.message_id, column_id),
                )
        return written

    def load(self, conversation_id: int) -> SavedComparison:
        """The stored comparison with all its columns and turns (``KeyError``: there is none)."""
        db = self._db
        row = db.execute(
            "SELECT blind, revealed FROM comparisons WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        conversation = self.history.conversation(conversation_id)
        columns: dict[int, SavedColumn] = {}
        for column_row in db.execute(
            "SELECT id, provider, model, params, system_prompt FROM comparison_columns"
            " WHERE conversation_id = ? ORDER BY position",
            (conversation_id,),
        ):
            params = json.loads(column_row["params"] or "{}")
            columns[column_row["id"]] = SavedColumn(
                column_row["provider"], column_row["model"],
                params if isinstance(params, dict) else {}, column_row["system_prompt"],
            )  # fmt: skip
        owners = dict(
            db.execute(
                "SELECT cm.message_id, cm.column_id FROM comparison_messages cm"
                " JOIN messages m ON m.id = cm.message_id WHERE m.conversation_id = ?",
                (conversation_id,),
            ).fetchall()
        )
        for message in self.history.messages(conversation_id):
            owner = columns.get(owners.get(message.id, -1))
            if owner is not None and message.role in ("user", "assistant"):
                turn = _turn_from(message, {})  # comparisons keep no files yet
                owner.turns.append(turn)
                self._written[message.id] = _row(turn, owner)
        return SavedComparison(
            list(columns.values()), conversation.system_prompt, conversation.title,
            bool(row["blind"]), bool(row["revealed"]), conversation_id,
        )  # fmt: skip

    # ----- votes ----------------------------------------------------------------------------------
    def add_votes(self, conversation_id: int | None, votes: Iterable[Vote]) -> int:
        """Store votes (pairwise results); how many were stored."""
        rows = [(conversation_id, a, b, outcome, time.time()) for a, b, outcome in votes]
        self._db.execute("BEGIN")
        try:
            self._db.executemany(
                "INSERT INTO comparison_votes (conversation_id, model_a, model_b, outcome,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return len(rows)

    def votes(self) -> list[Vote]:
        """Every vote ever stored, oldest first."""
        rows = self._db.execute(
            "SELECT model_a, model_b, outcome FROM comparison_votes ORDER BY id"
        ).fetchall()
        return [Vote(row[0], row[1], row[2]) for row in rows]

    # ----- a column continued alone --------------------------------------------------------------
    def save_as_chat(
        self, provider_id: str, model: str, system_prompt: str, turns: Iterable[Turn]
    ) -> int:
        """One column's turns as an ordinary conversation (to go on with it in the main window);
        its id."""
        history = self.history
        turns = list(turns)
        first = next((t.content for t in turns if t.role == "user"), "")
        conversation_id = history.create_conversation(
            title_from_prompt(first), system_prompt, provider_id, model
        )
        for turn in turns:
            if turn.role == "user":
                history.add_message(conversation_id, "user", turn.content)
                continue
            message_id = history.add_message(
                conversation_id, "assistant", turn.content, provider=provider_id,
                model=turn.model or model, status=_status(turn),
            )  # fmt: skip
            history.update_message(
                message_id, reasoning=turn.reasoning, error=turn.error or "",
                usage=turn.usage or {}, elapsed=turn.elapsed,
            )  # fmt: skip
        return conversation_id
